"""Observed constants along runs, for comparison with the [LK] theorems (``momcert explain lk-theorem-7``).

All functions work on batches (any leading axes, e.g. the trial axis) and compute in float64.

- :func:`feature_spectrum`: squared singular values of the penultimate features F (n x d) from the smaller Gram matrix
  (F F^T when n <= d, else F^T F): O(n^2 d) instead of an SVD of F.
- :func:`feature_constants`: the exact x-block constants of ||F x - Y||_F^2 / 2 at fixed u [LK Section 4.2 remark]:
  the x-Hessian is F^T F (x) I, so on the row space of F, mu = the smallest nonzero squared singular value,
  L1 = the largest, kappa = L1/mu; and alpha = s_n(F), the n-th singular value used by Lemma 14 (0 if rank < n).
- :func:`lemma14_constants`: the paper's constants mu = alpha0^2/2, L1 = ||X||_F^2 prod lambda_l^2, kappa, with
  lambda_l = 2 ||W_l(0)||_2 (the smallest choice allowed by ||W_l(0)|| <= lambda_l/2), from
  :mod:`momcert.theory.nesterov`.
- :func:`lipschitz_ratio`: finite-difference estimates of G1 and G2 from consecutive iterates, ||a_k - a_{k-1}|| /
  ||u_k - u_{k-1}||, whose maximum over a run is a lower estimate of the constant on the visited set.
- :func:`fitted_rate`: the linear rate r of a log-linear least-squares fit f_k ~ C r^k over a window of steps.
- :func:`bound_ratio`: the largest observed / bound ratio over the steps (<= 1 means the bound held at every step).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def feature_spectrum(features: torch.Tensor) -> torch.Tensor:
    """Squared singular values of ``features`` (..., n, d), ascending, shape (..., min(n, d)), float64."""
    features = features.to(torch.float64)
    n, d = features.shape[-2:]
    gram = features @ features.transpose(-2, -1) if n <= d else features.transpose(-2, -1) @ features
    return torch.linalg.eigvalsh(gram).clamp_min(0)


def feature_constants(features: torch.Tensor, rtol: float = 1e-12) -> dict[str, torch.Tensor]:
    """``mu``, ``L1``, ``kappa``, ``alpha`` of the MSE loss in the last layer at these features (see module doc).

    Eigenvalues below ``rtol`` times the largest count as zero (outside the row space).
    """
    spectrum = feature_spectrum(features)
    largest = spectrum[..., -1]
    nonzero = spectrum > rtol * largest.unsqueeze(-1)
    mu = torch.where(nonzero, spectrum, float("inf")).amin(dim=-1)
    n = features.shape[-2]
    alpha = spectrum[..., 0].sqrt() if n <= features.shape[-1] else torch.zeros_like(largest)
    return {"mu": mu, "L1": largest, "kappa": largest / mu, "alpha": alpha}


def spectral_norm(matrix: torch.Tensor, dense_limit: int = 256) -> torch.Tensor:
    """||W||_2, the largest singular value, of every matrix in ``matrix`` (..., a, b), as float64 on its device.

    Matrices with min(a, b) <= ``dense_limit`` use a full SVD; larger ones Lanczos iterations
    (``scipy.sparse.linalg.svds`` on the CPU), accurate to rounding, which avoid the O(m^3) SVD of a wide layer.
    """
    from scipy.sparse.linalg import svds

    matrix = matrix.detach().to(torch.float64)
    if min(matrix.shape[-2:]) <= dense_limit:
        return torch.linalg.matrix_norm(matrix, ord=2)
    flat = matrix.reshape(-1, *matrix.shape[-2:]).cpu().numpy()
    values = [svds(item, k=1, return_singular_vectors=False, random_state=0)[0] for item in flat]
    return torch.tensor(values, dtype=torch.float64).reshape(matrix.shape[:-2]).to(matrix.device)


def lemma14_constants(X: torch.Tensor, initial_weights: Sequence[torch.Tensor]) -> dict[str, float]:
    """[LK] Lemma 14 constants for one network: ``alpha0``, ``lambdas``, ``mu``, ``L1``, ``L2``, ``kappa`` (floats)."""
    from momcert.theory.nesterov import relu_constants

    from .models import penultimate

    features = penultimate(initial_weights, X)
    alpha0 = float(feature_constants(features)["alpha"])
    lambdas = [2 * float(spectral_norm(w)) for w in initial_weights[:-1]]
    x_fro = float(torch.linalg.matrix_norm(X.to(torch.float64)))
    if alpha0 <= 0:
        return {"alpha0": alpha0, "lambdas": lambdas, "mu": 0.0, "L1": float("nan"), "L2": 1.0, "kappa": float("inf")}
    constants = relu_constants(alpha0, x_fro, lambdas)
    return {"alpha0": alpha0, "lambdas": lambdas, **{name: float(value) for name, value in constants.items()}}


def lipschitz_ratio(change: torch.Tensor, du_norm: torch.Tensor) -> torch.Tensor:
    """||change|| / ||u_k - u_{k-1}|| per trial (``change`` flattened after the leading axis; ``du_norm``: (T,)
    norms of the u moves). A trial whose u did not move has no change either (h and grad_x f depend on u only
    through the moved block) and gets 0."""
    numerator = torch.linalg.vector_norm(change.flatten(1), dim=1, dtype=torch.float64)
    return numerator / du_norm.to(torch.float64).clamp_min(torch.finfo(torch.float64).tiny)


def fitted_rate(values: torch.Tensor | np.ndarray, start: int | None = None, stop: int | None = None) -> np.ndarray:
    """Per column of ``values`` (steps + 1, T): r = exp(slope) of a least-squares fit of log f_k on k over
    ``start <= k < stop`` (default: the second half). Non-positive or non-finite entries are left out; columns
    with fewer than 3 usable points give NaN."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    total = array.shape[0]
    start = total // 2 if start is None else start
    stop = total if stop is None else stop
    rates = np.full(array.shape[1], np.nan)
    steps = np.arange(total)[start:stop]
    for column in range(array.shape[1]):
        window = array[start:stop, column]
        usable = np.isfinite(window) & (window > 0)
        if usable.sum() >= 3:
            slope = np.polyfit(steps[usable], np.log(window[usable]), 1)[0]
            rates[column] = np.exp(slope)
    return rates


def bound_ratio(observed: torch.Tensor, bound: torch.Tensor | np.ndarray) -> tuple[float, int | None]:
    """``(max_k max_trials observed_k / bound_k, first step where the ratio exceeds 1 or None)``.

    ``observed``: (steps + 1, T); ``bound``: (steps + 1,) or broadcastable. NaN entries (a diverged trial) count as
    violations (ratio inf).
    """
    observed = torch.as_tensor(observed, dtype=torch.float64)
    bound = torch.as_tensor(bound, dtype=torch.float64).reshape(observed.shape[0], -1)
    ratio = observed / bound
    ratio = torch.where(torch.isnan(ratio), torch.full_like(ratio, float("inf")), ratio)
    worst = ratio.max(dim=1).values
    above = torch.nonzero(worst > 1).flatten()
    return float(worst.max()), (int(above[0]) if above.numel() else None)
