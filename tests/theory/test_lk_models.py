"""[LK] Lemma 14's constants against an independent computation on a small ReLU network (numpy by hand)."""

import itertools
import math

import numpy as np
import pytest

from momcert.theory.errors import InputError
from momcert.theory.lk_models import lemma14_constants


def _network(seed: int, widths):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, widths[0]))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    weights = [rng.standard_normal((a, b)) / math.sqrt(a) for a, b in itertools.pairwise(widths)]
    Y = rng.standard_normal((3, widths[-1]))
    return X, Y, weights


@pytest.mark.parametrize("widths", [[2, 6, 1], [3, 12, 10, 2]])
def test_lemma14_constants_match_a_computation_by_hand(widths):
    X, Y, weights = _network(7, widths)
    features = X
    for weight in weights[:-1]:
        features = np.maximum(features @ weight, 0.0)
    alpha0 = np.linalg.svd(features, compute_uv=False)[X.shape[0] - 1]  # the n-th singular value
    lambdas = [2 * np.linalg.svd(w, compute_uv=False)[0] for w in weights]  # 2 ||W_l(0)||_2
    x_fro = math.sqrt(float((X ** 2).sum()))
    y_fro = math.sqrt(float((Y ** 2).sum()))
    depth = len(weights)
    hidden = lambdas[:-1]
    product = float(np.prod(hidden))
    r_u = 0.5 * min(hidden) * min(1.0, alpha0 / (2 * math.sqrt(depth) * x_fro * product)) ** 2
    spread = math.sqrt(depth) * x_fro * product / min(hidden)
    expected = {
        "R_x": lambdas[-1] / 2, "R_u": r_u, "mu": alpha0 ** 2 / 2, "L1": x_fro ** 2 * product ** 2, "L2": 1.0,
        "kappa": 2 * x_fro ** 2 * product ** 2 / alpha0 ** 2, "G1": (lambdas[-1] + r_u) * spread,
        "G2": ((2 * lambdas[-1] + r_u) * x_fro * product + y_fro) * spread,
    }
    constants = lemma14_constants(alpha0, x_fro, y_fro, lambdas)
    assert set(constants) == set(expected)
    for name, value in expected.items():
        assert float(constants[name]) == pytest.approx(value, rel=1e-12), name


def test_lemma14_radius_u_is_capped_by_the_smallest_lambda():
    # alpha0 large: the min{1, ...} factor is 1 and R_u = min_l lambda_l / 2
    constants = lemma14_constants(100, 1, 0, [3, 0.5, 2])
    assert constants["R_u"] == pytest.approx(0.25)


def test_lemma14_needs_two_layers():
    with pytest.raises(InputError, match="depth Lambda >= 2"):
        lemma14_constants(1, 1, 1, [2])
