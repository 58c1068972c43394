"""Finite-sum training problems and batched ensembles of minibatch runs of the SGD-type framework (THEORY.md 1).

The objective is the finite sum f(w) = (1/N) sum_i f_i(w) with f_i(w) = ||F_Lambda(x_i; w) - y_i||^2 / 2 for a deep
ReLU network F_Lambda (:mod:`numerics.models`, flat parameter vector w). A run draws at step k a minibatch B_k of B
indices uniformly with replacement, so g_k = grad f_{B_k}(w_k) = grad f(w_k) + xi_{k+1} with xi a martingale difference
(the [XHT]/[SA] noise model), and applies the framework update of :func:`numerics.functional.framework_update`
(m_{k+1} = m_k + theta_k (g_k - m_k), w_{k+1} = w_k - eta_k Phi(m_{k+1}); Lion as in THEORY.md).

An ensemble is E independent runs (seeds, and possibly different schedules) stepped as one ``torch.func.vmap``
computation; the minibatch indices of every run are drawn up front from its own recorded seed on the CPU, so a run is
the same on every device and whether it runs alone or in an ensemble.

Observables recorded at checkpoints (full batch): f(w_k), ||grad f(w_k)||, the tracking error ||m_k - grad f(w_k)||
(`xht-two` predicts -> 0), ||m_k|| (`xht-single` predicts -> 0), ||w_k|| (boundedness, assumed by all theorems), and a
sampled Goldstein epsilon-stationarity measure (:mod:`numerics.stationarity`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.func import grad, vmap

from numerics import models
from numerics.stationarity import batched_goldstein

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
        residual = models.forward(models.unflatten(w, self.widths), self.X[indices]) - self.Y[indices]
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
    """One framework step for one run: ``step(w, m, indices, eta, theta) -> (w_new, m_new)`` (unbatched)."""
    from numerics.functional import framework_update

    def step(w, m, indices, eta, theta):
        g = grad(problem.batch_loss)(w, indices)
        return framework_update(w, m, g, eta, theta, spec.method, rho=spec.rho, gamma=spec.gamma)

    return step


def initial_momentum(problem: FiniteSum, spec: MethodSpec, w0: torch.Tensor, first_indices: torch.Tensor):
    """m_0: zero, or the first minibatch gradient (``"grad"``, the first step then copies it)."""
    if spec.m0 == "zero":
        return torch.zeros_like(w0)
    return vmap(grad(problem.batch_loss))(w0, first_indices)


@dataclass
class EnsembleTrace:
    """Observables (E, C) at the checkpoints ``steps`` (C,), and where a run diverged (step or None per run)."""

    steps: list[int]
    observables: dict[str, np.ndarray]
    diverged_at: list[int | None] = field(default_factory=list)
    final_w: torch.Tensor | None = None


def observe(problem: FiniteSum, w: torch.Tensor, m: torch.Tensor, *, eps: float | None, samples: int,
            generator: torch.Generator) -> dict[str, np.ndarray]:
    """Full-batch observables of an ensemble state (w, m) of shape (E, n); stationarity is NaN when eps is None."""
    gradients = problem.batched_gradient(w)
    values = {
        "loss": vmap(problem.loss)(w),
        "grad_norm": gradients.norm(dim=-1),
        "tracking_error": (m - gradients).norm(dim=-1),
        "momentum_norm": m.norm(dim=-1),
        "iterate_norm": w.norm(dim=-1),
    }
    observed = {name: value.detach().cpu().double().numpy() for name, value in values.items()}
    finite = np.isfinite(observed["loss"]) & np.all(torch.isfinite(w).cpu().numpy(), axis=-1)
    observed["stationarity"] = np.full(w.shape[0], np.nan)
    if eps is not None and finite.any():
        rows = torch.as_tensor(np.flatnonzero(finite), device=w.device)
        observed["stationarity"][finite] = batched_goldstein(problem.batched_gradient, w[rows], eps,
                                                             samples=samples, generator=generator)
    return observed


def run_ensemble(problem: FiniteSum, spec: MethodSpec, w0: torch.Tensor, etas: torch.Tensor, thetas: torch.Tensor,
                 seeds: Sequence[int], *, batch: int, checkpoints: Sequence[int], eps: float | None = None,
                 samples: int = 8, stationarity_every: int = 1, progress=None) -> EnsembleTrace:
    """Run E = len(seeds) framework runs as one vmap computation and record observables at ``checkpoints``.

    ``w0`` (E, n) initial points; ``etas``/``thetas`` (E, K) the stepsizes of each run (K = last checkpoint);
    run e samples its minibatches from ``seeds[e]``. The Goldstein measure (radius ``eps``, ``samples`` ball points)
    is computed at every ``stationarity_every``-th checkpoint and at the last one. ``progress`` (a tqdm bar or None)
    is advanced by one per step.
    """
    steps = int(checkpoints[-1])
    indices = minibatch_indices(seeds, steps + 1, batch, problem.size, device=w0.device)
    step = vmap(make_step(problem, spec))
    w = w0
    m = initial_momentum(problem, spec, w0, indices[:, 0])
    generator = torch.Generator().manual_seed(int(seeds[0]) + 7919)
    records: list[dict[str, np.ndarray]] = []
    diverged: list[int | None] = [None] * w0.shape[0]
    wanted = set(int(c) for c in checkpoints)
    for k in range(steps + 1):
        if k in wanted:
            index = len(records)
            with_stationarity = index % stationarity_every == 0 or k == steps
            records.append(observe(problem, w, m, eps=eps if with_stationarity else None, samples=samples,
                                   generator=generator))
            bad = ~np.isfinite(records[-1]["loss"])
            for e in np.flatnonzero(bad):
                diverged[e] = k if diverged[e] is None else diverged[e]
        if k == steps:
            break
        w, m = step(w, m, indices[:, k], etas[:, k], thetas[:, k])
        if progress is not None:
            progress.update(1)
    observables = {name: np.stack([r[name] for r in records], axis=1) for name in OBSERVABLES}
    return EnsembleTrace(steps=[int(c) for c in checkpoints], observables=observables, diverged_at=diverged,
                         final_w=w)


def loglog_slope(steps: Sequence[int], values: np.ndarray, *, start_fraction: float = 0.5) -> np.ndarray:
    """Least-squares slope of log(value) against log(k + 1) over the checkpoints with log(k + 1) in the last
    ``1 - start_fraction`` part of the log range (the "second half" on log axes), per run (rows of ``values``)."""
    logk = np.log(np.asarray(steps, dtype=float) + 1.0)
    keep = logk >= start_fraction * logk[-1]
    x = logk[keep] - logk[keep].mean()
    y = np.log(np.maximum(np.asarray(values, dtype=float)[..., keep], np.finfo(float).tiny))
    y = y - y.mean(axis=-1, keepdims=True)
    return (y * x).sum(axis=-1) / (x * x).sum()


def window_ratio(steps: Sequence[int], values: np.ndarray) -> np.ndarray:
    """Mean over the last quarter of the log range divided by the mean over the quarter before it, per run."""
    logk = np.log(np.asarray(steps, dtype=float) + 1.0)
    top = logk[-1]
    last = logk >= 0.75 * top
    before = (logk >= 0.5 * top) & ~last
    values = np.asarray(values, dtype=float)
    return values[..., last].mean(axis=-1) / values[..., before].mean(axis=-1)
