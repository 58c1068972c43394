"""momcert.numerics.optim: both code paths, exact resumption, the recorder hook, Nesterov's iterates and bad input."""

from __future__ import annotations

import io
import math

import pytest
import torch

from momcert.numerics import functional
from momcert.numerics.optim import Framework, Nesterov, Recorder
from momcert.theory.errors import InputError

METHOD_OPTIONS = {
    "heavy-ball": {},
    "heavy-ball-perturbed": {"method": "heavy-ball", "rho": 1.9},
    "sign": {},
    "normalized": {"eps": 1e-8},
    "normalized-per-tensor": {"method": "normalized", "per_tensor": True},
    "clip": {"clip": 0.4},
    "clip-per-tensor": {"method": "clip", "clip": 0.4, "per_tensor": True},
    "clip-coord": {"clip": 0.02},
    "lion": {"rho": 10.0},
}


def _options(name: str) -> dict:
    options = {"method": name, **METHOD_OPTIONS[name]}
    return options


def _model(seed: int = 3) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 16, dtype=torch.float64), torch.nn.ReLU(),
                               torch.nn.Linear(16, 16, dtype=torch.float64), torch.nn.ReLU(),
                               torch.nn.Linear(16, 2, dtype=torch.float64))


def _data():
    generator = torch.Generator().manual_seed(11)
    return (torch.randn(64, 5, generator=generator, dtype=torch.float64),
            torch.randn(64, 2, generator=generator, dtype=torch.float64))


def _steps(model, optimizer, count: int, start: int = 0) -> None:
    inputs, targets = _data()
    for k in range(start, start + count):
        index = torch.arange(8 * (k % 8), 8 * (k % 8) + 8)
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(inputs[index]), targets[index]).backward()
        optimizer.step()


def _flat(model) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


@pytest.mark.parametrize("name", list(METHOD_OPTIONS))
def test_single_tensor_and_foreach_paths_agree_exactly(name):
    runs = []
    for foreach in (False, True):
        model = _model()
        optimizer = Framework(model.parameters(), eta="0.05/(k+1)**0.5", theta=0.2, m0="grad", foreach=foreach,
                              **_options(name))
        _steps(model, optimizer, 12)
        runs.append((_flat(model), torch.cat([m.reshape(-1) for m in optimizer.momentum()])))
    start = _flat(_model())
    assert (runs[0][0] - start).abs().max() > 1e-3
    assert torch.equal(runs[0][0], runs[1][0])
    assert torch.equal(runs[0][1], runs[1][1])


@pytest.mark.parametrize("name", ["heavy-ball", "lion", "clip"])
def test_state_dict_resumes_bit_for_bit(name):
    schedule = dict(eta="0.05/(k+1)**0.6", theta="1/(k+2)**0.3")
    uninterrupted = _model()
    optimizer = Framework(uninterrupted.parameters(), **schedule, **_options(name))
    _steps(uninterrupted, optimizer, 20)

    first = _model()
    optimizer = Framework(first.parameters(), **schedule, **_options(name))
    _steps(first, optimizer, 9)
    buffer = io.BytesIO()
    torch.save({"model": first.state_dict(), "optimizer": optimizer.state_dict()}, buffer)
    buffer.seek(0)
    saved = torch.load(buffer)

    resumed = _model(seed=99)
    resumed.load_state_dict(saved["model"])
    fresh = Framework(resumed.parameters(), **schedule, **_options(name))
    fresh.load_state_dict(saved["optimizer"])
    assert fresh.k == 9
    _steps(resumed, fresh, 11, start=9)
    assert torch.equal(_flat(resumed), _flat(uninterrupted))


