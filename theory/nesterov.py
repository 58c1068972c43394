"""Nesterov's momentum on partially strongly convex objectives [LK] (``momcert explain lk-theorem-7``).

Liao & Kyrillidis, ALT 2024 (PMLR 237), numbering of the PMLR version. Parameters split as (x, u); the method is

    x_{k+1} = y_k - eta grad f(y_k),    y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k),    y_0 = x_0,

with eta = c / L1, beta = (4 sqrt(kappa) - sqrt(c)) / (4 sqrt(kappa) + 7 sqrt(c)), kappa = L1 / mu, and an absolute
constant c <= 1/51. Theorem 7: f(x_k, u_k) - f* <= 2 (1 - c / (4 sqrt(kappa)))^k Delta0 under the G1/G2 and radius
hypotheses built by :func:`theorem7_hypotheses`; Theorem 6: gradient descent with the same eta contracts with
1 - c / (4 kappa).

Every function takes numbers, SymPy expressions or text (parsed safely) and returns SymPy expressions: exact,
printable as LaTeX, and ``float()``-able when the inputs are numbers. Constants the paper leaves unspecified (C1, C2,
and c beyond c <= 1/51) are never chosen silently: the functions ``implied_*`` return the smallest value for which an
inequality holds with the given quantities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy import Rational, sqrt

from .budget import within_ceiling
from .errors import InputError
from .lk_models import (
    additive_constants,
    additive_constants_from_matrices,
    lemma14_constants,
    relu_constants,
    relu_measured_constants,
    theorem13_implied_constant,
    width_implied_constant,
)
from .nesterov_report import Hypothesis, NesterovReport
from .parse import K
from .quantities import as_quantity, display, is_numeric, require_nonnegative, require_positive, tidy
from .statements import LK_ASSUMPTIONS, LK_HYPOTHESES

__all__ = [
    "ASSUMPTIONS",
    "C_MAX",
    "LKParameters",
    "Lemma10Bounds",
    "additive_constants",
    "additive_constants_from_matrices",
    "beta_of",
    "implied_C1",
    "implied_C2",
    "implied_c_for_radii",
    "iterations_to_gap",
    "lemma10_bounds",
    "lemma14_constants",
    "lk_parameters",
    "nesterov_analysis",
    "relu_constants",
    "relu_measured_constants",
    "textbook_parameters",
    "theorem6_bound",
    "theorem6_hypotheses",
    "theorem7_G1G2_bound",
    "theorem7_G1_bound",
    "theorem7_bound",
    "theorem7_hypotheses",
    "theorem13_implied_constant",
    "width_implied_constant",
]

#: The largest c for which the [LK] proof goes through ("the proof needs c <= 1/51").
C_MAX = Rational(1, 51)

#: Assumptions 1-6 of [LK] (PMLR numbering), the hypotheses on f that no schedule check can decide.
ASSUMPTIONS = LK_ASSUMPTIONS
#: Seconds for a whole :func:`nesterov_analysis`, a backstop (values are bounded by the grammar; a typical analysis
#: takes a few seconds, most of it in simplify); printing its report has the same budget again.
ANALYSIS_SECONDS = 30.0


def beta_of(kappa: object, c: object = C_MAX) -> sympy.Expr:
    """[LK] momentum: beta = (4 sqrt(kappa) - sqrt(c)) / (4 sqrt(kappa) + 7 sqrt(c))."""
    kappa, c = as_quantity(kappa, "kappa"), as_quantity(c, "c")
    return (4 * sqrt(kappa) - sqrt(c)) / (4 * sqrt(kappa) + 7 * sqrt(c))


@dataclass(frozen=True)
class LKParameters:
    """[LK] Theorem 7 parameters for a problem with constants mu, L1 and the absolute constant c.

    kappa = L1/mu, eta = c/L1, beta = (4 sqrt(kappa) - sqrt(c))/(4 sqrt(kappa) + 7 sqrt(c)),
    rate = 1 - c/(4 sqrt(kappa)) (Theorem 7, Nesterov), gd_rate = 1 - c/(4 kappa) (Theorem 6, GD with step eta).
    """

    mu: sympy.Expr
    L1: sympy.Expr
    c: sympy.Expr
    kappa: sympy.Expr
    eta: sympy.Expr
    beta: sympy.Expr
    rate: sympy.Expr
    gd_rate: sympy.Expr

    def as_floats(self) -> dict[str, float]:
        """The fields as floats (numbers only; raises TypeError for symbolic parameters)."""
        return {name: float(getattr(self, name)) for name in self.__dataclass_fields__}


def lk_parameters(mu: object, L1: object, c: object = C_MAX, *, allow_c: bool = False) -> LKParameters:
    """[LK] parameters eta = c/L1, beta, rate and gd_rate ([LK] Theorem 7) for constants mu <= L1 and c.

    Raises :class:`InputError` for mu <= 0, L1 < mu (kappa < 1), or c outside (0, 1/51] (the range of the proof;
    ``allow_c=True`` accepts any c > 0, e.g. to study the method beyond the theorem).
    """
    mu, L1, c = as_quantity(mu, "mu"), as_quantity(L1, "L1"), as_quantity(c, "c")
    require_positive(mu, "mu")
    require_positive(L1, "L1")
    require_positive(c, "c")
    if (L1 - mu).is_negative:
        raise InputError(f"L1 = {display(L1)} is smaller than mu = {display(mu)} (kappa = L1/mu must be >= 1)")
    if not allow_c and (c - C_MAX).is_positive:
        raise InputError(f"c = {display(c)} is outside (0, 1/51], the range of the [LK] proof (--allow-c accepts it)")
    kappa = L1 / mu
    beta = tidy(beta_of(kappa, c))
    if beta.is_positive is False:
        raise InputError(f"c = {display(c)} gives beta = {display(beta)} <= 0 (c >= 16 kappa): no momentum is left")
    return LKParameters(
        mu=mu, L1=L1, c=c, kappa=kappa, eta=c / L1, beta=beta,
        rate=1 - c / (4 * sqrt(kappa)), gd_rate=1 - c / (4 * kappa),
    )


def textbook_parameters(mu: object, L: object):
    """[TXT] Nesterov on L-smooth mu-strongly convex f: eta = 1/L, beta = (sqrt(kappa)-1)/(sqrt(kappa)+1).

    Delegates to :func:`momcert.theory.baselines.textbook_nesterov` (the one definition), for the [LK] comparison.
    """
    from .baselines import textbook_nesterov

    return textbook_nesterov(mu, L)


def theorem7_bound(k: object, delta0: object, rate: object) -> sympy.Expr:
    """[LK] Theorem 7: f(x_k, u_k) - f* <= 2 rate^k Delta0."""
    return 2 * as_quantity(rate, "rate") ** _index(k) * as_quantity(delta0, "delta0")


def theorem6_bound(k: object, delta0: object, gd_rate: object) -> sympy.Expr:
    """[LK] Theorem 6 (gradient descent): f_k - f* <= gd_rate^k Delta0."""
    return as_quantity(gd_rate, "gd_rate") ** _index(k) * as_quantity(delta0, "delta0")


def _index(k: object) -> sympy.Expr:
    if isinstance(k, sympy.Basic):
        return k
    if isinstance(k, int) and not isinstance(k, bool) and k >= 0:
        return sympy.Integer(k)
    raise InputError(f"k: expected a nonnegative integer or a SymPy symbol, got {k!r}")


@dataclass(frozen=True)
class Lemma10Bounds:
    """[LK] Lemma 10 (in the proof of Theorem 7): iterate moves shrink geometrically.

    ||x_k - x_{k-1}||^2 <= Q2 rho^k phi_0,          Q2 = 6 eta (L2+1) / (1-beta),
    ||u_k - u_{k-1}||^2 <= G1^2 Q3 rho^k phi_0,     Q3 = 6 eta L2 (L2+1) (1+beta)^3 / (mu beta (1-beta)^3),
    with rho = 1 - c/(4 sqrt(kappa)) and phi_0 <= 2 Delta0.
    """

    Q2: sympy.Expr
    Q3: sympy.Expr
    G1: sympy.Expr
    rate: sympy.Expr
    phi0: sympy.Expr

    def dx_sq(self, k: object) -> sympy.Expr:
        """Bound on ||x_k - x_{k-1}||^2."""
        return self.Q2 * self.rate ** _index(k) * self.phi0

    def du_sq(self, k: object) -> sympy.Expr:
        """Bound on ||u_k - u_{k-1}||^2."""
        return self.G1**2 * self.Q3 * self.rate ** _index(k) * self.phi0

    def dx_sq_function(self) -> Callable[[int], float]:
        """:meth:`dx_sq` as a float function of k (numbers only), for the numeric side."""
        return sympy.lambdify(K, self.dx_sq(K), modules="math")

    def du_sq_function(self) -> Callable[[int], float]:
        """:meth:`du_sq` as a float function of k (numbers only), for the numeric side."""
        return sympy.lambdify(K, self.du_sq(K), modules="math")


def lemma10_bounds(eta: object, beta: object, mu: object, L2: object, G1: object, rate: object,
                   phi0: object) -> Lemma10Bounds:
    """[LK] Lemma 10 constants Q2, Q3 and the move bounds as functions of k (see :class:`Lemma10Bounds`)."""
    eta, beta, mu = as_quantity(eta, "eta"), as_quantity(beta, "beta"), as_quantity(mu, "mu")
    L2, G1 = as_quantity(L2, "L2"), as_quantity(G1, "G1")
    q2 = 6 * eta * (L2 + 1) / (1 - beta)
    q3 = 6 * eta * L2 * (L2 + 1) * (1 + beta) ** 3 / (mu * beta * (1 - beta) ** 3)
    return Lemma10Bounds(Q2=tidy(q2), Q3=tidy(q3), G1=G1, rate=as_quantity(rate, "rate"),
                         phi0=as_quantity(phi0, "phi0"))


def theorem7_G1_bound(mu: object, L2: object, beta: object) -> sympy.Expr:
    """[LK] Theorem 7: the right side of G1^4 <= C1 * bound, bound = mu^2 / (L2 (L2+1)^2) ((1-beta)/(1+beta))^3."""
    mu, L2, beta = as_quantity(mu, "mu"), as_quantity(L2, "L2"), as_quantity(beta, "beta")
    return mu**2 / (L2 * (L2 + 1) ** 2) * ((1 - beta) / (1 + beta)) ** 3


def theorem7_G1G2_bound(mu: object, L2: object, kappa: object, beta: object) -> sympy.Expr:
    """[LK] Theorem 7: the right side of G1^2 G2^2 <= C2 * bound,
    bound = mu^3 / (L2 (L2+1) sqrt(kappa)) ((1-beta)/(1+beta))^2."""
    mu, L2 = as_quantity(mu, "mu"), as_quantity(L2, "L2")
    kappa, beta = as_quantity(kappa, "kappa"), as_quantity(beta, "beta")
    return mu**3 / (L2 * (L2 + 1) * sqrt(kappa)) * ((1 - beta) / (1 + beta)) ** 2


def implied_C1(G1: object, mu: object, L2: object, beta: object) -> sympy.Expr:
    """Smallest C1 with G1^4 <= C1 mu^2 / (L2 (L2+1)^2) ((1-beta)/(1+beta))^3 ([LK] Theorem 7).

    C1 = G1^4 L2 (L2+1)^2 / mu^2 * ((1+beta)/(1-beta))^3.
    """
    return as_quantity(G1, "G1") ** 4 / theorem7_G1_bound(mu, L2, beta)


def implied_C2(G1: object, G2: object, mu: object, L2: object, kappa: object, beta: object) -> sympy.Expr:
    """Smallest C2 with G1^2 G2^2 <= C2 mu^3 / (L2 (L2+1) sqrt(kappa)) ((1-beta)/(1+beta))^2 ([LK] Theorem 7).

    C2 = G1^2 G2^2 L2 (L2+1) sqrt(kappa) / mu^3 * ((1+beta)/(1-beta))^2.
    """
    G1, G2 = as_quantity(G1, "G1"), as_quantity(G2, "G2")
    return G1**2 * G2**2 / theorem7_G1G2_bound(mu, L2, kappa, beta)


def theorem7_radius_x(params: LKParameters, L2: object, delta0: object) -> sympy.Expr:
    """[LK] Theorem 7: the smallest admissible R_x = (36/c) sqrt(kappa) (eta (L2+1)/(1-beta))^(1/2) Delta0^(1/2)."""
    L2, delta0 = as_quantity(L2, "L2"), as_quantity(delta0, "delta0")
    p = params
    return 36 / p.c * sqrt(p.kappa) * sqrt(p.eta * (L2 + 1) / (1 - p.beta)) * sqrt(delta0)


def theorem7_radius_u(params: LKParameters, L2: object, G1: object, delta0: object) -> sympy.Expr:
    """[LK] Theorem 7: the smallest admissible
    R_u = (36/c) sqrt(kappa) (eta G1^2 L2 (L2+1) (1+beta)^3 / (mu beta (1-beta)^3))^(1/2) Delta0^(1/2)."""
    L2, G1, delta0 = as_quantity(L2, "L2"), as_quantity(G1, "G1"), as_quantity(delta0, "delta0")
    p = params
    inside = p.eta * G1**2 * L2 * (L2 + 1) * (1 + p.beta) ** 3 / (p.mu * p.beta * (1 - p.beta) ** 3)
    return 36 / p.c * sqrt(p.kappa) * sqrt(inside) * sqrt(delta0)


def theorem6_radius_x(params: LKParameters, delta0: object) -> sympy.Expr:
    """[LK] Theorem 6: the smallest admissible R_x = 16 eta kappa sqrt(L1) Delta0^(1/2)."""
    p = params
    return 16 * p.eta * p.kappa * sqrt(p.L1) * sqrt(as_quantity(delta0, "delta0"))


def theorem6_radius_u(params: LKParameters, G1: object, L2: object, delta0: object) -> sympy.Expr:
    """[LK] Theorem 6: the smallest admissible R_u = 16 eta kappa G1 sqrt(L2) Delta0^(1/2)."""
    p = params
    G1, L2, delta0 = as_quantity(G1, "G1"), as_quantity(L2, "L2"), as_quantity(delta0, "delta0")
    return 16 * p.eta * p.kappa * G1 * sqrt(L2) * sqrt(delta0)


def iterations_to_gap(rate: object, target: object, delta0: object = 1, factor: object = 1) -> sympy.Expr:
    """Smallest k >= 0 with factor * rate^k * Delta0 <= target: ceiling(log(factor Delta0 / target) / -log(rate)).

    Use factor = 2 for [LK] Theorem 7 and factor = 1 for Theorem 6 and the [TXT] baselines.
    """
    rate, target = as_quantity(rate, "rate"), as_quantity(target, "target")
    delta0, factor = as_quantity(delta0, "delta0"), as_quantity(factor, "factor")
    require_positive(target, "target")
    if is_numeric(rate) and not (0 < rate < 1):
        raise InputError(f"rate = {display(rate)} is not in (0, 1): no contraction")
    if is_numeric(factor, delta0, target) and factor * delta0 <= target:
        return sympy.Integer(0)  # the start already meets the target (Delta0 = 0 included)
    steps = sympy.log(factor * delta0 / target) / -sympy.log(rate)
    if is_numeric(steps):
        return sympy.Integer(max(0, int(sympy.ceiling(steps))))
    return sympy.Max(0, sympy.ceiling(steps))


def implied_c_for_radii(mu: object, L1: object, L2: object, G1: object, delta0: object, Rx: object,
                        Ru: object, *, tolerance: float = 1e-12) -> sympy.Expr | None:
    """Smallest c in (0, 1/51] for which the Theorem 7 radius conditions hold (numbers only), or None if none does.

    The constant c is unspecified beyond c <= 1/51. Both required radii decrease as c grows (c (1-beta) and
    c beta (1-beta)^3 / (1+beta)^3 increase on (0, 1/51] for kappa >= 1), so the admissible c form an interval
    [c_min, 1/51]; c_min is found by bisection to ``tolerance`` (relative) and rounded up.
    """
    values = [as_quantity(v, n, allow_infinity=n in ("Rx", "Ru")) for v, n in
              ((mu, "mu"), (L1, "L1"), (L2, "L2"), (G1, "G1"), (delta0, "delta0"), (Rx, "Rx"), (Ru, "Ru"))]
    if not is_numeric(*values):
        raise InputError("the implied c needs numeric mu, L1, L2, G1, delta0, Rx and Ru")
    mu, L1, L2, G1, delta0, Rx, Ru = values

    def admissible(c: float) -> bool:
        p = lk_parameters(mu, L1, sympy.Float(c, 30), allow_c=True)
        return (float(theorem7_radius_x(p, L2, delta0)) <= float(Rx)
                and float(theorem7_radius_u(p, L2, G1, delta0)) <= float(Ru))

    if Rx == sympy.oo and Ru == sympy.oo:
        return sympy.Integer(0)  # no radius constraint: every c in (0, 1/51] is admissible
    if not admissible(float(C_MAX)):
        return None
    low, high = 0.0, float(C_MAX)
    for _ in range(200):  # bisection; 200 halvings of 1/51 stay far above float underflow
        if high - low <= tolerance * high:
            break
        middle = (low + high) / 2
        low, high = (low, middle) if admissible(middle) else (middle, high)
    return sympy.Float(high, 15)


# -- hypotheses with statuses ---------------------------------------------------------------------------------------

def _compare(lhs: sympy.Expr, rhs: sympy.Expr) -> tuple[str, sympy.Basic]:
    """Status of ``lhs <= rhs``: holds/fails for numbers, depends (with the relation as region) for symbols."""
    if lhs == 0 or rhs == sympy.oo:
        return "holds", sympy.true
    relation = sympy.Le(lhs, rhs)
    if relation in (sympy.true, sympy.false):
        return ("holds", sympy.true) if relation == sympy.true else ("fails", sympy.false)
    difference = sympy.simplify(rhs - lhs)
    if difference.is_nonnegative:
        return "holds", sympy.true
    if difference.is_negative:
        return "fails", sympy.false
    if is_numeric(lhs, rhs):
        return "unknown", relation
    return "depends", relation


def _stated(identifier: str, status: str, when: sympy.Basic, **details) -> Hypothesis:
    """The hypothesis ``identifier`` with its statement and provenance from :data:`LK_HYPOTHESES` (one source for
    ``momcert nesterov`` and ``momcert explain``)."""
    statement = LK_HYPOTHESES[identifier]
    return Hypothesis(identifier, statement.statement, statement.provenance, status, when, **details)


def _constant_hypothesis(identifier: str, constant: str, lhs: sympy.Expr, bound: sympy.Expr) -> Hypothesis:
    """The hypothesis ``lhs <= C * bound`` with an unspecified absolute constant C: report the implied constant
    lhs / bound, the smallest C for which it holds."""
    symbol = sympy.Symbol(constant, positive=True)
    relation = sympy.Le(lhs, symbol * tidy(bound), evaluate=False)
    implied = tidy(lhs / bound)
    if implied == 0:
        return _stated(identifier, "holds", sympy.true, implied_constant=(constant, implied), relation=relation,
                       reason=f"holds for every {constant} > 0 (left side is 0)")
    threshold = implied.evalf(15) if is_numeric(implied) else implied
    return _stated(identifier, "depends", sympy.Ge(symbol, threshold), implied_constant=(constant, implied),
                   relation=relation, reason=f"{constant} is an unspecified absolute constant: the inequality holds "
                                             f"iff {constant} >= {display(implied)}")


def _radius_hypothesis(identifier: str, radius: sympy.Expr, required: sympy.Expr) -> Hypothesis:
    required = tidy(required)
    status, when = _compare(required, radius)
    return _stated(identifier, status, when, required=required, reason=f"needs a radius >= {display(required)}",
                   relation=sympy.Ge(radius, required, evaluate=False))


def theorem7_hypotheses(params: LKParameters, *, L2: object, G1: object, G2: object, delta0: object,
                        Rx: object, Ru: object) -> list[Hypothesis]:
    """[LK] Theorem 7 hypotheses with statuses (holds, fails, depends, unknown) and implied constants C1, C2."""
    L2, G1, G2 = as_quantity(L2, "L2"), as_quantity(G1, "G1"), as_quantity(G2, "G2")
    delta0 = as_quantity(delta0, "delta0")
    Rx, Ru = as_quantity(Rx, "Rx", allow_infinity=True), as_quantity(Ru, "Ru", allow_infinity=True)
    require_positive(L2, "L2")
    for value, name in ((G1, "G1"), (G2, "G2"), (delta0, "delta0"), (Rx, "Rx"), (Ru, "Ru")):
        require_nonnegative(value, name)
    p = params
    return [
        _constant_hypothesis("thm7_G1", "C1", G1**4, theorem7_G1_bound(p.mu, L2, p.beta)),
        _constant_hypothesis("thm7_G1G2", "C2", G1**2 * G2**2, theorem7_G1G2_bound(p.mu, L2, p.kappa, p.beta)),
        _radius_hypothesis("thm7_Rx", Rx, theorem7_radius_x(p, L2, delta0)),
        _radius_hypothesis("thm7_Ru", Ru, theorem7_radius_u(p, L2, G1, delta0)),
    ]


def theorem6_hypotheses(params: LKParameters, *, L2: object, G1: object, delta0: object, Rx: object,
                        Ru: object) -> list[Hypothesis]:
    """[LK] Theorem 6 (GD with step eta = c/L1) hypotheses with statuses."""
    L2, G1, delta0 = as_quantity(L2, "L2"), as_quantity(G1, "G1"), as_quantity(delta0, "delta0")
    Rx, Ru = as_quantity(Rx, "Rx", allow_infinity=True), as_quantity(Ru, "Ru", allow_infinity=True)
    p = params
    status, when = _compare(G1**4, p.mu**2 / (8 * L2**2))
    return [
        _stated("thm6_G1", status, when, reason="fully specified inequality",
                relation=sympy.Le(G1**4, p.mu**2 / (8 * L2**2), evaluate=False)),
        _radius_hypothesis("thm6_Rx", Rx, theorem6_radius_x(p, delta0)),
        _radius_hypothesis("thm6_Ru", Ru, theorem6_radius_u(p, G1, L2, delta0)),
    ]


def parameter_hypotheses(params: LKParameters) -> list[Hypothesis]:
    """The parameter ranges of [LK]: c in (0, 1/51] (the proof's range) and kappa >= 1."""
    c_status, c_when = _compare(params.c, C_MAX)
    k_status, k_when = _compare(params.mu, params.L1)
    return [
        _stated("lk_c_range", c_status, c_when,
                reason="c is an absolute constant of the proof; the paper needs c <= 1/51"),
        _stated("lk_kappa", k_status, k_when, reason="a strongly convex L1-smooth function has mu <= L1"),
    ]


def _implied_c_hypothesis(params: LKParameters, L2: object, G1: object, delta0: object, Rx: object,
                          Ru: object) -> Hypothesis:
    """The smallest c <= 1/51 for which the Theorem 7 radius conditions hold, compared with the chosen c."""
    c_min = implied_c_for_radii(params.mu, params.L1, L2, G1, delta0, Rx, Ru)
    if c_min is None:
        return _stated("thm7_c_radii", "fails", sympy.false, reason="no c <= 1/51 makes the radius conditions hold")
    status = "holds" if params.c >= c_min else "fails"
    return _stated("thm7_c_radii", status, sympy.Ge(sympy.Symbol("c"), c_min), implied_constant=("c", c_min),
                   reason=f"the radius conditions hold exactly for {display(c_min)} <= c <= 1/51")


def _given(value: object, name: str) -> object:
    """An omitted quantity becomes a positive symbol of that name, so the formulas stay exact."""
    return sympy.Symbol(name, positive=True) if value is None else value


def nesterov_analysis(mu: object, L1: object, *, L2: object = None, G1: object = None, G2: object = None,
            c: object = C_MAX, delta0: object = None, Rx: object = None, Ru: object = None, target: object = None,
            allow_c: bool = False) -> NesterovReport:
    """Everything [LK] says about a problem: parameters, rates, hypotheses of Theorems 6 and 7, Lemma 10 constants.

    Omitted quantities stay symbols (L2, G1, G2, Delta0, R_x, R_u). ``target`` is the gap f_k - f* to reach; without
    ``delta0`` it is read as the relative gap (f_k - f*) / Delta0. The whole analysis has a time budget of
    :data:`ANALYSIS_SECONDS`; past it, :class:`momcert.theory.errors.InputError`.
    """
    return within_ceiling(lambda: _analysis(mu, L1, L2, G1, G2, c, delta0, Rx, Ru, target, allow_c),
                          ANALYSIS_SECONDS, "nesterov analysis")


def _analysis(mu, L1, L2, G1, G2, c, delta0, Rx, Ru, target, allow_c) -> NesterovReport:
    params = lk_parameters(mu, L1, c, allow_c=allow_c)
    L2, G1, G2 = _given(L2, "L2"), _given(G1, "G1"), _given(G2, "G2")
    relative = delta0 is None
    delta0 = _given(delta0, "Delta0")
    Rx, Ru = _given(Rx, "R_x"), _given(Ru, "R_u")
    conditions = parameter_hypotheses(params)
    conditions += theorem7_hypotheses(params, L2=L2, G1=G1, G2=G2, delta0=delta0, Rx=Rx, Ru=Ru)
    conditions += theorem6_hypotheses(params, L2=L2, G1=G1, delta0=delta0, Rx=Rx, Ru=Ru)
    if all(is_numeric(as_quantity(v, "value", allow_infinity=True)) for v in (L2, G1, delta0, Rx, Ru)) and \
            is_numeric(params.mu, params.L1, params.c):
        conditions.append(_implied_c_hypothesis(params, L2, G1, delta0, Rx, Ru))
    delta0 = as_quantity(delta0, "delta0")
    lemma10 = lemma10_bounds(params.eta, params.beta, params.mu, L2, G1, params.rate, 2 * delta0)
    iterations = {}
    if target is not None:
        scale = 1 if relative else delta0
        iterations = {
            "theorem7": iterations_to_gap(params.rate, target, scale, factor=2),
            "theorem6": iterations_to_gap(params.gd_rate, target, scale, factor=1),
        }
    quantities = {"L2": as_quantity(L2, "L2"), "G1": as_quantity(G1, "G1"), "G2": as_quantity(G2, "G2"),
                  "Delta0": delta0, "R_x": as_quantity(Rx, "Rx", allow_infinity=True),
                  "R_u": as_quantity(Ru, "Ru", allow_infinity=True)}
    from .baselines import baseline_rates

    return NesterovReport(params=params, quantities=quantities, assumptions=ASSUMPTIONS,
                          conditions={h.id: h for h in conditions}, lemma10=lemma10,
                          target=None if target is None else as_quantity(target, "target"),
                          target_relative=relative, iterations=iterations,
                          baselines=baseline_rates(params.mu, params.L1))
