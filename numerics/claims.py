"""The claims of ``momcert verify``: the three kinds of statement and how each is adjudicated, in one place.

The words are :class:`momcert.theory.vocabulary.ClaimStatus`, by :class:`~momcert.theory.vocabulary.ClaimKind`:

- a **hypothesis** checked on the run (:func:`hypothesis`): ``holds`` or ``fails`` comparing a measured value with its
  threshold (both reported), ``undecided`` when it rests on a constant the paper leaves unspecified and no value was
  given (:func:`constants_hypothesis`);
- a **prediction** (:func:`prediction`): a theorem's conclusion. When every checked hypothesis it rests on holds, it is
  ``pass`` or ``fail``; ``not_applicable`` only when a named hypothesis ``fails``, and the statistic names each one
  with its measured value and threshold. A violated prediction is never ``not_applicable`` otherwise;
- a **conditional** statement, resting on [LK]'s unspecified absolute constants C1, C2: a prediction whose other
  hypotheses hold but whose C-conditions are ``undecided`` becomes one (``pass_if`` it held, ``fail`` it was violated:
  then the theorem is contradicted for every C1, C2 under which it applies), and so is a G-condition stated with its
  implied constant (:func:`conditional`: ``pass_if`` the constant is a finite number, ``fail`` when no constant makes
  it hold).

The measurements behind the claims (the trajectories, the fitted rates) come from :mod:`momcert.numerics.lk_runs`,
:mod:`momcert.numerics.lk_regime`, :mod:`momcert.numerics.measure` and the scenarios; the claims of [LK] Theorems 6,
7, 15, Lemmas 4, 9, 10, 14, and the observations compared with runs are built here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from momcert.theory.vocabulary import ClaimKind, ClaimStatus

from . import measure
from .reporting import Claim, _format

#: [LK]'s absolute constants that the paper leaves unspecified (no value is ever chosen here).
UNSPECIFIED_CONSTANTS = ("C1", "C2")


# -- the three kinds ---------------------------------------------------------------------------------------------
def hypothesis(claim_id: str, statement: str, provenance: str, measured: float, threshold: float,
               at_most: bool) -> Claim:
    """A hypothesis checked on the run: ``holds`` when measured <= threshold (``at_most``) or >= threshold, else
    ``fails`` (also for a measured value that is not a number); ``predicted`` and ``observed`` give both values."""
    holds = bool(measured <= threshold) if at_most else bool(measured >= threshold)
    relation = "<=" if at_most else ">="
    return Claim(id=claim_id, status=ClaimStatus.HOLDS if holds else ClaimStatus.FAILS, kind=ClaimKind.HYPOTHESIS,
                 statement=statement, provenance=provenance, predicted=f"{relation} {threshold:.6g}",
                 observed=measured, statistic="holds" if holds else f"fails: {measured:.6g} {relation} {threshold:.6g}"
                 " is false")


def decided(claim_id: str, statement: str, provenance: str, predicted: Any, observed: Any, holds: bool,
            statistic: str) -> Claim:
    """A hypothesis decided elsewhere (``holds`` or ``fails``), e.g. a theorem's list of conditions evaluated by
    :mod:`momcert.theory.nesterov`; ``predicted``, ``observed``: the thresholds and the measured values."""
    return Claim(id=claim_id, status=ClaimStatus.HOLDS if holds else ClaimStatus.FAILS, kind=ClaimKind.HYPOTHESIS,
                 statement=statement, provenance=provenance, predicted=predicted, observed=observed,
                 statistic=statistic)


def describe(claim: Claim) -> str:
    """``"id: observed, needs predicted"``: a hypothesis with its measured value (6 digits) and its threshold."""
    observed = f"{claim.observed:.6g}" if isinstance(claim.observed, float) else _format(claim.observed)
    return f"{claim.id}: {observed}, needs {_format(claim.predicted)}"


def prediction(claim_id: str, statement: str, provenance: str, predicted: Any, observed: dict, held: bool,
               hypotheses: Sequence[Claim], statistic: str = "") -> Claim:
    """A theorem's conclusion (``held``: whether the run agrees), adjudicated on the ``hypotheses`` it rests on:

    - one ``fails``: a ``prediction``, ``not_applicable``, the statistic naming every failing one with both numbers;
    - else one ``undecided`` (an unspecified constant): a ``conditional`` statement, ``pass_if`` when it held, ``fail``
      when it was violated, the statistic naming the undecided hypotheses with the implied constants;
    - else a ``prediction``, ``pass`` when it held, ``fail`` when it did not.

    ``observed["held"]`` records ``held`` in every case.
    """
    broken = [describe(claim) for claim in hypotheses if claim.status == ClaimStatus.FAILS]
    undecided = [claim for claim in hypotheses if claim.status == ClaimStatus.UNDECIDED]
    prefix = f"{statistic}; " if statistic else ""
    if broken:
        kind, status, why = ClaimKind.PREDICTION, ClaimStatus.NOT_APPLICABLE, "hypotheses fail: " + "; ".join(broken)
    elif undecided:
        kind, status = ClaimKind.CONDITIONAL, ClaimStatus.PASS_IF if held else ClaimStatus.FAIL
        why = (f"conditional on {' and '.join(_implied(claim) for claim in undecided)} ("
               f"{', '.join(claim.id for claim in undecided)} undecided: [LK] leaves "
               f"{', '.join(UNSPECIFIED_CONSTANTS)} unspecified): the prediction {'held' if held else 'VIOLATED'}")
    else:
        kind, status = ClaimKind.PREDICTION, ClaimStatus.PASS if held else ClaimStatus.FAIL
        why = "all hypotheses hold (" + ", ".join(claim.id for claim in hypotheses) + ")" if hypotheses else ""
    return Claim(id=claim_id, status=status, kind=kind, statement=statement, provenance=provenance,
                 predicted=predicted, observed={**observed, "held": held}, statistic=(prefix + why).strip("; "))


def _implied(claim: Claim) -> str:
    """``C1 >= 0.015 and C2 >= 0.1``: the implied constants an undecided hypothesis reports (else its description)."""
    implied = [f"{name} >= {claim.observed[f'implied {name}']:.4g}" for name in UNSPECIFIED_CONSTANTS
               if isinstance(claim.observed, dict) and f"implied {name}" in claim.observed]
    return " and ".join(implied) or describe(claim)


def conditional(claim_id: str, statement: str, provenance: str, constant: str, implied: float,
                rests_on: Sequence[Claim] = ()) -> Claim:
    """A statement that holds exactly when ``constant`` (one [LK] leaves unspecified) is at least ``implied``:
    ``pass_if`` for a finite implied value, ``fail`` when it is not a finite number (no constant makes it hold). The
    statistic adds which other hypotheses of the same theorem (``rests_on``) fail on the run."""
    finite = bool(math.isfinite(implied))
    broken = [describe(claim) for claim in rests_on if claim.status == ClaimStatus.FAILS]
    truth = f"true exactly when {constant} >= {implied:.4g}" if finite else f"false for every {constant}"
    return Claim(id=claim_id, status=ClaimStatus.PASS_IF if finite else ClaimStatus.FAIL, kind=ClaimKind.CONDITIONAL,
                 statement=statement, provenance=provenance, predicted=f"holds iff {constant} >= implied {constant}",
                 observed={f"implied {constant}": implied},
                 statistic=truth + ("; the theorem's other hypotheses fail: " + "; ".join(broken) if broken else ""))


# -- [LK] Theorem 7's constants C1, C2 ---------------------------------------------------------------------------
def given_constants(values: Any) -> dict[str, float | None]:
    """The user's values of [LK]'s unspecified C1, C2 from an object with attributes ``C1``, ``C2`` (``None`` where
    not given; no value is ever picked here)."""
    return {name: getattr(values, name, None) for name in UNSPECIFIED_CONSTANTS}


def theorem7_applicability(determined: dict[str, bool], implied: dict[str, float],
                           given: dict[str, float | None]) -> bool | None:
    """Whether [LK] Theorem 7's hypotheses hold on a run: ``True``, ``False`` or ``None`` (undecided).

    ``determined``: the parts decidable from the measurements alone; ``implied``: the implied C1, C2 (smallest values
    for which the G1 and G1 G2 inequalities hold); ``given``: the user's C1, C2 or ``None``. ``False`` when a
    determined part fails or a given constant is below its implied value (an implied value that is not a number counts
    as exceeding it); ``True`` when every determined part holds and both constants are given and at least their implied
    values; ``None`` otherwise: the decision rests on an unspecified constant.
    """
    if not all(determined.values()):
        return False
    if any(given[name] is not None and not implied[name] <= given[name] for name in UNSPECIFIED_CONSTANTS):
        return False
    return True if all(given[name] is not None for name in UNSPECIFIED_CONSTANTS) else None


def constants_hypothesis(claim_id: str, determined: dict[str, bool], implied: dict[str, float],
                         given: dict[str, float | None], statistic: str) -> Claim:
    """The hypothesis "[LK] Theorem 7 hypotheses": ``holds`` / ``fails`` / ``undecided`` as
    :func:`theorem7_applicability` decides them; ``observed`` gives the implied constants, so a reader can decide."""
    applicable = theorem7_applicability(determined, implied, given)
    status = {True: ClaimStatus.HOLDS, False: ClaimStatus.FAILS, None: ClaimStatus.UNDECIDED}[applicable]
    values = ", ".join(f"{name} = {value:g}" for name, value in given.items() if value is not None) or "none given"
    parts = " and ".join(determined)
    undecided = "; undecided: C1 or C2 not given (options --C1, --C2)" if applicable is None else ""
    return Claim(id=claim_id, status=status, provenance="[LK] Theorem 7", kind=ClaimKind.HYPOTHESIS,
                 statement=f"Theorem 7 hypotheses: {parts}, and the G1^4, G1^2 G2^2 conditions with constants C1, C2",
                 predicted=f"{parts}; C1 >= implied C1 and C2 >= implied C2 (values unspecified in [LK]; {values})",
                 observed={"implied C1": implied["C1"], "implied C2": implied["C2"], **determined},
                 statistic=statistic + undecided)


def constants_note(given: dict[str, float | None], implied_from: str) -> str:
    """The report note stating which C1, C2 decided the Theorem 7 hypotheses ([LK] gives no values: none is chosen)."""
    if all(value is None for value in given.values()):
        return (f"C1, C2 are unspecified in [LK] and no value was chosen: the Theorem 7 hypothesis claims report the "
                f"implied constants ({implied_from}) and are undecided unless a determined part fails; claims "
                "resting on Theorem 7 are then conditional statements (pass_if the prediction held, fail if it was "
                "violated). Give --C1 VALUE --C2 VALUE to decide the hypotheses.")
    values = ", ".join(f"{name} = {value:g}" if value is not None else f"{name} not given"
                       for name, value in given.items())
    return (f"C1, C2 are unspecified in [LK]; the Theorem 7 hypothesis claims compare the implied constants "
            f"({implied_from}) with the given values {values} (options --C1, --C2).")


# -- predictions on trajectories ---------------------------------------------------------------------------------
def span(values, digits: int = 6) -> str:
    """``low..high`` of one value per trial (one number when they agree to 1e-9), with ``digits`` significant."""
    values = np.asarray(values, dtype=np.float64)
    low, high = float(np.min(values)), float(np.max(values))
    return f"{low:.{digits}g}" if np.isclose(low, high, rtol=1e-9) else f"{low:.{digits}g}..{high:.{digits}g}"


def bound(claim_id: str, statement: str, provenance: str, losses, delta0, rate, factor: float,
          hypotheses: Sequence[Claim]) -> Claim:
    """f_k - f* <= factor rate^k Delta0 at every step 1 <= k <= K and trial (factor 2: Theorem 7; 1: Theorem 6), a
    :func:`prediction`. ``losses``: (K + 1,) with floats ``delta0``, ``rate``, or (K + 1, T) with one per trial.

    A step that is not a number (a diverged run) violates the bound. The worst ratio is taken over k >= 1 (at k = 0 it
    is 1/factor by construction); the ratio at the last step shows the slack left, which is large when rho^K is close
    to 1 over the window (a bound that almost any decreasing run meets).
    """
    losses = np.asarray(losses, dtype=np.float64)
    steps = np.arange(losses.shape[0]).reshape(-1, *[1] * (losses.ndim - 1))
    limit = factor * np.asarray(rate, dtype=np.float64) ** steps * np.asarray(delta0, dtype=np.float64)
    worst, first = measure.bound_ratio(torch.as_tensor(losses[1:]).reshape(losses.shape[0] - 1, -1), limit[1:])
    held = first is None
    final = np.atleast_1d(losses[-1] / limit[-1])
    last = float(np.nanmax(final)) if losses.shape[0] > 1 and np.isfinite(final).any() else math.nan
    rho = float(np.max(np.asarray(rate)))
    return prediction(claim_id, statement, provenance,
                      f"f_k - f* <= {factor:g} rho^k Delta0 for 1 <= k <= {losses.shape[0] - 1} (rho = {span(rate)}; "
                      f"rho^K = {rho ** (losses.shape[0] - 1):.4g})",
                      {"max ratio to bound": worst, "ratio at the last step": last,
                       "first violation": "none" if held else first + 1}, held, hypotheses,
                      "max over steps k >= 1 and trials of (f_k - f*) / bound_k")


RATE_RATIO_STATISTIC = ("median over trials of log(r_nesterov)/log(r_gd), r from a log-linear least-squares fit of "
                        "f_k over the second half (runs with c = 1, beyond the proof's c <= 1/51)")


def rate_ratio(fast: torch.Tensor, slow: torch.Tensor, kappa: np.ndarray, tolerance: float) -> tuple[dict, dict]:
    """(predicted, observed) of "Nesterov's fitted linear rate beats GD's by a factor ~ sqrt(kappa)".

    Fitted linear rates over the second half of the run (``fast``: Nesterov's losses, ``slow``: GD's, (K + 1, T));
    the prediction holds (``observed["held"]``) when the median over trials of log(rate_fast)/log(rate_slow) lies in
    [sqrt(kappa)/tolerance, tolerance sqrt(kappa)] (sqrt(kappa): the median over trials).
    """
    rate_fast, rate_slow = measure.fitted_rate(fast), measure.fitted_rate(slow)
    with np.errstate(divide="ignore", invalid="ignore"):  # a stalled run (rate 1) has no finite ratio
        ratios = np.log(rate_fast) / np.log(rate_slow)
    ratio = float(np.nanmedian(ratios)) if np.isfinite(ratios).any() else float("nan")
    predicted = float(np.median(np.sqrt(kappa)))
    inside = bool(np.isfinite(ratio) and predicted / tolerance <= ratio <= predicted * tolerance)
    return ({"sqrt(kappa)": predicted, "tolerance factor": tolerance},
            {"ratio": ratio, "nesterov rate": float(np.nanmedian(rate_fast)),
             "gd rate": float(np.nanmedian(rate_slow)), "held": inside})


def rate_ratio_claim(claim_id: str, fast: torch.Tensor, slow: torch.Tensor, kappa: np.ndarray, tolerance: float,
                     hypotheses: Sequence[Claim], provenance: str, statement: str = "") -> tuple[Claim, dict]:
    """:func:`rate_ratio` as a :func:`prediction`: with the hypotheses holding a ratio outside the tolerance is
    ``fail``. The runs compared use c = 1, beyond the proof's c <= 1/51; the statistic says so."""
    predicted, observed = rate_ratio(fast, slow, kappa, tolerance)
    claim = prediction(claim_id, statement or "Nesterov's fitted linear rate beats GD's by a factor ~ sqrt(kappa)",
                       provenance, predicted, {key: value for key, value in observed.items() if key != "held"},
                       observed["held"], hypotheses, RATE_RATIO_STATISTIC)
    return claim, observed


