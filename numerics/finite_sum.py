"""Finite-sum training problems and batched ensembles of minibatch runs of the SGD-type framework [XHT].

The objective is the finite sum f(w) = (1/N) sum_i f_i(w) with f_i(w) = ||F_Lambda(x_i; w) - y_i||^2 / 2 for a deep
ReLU network F_Lambda (:mod:`momcert.numerics.models`, flat parameter vector w). A run draws at step k a minibatch B_k
of B indices uniformly with replacement, so g_k = grad f_{B_k}(w_k) = grad f(w_k) + xi_{k+1} with xi a martingale
difference (the [XHT]/[SA] noise model), and applies the framework update of
:func:`momcert.numerics.functional.framework_update` (m_{k+1} = m_k + theta_k (g_k - m_k), w_{k+1} = w_k - eta_k
Phi(m_{k+1}); Lion as in ``momcert explain framework``).

An ensemble is E independent runs (seeds, and possibly different schedules) stepped as one ``torch.func.vmap``
computation; the minibatch indices of every run are drawn up front from its own recorded seed on the CPU, so a run is
the same on every device and whether it runs alone or in an ensemble.

Observables recorded at checkpoints (full batch): f(w_k), ||grad f(w_k)||, the tracking error ||m_k - grad f(w_k)||
(`xht-two` predicts -> 0), ||m_k|| (`xht-single` predicts -> 0), ||w_k|| (boundedness, assumed by all theorems), and a
sampled Goldstein epsilon-stationarity measure (:mod:`momcert.numerics.stationarity`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.func import grad, grad_and_value, vmap

from . import models
from .stationarity import batched_goldstein

OBSERVABLES = ("loss", "grad_norm", "tracking_error", "momentum_norm", "iterate_norm", "stationarity")


@dataclass
class FiniteSum:
    """f(w) = (1/N) sum_i ||F_Lambda(x_i; w) - y_i||^2 / 2 for the ReLU network with ``widths`` (flat w)."""

    X: torch.Tensor
    Y: torch.Tensor
    widths: list[int]
    name: str = "finite sum"

    @property
    def size(self) -> int:
        return self.X.shape[0]

    @property
    def dimension(self) -> int:
        return models.num_parameters(self.widths)

    def batch_loss(self, w: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        """f_B(w) = (1/|B|) sum_{i in B} f_i(w) for a minibatch of indices (vmap-compatible)."""
        inputs, targets = self.X.index_select(0, indices), self.Y.index_select(0, indices)
        residual = models.forward(models.unflatten(w, self.widths), inputs) - targets
        return 0.5 * (residual ** 2).sum() / indices.shape[0]

    def loss(self, w: torch.Tensor) -> torch.Tensor:
        """The full-batch f(w)."""
        residual = models.forward(models.unflatten(w, self.widths), self.X) - self.Y
        return 0.5 * (residual ** 2).sum() / self.size

    def gradient(self, w: torch.Tensor) -> torch.Tensor:
        """Autodiff gradient of the full-batch f (an element of the conservative field D_f)."""
        return grad(self.loss)(w)

    def batched_gradient(self, ws: torch.Tensor) -> torch.Tensor:
        """Full-batch gradients of a batch of points (P, n) in one vmap call."""
        return vmap(self.gradient)(ws)


def minibatch_indices(seeds: Sequence[int], steps: int, batch: int, size: int, *,
                      device: torch.device | str = "cpu") -> torch.Tensor:
    """Indices (E, steps, batch), uniform with replacement; run e's from ``torch.Generator().manual_seed(seeds[e])``."""
    draws = [torch.randint(size, (steps, batch), generator=torch.Generator().manual_seed(int(seed)))
             for seed in seeds]
    return torch.stack(draws).to(device)


def log_checkpoints(steps: int, count: int) -> list[int]:
    """About ``count`` distinct integers from 0 to ``steps``, evenly spaced in log(k + 1) (0 and ``steps`` included)."""
    grid = np.unique(np.round(np.geomspace(1, steps + 1, count)).astype(int) - 1)
    return sorted({0, steps, *grid.tolist()})


@dataclass
class MethodSpec:
    """A framework method: its name (interfaces.md), m_0 (``"zero"`` or ``"grad"``) and its extra constants."""

    method: str
    m0: str = "zero"
    rho: float | None = None
    gamma: float | None = None


def make_step(problem: FiniteSum, spec: MethodSpec) -> Callable:
    """One framework step for one run: ``step(w, m, indices, eta, theta) -> (w_new, m_new, minibatch loss at w)``
    (unbatched; ``vmap`` it for an ensemble)."""
    from .functional import framework_update

    def step(w, m, indices, eta, theta):
        g, loss = grad_and_value(problem.batch_loss)(w, indices)
        w_new, m_new = framework_update(w, m, g, eta, theta, spec.method, rho=spec.rho, gamma=spec.gamma)
        return w_new, m_new, loss

    return step


def initial_momentum(problem: FiniteSum, spec: MethodSpec, w0: torch.Tensor, first_indices: torch.Tensor):
    """m_0: zero, or the first minibatch gradient (``"grad"``, the first step then copies it)."""
    if spec.m0 == "zero":
        return torch.zeros_like(w0)
    return vmap(grad(problem.batch_loss))(w0, first_indices)


@dataclass
class EnsembleTrace:
    """Observables (E, C) at the checkpoints ``steps`` (C,), and where a run diverged (step or None per run).

    ``final_w`` is None when the trace was read back from the checkpoint of a finished run."""

    steps: list[int]
    observables: dict[str, np.ndarray]
    diverged_at: list[int | None] = field(default_factory=list)
    final_w: torch.Tensor | None = None


