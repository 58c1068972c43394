"""[TXT] baselines: parameters in plain floats, and the bounds checked on real trajectories."""

import math

import numpy as np
import pytest

from momcert.theory.baselines import baseline_rates, gd_pl, heavy_ball_quadratic, textbook_nesterov
from momcert.theory.errors import InputError
from momcert.theory.nesterov import lk_parameters, theorem7_bound


def _quadratic(mu, L, dim=6, seed=0):
    """f(x) = x^T H x / 2 with spectrum spread over [mu, L] (both ends included), x* = 0, f* = 0."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    spectrum = np.concatenate([[mu, L], rng.uniform(mu, L, dim - 2)])
    H = (q * spectrum) @ q.T
    return H, (lambda x: 0.5 * x @ H @ x), (lambda x: H @ x)


def _nesterov(grad, x0, eta, beta, steps):
    x, y, xs = x0, x0, [x0]
    for _ in range(steps):
        x_next = y - eta * grad(y)
        y = x_next + beta * (x_next - x)
        x = x_next
        xs.append(x)
    return xs


def test_textbook_parameters_in_floats():
    t = textbook_nesterov(0.1, 1)
    kappa = 10.0
    assert float(t.kappa) == pytest.approx(kappa, abs=1e-12)
    assert float(t.eta) == 1.0
    assert float(t.beta) == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), abs=1e-12)
    assert float(t.rate) == pytest.approx(1 - 1 / math.sqrt(kappa), abs=1e-12)
    assert float(t.bound(8)) == pytest.approx((1 - 1 / math.sqrt(kappa)) ** 8, abs=1e-12)


def test_gd_and_heavy_ball_parameters_in_floats():
    g = gd_pl(2, 50)
    assert float(g.rate) == pytest.approx(1 - 2 / 50, abs=1e-12) and float(g.eta) == pytest.approx(1 / 50)
    h = heavy_ball_quadratic(2, 50)
    assert float(h.eta) == pytest.approx(4 / (math.sqrt(50) + math.sqrt(2)) ** 2, abs=1e-12)
    assert float(h.beta) == pytest.approx(((5 - 1) / (5 + 1)) ** 2, abs=1e-12)
    assert h.rate is None
    with pytest.raises(InputError, match="no guarantee"):
        h.bound(3)
    rates = baseline_rates(2, 50)
    assert float(rates["textbook_nesterov_rate"]) == pytest.approx(0.8) and float(rates["gd_pl_rate"]) == 0.96


@pytest.mark.parametrize(("mu", "L"), [(-1, 1), (2, 1), ("x y", 1)])
def test_bad_constants(mu, L):
    with pytest.raises(InputError):
        textbook_nesterov(mu, L)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_textbook_bound_holds_on_quadratics(seed):
    mu, L = 0.1, 1.0
    _, f, grad = _quadratic(mu, L, seed=seed)
    x0 = np.random.default_rng(seed + 10).standard_normal(6)
    t = textbook_nesterov(mu, L)
    initial = f(x0) + mu / 2 * x0 @ x0
    for k, x in enumerate(_nesterov(grad, x0, float(t.eta), float(t.beta), 60)):
        assert f(x) <= float(t.rate) ** k * initial * (1 + 1e-9)


def test_gd_bound_holds_and_is_attained_along_the_top_eigenvector():
    mu, L = 0.5, 4.0
    H, f, grad = _quadratic(mu, L)
    g = gd_pl(mu, L)
    _, vectors = np.linalg.eigh(H)
    x = vectors[:, 0]  # the mu-eigenvector contracts exactly by (1 - mu/L)^2 per step in f
    f0 = f(x)
    for k in range(1, 20):
        x = x - float(g.eta) * grad(x)
        assert f(x) <= float(g.rate) ** k * f0 * (1 + 1e-9)
    assert f(x) == pytest.approx((1 - mu / L) ** 38 * f0, rel=1e-8)


def test_lk_bound_holds_on_a_smooth_strongly_convex_quadratic():
    """G1 = G2 = 0 ([LK] Theorem 3): Theorem 7 must hold for every L-smooth mu-strongly convex f."""
    mu, L = 0.2, 5.0
    _, f, grad = _quadratic(mu, L, seed=4)
    x0 = np.ones(6)
    p = lk_parameters(mu, L)
    for k, x in enumerate(_nesterov(grad, x0, float(p.eta), float(p.beta), 300)):
        assert f(x) <= float(theorem7_bound(k, f(x0), p.rate)) * (1 + 1e-9)