def moves_claim(claim_id: str, dx: torch.Tensor, du: torch.Tensor, lemma10, phi0: np.ndarray,
                hypotheses: Sequence[Claim], provenance: str = "[LK] Lemma 10") -> Claim:
    """||x_k - x_{k-1}||^2 <= Q2 rho^k phi0 and ||u_k - u_{k-1}||^2 <= G1^2 Q3 rho^k phi0 per trial, a
    :func:`prediction` resting on Theorem 7's hypotheses (under which Lemma 10 is proven).

    ``lemma10``: :class:`momcert.theory.nesterov.Lemma10Bounds` built with phi0 = 1 (the bounds are linear in phi0);
    ``phi0``: one value per trial (the proof's phi_0 <= 2 Delta0).
    """
    steps = range(1, dx.shape[0])
    unit_x, unit_u = lemma10.dx_sq_function(), lemma10.du_sq_function()
    scale = torch.as_tensor(np.asarray(phi0, dtype=np.float64))[None, :]
    bound_x = torch.tensor([unit_x(k) for k in steps], dtype=torch.float64)[:, None] * scale
    bound_u = torch.tensor([unit_u(k) for k in steps], dtype=torch.float64)[:, None] * scale
    worst_x, _ = measure.bound_ratio(dx[1:] ** 2, bound_x)
    worst_u, _ = measure.bound_ratio(du[1:] ** 2, torch.where(bound_u > 0, bound_u, torch.full_like(bound_u, 1e-300)))
    held = worst_x <= 1 and worst_u <= 1
    ratio = float(torch.nansum(du[1:]) / torch.nansum(dx[1:])) if torch.nansum(dx[1:]) > 0 else float("nan")
    return prediction(claim_id, "iterate moves ||u_k - u_{k-1}|| and ||x_k - x_{k-1}|| within the Lemma 10 bounds",
                      provenance, "||dx_k||^2 <= Q2 rho^k phi0, ||du_k||^2 <= G1^2 Q3 rho^k phi0 (phi0 = 2 Delta0)",
                      {"max dx^2/bound": worst_x, "max du^2/bound": worst_u, "sum ||du|| / sum ||dx||": ratio},
                      held, hypotheses, "max over steps and trials of move^2 / bound")


