"""The training-loop monitor: schedule deviations with their first step, the recorded norms, bounded storage, JSON."""

from __future__ import annotations

import json
import math

import pytest
import torch

from momcert.numerics.monitor import Decimated, Monitor
from momcert.numerics.optim import Framework
from momcert.theory.errors import InputError


def _problem(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.ReLU(), torch.nn.Linear(12, 1)).double()
    X = torch.randn(40, 6, generator=generator, dtype=torch.float64)
    Y = torch.randn(40, 1, generator=generator, dtype=torch.float64)
    return model, X, Y


def _train(model, X, Y, optimizer, schedulers=(), *, epochs=3, batches=4, per_epoch=False):
    for _ in range(epochs):
        for batch in range(batches):
            rows = slice(10 * batch, 10 * batch + 10)
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(X[rows]), Y[rows]).backward()
            optimizer.step()
            if not per_epoch:
                for scheduler in schedulers:
                    scheduler.step()
        if per_epoch:
            for scheduler in schedulers:
                scheduler.step()


def _exponential_run(*, per_epoch=False, chained=False, declared="0.1*0.9**k"):
    model, X, Y = _problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    schedulers = [torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)]
    if chained:
        schedulers.append(torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5))
    monitor = Monitor(optimizer, lr=declared, momentum="0.5")
    _train(model, X, Y, optimizer, schedulers, per_epoch=per_epoch)
    return monitor.report()


def test_a_scheduler_stepped_per_epoch_is_caught_at_its_first_step():
    report = _exponential_run(per_epoch=True)
    # 4 batches per epoch: steps 0..3 use lr 0.1 (declared 0.1*0.9**k agrees at k = 0 only)
    assert (report.deviation.step, report.deviation.group, report.deviation.quantity) == (1, 0, "lr")
    assert report.deviation.realized == pytest.approx(0.1, rel=1e-12)
    assert report.deviation.declared == pytest.approx(0.09, rel=1e-12)
    assert "step k = 1" in str(report)


def test_a_conforming_run_reports_no_deviation():
    report = _exponential_run()
    assert report.deviation is None and report.deviating_steps == 0
    assert report.steps == 12
    assert "match the declared schedule at every step" in str(report)


def test_a_warmup_off_by_one_is_caught():
    model, X, Y = _problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=4)
    # declared: the warmup reaches 0.1 at k = 3, one step before torch's LinearLR (k = 4)
    monitor = Monitor(optimizer, lr="0.1*Min(1, 0.25 + 0.25*k)")
    _train(model, X, Y, optimizer, [warmup])
    deviation = monitor.report().deviation
    assert deviation.step == 1
    assert deviation.realized == pytest.approx(0.1 * (0.25 + 0.75 / 4), rel=1e-12)
    assert deviation.declared == pytest.approx(0.05, rel=1e-12)


def test_a_second_chained_scheduler_is_caught_where_it_first_acts():
    report = _exponential_run(chained=True)
    assert report.deviation.step == 5
    assert report.deviation.realized == pytest.approx(0.5 * 0.1 * 0.9 ** 5, rel=1e-12)
    assert report.deviation.declared == pytest.approx(0.1 * 0.9 ** 5, rel=1e-12)
    assert report.deviating_steps == 12 - 5


@pytest.mark.parametrize("dampening", [0.0, 0.5])
def test_the_momentum_norm_is_the_framework_momentum_of_the_torch_buffer(dampening):
    model, X, Y = _problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5, dampening=dampening)
    monitor = Monitor(optimizer, flush_every=5)
    _train(model, X, Y, optimizer, epochs=2)
    buffers = [optimizer.state[p]["momentum_buffer"] for p in model.parameters()]
    buffer_norm = math.sqrt(sum(float(b.pow(2).sum()) for b in buffers))
    expected = (1 - 0.5) / (1 - dampening) * buffer_norm  # m_k = (1 - mu)/(1 - dampening) b_k
    assert monitor.report().summaries["momentum_norm"]["last"] == pytest.approx(expected, rel=1e-12)


