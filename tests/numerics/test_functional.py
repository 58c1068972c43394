"""The fused linear updates of momcert.numerics.functional and the buffer-reusing [LK] step of
momcert.numerics.lk_runs."""

from __future__ import annotations

import pytest
import sympy
import torch

from momcert.numerics import functional, lk_runs
from momcert.theory import methods

TRIALS, SIZE = 4, 257


def _tensors(seed: int, count: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(TRIALS, SIZE, generator=generator, dtype=torch.float64) for _ in range(count)]


def _printed(expression, *symbols):
    """The theory expression printed operation by operation (the reference the fused update must match)."""
    return sympy.lambdify(symbols, expression, modules="torch")


def _coefficients(seed: int):
    generator = torch.Generator().manual_seed(seed)
    eta = 0.05 + 0.1 * torch.rand(TRIALS, 1, generator=generator, dtype=torch.float64)
    beta = 0.5 + 0.4 * torch.rand(TRIALS, 1, generator=generator, dtype=torch.float64)
    return [(eta, beta), (0.07, 0.9)]


@pytest.mark.parametrize("coefficients", _coefficients(1), ids=["per-trial tensors", "floats"])
def test_nesterov_update_matches_the_theory_expressions(coefficients):
    eta, beta = coefficients
    x, y, g = _tensors(0, 3)
    x_next, y_next, move = functional.nesterov_update(x, y, g, eta, beta)
    reference_x = _printed(methods.NESTEROV_X, methods.Y, methods.G, methods.ETA)(y, g, eta)
    reference_y = _printed(methods.NESTEROV_Y, methods.X, methods.X_NEXT, methods.BETA)(x, x_next, beta)
    # one rounding (fused multiply-add) instead of two: equal to the last bits
    torch.testing.assert_close(x_next, reference_x, rtol=4e-16, atol=4e-16)
    torch.testing.assert_close(y_next, reference_y, rtol=4e-16, atol=4e-16)
    assert torch.equal(move, x_next - x)


@pytest.mark.parametrize("coefficients", _coefficients(2), ids=["per-trial tensors", "floats"])
def test_gradient_descent_matches_the_theory_expression(coefficients):
    eta, _ = coefficients
    x, g = _tensors(3, 2)
    reference = _printed(methods.GRADIENT_DESCENT, methods.X, methods.G, methods.ETA)(x, g, eta)
    torch.testing.assert_close(functional.gd_update(x, g, eta), reference, rtol=4e-16, atol=4e-16)


def test_in_place_outputs_give_the_same_bits():
    x, y, g = _tensors(4, 3)
    eta, beta = _coefficients(5)[0]
    expected = functional.nesterov_update(x, y, g, eta, beta)
    move = torch.empty_like(x)
    x_out, y_out, move_out = functional.nesterov_update(x, y, g, eta, beta, out=(g, x, move))
    assert x_out is g and y_out is x and move_out is move
    for got, want in zip((x_out, y_out, move_out), expected, strict=True):
        assert torch.equal(got, want)
    x, _, g = _tensors(4, 3)
    assert torch.equal(functional.gd_update(x, g, eta, out=g), functional.gd_update(*_tensors(4, 3)[::2], eta))


@pytest.mark.parametrize("expression", [methods.Y * methods.G, 2 * methods.Y - methods.ETA * methods.G,
                                        methods.Y + methods.G + 1])
def test_a_non_linear_update_is_refused(expression):
    with pytest.raises(ValueError, match="linear combination"):
        functional._LinearUpdate(expression, methods.Y, (methods.G,), (methods.ETA,))


def _quadratic_gradient(scale: torch.Tensor):
    """grad of sum_i scale_i p_i^2 / 2, written into ``out`` like the ReLU scenario's gradient."""
    def gradient(p, out):
        return torch.mul(p, scale, out=out)

    return gradient


@pytest.mark.parametrize("method", ["nesterov", "gd"])
@pytest.mark.parametrize("shared_start", [False, True], ids=["x0 and y0 copies", "x0 is y0"])
def test_the_buffer_reusing_step_equals_the_allocating_updates(method, shared_start):
    """Twenty steps of make_step (storage reused, no allocation) against the plain updates; the observer sees the
    previous x_k and the exact move."""
    (start,) = _tensors(6, 1)
    scale = torch.linspace(0.5, 2.0, SIZE, dtype=torch.float64)
    eta = torch.full((TRIALS, 1), 0.3, dtype=torch.float64)
    beta = torch.full((TRIALS, 1), 0.6, dtype=torch.float64)
    seen = []

    def observe(state, x_new, move):
        seen.append((state["x"].clone(), x_new.clone(), move.clone()))
        return {"loss": (x_new ** 2).sum(-1)}, {}

    step = lk_runs.make_step(lk_runs.RunSpec(method, "practical"), _quadratic_gradient(scale), eta, beta, observe)
    state = {"x": start.clone()}
    state["y"] = state["x"] if shared_start else start.clone()
    x, y = start.clone(), start.clone()
    for k in range(20):
        state, measurements = step(state, k)
        if method == "nesterov":
            x_next, y, _ = functional.nesterov_update(x, y, y * scale, eta, beta)
        else:
            x_next = y = functional.gd_update(x, x * scale, eta)
        previous, x = x, x_next
        assert torch.equal(state["x"], x) and torch.equal(state["y"], y)
        assert torch.equal(measurements["loss"], (x ** 2).sum(-1))
        seen_x, seen_new, seen_move = seen[-1]
        assert torch.equal(seen_x, previous) and torch.equal(seen_new, x)
        assert torch.equal(seen_move, x - previous)
