"""Differential tests: every library equivalence that momcert claims (momcert.theory.translations), as one table of
(ours, theirs, tolerance) cases run on the same deep ReLU network, the same minibatches and float64.

Names and defaults differ between the libraries and the framework; each case says how in a comment.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
from lion_pytorch import Lion

from momcert.numerics.optim import Framework, Nesterov, Recorder

STEPS = 60
SAMPLES, BATCH, WIDTHS = 96, 16, (6, 24, 24, 24, 3)
TOLERANCE = 1e-10


def _problem():
    generator = torch.Generator().manual_seed(1234)
    inputs = torch.randn(SAMPLES, WIDTHS[0], generator=generator, dtype=torch.float64)
    targets = torch.randn(SAMPLES, WIDTHS[-1], generator=generator, dtype=torch.float64)
    return inputs, targets


def _network() -> torch.nn.Module:
    torch.manual_seed(7)
    layers: list[torch.nn.Module] = []
    for index, (width_in, width_out) in enumerate(itertools.pairwise(WIDTHS)):
        layers.append(torch.nn.Linear(width_in, width_out, dtype=torch.float64))
        if index < len(WIDTHS) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def _train(make: Callable, before_step: Callable | None = None) -> tuple[torch.Tensor, object]:
    """Run STEPS minibatch steps; ``make(params)`` returns ``(optimizer, scheduler or None)``."""
    inputs, targets = _problem()
    network = _network()
    params = list(network.parameters())
    optimizer, scheduler = make(params)
    batches = torch.Generator().manual_seed(99)
    for _ in range(STEPS):
        index = torch.randint(0, SAMPLES, (BATCH,), generator=batches)
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(network(inputs[index]), targets[index]).backward()
        if before_step is not None:
            before_step(params)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return torch.cat([p.detach().reshape(-1) for p in params]), optimizer


def _decay(k: int) -> float:
    return 1 / (1 + k / 10)


def _with_schedule(optimizer):
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, _decay)


def _alone(optimizer):
    return optimizer, None


GAMMA = 0.3
TORCH_CLIP_EPS = 1e-6  # torch.nn.utils.clip_grad_norm_ scales by max_norm / (total_norm + 1e-6)


def _clip_then_step(params):
    torch.nn.utils.clip_grad_norm_(params, max_norm=GAMMA)


@dataclass(frozen=True)
class Case:
    id: str
    ours: Callable
    theirs: Callable
    tolerance: float = TOLERANCE
    theirs_before_step: Callable | None = None


CASES = [
    # torch's `lr`, `momentum` mu, dampening 0: eta = lr/(1 - mu), theta = 1 - mu, m_0 = 0 (torch's buffer is m/(1-mu)).
    Case("sgd-momentum-dampening-0",
         lambda p: _alone(Framework.from_torch_sgd(p, lr=0.05, momentum=0.9)),
         lambda p: _alone(torch.optim.SGD(p, lr=0.05, momentum=0.9))),
    # Same translation written by hand with the framework's own names.
    Case("framework-heavy-ball-by-hand",
         lambda p: _alone(Framework(p, "heavy-ball", eta=0.05 / (1 - 0.9), theta=1 - 0.9, foreach=False)),
         lambda p: _alone(torch.optim.SGD(p, lr=0.05, momentum=0.9, foreach=False))),
    # dampening = momentum: eta = lr, theta = 1 - mu, m_0 = g_0 (torch's first step copies the gradient).
    Case("sgd-dampening-equals-momentum",
         lambda p: _alone(Framework.from_torch_sgd(p, lr=0.05, momentum=0.8, dampening=0.8)),
         lambda p: _alone(torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.8))),
    # momentum 0 is plain SGD: theta = 1.
    Case("sgd-plain",
         lambda p: _alone(Framework.from_torch_sgd(p, lr=0.05)),
         lambda p: _alone(torch.optim.SGD(p, lr=0.05))),
    # torch applies a schedule through LambdaLR (lr_k = lr * lambda(k)); ours takes the schedule as an expression in k.
    Case("sgd-momentum-lambdalr-expression",
         lambda p: _alone(Framework.from_torch_sgd(p, lr="0.05/(1 + k/10)", momentum=0.9)),
         lambda p: _with_schedule(torch.optim.SGD(p, lr=0.05, momentum=0.9))),
    # ... or as a callable of k (the lr torch's scheduler sets at step k), here with dampening = momentum.
    Case("sgd-dampening-lambdalr-callable",
         lambda p: _alone(Framework.from_torch_sgd(p, lr=lambda k: 0.05 * _decay(k), momentum=0.9, dampening=0.9)),
         lambda p: _with_schedule(torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.9))),
    # nesterov=True with a constant lr: torch's parameters are the y-iterates of [LK] Nesterov, eta = lr,
    # beta = momentum (torch's `momentum` is [LK]'s beta; torch has no x-iterates).
    Case("sgd-nesterov-lk-form",
         lambda p: _alone(Nesterov(p, eta=0.05, beta=0.9)),
         lambda p: _alone(torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True))),
    # nesterov=True under any lr schedule is the perturbed framework form: eta = lr/(1 - mu), theta = 1 - mu,
    # rho = 1 + mu (direction argument m_k + rho theta (g_k - m_k)).
    Case("sgd-nesterov-lambdalr-framework-form",
         lambda p: _alone(Framework.from_torch_sgd(p, lr="0.05/(1 + k/10)", momentum=0.9, nesterov=True)),
         lambda p: _with_schedule(torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True))),
    # lion-pytorch's betas (b1, b2): theta = 1 - b2, rho = (1 - b1)/(1 - b2); weight_decay stays at its default 0.
    Case("lion-constant",
         lambda p: _alone(Framework.from_lion(p, lr=1e-3, betas=(0.9, 0.99))),
         lambda p: _alone(Lion(p, lr=1e-3, betas=(0.9, 0.99)))),
    Case("lion-lambdalr",
         lambda p: _alone(Framework.from_lion(p, lr="0.001/(1 + k/10)", betas=(0.95, 0.98), foreach=False)),
         lambda p: _with_schedule(Lion(p, lr=1e-3, betas=(0.95, 0.98)))),
    # clip_grad_norm_(max_norm=gamma) then SGD(lr): `clip` with theta = 1, eta = lr, and torch's 1e-6 as eps.
    Case("clip-grad-norm-then-sgd",
         lambda p: _alone(Framework(p, "clip", eta=0.2, theta=1, clip=GAMMA, eps=TORCH_CLIP_EPS)),
         lambda p: _alone(torch.optim.SGD(p, lr=0.2)),
         theirs_before_step=_clip_then_step),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_matches_library(case: Case):
    ours, _ = _train(case.ours)
    theirs, _ = _train(case.theirs, case.theirs_before_step)
    start, _ = _train(lambda p: _alone(torch.optim.SGD(p, lr=0.0)))
    assert (theirs - start).abs().max() > 1e-3, "the library run did not move: the comparison would be empty"
    assert (ours - theirs).abs().max() < case.tolerance


def test_clip_case_clips_on_some_steps_only():
    recorder = Recorder(clipping=True)
    _train(lambda p: _alone(Framework(p, "clip", eta=0.2, theta=1, clip=GAMMA, eps=TORCH_CLIP_EPS,
                                      recorder=recorder)))
    fractions = [record.clip_fraction for record in recorder.records]
    assert 0 < sum(fractions) < len(fractions)


def test_a_wrong_translation_is_detected():
    """The table can fail: the naive translation eta = lr of torch's dampening-0 momentum does not match."""
    ours, _ = _train(lambda p: _alone(Framework(p, "heavy-ball", eta=0.05, theta=0.1)))
    theirs, _ = _train(lambda p: _alone(torch.optim.SGD(p, lr=0.05, momentum=0.9)))
    assert (ours - theirs).abs().max() > 1e-4
