"""Conformance: the torch optimizers' recorded steps, replayed through the SymPy rules of momcert.theory.methods in
exact (Rational) arithmetic, land on the recorded next iterates up to float64 rounding."""

from __future__ import annotations

import pytest
import sympy
import torch

from momcert.numerics.optim import Framework, Nesterov, Recorder
from momcert.theory import methods

CONFIGURATIONS = {
    "heavy-ball": {"method": "heavy-ball"},
    "heavy-ball-perturbed": {"method": "heavy-ball", "rho": 1.9},
    "sign": {"method": "sign"},
    "normalized": {"method": "normalized", "eps": 1e-3},
    "clip": {"method": "clip", "clip": 1.8},
    "clip-coord": {"method": "clip-coord", "clip": 0.05},
    "lion": {"method": "lion", "rho": 10.0},
}
STEPS = 4


def _model() -> torch.nn.Module:
    torch.manual_seed(21)
    return torch.nn.Sequential(torch.nn.Linear(3, 3, dtype=torch.float64), torch.nn.ReLU(),
                               torch.nn.Linear(3, 1, dtype=torch.float64))


def _run(optimizer_factory):
    model = _model()
    optimizer = optimizer_factory(model.parameters())
    generator = torch.Generator().manual_seed(5)
    for _ in range(STEPS):
        inputs = torch.randn(4, 3, generator=generator, dtype=torch.float64)
        targets = torch.randn(4, 1, generator=generator, dtype=torch.float64)
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(inputs), targets).backward()
        optimizer.step()
    return model, optimizer


def _exact(tensor: torch.Tensor) -> sympy.Matrix:
    return sympy.Matrix([sympy.Rational(value) for value in tensor.tolist()])


def _close(exact: sympy.Matrix, recorded: torch.Tensor) -> float:
    return max(abs(float(value.evalf(30)) - other) for value, other in zip(exact, recorded.tolist(), strict=True))


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_recorded_steps_follow_the_sympy_update_rule(name):
    options = dict(CONFIGURATIONS[name])
    recorder = Recorder(store_iterates=True, clipping=True)
    _run(lambda params: Framework(params, eta="0.1/(k+1)", theta="1/(k+2)", m0="grad", recorder=recorder,
                                  **options))
    if "clip" in options:  # both branches of the clipped maps are exercised
        assert 0 < sum(record.clip_fraction for record in recorder.records) < STEPS
    method = options.pop("method")
    moved = 0.0
    for record in recorder.records:
        step = record.iterates
        x_next, m_next = methods.update_rule(
            method, _exact(step["x"]), _exact(step["m"]), _exact(step["g"]),
            eta=sympy.Rational(record.eta), theta=sympy.Rational(record.theta),
            rho=None if options.get("rho") is None else sympy.Rational(options["rho"]),
            gamma=None if options.get("clip") is None else sympy.Rational(options["clip"]),
            eps=sympy.Rational(options.get("eps", 0.0)))
        assert _close(x_next, step["x_next"]) < 1e-14
        assert _close(m_next, step["m_next"]) < 1e-14
        moved = max(moved, float((step["x_next"] - step["x"]).abs().max()))
    assert len(recorder.records) == STEPS and moved > 1e-3


def test_a_changed_rule_is_detected():
    """The replay can fail: the records of one method do not follow another method's rule."""
    recorder = Recorder(store_iterates=True)
    _run(lambda params: Framework(params, "heavy-ball", eta=0.1, theta=0.5, recorder=recorder))
    step = recorder.records[1].iterates
    x_next, _ = methods.update_rule("sign", _exact(step["x"]), _exact(step["m"]), _exact(step["g"]),
                                    eta=sympy.Rational(1, 10), theta=sympy.Rational(1, 2))
    assert _close(x_next, step["x_next"]) > 1e-6


def test_nesterov_steps_follow_the_lk_rule():
    beta, eta = sympy.Rational(0.75), sympy.Rational(0.125)
    model = _model()
    optimizer = Nesterov(model.parameters(), eta=float(eta), beta=float(beta))
    generator = torch.Generator().manual_seed(6)
    for _ in range(STEPS):
        inputs = torch.randn(4, 3, generator=generator, dtype=torch.float64)
        optimizer.zero_grad()
        model(inputs).pow(2).mean().backward()
        flat = [torch.cat([t.detach().reshape(-1) for t in tensors]).clone()
                for tensors in (optimizer.x_iterates(), optimizer.y_iterates(), [p.grad for p in model.parameters()])]
        optimizer.step()
        x, y, g = (_exact(t) for t in flat)
        x_next = sympy.Matrix([methods.NESTEROV_X.subs({methods.Y: y[i], methods.G: g[i], methods.ETA: eta})
                               for i in range(len(x))])
        y_next = sympy.Matrix([methods.NESTEROV_Y.subs({methods.X_NEXT: x_next[i], methods.X: x[i],
                                                        methods.BETA: beta}) for i in range(len(x))])
        assert _close(x_next, torch.cat([t.reshape(-1) for t in optimizer.x_iterates()])) < 1e-14
        assert _close(y_next, torch.cat([t.reshape(-1) for t in optimizer.y_iterates()])) < 1e-14
