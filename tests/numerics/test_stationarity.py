"""The minimum-norm QP, the sampled Goldstein measure and the autodiff-vs-Clarke helpers on closed-form cases."""

import numpy as np
import pytest
import torch
from scipy.optimize import minimize
from torch.func import grad, vmap

from momcert.numerics.stationarity import (
    artificial_objective,
    autodiff_derivative,
    compare_with_clarke,
    goldstein_stationarity,
    min_norm_in_hull,
    sample_ball,
    zero_in_disguise,
)


def generator(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize(("points", "expected_point"), [
    ([[1.0], [-1.0]], [0.0]),                                   # 0 between the two one-sided slopes of |x|
    ([[1.0, 1.0], [1.0, -1.0]], [1.0, 0.0]),                    # the segment's midpoint
    ([[2.0, 0.0], [0.0, 2.0]], [1.0, 1.0]),                     # projection of 0 on the segment: (1, 1)
    ([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]], [1 / 3] * 3),     # simplex: its centroid
    ([[3.0, 4.0], [6.0, 8.0]], [3.0, 4.0]),                     # a vertex
    ([[1.0, 0], [-0.5, 1], [-0.5, -1], [5, 5]], [0.0, 0.0]),    # 0 inside the triangle
])
def test_min_norm_closed_form(points, expected_point):
    result = min_norm_in_hull(np.array(points))
    np.testing.assert_allclose(result.point, expected_point, atol=1e-12)
    assert result.norm == pytest.approx(np.linalg.norm(expected_point), abs=1e-12)
    assert result.weights.min() >= 0 and result.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(result.weights @ np.array(points), result.point, atol=1e-12)


def test_min_norm_against_an_independent_solver_and_the_optimality_certificate():
    rng = np.random.default_rng(1)
    for _ in range(40):
        count, dim = rng.integers(2, 15), rng.integers(1, 8)
        P = rng.normal(size=(count, dim)) + rng.normal(size=dim) * rng.uniform(0, 2)
        result = min_norm_in_hull(P)
        v = result.point
        # v is the minimum-norm point iff <v, p_i> >= ||v||^2 for every i.
        assert (P @ v).min() >= v @ v - 1e-9
        reference = minimize(lambda w, P=P: np.sum((w @ P) ** 2), np.full(count, 1 / count), method="SLSQP",
                             bounds=[(0, 1)] * count, constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
                             options={"ftol": 1e-14, "maxiter": 500})
        assert result.norm ** 2 <= reference.fun + 1e-9


def test_sample_ball_stays_in_the_ball_and_fills_it():
    center = torch.tensor([[1.0, -2.0, 0.5]], dtype=torch.float64)
    points = sample_ball(center, 0.1, 4000, generator=generator())
    distances = (points - center.unsqueeze(1)).norm(dim=-1)
    assert points.shape == (1, 4000, 3)
    assert distances.max() <= 0.1 + 1e-12
    # uniform in a 3-ball: P(r <= 0.1 t) = t^3, so the median radius is 0.1 * 0.5^(1/3)
    assert float(distances.median()) == pytest.approx(0.1 * 0.5 ** (1 / 3), rel=0.05)


def absolute_gradient(points):
    return vmap(grad(lambda y: y.abs().sum()))(points)


@pytest.mark.parametrize(("x", "eps", "expected"), [
    (0.0, 0.1, 0.0),     # |x| at its kink: conv{-1, 1} contains 0
    (0.05, 0.1, 0.0),    # near the kink, the ball still crosses 0
    (0.5, 0.1, 1.0),     # away from it: the gradient 1
    (-0.3, 0.2, 1.0),
])
def test_goldstein_of_absolute_value(x, eps, expected):
    point = torch.tensor([x], dtype=torch.float64)
    value = goldstein_stationarity(absolute_gradient, point, eps, samples=32, generator=generator(),
                                   include_center=False)
    assert value == pytest.approx(expected, abs=1e-12)


MAX_AFFINE = torch.tensor([[1.0, 0.0], [-0.5, 1.0], [-0.5, -1.0]], dtype=torch.float64)


def max_affine(y):
    """f(y) = max_i a_i . y with a = (1, 0), (-1/2, 1), (-1/2, -1): the Clarke subdifferential at 0 is conv{a_i}."""
    return (MAX_AFFINE @ y).max()


@pytest.mark.parametrize(("x", "eps", "expected"), [
    ([0.0, 0.0], 0.1, 0.0),                  # all three pieces active: 0 = (a_1 + a_2 + a_3)/3
    ([0.0, 1.0], 0.1, 5 ** 0.5 / 2),         # only a_2 = (-1/2, 1) active in the ball
    ([-1.0, 0.0], 0.05, 0.5),                # a_2 and a_3 active: min norm of the segment is (-1/2, 0)
    ([1.0, 0.02], 0.05, 1.0),                # only a_1
])
def test_goldstein_of_a_max_of_affine_functions(x, eps, expected):
    value = goldstein_stationarity(vmap(grad(max_affine)), torch.tensor(x, dtype=torch.float64), eps, samples=64,
                                   generator=generator(3), include_center=False)
    assert value == pytest.approx(expected, abs=1e-12)


def test_artificial_critical_point_of_autodiff():
    grid = torch.linspace(-2, 2, 401, dtype=torch.float64)
    assert zero_in_disguise(grid).abs().max() == 0
    x = torch.tensor([0.0, 2.0, 0.5, -1.0], dtype=torch.float64)
    derivative = autodiff_derivative(artificial_objective, x)
    # the true derivative is x - 1 everywhere; autodiff agrees except at 0, where it reports 0 instead of -1
    np.testing.assert_array_equal(derivative.numpy(), [0.0, 1.0, -0.5, -2.0])
    assert float(autodiff_derivative(zero_in_disguise, x[:1])[0]) == -1.0


def test_autodiff_is_outside_the_clarke_estimate_only_at_the_artificial_point():
    function = lambda y: artificial_objective(y).sum()  # noqa: E731
    at_kink = compare_with_clarke(function, torch.zeros(1, dtype=torch.float64), radius=1e-4, samples=16,
                                  generator=generator())
    assert at_kink.autodiff.tolist() == [0.0]
    assert at_kink.distance == pytest.approx(1.0, abs=1e-3)
    elsewhere = compare_with_clarke(function, torch.tensor([0.3], dtype=torch.float64), radius=1e-4, samples=16,
                                    generator=generator())
    assert elsewhere.distance <= 1e-4
