"""Finite-sum problems and vmap ensembles: sampling, full-batch observables, and equivalence with the real libraries."""

import numpy as np
import pytest
import torch
from lion_pytorch import Lion

from momcert.numerics import models, problems
from momcert.numerics.finite_sum import (
    FiniteSum,
    MethodSpec,
    log_checkpoints,
    loglog_slope,
    minibatch_indices,
    run_ensemble,
)

WIDTHS = [4, 6, 1]
STEPS = 25
BATCH = 5


@pytest.fixture(scope="module")
def problem():
    generator = torch.Generator().manual_seed(11)
    X, Y = problems.teacher_student(40, 4, [3, 1], generator=generator)
    return FiniteSum(X, Y + 0.1 * torch.randn(Y.shape, generator=generator, dtype=Y.dtype), WIDTHS)


def initial_points(count, seed=5):
    weights = models.init_ensemble(WIDTHS, count, generator=torch.Generator().manual_seed(seed), init="standard")
    return models.flatten(weights)


def constant(value, count, steps=STEPS):
    return torch.full((count, steps + 1), float(value), dtype=torch.float64)


def test_minibatch_indices_are_reproducible_per_seed():
    first = minibatch_indices([3, 5], 50, 4, 10)
    alone = minibatch_indices([5], 50, 4, 10)
    assert first.shape == (2, 50, 4)
    assert torch.equal(first[1], alone[0])           # a run's minibatches do not depend on the ensemble around it
    assert not torch.equal(first[0], first[1])
    assert int(first.min()) >= 0 and int(first.max()) <= 9
    # uniform with replacement: every index appears, with frequencies near 1/10
    counts = torch.bincount(minibatch_indices([7], 2000, 5, 10).reshape(-1), minlength=10)
    assert counts.min() > 0.08 * 10000 and counts.max() < 0.12 * 10000


def test_losses_are_the_mean_of_the_per_sample_losses(problem):
    w = initial_points(1)[0]
    weights = models.unflatten(w, WIDTHS)
    per_sample = 0.5 * ((models.forward(weights, problem.X) - problem.Y) ** 2).sum(dim=1)
    assert float(problem.loss(w)) == pytest.approx(float(per_sample.mean()), rel=1e-13)
    indices = torch.tensor([3, 3, 17])
    assert float(problem.batch_loss(w, indices)) == pytest.approx(float(per_sample[indices].mean()), rel=1e-13)
    reference = w.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(problem.loss(reference), reference)
    torch.testing.assert_close(problem.gradient(w), gradient, rtol=1e-12, atol=1e-14)


def library_run(problem, w0, indices, make_optimizer):
    """The same runs with a torch optimizer on a plain parameter tensor (one run at a time)."""
    finals = []
    for run in range(w0.shape[0]):
        parameter = torch.nn.Parameter(w0[run].clone())
        optimizer = make_optimizer([parameter])
        for k in range(STEPS):
            optimizer.zero_grad()
            problem.batch_loss(parameter, indices[run, k]).backward()
            optimizer.step()
        finals.append(parameter.detach())
    return torch.stack(finals)


def test_heavy_ball_ensemble_equals_torch_sgd_with_momentum(problem):
    # translations: SGD(lr, momentum=mu, dampening=0) is heavy ball with eta = lr/(1-mu), theta = 1-mu, m_0 = 0.
    lr, mu, seeds = 0.2, 0.9, [1, 2, 3]
    w0 = initial_points(3)
    trace = run_ensemble(problem, MethodSpec("heavy-ball"), w0, constant(lr / (1 - mu), 3), constant(1 - mu, 3),
                         seeds, batch=BATCH, checkpoints=[0, STEPS])
    indices = minibatch_indices(seeds, STEPS + 1, BATCH, problem.size)
    expected = library_run(problem, w0, indices, lambda p: torch.optim.SGD(p, lr=lr, momentum=mu))
    torch.testing.assert_close(trace.final_w, expected, rtol=1e-10, atol=1e-12)