# -- [LK] Lemma 14 and Theorem 15 on ReLU networks ----------------------------------------------------------------
def assumption_checks(where: str, alpha_ratio: float, L1_ratio: float, points: str = "x_k and y_k") -> list[Claim]:
    """Assumptions 1 and 2 with the paper's slack ([LK] Lemma 14): mu = alpha0^2/2 on the row space V1 of the
    initial features, i.e. min_k s_min(F_k V1)^2 / alpha0^2 >= 1/2, and max_k s_max(F_k)^2 / L1 <= 1 with Lemma 14's
    L1 = ||X||_F^2 prod_{l<Lambda} lambda_l^2, over ``points`` of the run."""
    return [
        hypothesis(f"assumption1{where}", f"Assumption 1 with mu = alpha0^2/2: min_k s_min(F_k V1)^2 / alpha0^2 "
                   f"over {points}", "[LK] Lemma 14", alpha_ratio, 0.5, at_most=False),
        hypothesis(f"assumption2{where}", f"Assumption 2 with Lemma 14's L1: max_k s_max(F_k)^2 / L1 over {points}",
                   "[LK] Lemma 14", L1_ratio, 1.0, at_most=True),
    ]


def run_checks(label: str, run: str, measured, constants: dict) -> list[Claim]:
    """The per-step hypotheses of one run (``measured``: a :class:`momcert.numerics.lk_regime.Measured`):
    Assumptions 1, 2 (:func:`assumption_checks`) and 4 with Lemma 14's constants, and the two balls."""
    where = f"[{run} {label}]"
    return [
        *assumption_checks(where, measured.alpha_ratio, measured.L1_ratio),
        hypothesis(f"ball-x{where}", "x_k, y_k in B(x_0, R_x): max ||V1^T (W_Lambda - W_Lambda(0))||_F",
                   "[LK] Lemma 14", measured.ball_x, constants["R_x"], at_most=True),
        hypothesis(f"ball-u{where}", "u_k, v_k in B(u_0, R_u) (u holds the null-space part of the last layer)",
                   "[LK] Lemma 14", measured.ball_u, constants["R_u"], at_most=True),
        hypothesis(f"assumption4{where}", "Assumption 4: max measured ||h(x_k,u_k) - h(x_k,u_{k-1})|| / "
                   "||u_k - u_{k-1}|| <= Lemma 14's G1", "[LK] Lemma 14", measured.G1, constants["G1"], at_most=True),
    ]