def observe(problem: FiniteSum, w: torch.Tensor, m: torch.Tensor, *, eps: float | None, samples: int,
            generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Full-batch observables (float64 CPU tensors of shape (E,)) of an ensemble state (w, m) of shape (E, n);
    stationarity is NaN when eps is None or where the state is not finite."""
    gradients = problem.batched_gradient(w)
    values = {
        "loss": vmap(problem.loss)(w),
        "grad_norm": gradients.norm(dim=-1),
        "tracking_error": (m - gradients).norm(dim=-1),
        "momentum_norm": m.norm(dim=-1),
        "iterate_norm": w.norm(dim=-1),
    }
    observed = {name: value.detach().to("cpu", torch.float64) for name, value in values.items()}
    finite = torch.isfinite(observed["loss"]) & torch.isfinite(w).all(dim=-1).cpu()
    observed["stationarity"] = torch.full((w.shape[0],), float("nan"), dtype=torch.float64)
    if eps is not None and bool(finite.any()):
        rows = torch.nonzero(finite).flatten()
        measured = batched_goldstein(problem.batched_gradient, w[rows.to(w.device)], eps, samples=samples,
                                     generator=generator)
        observed["stationarity"][rows] = torch.as_tensor(measured, dtype=torch.float64)
    return observed


def run_ensemble(problem: FiniteSum, spec: MethodSpec, w0: torch.Tensor, etas: torch.Tensor, thetas: torch.Tensor,
                 seeds: Sequence[int], *, batch: int, checkpoints: Sequence[int], eps: float | None = None,
                 samples: int = 8, stationarity_every: int = 1, name: str = "ensemble", progress: bool = False,
                 checkpoint: Path | None = None, resume: bool = False, fingerprint: Any = None,
                 checkpoint_every: int = 50, checkpoint_seconds: float = 30.0) -> EnsembleTrace:
    """Run E = len(seeds) framework runs as one vmap computation and record observables at ``checkpoints``.

    ``w0`` (E, n) initial points; ``etas``/``thetas`` (E, K) the stepsizes of each run (K = last checkpoint);
    run e samples its minibatches from ``seeds[e]``. The Goldstein measure (radius ``eps``, ``samples`` ball points)
    is computed at every ``stationarity_every``-th checkpoint and at the last one. The loop, the checkpoint file
    (``checkpoint``, written atomically; ``resume`` continues bit-identically on the CPU), divergence detection (on
    the iterate norm at every step, and the full-batch loss at checkpoints) and the progress bar are those of
    :func:`momcert.numerics.runs.run_ensemble`. The minibatch loss of step k (at w_k) is recorded as ``batch_loss``.
    """
    from . import runs

    steps = int(checkpoints[-1])
    indices = minibatch_indices(seeds, steps + 1, batch, problem.size, device=w0.device)
    batched_step = vmap(make_step(problem, spec))
    columns = {int(c): index for index, c in enumerate(checkpoints)}
    generator = torch.Generator().manual_seed(int(seeds[0]) + 7919)
    nothing = {name: torch.full((w0.shape[0],), float("nan"), dtype=torch.float64) for name in OBSERVABLES
               if name != "iterate_norm"}

    def measure(w, m, k):
        index = columns.get(k)
        if index is None:  # between checkpoints only the (cheap) iterate norm, watched for divergence
            return {**nothing, "iterate_norm": w.norm(dim=-1).detach().to("cpu", torch.float64)}
        with_stationarity = index % stationarity_every == 0 or k == steps
        return observe(problem, w, m, eps=eps if with_stationarity else None, samples=samples, generator=generator)

    def step(state, k):
        w, m, loss = batched_step(state["w"], state["m"], indices[:, k], etas[:, k], thetas[:, k])
        return {"w": w, "m": m}, {"batch_loss": loss, **measure(w, m, k + 1)}

    m0 = initial_momentum(problem, spec, w0, indices[:, 0])
    initial = {"batch_loss": vmap(problem.batch_loss)(w0, indices[:, 0]), **measure(w0, m0, 0)}
    trajectory = runs.run_ensemble(name, {"w": w0, "m": m0}, step, steps=steps, initial=initial,
                                   checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                                   checkpoint_seconds=checkpoint_seconds, resume=resume, fingerprint=fingerprint,
                                   generator=generator, watch="iterate_norm", progress=progress)
    rows = torch.as_tensor([int(c) for c in checkpoints])
    observables = {name: trajectory.records[name][rows].T.numpy() for name in OBSERVABLES}
    finite = torch.isfinite(trajectory.records["iterate_norm"])
    finite[rows] &= torch.isfinite(trajectory.records["loss"][rows])
    diverged = [None if bool(finite[:, e].all()) else int((~finite[:, e]).nonzero()[0]) for e in range(w0.shape[0])]
    return EnsembleTrace(steps=[int(c) for c in checkpoints], observables=observables, diverged_at=diverged,
                         final_w=trajectory.state.get("w"))


def loglog_slope(steps: Sequence[int], values: np.ndarray, *, start_fraction: float = 0.5) -> np.ndarray:
    """Least-squares slope of log(value) against log(k + 1) over the checkpoints with log(k + 1) in the last
    ``1 - start_fraction`` part of the log range (the "second half" on log axes), per run (rows of ``values``)."""
    logk = np.log(np.asarray(steps, dtype=float) + 1.0)
    keep = logk >= start_fraction * logk[-1]
    x = logk[keep] - logk[keep].mean()
    y = np.log(np.maximum(np.asarray(values, dtype=float)[..., keep], np.finfo(float).tiny))
    y = y - y.mean(axis=-1, keepdims=True)
    return (y * x).sum(axis=-1) / (x * x).sum()
