"""Gradient descent and [LK] Nesterov runs on flat parameter vectors, batched over trials, and their claims.

Shared by the ``additive`` and ``relu-nesterov`` scenarios. Parameters ([LK], ``momcert explain lk-nesterov``; all from
:mod:`momcert.theory.nesterov`; nothing is restated here):

- ``theorem``: the [LK] Theorem 6/7 parameters with c = 1/51 (eta = c/L1, beta as in [LK]);
- ``practical``: the same formulas with c = 1 (outside the proof's range c <= 1/51, as practitioners would use them);
- ``textbook`` [TXT]: eta = 1/L1, beta = (sqrt(kappa) - 1)/(sqrt(kappa) + 1) (GD: step 1/L1, rate 1 - 1/kappa).

The updates are :func:`momcert.numerics.functional.nesterov_update` and :func:`momcert.numerics.functional.gd_update`
(their one definition). A run's state is ``{"x": (T, P), "y": (T, P), ...}``; ``observe(previous_state, x_new, move)``
returns the measurements at the new iterate (``move`` = x_new - x_previous) and any extra state (e.g. cached features).

Claims: Theorem 7's hypotheses involve the absolute constants C1, C2 that [LK] leaves unspecified, so their
applicability is tri-state (:func:`theorem7_applicability`; ``None`` when no value is given: the
package reports the implied constants and never picks a value), and :func:`claim_status` turns it into a claim status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from momcert.theory.vocabulary import ClaimKind, ClaimStatus

from . import measure
from .reporting import Claim


@dataclass(frozen=True)
class RunSpec:
    """One (method, parameter set) pair, e.g. ``RunSpec("nesterov", "practical")``, named ``method-parameters``."""

    method: str
    parameters: str

    @property
    def name(self) -> str:
        return f"{self.method}-{self.parameters}"


DEFAULT_SPECS = (RunSpec("gd", "theorem"), RunSpec("gd", "practical"), RunSpec("nesterov", "theorem"),
                 RunSpec("nesterov", "practical"), RunSpec("nesterov", "textbook"))


def step_parameters(spec: RunSpec, mu: float, L1: float) -> dict[str, float]:
    """``eta``, ``beta`` (0 for GD), the predicted ``rate`` and ``c`` for one trial's constants (floats)."""
    from momcert.theory.baselines import gd_pl
    from momcert.theory.nesterov import C_MAX, lk_parameters, textbook_parameters

    if spec.parameters == "textbook":
        baseline = textbook_parameters(mu, L1) if spec.method == "nesterov" else gd_pl(mu, L1)
        return {"eta": float(baseline.eta), "beta": float(baseline.beta) if spec.method == "nesterov" else 0.0,
                "rate": float(baseline.rate), "c": 1.0}
    c = C_MAX if spec.parameters == "theorem" else 1
    params = lk_parameters(mu, L1, c, allow_c=True)
    rate = params.rate if spec.method == "nesterov" else params.gd_rate
    return {"eta": float(params.eta), "beta": float(params.beta) if spec.method == "nesterov" else 0.0,
            "rate": float(rate), "c": float(c)}


def batched_parameters(spec: RunSpec, mu, L1) -> dict[str, np.ndarray]:
    """:func:`step_parameters` for every trial (``mu``, ``L1``: sequences of floats)."""
    rows = [step_parameters(spec, float(m), float(lip)) for m, lip in zip(mu, L1, strict=True)]
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def make_step(spec: RunSpec, grad_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], eta: torch.Tensor,
              beta: torch.Tensor, observe: Callable):
    """The ``runs.run_ensemble`` step for GD or [LK] Nesterov; ``eta``, ``beta``: (T, 1) tensors.

    ``grad_fn(p, out)`` returns the gradients at p (T, P), written into ``out`` where it can (else a new tensor).
    No (T, P) tensor is allocated per step (on large ensembles fresh memory costs as much as the arithmetic): x_{k+1}
    is written into the gradient's storage, y_{k+1} into y_k's, the move into a buffer of the step, and x_k's storage
    takes the next gradient. So a step consumes the state it is given; ``observe(state, x_new, move)`` may read the
    state's x_k and its cached extras (not y_k), and must not keep ``move``. Call a step on the state it returned
    last, as :func:`momcert.numerics.runs.run_ensemble` does.
    """
    from .functional import gd_update, nesterov_update

    buffers: dict[str, torch.Tensor] = {}

    def buffer(name: str, like: torch.Tensor) -> torch.Tensor:
        if name not in buffers or buffers[name].shape != like.shape:
            buffers[name] = torch.empty_like(like)
        return buffers[name]

    def step(state: dict[str, torch.Tensor], k: int):
        x = state["x"]
        point = state["y"] if spec.method == "nesterov" else x
        gradient, move = grad_fn(point, buffer("gradient", x)), buffer("move", x)
        if spec.method == "nesterov":
            y_out = None if point.data_ptr() == x.data_ptr() else point  # x_0 = y_0 may share storage
            x_new, y_new, move = nesterov_update(x, point, gradient, eta, beta, out=(gradient, y_out, move))
        else:
            x_new = y_new = gd_update(x, gradient, eta, out=gradient)
            move = torch.sub(x_new, x, out=move)
        buffers["gradient"] = x  # x_k is not needed after this step
        measurements, extra = observe(state, x_new, move)
        return {**state, "x": x_new, "y": y_new, **extra}, measurements

    return step