def test_the_framework_and_lion_momenta_are_read_as_they_are():
    lion_pytorch = pytest.importorskip("lion_pytorch")
    for make, key in ((lambda ps: lion_pytorch.Lion(ps, lr=1e-3, betas=(0.9, 0.99)), "exp_avg"),
                      (lambda ps: Framework(ps, "heavy-ball", eta=0.05, theta=0.3), "momentum")):
        model, X, Y = _problem()
        optimizer = make(model.parameters())
        monitor = Monitor(optimizer)
        _train(model, X, Y, optimizer, epochs=1)
        norm = math.sqrt(sum(float(optimizer.state[p][key].pow(2).sum()) for p in model.parameters()))
        summaries = monitor.report().summaries
        assert summaries["momentum_norm"]["last"] == pytest.approx(norm, rel=1e-12)
        assert summaries["iterate_norm"]["last"] == pytest.approx(
            math.sqrt(sum(float(p.detach().pow(2).sum()) for p in model.parameters())), rel=1e-12)


def test_the_tracking_error_matches_a_hand_computation():
    model, X, Y = _problem()
    params = list(model.parameters())
    optimizer = torch.optim.SGD(params, lr=0.05, momentum=0.8)

    def full_gradient():
        with torch.enable_grad():
            return torch.autograd.grad(torch.nn.functional.mse_loss(model(X), Y), params)

    monitor = Monitor(optimizer, full_gradient=full_gradient, every=4)
    _train(model, X, Y, optimizer, epochs=2)  # 8 steps: measured after steps k = 3 and k = 7
    gradient = full_gradient()
    by_hand = math.sqrt(sum(float(((1 - 0.8) * optimizer.state[p]["momentum_buffer"] - g).pow(2).sum())
                            for p, g in zip(params, gradient, strict=True)))
    report = monitor.report()
    assert report.summaries["tracking_error"]["count"] == 2
    assert report.summaries["tracking_error"]["last"] == pytest.approx(by_hand, rel=1e-12)
    assert report.series["tracking_error"]["steps"] == [3, 7]


def test_the_decimated_series_stays_within_capacity_over_a_million_steps():
    series = Decimated(256)
    for k in range(1_000_000):
        series.add(k, float(k))
    assert len(series.steps) <= 256
    assert series.stride == 4096  # 2**12: 256 points span 10**6 steps
    assert series.steps == list(range(0, 1_000_000, 4096))
    assert series.values == [float(k) for k in series.steps]


def test_a_writer_receives_the_kept_points():
    class Writer:
        def __init__(self):
            self.calls = []

        def add_scalar(self, tag, value, step):
            self.calls.append((tag, step))

    writer = Writer()
    model, X, Y = _problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    monitor = Monitor(optimizer, writer=writer, flush_every=3)
    _train(model, X, Y, optimizer, epochs=1)
    monitor.report()
    assert [step for tag, step in writer.calls if tag == "momcert/grad_norm"] == [0, 1, 2, 3]
    assert [step for tag, step in writer.calls if tag == "momcert/lr"] == [0, 1, 2, 3]


def test_the_report_round_trips_through_json():
    report = _exponential_run(per_epoch=True)
    data = json.loads(report.to_json())
    assert data == report.to_dict()
    assert data["deviation"]["step"] == 1
    assert data["check"]["theorems"]["xht-two"]["verdict"] == "not_covered"
    assert "| grad_norm |" in report._repr_markdown_()


def test_an_optimizer_outside_the_framework_is_monitored_without_a_theorem_check():
    model, X, Y = _problem()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    monitor = Monitor(optimizer, lr="0.001")
    _train(model, X, Y, optimizer, epochs=1)
    report = monitor.report()
    assert report.check is None
    assert report.not_checked == "no theorem here covers Adam (outside the SGD-type framework)"


def test_bad_settings_are_one_line_input_errors():
    model, _, _ = _problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(InputError, match="rtol must be a number in"):
        Monitor(optimizer, rtol=2)
    with pytest.raises(InputError, match="capacity must be an integer >= 2, got 1"):
        Monitor(optimizer, capacity=1)
    with pytest.raises(InputError, match=r"optimizer must be a torch\.optim\.Optimizer, got list"):
        Monitor([])