def test_nesterov_state_dict_resumes_bit_for_bit():
    uninterrupted = _model()
    _steps(uninterrupted, Nesterov(uninterrupted.parameters(), eta=0.05, beta=0.8), 14)
    first = _model()
    optimizer = Nesterov(first.parameters(), eta=0.05, beta=0.8)
    _steps(first, optimizer, 6)
    resumed = _model(seed=5)
    resumed.load_state_dict(first.state_dict())
    fresh = Nesterov(resumed.parameters(), eta=0.05, beta=0.8)
    fresh.load_state_dict(optimizer.state_dict())
    _steps(resumed, fresh, 8, start=6)
    assert torch.equal(_flat(resumed), _flat(uninterrupted))


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("name", ["sign", "normalized", "lion", "clip"])
def test_zero_gradients_give_no_step_and_no_nan(name, foreach):
    parameters = [torch.nn.Parameter(torch.ones(3, dtype=torch.float64)),
                  torch.nn.Parameter(torch.ones(2, 2, dtype=torch.float64))]
    optimizer = Framework(parameters, eta=0.1, theta=0.5, foreach=foreach, recorder=Recorder(), **_options(name))
    for _ in range(3):
        for p in parameters:
            p.grad = torch.zeros_like(p)
        optimizer.step()
    for p in parameters:
        assert torch.equal(p.detach(), torch.ones_like(p))
    assert all(record.direction_norm == 0 for record in optimizer.recorder.records)


@pytest.mark.parametrize("foreach", [False, True])
def test_parameters_without_gradients_are_left_alone(foreach):
    used = torch.nn.Parameter(torch.tensor([3.0, 4.0], dtype=torch.float64))
    unused = torch.nn.Parameter(torch.tensor([100.0], dtype=torch.float64))
    optimizer = Framework([used, unused], "normalized", eta=0.5, theta=1, foreach=foreach)
    used.grad = used.detach().clone()
    optimizer.step()
    # The whole-vector norm covers only the parameters with a gradient: the step is 0.5 * (3, 4)/5.
    assert torch.allclose(used.detach(), torch.tensor([2.7, 3.6], dtype=torch.float64), atol=1e-15, rtol=0)
    assert unused.item() == 100.0
    assert "momentum" not in optimizer.state[unused]


def test_whole_vector_and_per_tensor_maps_are_different_methods():
    def run(per_tensor):
        a = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
        b = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        optimizer = Framework([a, b], "normalized", eta=1.0, theta=1, per_tensor=per_tensor)
        a.grad = torch.tensor([3.0, 4.0], dtype=torch.float64)
        b.grad = torch.tensor([12.0], dtype=torch.float64)
        optimizer.step()
        return torch.cat([a.detach(), b.detach()])

    assert torch.allclose(run(False), -torch.tensor([3.0, 4.0, 12.0], dtype=torch.float64) / 13, atol=1e-15)
    assert torch.allclose(run(True), -torch.tensor([0.6, 0.8, 1.0], dtype=torch.float64), atol=1e-15)


@pytest.mark.parametrize("name", list(METHOD_OPTIONS))
def test_optimizer_matches_the_functional_update(name):
    """The optimizer's lerp path equals the lambdified theory rule of momcert.numerics.functional on one flat
    parameter."""
    torch.manual_seed(0)
    options = _options(name)
    method = options.pop("method")
    options.pop("per_tensor", None)
    x = torch.nn.Parameter(torch.randn(7, dtype=torch.float64))
    optimizer = Framework([x], method, eta=0.1, theta=0.3,
    **options)
    x_ref, m_ref = x.detach().clone(), torch.zeros(7, dtype=torch.float64)
    for _ in range(5):
        g = torch.randn(7, dtype=torch.float64)
        x.grad = g.clone()
        optimizer.step()
        x_ref, m_ref = functional.framework_update(x_ref, m_ref, g, 0.1, 0.3, method, rho=options.get("rho"),
                                                   gamma=options.get("clip"), eps=options.get("eps", 0.0))
    assert torch.allclose(x.detach(), x_ref, atol=1e-14, rtol=0)
    assert torch.allclose(optimizer.momentum()[0], m_ref, atol=1e-14, rtol=0)


