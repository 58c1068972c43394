"""Goldstein epsilon-stationarity and the gap between autodiff and the Clarke subdifferential [XHT].

The Goldstein epsilon-subdifferential of a locally Lipschitz f at x is the closed convex hull of the gradients of f at
the points of the ball B_eps(x) where f is differentiable; x is (eps, delta)-stationary when that set has a point of
norm at most delta. Gradients sampled at random points of the ball (differentiable with probability one for a
definable f) span a sub-hull, so the minimum norm over the sampled hull is an upper bound of the Goldstein measure. [SA]

The minimum-norm point of the convex hull of p_1, ..., p_s is the quadratic program min_w ||sum_i w_i p_i||^2 over the
simplex, solved exactly (up to round-off) by Wolfe's minimum-norm-point algorithm: an active set of affinely independent
points whose affine minimum-norm point is found by a linear system. Optimality certificate: a point v of the hull is the
minimum-norm point iff <v, p_i> >= ||v||^2 for every i.

Autodiff returns an element of a conservative field, which can lie outside the Clarke subdifferential [XHT]: the helpers
at the end build the example z(x) = relu(x) - relu(-x) - x (identically 0, autodiff z'(0) = -1) and a small ReLU
network with the same defect (``momcert explain xht-clarke``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.func import grad, vmap


@dataclass
class MinNormPoint:
    """The minimum-norm point ``point`` of the convex hull of the rows of a matrix, with simplex ``weights``."""

    point: np.ndarray
    weights: np.ndarray
    norm: float


def min_norm_in_hull(points, *, tolerance: float = 1e-12, max_iterations: int = 1000) -> MinNormPoint:
    """Minimum-norm point of conv{rows of ``points``} by Wolfe's algorithm (float64, exact up to ``tolerance``).

    ``points`` is an (s, n) array or tensor. Returns weights w on the simplex and v = w @ points minimizing ||v||.
    """
    P = np.asarray(points.detach().cpu() if isinstance(points, torch.Tensor) else points, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] == 0:
        raise ValueError(f"points must be a non-empty (s, n) array, got shape {P.shape}")
    scale = max(float(np.max(np.sum(P * P, axis=1))), np.finfo(float).tiny)
    gram = P @ P.T
    start = int(np.argmin(np.diag(gram)))
    active = [start]
    weights = np.zeros(P.shape[0])
    weights[start] = 1.0
    for _ in range(max_iterations):
        v = weights @ P
        scores = P @ v
        candidate = int(np.argmin(scores))
        if scores[candidate] >= v @ v - tolerance * scale or candidate in active:
            break
        active.append(candidate)
        while True:  # minor cycle: move towards the affine minimum-norm point of the active set
            affine = _affine_min_norm_weights(gram[np.ix_(active, active)])
            if np.all(affine > tolerance):
                weights[:] = 0.0
                weights[active] = affine
                break
            current = weights[active]
            shrinking = affine <= tolerance
            step = np.min(current[shrinking] / (current[shrinking] - affine[shrinking]))
            mixed = current + step * (affine - current)
            weights[:] = 0.0
            weights[active] = np.clip(mixed, 0.0, None)
            active = [i for i in active if weights[i] > tolerance]
            weights[[i for i in range(P.shape[0]) if i not in active]] = 0.0
            weights /= weights.sum()
    point = weights @ P
    return MinNormPoint(point=point, weights=weights, norm=float(np.linalg.norm(point)))


def _affine_min_norm_weights(gram: np.ndarray) -> np.ndarray:
    """Weights mu (sum 1) minimizing mu^T G mu: the KKT system [[G, 1], [1^T, 0]] [mu; nu] = [0; 1] (least squares)."""
    s = gram.shape[0]
    system = np.zeros((s + 1, s + 1))
    system[:s, :s] = gram
    system[:s, s] = 1.0
    system[s, :s] = 1.0
    rhs = np.zeros(s + 1)
    rhs[s] = 1.0
    solution = np.linalg.lstsq(system, rhs, rcond=None)[0]
    return solution[:s]


def sample_ball(center: torch.Tensor, radius: float, count: int, *, generator: torch.Generator) -> torch.Tensor:
    """``count`` points uniform in the Euclidean ball of ``radius`` around each row of ``center`` (..., n).

    Returns (..., count, n). The random numbers come from ``generator`` on the CPU, so they do not depend on the device.
    """
    shape = (*center.shape[:-1], count, center.shape[-1])
    directions = torch.randn(shape, generator=generator, dtype=torch.float64)
    directions = directions / directions.norm(dim=-1, keepdim=True)
    radii = torch.rand((*shape[:-1], 1), generator=generator, dtype=torch.float64) ** (1.0 / center.shape[-1])
    offsets = (radius * radii * directions).to(device=center.device, dtype=center.dtype)
    return center.unsqueeze(-2) + offsets


def goldstein_stationarity(gradient_fn, x: torch.Tensor, eps: float, *, samples: int = 16,
                           generator: torch.Generator, include_center: bool = True) -> float:
    """Sampled Goldstein measure: min norm over conv{grad f(y) : y sampled uniformly in B_eps(x)} (an upper bound).

    ``gradient_fn`` maps a batch of points (s, n) to their gradients (s, n) (e.g. ``vmap(grad(f))``); ``x`` is flat.
    With ``include_center`` the gradient reported at x itself joins the sample.
    """
    points = sample_ball(x, eps, samples, generator=generator)
    if include_center:
        points = torch.cat([x.unsqueeze(0), points])
    return min_norm_in_hull(gradient_fn(points)).norm


def batched_goldstein(gradient_fn, xs: torch.Tensor, eps: float, *, samples: int,
                      generator: torch.Generator) -> np.ndarray:
    """:func:`goldstein_stationarity` for every row of ``xs`` (E, n), with one batched gradient call for all rows.

    ``gradient_fn`` maps (E * (samples + 1), n) points to gradients of the same shape.
    """
    points = torch.cat([xs.unsqueeze(1), sample_ball(xs, eps, samples, generator=generator)], dim=1)
    gradients = gradient_fn(points.reshape(-1, xs.shape[-1])).reshape(points.shape)
    return np.array([min_norm_in_hull(g).norm for g in gradients])


# -- autodiff versus Clarke ----------------------------------------------------------------------------------------

def zero_in_disguise(x: torch.Tensor) -> torch.Tensor:
    """z(x) = relu(x) - relu(-x) - x: identically 0, but autodiff with relu'(0) = 0 gives z'(0) = -1 [XHT]."""
    return torch.relu(x) - torch.relu(-x) - x


def artificial_objective(x: torch.Tensor) -> torch.Tensor:
    """F(x) = (x - 1)^2 / 2 - z(x) = (x - 1)^2 / 2, yet autodiff reports F'(0) = 0 (an artificial critical point)."""
    return (x - 1) ** 2 / 2 - zero_in_disguise(x)