# -- applicability of [LK] Theorem 7 ----------------------------------------------------------------------------
UNSPECIFIED_CONSTANTS = ("C1", "C2")


def given_constants(args) -> dict[str, float | None]:
    """The user's values of [LK]'s unspecified C1, C2 (``None`` where not given; no value is ever picked here), as
    validated by :func:`momcert.numerics.scenarios.arguments.lk_options`."""
    return {name: getattr(args, name, None) for name in UNSPECIFIED_CONSTANTS}


def theorem7_applicability(determined: dict[str, bool], implied: dict[str, float],
                           given: dict[str, float | None]) -> bool | None:
    """Whether [LK] Theorem 7's hypotheses hold on a run: ``True``, ``False`` or ``None`` (undecided).

    ``determined``: the parts decidable from the measurements alone (radii, Lemma 14 validity, ...); ``implied``: the
    implied C1, C2 (smallest values for which the G1 and G1 G2 inequalities hold); ``given``: the user's C1, C2 or
    ``None``. ``False`` when a determined part fails or a given constant is below its implied value (an implied value
    that is not a number counts as exceeding it); ``True`` when every determined part holds and both constants are
    given and at least their implied values; ``None`` otherwise, i.e. the decision rests on an unspecified constant.
    """
    if not all(determined.values()):
        return False
    if any(given[name] is not None and not implied[name] <= given[name] for name in UNSPECIFIED_CONSTANTS):
        return False
    return True if all(given[name] is not None for name in UNSPECIFIED_CONSTANTS) else None


def constants_note(given: dict[str, float | None], implied_from: str) -> str:
    """The report note stating which C1, C2 decided the Theorem 7 hypotheses ([LK] gives no values: none is chosen)."""
    if all(value is None for value in given.values()):
        return (f"C1, C2 are unspecified in [LK] and no value was chosen: the Theorem 7 hypothesis claims report the "
                f"implied constants ({implied_from}) and are not_applicable unless a determined part fails; claims "
                "resting on Theorem 7 are then conditional statements (not_applicable, saying whether the prediction "
                "held). "
                "Give --C1 VALUE --C2 VALUE to decide the hypotheses.")
    values = ", ".join(f"{name} = {value:g}" if value is not None else f"{name} not given"
                       for name, value in given.items())
    return (f"C1, C2 are unspecified in [LK]; the Theorem 7 hypothesis claims compare the implied constants "
            f"({implied_from}) with the given values {values} (options --C1, --C2).")


def theorem7_hypotheses_claim(claim_id: str, determined: dict[str, bool], implied: dict[str, float],
                              given: dict[str, float | None], statistic: str) -> Claim:
    """The claim "[LK] Theorem 7 hypotheses": ``pass``/``fail`` as :func:`theorem7_applicability` decides them.

    Undecided (C1 or C2 not given, every determined part holds): ``not_applicable``, since the decision rests on
    constants [LK] leaves unspecified; ``observed`` gives the implied constants, so a reader can decide.
    """
    applicable = theorem7_applicability(determined, implied, given)
    status = {True: ClaimStatus.PASS, False: ClaimStatus.FAIL, None: ClaimStatus.NOT_APPLICABLE}[applicable]
    values = ", ".join(f"{name} = {value:g}" for name, value in given.items() if value is not None) or "none given"
    parts = " and ".join(determined)
    undecided = "; undecided: C1 or C2 not given (options --C1, --C2)" if applicable is None else ""
    return Claim(id=claim_id, status=status, provenance="[LK] Theorem 7", kind=ClaimKind.HYPOTHESIS,
                 statement=f"Theorem 7 hypotheses: {parts}, and the G1^4, G1^2 G2^2 conditions with constants C1, C2",
                 predicted=f"{parts}; C1 >= implied C1 and C2 >= implied C2 (values unspecified in [LK]; {values})",
                 observed={"implied C1": implied["C1"], "implied C2": implied["C2"], **determined},
                 statistic=statistic + undecided)


# -- claims -----------------------------------------------------------------------------------------------------
def claim_status(applicable: bool | None, held: bool) -> ClaimStatus:
    """The status of a claim of a theorem whose hypotheses are ``applicable``, given whether its prediction ``held``.

    - ``applicable`` True (hypotheses hold): ``pass`` if the prediction held, ``fail`` otherwise;
    - ``applicable`` False (a hypothesis fails): ``not_applicable`` (the observation is still reported);
    - ``applicable`` None (undecided: the hypotheses involve [LK]'s unspecified C1, C2 and not both were given):
      ``not_applicable`` whether the prediction held or not; the claim is then a conditional statement
      (:func:`claim_kind`), and its text and ``observed["held"]`` say whether the prediction held (:func:`_caveat`).
      Neither outcome is counted as a passed or a failed prediction.
    """
    if applicable is None:
        return ClaimStatus.NOT_APPLICABLE
    if not applicable:
        return ClaimStatus.NOT_APPLICABLE
    return ClaimStatus.PASS if held else ClaimStatus.FAIL


