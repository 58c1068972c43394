"""Tests for momcert.numerics.models: [LK] networks, initializations, flat views, the (x, u) splits, vmap over
trials."""

import pytest
import torch
from torch.func import grad, vmap
from torch.utils.flop_counter import FlopCounterMode

from momcert.numerics import models
from momcert.theory.errors import InputError


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_shapes_and_no_biases():
    weights = models.init_weights([5, 7, 3, 2], generator=gen())
    assert [tuple(w.shape) for w in weights] == [(5, 7), (7, 3), (3, 2)]
    assert models.num_parameters([5, 7, 3, 2]) == 35 + 21 + 6


def test_lk_initialization_variances():
    d0, m = 400, 600
    weights = models.init_weights([d0, m, m, 10], generator=gen(1))
    assert weights[0].std().item() == pytest.approx(d0 ** -0.5, rel=0.02)
    assert weights[1].std().item() == pytest.approx(m ** -0.5, rel=0.02)
    # last layer: variance d_{Lambda-1}^{-3/2}, i.e. standard deviation m^{-3/4}
    assert weights[2].std().item() == pytest.approx(m ** -0.75, rel=0.05)
    assert abs(weights[1].mean().item()) < 3 * m ** -0.5 / m


def test_standard_initialization_is_torch_linear_default_law():
    d0, m = 300, 500
    weights = models.init_weights([d0, m, 4], generator=gen(2), init="standard")
    bound = d0 ** -0.5
    assert weights[0].abs().max().item() <= bound
    # uniform on [-a, a] has standard deviation a / sqrt(3); torch's default nn.Linear init has the same law
    reference = torch.nn.Linear(d0, m, bias=False).weight
    assert reference.abs().max().item() <= bound
    assert weights[0].std().item() == pytest.approx(bound / 3 ** 0.5, rel=0.02)
    with pytest.raises(InputError):
        models.init_weights([3, 2], generator=gen(), init="xavier")
    with pytest.raises(InputError):
        models.init_weights([3], generator=gen())


def test_forward_matches_torch_nn_without_biases():
    widths = [6, 9, 8, 3]
    weights = models.init_weights(widths, generator=gen(3))
    X = torch.randn(11, 6, dtype=torch.float64, generator=gen(4))
    net = torch.nn.Sequential(torch.nn.Linear(6, 9, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(9, 8, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(8, 3, bias=False)).double()
    with torch.no_grad():
        for layer, weight in zip([net[0], net[2], net[4]], weights, strict=True):
            layer.weight.copy_(weight.T)
        expected = net(X)
        hidden = net[:4](X)
    torch.testing.assert_close(models.forward(weights, X), expected, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(models.penultimate(weights, X), hidden, rtol=1e-12, atol=1e-12)
    out, feats = models.forward_with_features(weights, X)
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(feats, hidden)
    Y = torch.randn(11, 3, dtype=torch.float64, generator=gen(5))
    assert models.mse_loss(weights, X, Y).item() == pytest.approx(0.5 * ((expected - Y) ** 2).sum().item())


def test_flatten_roundtrip_and_split_sizes():
    widths = [4, 5, 3]
    weights = models.init_weights(widths, generator=gen(6))
    flat = models.flatten(weights)
    assert flat.shape == (models.num_parameters(widths),)
    for a, b in zip(models.unflatten(flat, widths), weights, strict=True):
        assert torch.equal(a, b)
    size_u, size_x = models.flat_split_sizes(widths)
    assert size_x == 15 and size_u == 20
    assert torch.equal(flat[size_u:], weights[-1].reshape(-1))
    batch = models.init_ensemble(widths, 3, generator=gen(7))
    flat_batch = models.flatten(batch)
    assert flat_batch.shape == (3, 35)
    for a, b in zip(models.unflatten(flat_batch, widths), batch, strict=True):
        assert torch.equal(a, b)


def test_split_xu_roundtrip():
    weights = models.init_weights([3, 4, 5, 2], generator=gen(8))
    x, u = models.split_xu(weights)
    assert x is weights[-1] and len(u) == 2
    assert all(a is b for a, b in zip(models.join_xu(x, u), weights, strict=True))


def test_row_space_split():
    widths = [5, 40, 3]
    weights = models.init_weights(widths, generator=gen(9))
    X = torch.randn(7, 5, dtype=torch.float64, generator=gen(10))
    features = models.penultimate(weights, X)
    basis = models.row_space_basis(features)
    assert basis.shape == (40, torch.linalg.matrix_rank(features).item())
    torch.testing.assert_close(basis.T @ basis, torch.eye(basis.shape[1], dtype=torch.float64))
    coordinates, rest = models.split_row_space(weights[-1], basis)
    # the orthogonal rest does not change the network's output at the initial features
    torch.testing.assert_close(features @ rest, torch.zeros(7, 3, dtype=torch.float64), atol=1e-12, rtol=0)
    torch.testing.assert_close(models.join_row_space(coordinates, rest, basis), weights[-1])


def test_vmap_over_trials_matches_a_loop():
    widths = [4, 6, 6, 2]
    trials = 5
    batch = models.init_ensemble(widths, trials, generator=gen(11))
    X = torch.randn(8, 4, dtype=torch.float64, generator=gen(12))
    Y = torch.randn(8, 2, dtype=torch.float64, generator=gen(13))
    grads = vmap(grad(models.mse_loss), in_dims=(0, None, None))(batch, X, Y)
    for t in range(trials):
        single = [w[t].clone().requires_grad_(True) for w in batch]
        models.mse_loss(single, X, Y).backward()
        for g_batch, w in zip(grads, single, strict=True):
            torch.testing.assert_close(g_batch[t], w.grad, rtol=1e-12, atol=1e-14)


def test_same_seed_same_network_and_device_argument():
    a = models.init_weights([3, 4, 2], generator=gen(14), device=torch.device("cpu"))
    b = models.init_weights([3, 4, 2], generator=gen(14), device="cpu", dtype=torch.float32)
    assert b[0].dtype == torch.float32
    torch.testing.assert_close(a[0].float(), b[0])


def test_step_flops_hand_count_and_torch_flop_counter():
    # widths [2, 3, 1], n = 4: forward 4x2 @ 2x3 (48 flops) and 4x3 @ 3x1 (24), twice (gradient and loss): 144;
    # weight gradients 2x4 @ 4x3 (48) and 3x4 @ 4x1 (24): 72; the input gradient of layer 2, 4x1 @ 1x3: 24
    widths, n, trials = [2, 3, 1], 4, 5
    assert models.step_matmuls(widths, n) == [(4, 2, 3), (4, 3, 1), (2, 4, 3), (3, 4, 1), (4, 1, 3),
                                              (4, 2, 3), (4, 3, 1)]
    assert models.step_flops(widths, n) == 144 + 72 + 24
    assert models.step_flops(widths, n, trials) == 5 * 240
    weights = models.init_ensemble(widths, trials, generator=torch.Generator().manual_seed(0))
    X, Y = torch.randn(n, 2, dtype=torch.float64), torch.randn(n, 1, dtype=torch.float64)
    with FlopCounterMode(display=False) as counter:  # what the batched step of bench/verify_speed.py computes
        vmap(grad(models.mse_loss), in_dims=(0, None, None))(weights, X, Y)
        vmap(models.mse_loss, in_dims=(0, None, None))(weights, X, Y)
    assert counter.get_total_flops() == models.step_flops(widths, n, trials)