def test_heavy_ball_with_m0_grad_equals_torch_sgd_with_dampening(problem):
    # translations: SGD(lr, momentum=mu, dampening=mu) is eta = lr, theta = 1-mu, m_0 = g_0 (first step copies it).
    lr, mu, seeds = 0.1, 0.8, [6, 7]
    w0 = initial_points(2)
    trace = run_ensemble(problem, MethodSpec("heavy-ball", m0="grad"), w0, constant(lr, 2), constant(1 - mu, 2),
                         seeds, batch=BATCH, checkpoints=[0, STEPS])
    indices = minibatch_indices(seeds, STEPS + 1, BATCH, problem.size)
    expected = library_run(problem, w0, indices, lambda p: torch.optim.SGD(p, lr=lr, momentum=mu, dampening=mu))
    torch.testing.assert_close(trace.final_w, expected, rtol=1e-10, atol=1e-12)


def test_lion_ensemble_equals_lion_pytorch(problem):
    # translations: Lion(lr, betas=(b1, b2)) is eta = lr, theta = 1 - b2, rho = (1-b1)/(1-b2), m_0 = 0.
    lr, betas, seeds = 0.01, (0.9, 0.99), [4, 5]
    w0 = initial_points(2)
    spec = MethodSpec("lion", rho=(1 - betas[0]) / (1 - betas[1]))
    trace = run_ensemble(problem, spec, w0, constant(lr, 2), constant(1 - betas[1], 2), seeds, batch=BATCH,
                         checkpoints=[0, STEPS])
    indices = minibatch_indices(seeds, STEPS + 1, BATCH, problem.size)
    expected = library_run(problem, w0, indices, lambda p: Lion(p, lr=lr, betas=betas))
    torch.testing.assert_close(trace.final_w, expected, rtol=1e-10, atol=1e-12)


def test_ensemble_equals_runs_one_at_a_time(problem):
    seeds = [8, 9, 10]
    w0 = initial_points(3)
    k = torch.arange(STEPS + 1, dtype=torch.float64)
    etas = torch.stack([0.05 / (k + 1) ** 0.9, 0.05 * torch.ones_like(k), 0.02 / (k + 1) ** 0.5])
    thetas = torch.stack([1 / (k + 1) ** 0.7, 0.1 * torch.ones_like(k), 1 / (k + 1) ** 0.3])
    checkpoints = log_checkpoints(STEPS, 6)
    spec = MethodSpec("normalized")
    together = run_ensemble(problem, spec, w0, etas, thetas, seeds, batch=BATCH, checkpoints=checkpoints)
    for run, seed in enumerate(seeds):
        alone = run_ensemble(problem, spec, w0[run:run + 1], etas[run:run + 1], thetas[run:run + 1], [seed],
                             batch=BATCH, checkpoints=checkpoints)
        for name in ("loss", "tracking_error", "momentum_norm", "iterate_norm", "grad_norm"):
            np.testing.assert_allclose(together.observables[name][run], alone.observables[name][0], rtol=1e-10)