def claim_kind(applicable: bool | None) -> ClaimKind:
    """``conditional`` for a claim whose hypotheses rest on the unspecified C1, C2 (undecided), else ``prediction``."""
    return ClaimKind.CONDITIONAL if applicable is None else ClaimKind.PREDICTION


def _caveat(applicable: bool | None, held: bool) -> str:
    """The statistic's suffix explaining an undecided :func:`claim_status` (empty when the hypotheses are decided)."""
    if applicable is not None:
        return ""
    outcome = "held" if held else "VIOLATED"
    return (f"; hypotheses undecided (C1, C2 unspecified in [LK], not both given): a conditional statement, the "
            f"prediction {outcome}")


def bound_claim(claim_id: str, statement: str, losses: torch.Tensor, delta0: np.ndarray, rates: np.ndarray,
                factor: float, applicable: bool | None, provenance: str) -> Claim:
    """f_k - f* <= factor rate^k Delta0 at every step and trial (factor 2: Theorem 7; 1: Theorem 6).

    Status from :func:`claim_status` (``applicable``: the theorem's hypotheses, tri-state). The worst ratio is taken
    over k >= 1 (at k = 0 it is 1/factor by construction); the ratio at the last step shows the slack left, which is
    large when rho^K is close to 1 over the window (a bound that almost any decreasing run meets).
    """
    steps = np.arange(losses.shape[0])[:, None]
    bound = factor * np.asarray(rates)[None, :] ** steps * np.asarray(delta0)[None, :]
    worst, first = measure.bound_ratio(losses[1:], torch.as_tensor(bound[1:]))
    held = first is None
    last = float(np.nanmax(losses[-1].numpy() / bound[-1])) if losses.shape[0] > 1 else float("nan")
    return Claim(id=claim_id, status=claim_status(applicable, held), statement=statement, provenance=provenance,
                 kind=claim_kind(applicable),
                 predicted=f"f_k - f* <= {factor:g} rho^k Delta0 for 1 <= k <= {losses.shape[0] - 1} (rho = "
                           f"{span(rates)}; rho^K = {float(np.max(np.asarray(rates))) ** (losses.shape[0] - 1):.4g})",
                 observed={"max ratio to bound": worst, "ratio at the last step": last,
                           "first violation": "none" if held else first + 1, "held": held},
                 statistic="max over steps k >= 1 and trials of (f_k - f*) / bound_k" + _caveat(applicable, held))


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
                     applicable: bool | None, provenance: str) -> tuple[Claim, dict]:
    """:func:`rate_ratio` as a claim whose status follows :func:`claim_status`: with the hypotheses holding
    (``applicable`` True) a ratio outside the tolerance is ``fail``. The runs compared use c = 1, beyond the proof's
    c <= 1/51; the statistic says so."""
    predicted, observed = rate_ratio(fast, slow, kappa, tolerance)
    inside = observed["held"]
    claim = Claim(id=claim_id, status=claim_status(applicable, inside), provenance=provenance,
                  kind=claim_kind(applicable),
                  statement="Nesterov's fitted linear rate beats GD's by a factor ~ sqrt(kappa)",
                  predicted=predicted, observed=observed,
                  statistic=RATE_RATIO_STATISTIC + _caveat(applicable, inside))
    return claim, observed


def moves_claim(claim_id: str, dx: torch.Tensor, du: torch.Tensor, lemma10, phi0: np.ndarray,
                applicable: bool | None, provenance: str = "[LK] Lemma 10") -> Claim:
    """||x_k - x_{k-1}||^2 <= Q2 rho^k phi0 and ||u_k - u_{k-1}||^2 <= G1^2 Q3 rho^k phi0 per trial.

    Status from :func:`claim_status` (``applicable``: Theorem 7's hypotheses, under which Lemma 10 is proven).

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
    return Claim(id=claim_id, status=claim_status(applicable, held), provenance=provenance,
                 kind=claim_kind(applicable),
                 statement="iterate moves ||u_k - u_{k-1}|| and ||x_k - x_{k-1}|| within the Lemma 10 bounds",
                 predicted="||dx_k||^2 <= Q2 rho^k phi0, ||du_k||^2 <= G1^2 Q3 rho^k phi0 (phi0 = 2 Delta0)",
                 observed={"max dx^2/bound": worst_x, "max du^2/bound": worst_u,
                           "sum ||du|| / sum ||dx||": ratio, "held": held},
                 statistic="max over steps and trials of move^2 / bound" + _caveat(applicable, held))


def span(values, digits: int = 6) -> str:
    """``low..high`` of one value per trial (one number when they agree to 1e-9), with ``digits`` significant."""
    values = np.asarray(values, dtype=np.float64)
    low, high = float(np.min(values)), float(np.max(values))
    return f"{low:.{digits}g}" if np.isclose(low, high, rtol=1e-9) else f"{low:.{digits}g}..{high:.{digits}g}"