def autodiff_derivative(function, x: torch.Tensor) -> torch.Tensor:
    """Elementwise autodiff derivative of a scalar function at every entry of ``x`` (vmap of torch.func.grad)."""
    flat = x.reshape(-1)
    return vmap(grad(function))(flat).reshape(x.shape)


@dataclass
class ClarkeComparison:
    """Autodiff's output at a point against a sampled estimate of the Clarke subdifferential there.

    ``distance`` is the distance from the autodiff vector to the hull of gradients sampled in a ball of ``radius``
    (computed as the minimum-norm point of the shifted hull); a distance that stays positive as the radius shrinks
    shows the autodiff vector lies outside the Clarke subdifferential.
    """

    autodiff: np.ndarray
    sampled_gradients: np.ndarray
    clarke_min_norm: float
    distance: float
    radius: float


def compare_with_clarke(function, x: torch.Tensor, *, radius: float, samples: int,
                        generator: torch.Generator) -> ClarkeComparison:
    """Compare ``grad(function)(x)`` (autodiff) with gradients sampled in B_radius(x) (flat ``x``)."""
    autodiff = grad(function)(x)
    points = sample_ball(x, radius, samples, generator=generator)
    sampled = vmap(grad(function))(points)
    distance = min_norm_in_hull(sampled - autodiff).norm
    return ClarkeComparison(autodiff=autodiff.detach().cpu().numpy(), sampled_gradients=sampled.detach().cpu().numpy(),
                            clarke_min_norm=min_norm_in_hull(sampled).norm, distance=distance, radius=radius)
