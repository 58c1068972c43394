"""Gradient descent and [LK] Nesterov runs on flat parameter vectors, batched over trials.

Shared by the ``additive`` and ``relu-nesterov`` scenarios. Parameters ([LK], ``momcert explain lk-nesterov``; all from
:mod:`momcert.theory.nesterov`; nothing is restated here):

- ``theorem``: the [LK] Theorem 6/7 parameters with c = 1/51 (eta = c/L1, beta as in [LK]);
- ``practical``: the same formulas with c = 1 (outside the proof's range c <= 1/51, as practitioners would use them);
- ``textbook`` [TXT]: eta = 1/L1, beta = (sqrt(kappa) - 1)/(sqrt(kappa) + 1) (GD: step 1/L1, rate 1 - 1/kappa).

The updates are :func:`momcert.numerics.functional.nesterov_update` and :func:`momcert.numerics.functional.gd_update`
(their one definition). A run's state is ``{"x": (T, P), "y": (T, P), ...}``; ``observe(previous_state, x_new, move)``
returns the measurements at the new iterate (``move`` = x_new - x_previous) and any extra state (e.g. cached features).

The claims on these runs are built and adjudicated in :mod:`momcert.numerics.claims`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from momcert.theory.baselines import gd_pl
from momcert.theory.nesterov import C_MAX, lk_parameters, textbook_parameters

from .functional import gd_update, nesterov_update
from .runs import Trajectory, run_ensemble


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


def run_specs(report, label: str, index: int, specs: Sequence[RunSpec], parameters: dict[str, dict], grad_fn,
              observe: Callable, start: dict[str, torch.Tensor], *, initial: dict[str, torch.Tensor], fingerprint: dict,
              options, config, extrapolated: Sequence[str] = ()) -> dict[str, Trajectory]:
    """The shared run skeleton of the [LK] scenarios: every spec of ``specs`` run from ``start`` as one ensemble
    over the trials (:func:`momcert.numerics.runs.run_ensemble`), named ``LABEL NAME``.

    ``parameters[spec.name]``: its ``eta`` and ``beta`` (a float, or one per trial); ``grad_fn``, ``observe``: as
    :func:`make_step` takes them (the runs named in ``extrapolated`` are observed with ``beta=``, so that their y_k
    are measured too); ``start``: the initial state (``x`` and ``y`` are copied, the rest shared); ``initial``: the
    measurements at the start. Each run is checkpointed to ``options.checkpoint("INDEX-NAME")`` with ``fingerprint``
    and its run name, resumed when ``options.resume``, with progress bars when ``options.progress``, and the testing
    aids ``config.step_delay``, ``config.checkpoint_seconds``; a divergence is recorded in ``report``.
    """
    trials = next(iter(initial.values())).shape[0]
    trajectories = {}
    for spec in specs:
        eta, beta = (torch.as_tensor(np.broadcast_to(np.asarray(parameters[spec.name][key], dtype=np.float64),
                                                     (trials,)).copy(), dtype=options.dtype, device=options.device
                                     ).reshape(-1, 1) for key in ("eta", "beta"))
        checked = functools.partial(observe, beta=beta) if spec.name in extrapolated else observe
        state = {key: value.clone() if key in ("x", "y") else value for key, value in start.items()}
        trajectories[spec.name] = run_ensemble(
            f"{label} {spec.name}", state, make_step(spec, grad_fn, eta, beta, checked),
            steps=config.sizes["iterations"], initial=initial, checkpoint=options.checkpoint(f"{index}-{spec.name}"),
            resume=options.resume, fingerprint={**fingerprint, "run": spec.name}, progress=options.progress,
            step_delay=config.step_delay, checkpoint_seconds=config.checkpoint_seconds)
        report.record_divergence(trajectories[spec.name].divergence())
    return trajectories
