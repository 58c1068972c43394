"""Gradient descent and [LK] Nesterov runs on flat parameter vectors, batched over trials, and their claims.

Shared by the ``additive`` and ``relu-nesterov`` scenarios. Parameters (THEORY.md section 2, all from
:mod:`theory.nesterov`; nothing is restated here):

- ``theorem``: the [LK] Theorem 6/7 parameters with c = 1/51 (eta = c/L1, beta as in [LK]);
- ``practical``: the same formulas with c = 1 (outside the proof's range c <= 1/51, as practitioners would use them);
- ``textbook`` [TXT]: eta = 1/L1, beta = (sqrt(kappa) - 1)/(sqrt(kappa) + 1).

The updates are :func:`numerics.functional.nesterov_update` and :func:`numerics.functional.gd_update` (H3's single
source of truth). A run's state is ``{"x": (T, P), "y": (T, P), ...}``; ``observe(previous_state, x_new)`` returns the
measurements at the new iterate and any extra state (e.g. cached features).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from numerics import measure
from numerics.reporting import Claim

PARAMETER_SETS = ("theorem", "practical", "textbook")


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
    from theory.baselines import gd_pl
    from theory.nesterov import C_MAX, lk_parameters, textbook_parameters

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


def make_step(spec: RunSpec, grad_fn: Callable[[torch.Tensor], torch.Tensor], eta: torch.Tensor,
              beta: torch.Tensor, observe: Callable):
    """The ``runs.run_ensemble`` step for GD or [LK] Nesterov; ``eta``, ``beta``: (T, 1) tensors."""
    from numerics.functional import gd_update, nesterov_update

    def step(state: dict[str, torch.Tensor], k: int):
        if spec.method == "nesterov":
            x_new, y_new = nesterov_update(state["x"], state["y"], grad_fn(state["y"]), eta, beta)
        else:
            x_new = gd_update(state["x"], grad_fn(state["x"]), eta)
            y_new = x_new
        measurements, extra = observe(state, x_new)
        return {**state, "x": x_new, "y": y_new, **extra}, measurements

    return step


# -- claims -----------------------------------------------------------------------------------------------------
def bound_claim(claim_id: str, statement: str, losses: torch.Tensor, delta0: np.ndarray, rates: np.ndarray,
                factor: float, hypotheses_hold: bool, provenance: str) -> Claim:
    """f_k - f* <= factor rate^k Delta0 at every step and trial (factor 2: Theorem 7; 1: Theorem 6).

    ``not_applicable`` when the theorem's hypotheses fail (the observation is still reported).
    """
    steps = np.arange(losses.shape[0])[:, None]
    bound = factor * np.asarray(rates)[None, :] ** steps * np.asarray(delta0)[None, :]
    worst, first = measure.bound_ratio(losses, torch.as_tensor(bound))
    held = first is None
    status = ("pass" if held else "fail") if hypotheses_hold else "not_applicable"
    return Claim(id=claim_id, status=status, statement=statement, provenance=provenance,
                 predicted=f"f_k - f* <= {factor:g} rho^k Delta0 for k <= {losses.shape[0] - 1} (rho = "
                           f"{_span(rates)})",
                 observed={"max ratio to bound": worst, "first violation": first, "held": held},
                 statistic="max over steps and trials of (f_k - f*) / bound_k")


def rate_ratio_claim(claim_id: str, fast: torch.Tensor, slow: torch.Tensor, kappa: np.ndarray, tolerance: float,
                     applicable: bool, provenance: str) -> tuple[Claim, dict]:
    """Fitted linear rates (second half of the run) and log(rate_fast)/log(rate_slow) vs sqrt(kappa).

    Pass when the median ratio over trials lies in [sqrt(kappa)/tolerance, tolerance sqrt(kappa)].
    """
    rate_fast, rate_slow = measure.fitted_rate(fast), measure.fitted_rate(slow)
    ratios = np.log(rate_fast) / np.log(rate_slow)
    ratio = float(np.nanmedian(ratios)) if np.isfinite(ratios).any() else float("nan")
    predicted = float(np.median(np.sqrt(kappa)))
    inside = bool(np.isfinite(ratio) and predicted / tolerance <= ratio <= predicted * tolerance)
    status = ("pass" if inside else "fail") if applicable else "not_applicable"
    observed = {"ratio": ratio, "nesterov rate": float(np.nanmedian(rate_fast)),
                "gd rate": float(np.nanmedian(rate_slow))}
    claim = Claim(id=claim_id, status=status, provenance=provenance,
                  statement="Nesterov's fitted linear rate beats GD's by a factor ~ sqrt(kappa)",
                  predicted={"sqrt(kappa)": predicted, "tolerance factor": tolerance},
                  observed=observed,
                  statistic="median over trials of log(r_nesterov)/log(r_gd), r from a log-linear least-squares fit "
                            "of f_k over the second half")
    return claim, observed


def moves_claim(claim_id: str, dx: torch.Tensor, du: torch.Tensor, lemma10, phi0: np.ndarray, applicable: bool,
                provenance: str = "[LK] Lemma 10") -> Claim:
    """||x_k - x_{k-1}||^2 <= Q2 rho^k phi0 and ||u_k - u_{k-1}||^2 <= G1^2 Q3 rho^k phi0 per trial.

    ``lemma10``: :class:`theory.nesterov.Lemma10Bounds` built with phi0 = 1 (the bounds are linear in phi0);
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
    status = ("pass" if held else "fail") if applicable else "not_applicable"
    return Claim(id=claim_id, status=status, provenance=provenance,
                 statement="iterate moves ||u_k - u_{k-1}|| and ||x_k - x_{k-1}|| within the Lemma 10 bounds",
                 predicted="||dx_k||^2 <= Q2 rho^k phi0, ||du_k||^2 <= G1^2 Q3 rho^k phi0 (phi0 = 2 Delta0)",
                 observed={"max dx^2/bound": worst_x, "max du^2/bound": worst_u,
                           "sum ||du|| / sum ||dx||": ratio},
                 statistic="max over steps and trials of move^2 / bound")


def _span(values) -> str:
    values = np.asarray(values, dtype=np.float64)
    low, high = float(np.min(values)), float(np.max(values))
    return f"{low:.6g}" if np.isclose(low, high, rtol=1e-9) else f"{low:.6g}..{high:.6g}"


def quantile_summary(values: np.ndarray) -> dict[str, float]:
    values = np.asarray(values, dtype=np.float64)
    return {"median": float(np.nanmedian(values)), "min": float(np.nanmin(values)), "max": float(np.nanmax(values))}
