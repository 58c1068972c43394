"""Tests for momcert.numerics.measure: x-block constants vs torch.func.hessian, Lemma 14 constants, fits and bound
ratios."""

import numpy as np
import pytest
import torch
from torch.func import hessian

from momcert.numerics import measure, models


def restricted_hessian_extremes(features, Y):
    """Extreme eigenvalues of the last-layer Hessian of ||F W - Y||_F^2/2, restricted to the row space of F."""
    d, out = features.shape[1], Y.shape[1]

    def loss(last):
        return 0.5 * ((features @ last - Y) ** 2).sum()

    full = hessian(loss)(torch.zeros(d, out, dtype=torch.float64)).reshape(d * out, d * out)
    basis = models.row_space_basis(features)  # d x r, orthonormal
    lifted = torch.kron(basis, torch.eye(out, dtype=torch.float64))  # row-major flattening of W: index i*out + j
    eigenvalues = torch.linalg.eigvalsh(lifted.T @ full @ lifted)
    return eigenvalues.min().item(), eigenvalues.max().item()


@pytest.mark.parametrize("n, width", [(6, 20), (30, 9)])
def test_measured_mu_and_L1_equal_the_restricted_hessian_extremes(n, width):
    generator = torch.Generator().manual_seed(n)
    weights = models.init_weights([4, 15, width, 3], generator=generator)
    X = torch.randn(n, 4, dtype=torch.float64, generator=generator)
    Y = torch.randn(n, 3, dtype=torch.float64, generator=generator)
    features = models.penultimate(weights, X)
    low, high = restricted_hessian_extremes(features, Y)
    constants = measure.feature_constants(features)
    assert constants["mu"].item() == pytest.approx(low, rel=1e-8)
    assert constants["L1"].item() == pytest.approx(high, rel=1e-8)
    assert constants["kappa"].item() == pytest.approx(high / low, rel=1e-8)


def test_rank_deficient_features_use_the_smallest_nonzero_eigenvalue():
    generator = torch.Generator().manual_seed(3)
    base = torch.randn(8, 3, dtype=torch.float64, generator=generator)
    features = torch.cat([base, base @ torch.randn(3, 5, dtype=torch.float64, generator=generator)], dim=1)
    Y = torch.randn(8, 2, dtype=torch.float64, generator=generator)
    low, high = restricted_hessian_extremes(features, Y)
    constants = measure.feature_constants(features)
    assert constants["mu"].item() == pytest.approx(low, rel=1e-8)
    assert constants["L1"].item() == pytest.approx(high, rel=1e-8)
    assert constants["alpha"].item() < 1e-6  # rank 3 < n = 8: the n-th singular value vanishes (Lemma 14's alpha)


def test_batched_feature_constants_match_singular_values():
    features = torch.rand(4, 5, 40, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    constants = measure.feature_constants(features)
    singular = torch.linalg.svdvals(features)
    torch.testing.assert_close(constants["alpha"], singular[:, -1], rtol=1e-8, atol=0)
    torch.testing.assert_close(constants["L1"], singular[:, 0] ** 2, rtol=1e-10, atol=0)


def test_lemma14_constants_from_an_independent_computation():
    generator = torch.Generator().manual_seed(5)
    weights = models.init_weights([3, 30, 30, 2], generator=generator)
    X = torch.randn(5, 3, dtype=torch.float64, generator=generator)
    constants = measure.lemma14_constants(X, weights)
    alpha0 = np.linalg.svd(models.penultimate(weights, X).numpy(), compute_uv=False)[4]
    lambdas = [2 * np.linalg.norm(w.numpy(), 2) for w in weights[:2]]
    L1 = np.linalg.norm(X.numpy()) ** 2 * lambdas[0] ** 2 * lambdas[1] ** 2
    assert constants["alpha0"] == pytest.approx(alpha0, rel=1e-9)
    assert constants["mu"] == pytest.approx(alpha0 ** 2 / 2, rel=1e-9)
    assert constants["L1"] == pytest.approx(L1, rel=1e-9)
    assert constants["kappa"] == pytest.approx(2 * L1 / alpha0 ** 2, rel=1e-9)


def test_fitted_rate_recovers_geometric_sequences():
    steps = np.arange(61)[:, None]
    values = np.array([3.0, 0.5]) * np.array([0.9, 0.99]) ** steps
    np.testing.assert_allclose(measure.fitted_rate(values), [0.9, 0.99], rtol=1e-12)
    values[40, 0] = np.nan  # non-finite points are left out of the fit
    values[45, 1] = 0.0
    np.testing.assert_allclose(measure.fitted_rate(values), [0.9, 0.99], rtol=1e-12)
    assert np.isnan(measure.fitted_rate(np.full((10, 1), np.nan))[0])


def test_bound_ratio_and_lipschitz_ratio():
    observed = torch.tensor([[1.0, 1.0], [0.5, 0.7], [0.3, 0.2]], dtype=torch.float64)
    bound = torch.tensor([1.0, 0.6, 0.4], dtype=torch.float64)
    worst, first = measure.bound_ratio(observed, bound)
    assert worst == pytest.approx(0.7 / 0.6) and first == 1
    worst, first = measure.bound_ratio(observed[[0, 2]], bound[[0, 2]])
    assert worst == pytest.approx(1.0) and first is None
    nan = observed.clone()
    nan[2, 0] = float("nan")
    assert measure.bound_ratio(nan, bound)[0] == float("inf")
    ratio = measure.lipschitz_ratio(torch.tensor([[3.0, 4.0], [0.0, 0.0]]), torch.tensor([2.0, 0.0]))
    torch.testing.assert_close(ratio, torch.tensor([2.5, 0.0], dtype=torch.float64))


def test_spectral_norm_dense_and_lanczos_paths_agree_with_svd():
    generator = torch.Generator().manual_seed(6)
    wide = torch.randn(2, 300, 320, dtype=torch.float64, generator=generator)
    thin = torch.randn(3, 40, dtype=torch.float64, generator=generator)
    reference = torch.linalg.svdvals(wide)[:, 0]
    torch.testing.assert_close(measure.spectral_norm(wide), reference, rtol=1e-10, atol=0)
    torch.testing.assert_close(measure.spectral_norm(thin), torch.linalg.svdvals(thin)[0], rtol=1e-12, atol=0)
