"""``momcert.theory.check``: decide the stepsize conditions of :mod:`momcert.theory.conditions` for a schedule and the
theorems of :mod:`momcert.theory.theorems` ([XHT]/[SA]) that it meets (``momcert explain ID`` states each).

Parameters in the schedules are positive reals; assumptions (relations such as ``a <= 1``) restrict them further.
Every verdict is exact on the allowed parameter set: a condition ``holds`` or ``fails`` for every allowed value, or
``depends`` (holds exactly on the region ``when``), or is ``unknown`` (``when`` is then the region where it was
proven to hold). A schedule that is not positive, or a theta_k outside (0, 1], for EVERY allowed parameter value is
bad input (:class:`momcert.theory.errors.InputError`); on a parameter region it is a condition with a region.

Also bad input, each with a one-line message naming the culprit: a schedule undefined at some k (``1/(k-3)**2``: the
first such k is named), a schedule not positive for any parameter value (a k with eta_k <= 0 is named where one is
found), a schedule without k in an index letter (``0.1/(n+1)``, see :func:`momcert.theory.parse.as_schedule`), and an
assumption on a name that appears in neither eta_k, theta_k nor rho. The structural requirements of plain SGD are
conditions like the others (``theta_is_one``, ``heavy_ball_map``), so every id in a theorem's ``failed`` list is a
condition of the report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import sympy

from . import regions
from .asymptotics import BUDGET_SECONDS, Decision, undecided, within_budget
from .budget import Deadline, sharing_one_watchdog
from .conditions import CONDITIONS, DEFAULT_NOISE, NOISE_CONDITIONS, Schedule
from .errors import InputError, ParseError
from .methods import method as method_spec
from .parse import K, as_expression, as_schedule, check_parameter_name, parameter_symbol, parse_relation
from .report import CheckReport, ConditionVerdict, TheoremVerdict
from .terms import first_undefined
from .theorems import THEOREMS, hypotheses
from .vocabulary import ConditionStatus, Coverage

#: Seconds for a whole :func:`check` (its decisions share them; each also has its own ``budget``).
CHECK_SECONDS = 8.0


def check(eta, theta=None, *, method: str = "heavy-ball", noise: str = DEFAULT_NOISE, random_scale=None,
          assume: Iterable = (), rho=None, translation=None, budget: float = BUDGET_SECONDS,
          ceiling: float = CHECK_SECONDS) -> CheckReport:
    """Check the schedule (eta_k, theta_k) against the theorems of :data:`momcert.theory.theorems.THEOREMS`.

    ``eta``/``theta``: text (parsed by :mod:`momcert.theory.parse`) or SymPy expressions in k; ``theta=None`` is plain
    SGD (theta_k = 1). ``noise``: ``"bounded"`` (noise_bounded, theta_k = o(1/log k)) or ``"l2"`` (noise_l2).
    ``random_scale``: ``(A, B)`` or ``"A:B"``, the interval of the random scalar multiplying eta_k (``xht-clarke``).
    ``assume``: relations on the parameters of eta, theta and rho. ``rho``: the weight of the direction argument
    m_k + rho theta_k (g_k - m_k), e.g. Lion's (default: the translation's, else 1). ``translation``: a
    :class:`momcert.theory.translations.Translation` whose description is printed with the report.
    ``budget``: seconds per decision; past it the condition is ``unknown``. ``ceiling``: seconds for the whole check;
    every decision runs for at most min(``budget``, time left), and the conditions (and theorems) it leaves no time
    for are ``unknown`` (``inconclusive``) with the reason "time budget of the check exhausted".
    """
    return sharing_one_watchdog(lambda: _check(eta, theta, method, noise, random_scale, assume, rho, translation,
                                               budget, ceiling))


def _check(eta, theta, method, noise, random_scale, assume, rho, translation, budget, ceiling) -> CheckReport:
    deadline = Deadline(ceiling)
    spec = method_spec(method)
    if noise not in NOISE_CONDITIONS:
        raise InputError(f"unknown noise model {noise!r} (known: {', '.join(NOISE_CONDITIONS)})")
    eta_expr = as_schedule(eta, "eta")
    theta_expr = sympy.Integer(1) if theta is None else as_schedule(theta, "theta")
    for expression, name in ((eta_expr, "eta_k"), (theta_expr, "theta_k")):
        _require_defined(expression, name, budget, deadline)
    rho_given = rho if rho is not None else (translation.rho if translation is not None else None)
    rho_expr = None if rho_given is None else as_expression(rho_given, "rho")
    if rho_expr is not None and K in rho_expr.free_symbols:
        raise InputError(f"rho must be a constant, got {sympy.sstr(rho_expr)}")
    relations = [_relation(item) for item in assume]
    _require_named_in_schedule(relations, eta_expr, theta_expr, rho_expr)
    domain = regions.from_assumptions(relations)
    if domain.is_false():
        raise InputError("no parameter value satisfies the assumptions (parameters are positive reals; --assume "
                         "restricts them further)")
    scale = _scale(random_scale)
    schedule = Schedule(eta_expr, theta_expr, scale, spec.name, sympy.Integer(1) if rho_expr is None else rho_expr)

    verdicts: dict[str, ConditionVerdict] = {}
    decisions: dict[str, Decision] = {}
    for condition in CONDITIONS.values():
        # the decision and its classification over the parameter domain share one time budget: region algebra on
        # many parameters can be as costly as the asymptotics
        decision, verdict = within_budget(
            lambda c=condition: _decided(c, c.decide(schedule), domain), budget, condition.id,
            fallback=lambda reason, c=condition: _decided(c, undecided(reason), domain), deadline=deadline)
        decisions[condition.id], verdicts[condition.id] = decision, verdict
    _reject_bad_schedules(verdicts, eta_expr, theta_expr)

    noise_pair = NOISE_CONDITIONS[noise]
    theorem_verdicts: dict[str, TheoremVerdict] = {}
    covered_regions: dict[str, tuple[regions.Region, regions.Region]] = {}
    late: list[str] = []  # theorems whose region algebra ran past the budget
    for theorem in THEOREMS.values():
        ids = hypotheses(theorem, noise_pair)
        failed = [i for i in ids if verdicts[i].status == "fails"]
        if theorem.any_of and all(theorem_verdicts[o].verdict == "not_covered" for o in theorem.any_of):
            # xht-clarke needs one of them: what keeps each from covering the schedule keeps it from covering too
            failed = list(dict.fromkeys(failed + [i for o in theorem.any_of for i in theorem_verdicts[o].failed]))
        if failed:  # a hypothesis fails for every allowed parameter value: no region algebra is needed
            covered, not_covered = regions.FALSE, regions.TRUE
            verdict = _theorem_verdict(theorem, ids, covered, not_covered, failed, domain)
        else:
            covered, not_covered, verdict = within_budget(
                lambda t=theorem, i=ids: _theorem_regions(t, i, decisions, covered_regions, domain),
                budget, theorem.id,
                fallback=lambda reason, t=theorem, i=ids: _theorem_undecided(t, i, reason, domain, late),
                deadline=deadline)
        if verdict.verdict == "not_covered" and not verdict.failed:
            # no hypothesis fails everywhere, but the regions where each holds do not meet: name a minimal set of those
            depending = [i for i in ids if verdicts[i].status == "depends"]
            verdict = dataclasses.replace(verdict, failed=_conflicting(depending, decisions, domain))
        covered_regions[theorem.id] = (covered, not_covered)
        theorem_verdicts[theorem.id] = verdict

    noise_used = {t.id: next(i for i in hypotheses(t, noise_pair) if i in noise_pair)
                  for t in THEOREMS.values() if not t.any_of}
    notes = _notes(spec.name, rho_expr, verdicts) + [f"inconclusive: {reason}" for reason in late]
    parameters = sorted({s.name for s in (eta_expr.free_symbols | theta_expr.free_symbols) - {K}})
    return CheckReport(eta_expr, theta_expr, parameters, spec.name, noise, noise_used, verdicts, theorem_verdicts,
                       [sympy.sstr(r) for r in relations], scale,
                       translation.describe() if translation is not None else None, notes)


def _require_defined(expression: sympy.Expr, name: str, budget: float, deadline: Deadline) -> None:
    """InputError naming the first k where a term is undefined (1/(k-3)**2 at k = 3), when one is found in time."""
    found = within_budget(lambda: first_undefined(expression), budget, f"{name} defined", fallback=lambda _: None,
                          deadline=deadline)
    if found is not None:
        raise InputError(f"{name} = {sympy.sstr(expression)} is undefined at k = {found[0]} ({found[1]})")


def _require_named_in_schedule(relations, eta: sympy.Expr, theta: sympy.Expr, rho: sympy.Expr | None) -> None:
    """An assumption on a name that appears in neither schedule (nor rho) restricts nothing: a misspelt name."""
    known = {s.name for e in (eta, theta, rho) if e is not None for s in e.free_symbols}
    unknown = sorted({s.name for r in relations for s in r.free_symbols} - known)
    if unknown:
        verb = "does" if len(unknown) == 1 else "do"
        raise InputError(f"assume: {', '.join(unknown)} {verb} not appear in the schedule")


def _relation(item) -> sympy.Basic:
    if isinstance(item, str):
        try:
            relation = parse_relation(item)
        except ParseError as error:
            raise ParseError(f"assume: {error}") from None
    elif isinstance(item, sympy.Basic):
        for symbol in item.free_symbols:
            check_parameter_name(symbol.name, lambda message: InputError(f"assume: {message}"))
        relation = item.xreplace({s: parameter_symbol(s.name) for s in item.free_symbols})
    else:
        raise InputError(f"an assumption must be text such as 'a <= 1', got {type(item).__name__}")
    if K in relation.free_symbols:
        raise InputError(f"an assumption is about the parameters, not k: {sympy.sstr(relation)}")
    return relation


def _scale(random_scale):
    if random_scale is None:
        return None
    if isinstance(random_scale, str):
        low, colon, high = random_scale.partition(":")
        if not colon:
            raise InputError(f"random scale must be A:B, got {random_scale!r}")
    else:
        try:
            low, high = random_scale
        except (TypeError, ValueError):
            raise InputError(f"random scale must be a pair (A, B), got {random_scale!r}") from None
    values = (as_expression(low, "random scale A"), as_expression(high, "random scale B"))
    if not all(v.is_number and v.is_real for v in values) or not (values[0] > 0 and values[1] > values[0]):
        raise InputError(f"random scale needs numbers 0 < A < B, got {sympy.sstr(values[0])}:{sympy.sstr(values[1])}")
    return values


def _classify(yes: regions.Region, no: regions.Region, domain: regions.Region, names: tuple[str, str, str, str]):
    """``(name, when)``: names[0] if ``yes`` covers the domain, names[1] if ``no`` does, names[2] if together they do
    (``when`` is then the exact region of ``yes``), names[3] otherwise (``when``: where ``yes`` was proven)."""
    if regions.covers(yes, domain):
        return names[0], sympy.true
    if regions.covers(no, domain):
        return names[1], sympy.false
    return (names[2] if regions.covers(yes | no, domain) else names[3]), yes.to_sympy(domain)


def _condition_verdict(condition, decision: Decision, domain: regions.Region) -> ConditionVerdict:
    words = (ConditionStatus.HOLDS, ConditionStatus.FAILS, ConditionStatus.DEPENDS, ConditionStatus.UNKNOWN)
    status, when = _classify(decision.holds, decision.fails, domain, words)
    return ConditionVerdict(condition.id, status, when, decision.reason, condition.statement, condition.provenance)


def _decided(condition, decision: Decision, domain: regions.Region) -> tuple[Decision, ConditionVerdict]:
    return decision, _condition_verdict(condition, decision, domain)


def _theorem_regions(theorem, ids, decisions, covered_regions, domain):
    """``(covered, not_covered, verdict)``: the regions where every hypothesis holds / some hypothesis fails (for
    ``xht-clarke`` also where one of ``any_of`` covers / none does) and the verdict over the domain, for a theorem
    none of whose hypotheses fails everywhere."""
    covered, not_covered = regions.TRUE, regions.FALSE
    for condition_id in ids:
        covered = covered & decisions[condition_id].holds
        not_covered = not_covered | decisions[condition_id].fails
    if theorem.any_of:
        first, second = (covered_regions[other] for other in theorem.any_of)
        covered, not_covered = covered & (first[0] | second[0]), not_covered | (first[1] & second[1])
    return covered, not_covered, _theorem_verdict(theorem, ids, covered, not_covered, [], domain)


def _conflicting(ids: list[str], decisions: dict[str, Decision], domain: regions.Region) -> list[str]:
    """A minimal set of the hypotheses ``ids`` whose regions of holding do not meet inside the domain: each is left
    out in turn, and stays out while the others still do not meet (for ``--theta "1 - b" --eta "c/(k+1)"`` and
    xht-two, ratio_to_zero (b != 1) and noise_bounded (b = 1)); all of ``ids`` when they meet (then what excludes
    the rest is the theorem's ``any_of`` part)."""
    def meet(chosen: list[str]) -> bool:
        region = domain
        for condition_id in chosen:
            region = region & decisions[condition_id].holds
        return not region.is_false()

    if meet(ids):
        return ids
    kept = list(ids)
    for condition_id in ids:
        rest = [i for i in kept if i != condition_id]
        if not meet(rest):
            kept = rest
    return kept


def _theorem_undecided(theorem, ids, reason: str, domain, late: list[str]):
    """The theorem's verdict when its region algebra ran past the budget: inconclusive; the reason goes to ``late``."""
    late.append(reason)
    return regions.FALSE, regions.FALSE, _theorem_verdict(theorem, ids, regions.FALSE, regions.FALSE, [], domain)


def _theorem_verdict(theorem, ids, covered, not_covered, failed, domain) -> TheoremVerdict:
    words = (Coverage.COVERED, Coverage.NOT_COVERED, Coverage.DEPENDS, Coverage.INCONCLUSIVE)
    verdict, when = _classify(covered, not_covered, domain, words)
    shown = tuple(ids) + tuple(theorem.any_of)
    return TheoremVerdict(theorem.id, verdict, when, failed, theorem.provenance, shown, theorem.conclusion,
                          theorem.assumed)


def _reject_bad_schedules(verdicts: dict[str, ConditionVerdict], eta: sympy.Expr, theta: sympy.Expr) -> None:
    if verdicts["eta_positive"].status == "fails":
        raise InputError(f"eta_k = {sympy.sstr(eta)} is not positive for every k >= 0, for any parameter value "
                         f"({verdicts['eta_positive'].reason.split(';')[0]})")
    if verdicts["theta_in_unit"].status == "fails":
        witnesses = [part.strip() for part in verdicts["theta_in_unit"].reason.split(";") if " at k = " in part]
        found = f": {witnesses[0]}" if witnesses else ""
        raise InputError(f"theta_k = {sympy.sstr(theta)} is not in (0, 1] for every k >= 0 (theta above 1 or not "
                         f"positive for every parameter value{found})")


def _notes(method: str, rho: sympy.Expr | None, verdicts: dict[str, ConditionVerdict]) -> list[str]:
    notes = []
    if method == "lion" or (rho is not None and rho != 1):
        shown = "rho" if rho is None else f"rho = {sympy.sstr(rho)}"
        status = verdicts["theta_to_zero"].status
        if status != "holds":
            notes.append(f"the direction argument is perturbed by (rho - 1) theta_k (g_k - m_k) ({shown}); the "
                         f"framework (momcert explain framework) absorbs this only when theta_k -> 0, and here "
                         f"theta_to_zero {status}: under a single-timescale schedule the perturbation does not "
                         "vanish, so the xht verdicts are about the framework direction, not this method's")
        else:
            notes.append(f"the direction argument is perturbed by (rho - 1) theta_k (g_k - m_k) ({shown}), which "
                         "vanishes since theta_k -> 0 (momcert explain framework)")
    return notes