def test_observables_after_one_step_by_hand(problem):
    # heavy ball, m_0 = 0: m_1 = theta g_0, w_1 = w_0 - eta m_1; tracking error ||m_1 - grad f(w_1)||.
    eta, theta, seed = 0.3, 0.5, 21
    w0 = initial_points(1)
    trace = run_ensemble(problem, MethodSpec("heavy-ball"), w0, constant(eta, 1, 1), constant(theta, 1, 1), [seed],
                         batch=BATCH, checkpoints=[0, 1], eps=0.01, samples=4)
    batch = minibatch_indices([seed], 2, BATCH, problem.size)[0, 0]
    w = w0[0].clone().requires_grad_(True)
    (g0,) = torch.autograd.grad(problem.batch_loss(w, batch), w)
    m1 = theta * g0
    w1 = (w0[0] - eta * m1).requires_grad_(True)
    (full,) = torch.autograd.grad(problem.loss(w1), w1)
    observed = trace.observables
    assert observed["tracking_error"][0, 1] == pytest.approx(float((m1 - full).norm()), rel=1e-10)
    assert observed["momentum_norm"][0, 1] == pytest.approx(float(m1.norm()), rel=1e-10)
    assert observed["loss"][0, 1] == pytest.approx(float(problem.loss(w1.detach())), rel=1e-12)
    assert observed["iterate_norm"][0, 0] == pytest.approx(float(w0.norm()), rel=1e-12)
    # at m_0 = 0 the tracking error is the gradient norm; the Goldstein estimate never exceeds it (x is sampled)
    assert observed["tracking_error"][0, 0] == pytest.approx(observed["grad_norm"][0, 0], rel=1e-12)
    assert 0 <= observed["stationarity"][0, 0] <= observed["grad_norm"][0, 0] + 1e-12


def test_divergence_is_recorded_at_a_checkpoint(problem):
    w0 = initial_points(2)
    etas = torch.stack([constant(0.01, 1)[0], constant(1e200, 1)[0]])
    trace = run_ensemble(problem, MethodSpec("heavy-ball"), w0, etas, constant(1.0, 2), [1, 2], batch=BATCH,
                         checkpoints=[0, 1, 5, STEPS])
    assert trace.diverged_at[0] is None
    assert trace.diverged_at[1] == 1  # the full-batch loss overflows at w_1


def test_slope_statistic_on_exact_power_laws():
    steps = log_checkpoints(10000, 40)
    assert steps[0] == 0 and steps[-1] == 10000 and steps == sorted(set(steps))
    k = np.asarray(steps, dtype=float) + 1
    values = np.stack([3 * k ** -0.4, 0.2 * k ** 0.0, k ** 0.25])
    np.testing.assert_allclose(loglog_slope(steps, values), [-0.4, 0.0, 0.25], atol=1e-12)
    # only the second half of the log range counts: a kink in the first half does not change the slope
    bent = np.where(k < 50, k ** -2.0 * 50 ** 1.6, k ** -0.4)
    assert loglog_slope(steps, bent[None])[0] == pytest.approx(-0.4, abs=1e-12)


def test_an_interrupted_run_resumes_bit_identically(problem, tmp_path, monkeypatch):
    from momcert.numerics import finite_sum

    seeds, checkpoints = [31, 32], [0, 5, 10, 15, 20, STEPS]
    k = torch.arange(STEPS + 1, dtype=torch.float64).expand(2, STEPS + 1)
    arguments = (problem, MethodSpec("sign"), initial_points(2), 0.02 / (k + 1) ** 0.9, 1 / (k + 1) ** 0.7, seeds)
    options = {"batch": BATCH, "checkpoints": checkpoints, "eps": 0.05, "samples": 4, "checkpoint_every": 5,
               "checkpoint_seconds": 0.0, "fingerprint": {"test": 1}}
    uninterrupted = run_ensemble(*arguments, **options)

    real_observe, calls = finite_sum.observe, []

    def interrupting_observe(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:  # the checkpoint at k = 15: the file holds the state after step 10
            raise KeyboardInterrupt
        return real_observe(*args, **kwargs)

    path = tmp_path / "checkpoint.pt"
    monkeypatch.setattr(finite_sum, "observe", interrupting_observe)
    with pytest.raises(KeyboardInterrupt):
        run_ensemble(*arguments, checkpoint=path, **options)
    monkeypatch.setattr(finite_sum, "observe", real_observe)
    assert torch.load(path, weights_only=True)["step"] == 10
    resumed = run_ensemble(*arguments, checkpoint=path, resume=True, **options)
    for name, values in uninterrupted.observables.items():
        np.testing.assert_array_equal(resumed.observables[name], values, err_msg=name)
    assert torch.equal(resumed.final_w, uninterrupted.final_w)