def test_recorder_reports_schedules_norms_clipping_and_full_gradient():
    model = _model()
    inputs, targets = _data()
    calls = []

    def full_gradient():
        calls.append(1)
        loss = torch.nn.functional.mse_loss(model(inputs), targets)
        return torch.autograd.grad(loss, list(model.parameters()))

    recorder = Recorder(clipping=True, full_gradient=full_gradient)
    optimizer = Framework(model.parameters(), "clip", eta="0.1/(k+1)", theta="1/(k+1)**0.5", clip=0.05,
                          recorder=recorder)
    _steps(model, optimizer, 4)
    records = recorder.records
    assert [r.k for r in records] == [0, 1, 2, 3]
    assert [r.eta for r in records] == pytest.approx([0.1, 0.05, 0.1 / 3, 0.025], abs=1e-15)
    assert [r.theta for r in records] == pytest.approx([1, 2**-0.5, 3**-0.5, 0.5], abs=1e-15)
    momentum = torch.cat([m.reshape(-1) for m in optimizer.momentum()])
    assert records[-1].momentum_norm == pytest.approx(float(momentum.norm()), rel=1e-12)
    # clipped by norm: ||h|| = gamma ||m||/(||m|| + eps) = gamma when the clip is active (eps = 0).
    for record in records:
        assert record.clip_fraction in (0.0, 1.0)
        expected = min(record.momentum_norm, 0.05)
        assert record.direction_norm == pytest.approx(expected, rel=1e-12)
        assert (record.clip_fraction == 1.0) == (record.momentum_norm > 0.05)
    assert len(calls) == 4 and all(r.full_gradient_norm > 0 for r in records)
    optimizer.recorder = None
    _steps(model, optimizer, 2, start=4)
    assert len(calls) == 4 and len(records) == 4


def test_recorder_counts_clipped_coordinates():
    x = torch.nn.Parameter(torch.zeros(4, dtype=torch.float64))
    recorder = Recorder(clipping=True)
    optimizer = Framework([x], "clip-coord", eta=1.0, theta=1, clip=0.5, recorder=recorder)
    x.grad = torch.tensor([0.1, -0.7, 2.0, 0.5], dtype=torch.float64)
    optimizer.step()
    assert recorder.records[0].clip_fraction == 0.5
    assert torch.equal(x.detach(), -torch.tensor([0.1, -0.5, 0.5, 0.5], dtype=torch.float64))


def test_nesterov_exposes_x_and_y_iterates():
    model = _model()
    beta = 0.7
    optimizer = Nesterov(model.parameters(), eta=0.05, beta=beta)
    x_before = [x.clone() for x in optimizer.x_iterates()]
    assert all(torch.equal(x, y) for x, y in zip(x_before, optimizer.y_iterates(), strict=True))  # y_0 = x_0
    for k in range(5):
        _steps(model, optimizer, 1, start=k)
        x_now = [x.clone() for x in optimizer.x_iterates()]
        # y_k = x_k + beta (x_k - x_{k-1})
        for x, previous, y in zip(x_now, x_before, optimizer.y_iterates(), strict=True):
            assert torch.allclose(y, x + beta * (x - previous), atol=1e-14, rtol=0)
            assert not torch.equal(x, y) or k == 0
        x_before = x_now


def test_nesterov_with_beta_zero_is_gradient_descent():
    a, b = _model(), _model()
    _steps(a, Nesterov(a.parameters(), eta=0.05, beta=0.0), 6)
    _steps(b, torch.optim.SGD(b.parameters(), lr=0.05), 6)
    assert torch.allclose(_flat(a), _flat(b), atol=1e-15, rtol=0)