def lemma_predictions(label: str, run: str, measured, checks: Sequence[Claim]) -> list[Claim]:
    """Lemma 4 (PL) and Lemma 9 (gradient dominance) at every gradient point of a run, with Lemma 14's mu, G1
    (``checks``: the run's :func:`run_checks`)."""
    where = f"[{run} {label}]"
    return [
        prediction(f"lemma4-pl{where}", "Lemma 4: ||grad_x f||^2 >= 2 mu (f - f*) at every step", "[LK] Lemma 4",
                   ">= 1", {"min ||grad_x f||^2 / (2 mu f)": measured.pl}, bool(measured.pl >= 1), checks[:1]),
        prediction(f"lemma9{where}", "Lemma 9: ||grad_u f||^2 <= (G1^2 L2 / mu) ||grad_x f||^2 at every step",
                   "[LK] Lemma 9", "<= 1", {"max ||grad_u f||^2 mu / (G1^2 ||grad_x f||^2)": measured.dominance},
                   bool(measured.dominance <= 1), [checks[0], checks[4]]),
    ]


# -- observations ------------------------------------------------------------------------------------------------
def observation(claim_id: str, statement: str, provenance: str, predicted: Any, observed: Any, held: bool,
                statistic: str, hypotheses: Sequence[Claim] = ()) -> Claim:
    """A prediction compared with the run whose ``observed`` is reported as measured (not a dict with ``held``):
    ``pass``/``fail``, or ``not_applicable`` naming a failing hypothesis of ``hypotheses`` (which the caller may keep
    out of the report, e.g. "the run stays finite")."""
    claim = prediction(claim_id, statement, provenance, predicted, {}, held, hypotheses, statistic)
    claim.observed = observed
    if claim.status != ClaimStatus.NOT_APPLICABLE:
        claim.statistic = statistic
    return claim