@pytest.mark.parametrize(("schedule", "step", "message"), [
    ("0.1*(1 - k/4)", 4, "k = 4"),
    (lambda k: float("nan") if k == 2 else 0.1, 2, "k = 2"),
    (lambda k: -1.0 if k >= 3 else 0.1, 3, "k = 3"),
])
def test_bad_schedule_value_names_the_step(schedule, step, message):
    x = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    optimizer = Framework([x], "heavy-ball", eta=schedule, theta=1)
    for _ in range(step):
        x.grad = torch.ones(2, dtype=torch.float64)
        optimizer.step()
    x.grad = torch.ones(2, dtype=torch.float64)
    with pytest.raises(InputError, match=message):
        optimizer.step()


def test_theta_schedule_leaving_the_unit_interval_names_the_step():
    x = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    with pytest.raises(InputError, match=r"theta_k = 0.0 at step k = 0"):
        Framework([x], "heavy-ball", eta=0.1, theta="k/2")
    optimizer = Framework([x], "heavy-ball", eta=0.1, theta="(k+1)/3")
    for _ in range(3):
        x.grad = torch.ones(2, dtype=torch.float64)
        optimizer.step()
    with pytest.raises(InputError, match=r"theta_k = 1.33+\d* at step k = 3 \(theta = k/3 \+ 1/3\): must lie in"):
        optimizer.step()


@pytest.mark.parametrize(("arguments", "message"), [
    ({"method": "heavy-ball", "eta": 0.1, "theta": 1.5}, "theta"),
    ({"method": "heavy-ball", "eta": 0.1, "theta": 0}, "theta"),
    ({"method": "heavy-ball", "eta": 0.1, "theta": math.nan}, "theta"),
    ({"method": "heavy-ball", "eta": -0.1, "theta": 1}, "eta"),
    ({"method": "heavy-ball", "eta": "a/(k+1)", "theta": 1}, "'a'"),
    ({"method": "heavy-ball", "eta": "0.1/(k+", "theta": 1}, "position"),
    ({"method": "adam", "eta": 0.1, "theta": 1}, "'adam'"),
    ({"method": "clip", "eta": 0.1, "theta": 1}, "clip"),
    ({"method": "clip", "eta": 0.1, "theta": 1, "clip": -1.0}, "clip"),
    ({"method": "sign", "eta": 0.1, "theta": 1, "clip": 1.0}, "clip"),
    ({"method": "lion", "eta": 0.1, "theta": 0.1}, "rho"),
    ({"method": "heavy-ball", "eta": 0.1, "theta": 1, "m0": "ones"}, "m0"),
    ({"method": "normalized", "eta": 0.1, "theta": 1, "eps": -1.0}, "eps"),
])
def test_bad_constructor_arguments_raise_input_error(arguments, message):
    with pytest.raises(InputError, match=message):
        Framework([torch.nn.Parameter(torch.zeros(1))], **arguments)


@pytest.mark.parametrize(("eta", "beta"), [(0.0, 0.5), (0.1, 1.0), (0.1, -0.1), (float("nan"), 0.5)])
def test_bad_nesterov_arguments_raise_input_error(eta, beta):
    with pytest.raises(InputError):
        Nesterov([torch.nn.Parameter(torch.zeros(1))], eta=eta, beta=beta)


def test_step_returns_the_closure_loss_computed_with_gradients():
    from momcert.numerics.optim import Framework, Nesterov

    makers = (lambda p: Framework([p], "heavy-ball", eta=0.1, theta=1.0), lambda p: Nesterov([p], eta=0.1, beta=0.5))
    for make in makers:
        w = torch.tensor([3.0], dtype=torch.float64, requires_grad=True)
        optimizer = make(w)

        def closure(w=w, optimizer=optimizer):
            optimizer.zero_grad()
            loss = (w**2).sum()
            loss.backward()
            return loss

        loss = optimizer.step(closure)
        assert float(loss) == 9.0 and loss.requires_grad
        x = optimizer.x_iterates()[0] if isinstance(optimizer, Nesterov) else w
        assert float(x) == pytest.approx(3.0 - 0.1 * 6.0)  # the first step of both is a gradient step in x
