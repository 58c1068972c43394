"""Differential tests: every torch scheduler that momcert translates (momcert.theory.schedulers), as one table of
(class, settings, tolerance) cases: the translated lr_k (and momentum_k) against torch's realized
``param_groups[0]["lr"]`` (and ``["momentum"]``) over STEPS steps of a 1-element parameter.

Tolerance: torch computes most schedules recursively in floating point (lr_k = lr_{k-1} times a ratio), so its
values drift from the exact closed form by a relative error that grows like k times the machine epsilon (the cosine
ratios near their zeros lose more); the cases compare with a relative tolerance RTOL scaled to max|lr|.
"""

from __future__ import annotations

import warnings

import numpy
import pytest
import sympy
import torch
from lion_pytorch import Lion
from torch.optim import lr_scheduler

from momcert.numerics.optim import Framework, Nesterov
from momcert.numerics.schedulers import NotCovered, NotTranslatable, check_optimizer, from_torch
from momcert.theory import check
from momcert.theory.errors import InputError
from momcert.theory.parse import parse_expression
from momcert.theory.schedulers import parse_scheduler, translate_scheduler

STEPS = 10_000
LR = 0.1
RTOL = 1e-9

# (class, settings, tolerance); the text form uses the same keyword names and values as torch.
CASES = [
    ("StepLR", "step_size=30", RTOL),  # gamma defaults to 0.1 in both
    ("StepLR", "step_size=7, gamma=0.97", RTOL),
    ("MultiStepLR", "milestones=[30, 80, 5000], gamma=0.5", RTOL),
    ("MultiStepLR", "milestones=[100, 100, 9000]", RTOL),  # a repeated milestone multiplies twice (torch's Counter)
    ("ExponentialLR", "gamma=0.9995", RTOL),
    ("CosineAnnealingLR", "T_max=1000, eta_min=1e-5", 1e-7),  # past T_max torch's recursion continues periodically
    ("CosineAnnealingLR", "T_max=333", 1e-7),  # eta_min = 0: the recursion multiplies values near 0
    ("CosineAnnealingWarmRestarts", "T_0=100", RTOL),
    ("CosineAnnealingWarmRestarts", "T_0=10, T_mult=2, eta_min=0.001", RTOL),
    ("CosineAnnealingWarmRestarts", "T_0=7, T_mult=3", RTOL),
    ("LinearLR", "", RTOL),  # torch's defaults: start_factor 1/3, end_factor 1, total_iters 5
    ("LinearLR", "start_factor=0.01, end_factor=0.5, total_iters=2000", RTOL),
    ("ConstantLR", "", RTOL),  # factor 1/3 for 5 steps
    ("ConstantLR", "factor=0.5, total_iters=100", RTOL),
    ("PolynomialLR", "total_iters=4000, power=2.0", RTOL),  # lr is 0 from total_iters on
    ("PolynomialLR", "total_iters=9000, power=0.5", 1e-7),
    ("OneCycleLR", "max_lr=0.5, total_steps=10000", RTOL),  # lr starts at max_lr/div_factor, not at the optimizer's lr
    ("OneCycleLR", "max_lr=1.0, total_steps=10000, anneal_strategy='linear', pct_start=0.25", RTOL),
    ("OneCycleLR", "max_lr=0.3, epochs=20, steps_per_epoch=500, three_phase=True, cycle_momentum=False", RTOL),
    ("CyclicLR", "base_lr=0.001, max_lr=0.1, step_size_up=300", RTOL),  # sets the lr to base_lr at construction
    ("CyclicLR", "base_lr=0.01, max_lr=0.2, step_size_up=250, step_size_down=750, mode='triangular2'", RTOL),
    ("CyclicLR", "base_lr=0.01, max_lr=0.2, step_size_up=500, mode='exp_range', gamma=0.9998", RTOL),
    ("CyclicLR", "base_lr=0.01, max_lr=0.2, step_size_up=500, cycle_momentum=False", RTOL),
]
SEQUENCES = [  # (schedulers, milestones: None for ChainedScheduler)
    (["LinearLR(start_factor=0.1, total_iters=100)", "CosineAnnealingLR(T_max=3000, eta_min=0.0001)"], [100]),
    (["ConstantLR(factor=0.5, total_iters=50)", "ExponentialLR(gamma=0.999)", "StepLR(step_size=500)"], [200, 5000]),
    (["ExponentialLR(gamma=0.9999)", "StepLR(step_size=1000, gamma=0.5)", "LinearLR(total_iters=20)"], None),
]


def _python(value):
    if isinstance(value, list):
        return [_python(item) for item in value]
    if isinstance(value, sympy.Integer):
        return int(value)
    return float(value) if isinstance(value, sympy.Rational) else value


def _torch_scheduler(optimizer, text: str):
    name, settings = parse_scheduler(text)  # the same keyword values, as Python numbers for torch
    return getattr(lr_scheduler, name)(optimizer, **{key: _python(value) for key, value in settings.items()})


def _realized(make, steps: int = STEPS) -> tuple[numpy.ndarray, numpy.ndarray]:
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=LR, momentum=0.9)
    scheduler = make(optimizer)
    lrs, momenta = numpy.empty(steps), numpy.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in range(steps):
            lrs[k], momenta[k] = optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["momentum"]
            if k < steps - 1:
                scheduler.step()
    return lrs, momenta, optimizer, scheduler


def _compare(translated, lrs, momenta, tolerance):
    k = numpy.arange(len(lrs))
    ours = translated.lr_at(k)
    numpy.testing.assert_allclose(ours, lrs, rtol=0, atol=tolerance * numpy.abs(lrs).max())
    ours_m = translated.momentum_at(k)
    numpy.testing.assert_allclose(ours_m, momenta, rtol=0, atol=tolerance)


@pytest.mark.parametrize(("name", "settings", "tolerance"), CASES, ids=[f"{n}({s})" for n, s, _ in CASES])
def test_scheduler_matches_torch(name, settings, tolerance):
    text = f"{name}({settings})"
    lrs, momenta, optimizer, scheduler = _realized(lambda optimizer: _torch_scheduler(optimizer, text))
    _compare(translate_scheduler(text, LR, 0.9), lrs, momenta, tolerance)
    _compare(from_torch(optimizer, scheduler), lrs, momenta, tolerance)  # the live objects, read back


@pytest.mark.parametrize(("texts", "milestones"), SEQUENCES, ids=["sequential2", "sequential3", "chained"])
def test_sequence_matches_torch(texts, milestones):
    def make(optimizer):
        inner = [_torch_scheduler(optimizer, text) for text in texts]
        if milestones is None:
            return lr_scheduler.ChainedScheduler(inner)
        return lr_scheduler.SequentialLR(optimizer, inner, milestones=milestones)

    lrs, momenta, optimizer, scheduler = _realized(make)
    _compare(translate_scheduler(texts, LR, 0.9, milestones=milestones), lrs, momenta, 1e-7)
    _compare(from_torch(optimizer, scheduler), lrs, momenta, 1e-7)


def test_one_cycle_momentum_is_a_schedule():
    translated = translate_scheduler("OneCycleLR(max_lr=0.5, total_steps=1000)", LR, 0.9)
    assert translated.momentum_at(0) == pytest.approx(0.95)
    assert translated.momentum_at(299) == pytest.approx(0.85)
    assert translated.theta.has(translated.lr.free_symbols.pop())  # theta_k varies with k


@pytest.mark.parametrize(("text", "message"), [
    ("LambdaLR(lr_lambda=1)", "LambdaLR multiplies the lr by a Python callable, which momcert never evaluates: "
                              "pass the schedule as an expression in k instead (--lr EXPR"),
    ("ReduceLROnPlateau()", "ReduceLROnPlateau changes the lr from the observed loss (data-dependent)"),
])
def test_untranslatable(text, message):
    with pytest.raises(NotTranslatable, match=message.replace("(", r"\(").replace(")", r"\)")):
        translate_scheduler(text, LR)


@pytest.mark.parametrize(("text", "message"), [
    ("StepLR(step_size=__import__('os'))", "'__import__' is not a value for step_size"),
    ("StepLR(step_size=30", "ends where"),
    ("StepLR(stepsize=30)", "StepLR has no keyword 'stepsize'"),
    ("CyclicLR(base_lr=0.1, max_lr=1, mode='square')", "'square' is not an option of mode"),
    ("StepLR(step_size=2.5)", "step_size must be a positive integer, got 5/2"),
    ("Adam(lr=1)", "'Adam' is not a translatable torch scheduler"),
])
def test_bad_scheduler_text(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        translate_scheduler(text, LR)


def test_live_objects():
    parameter = torch.zeros(1, requires_grad=True)
    with pytest.raises(NotCovered, match="Adam is outside the SGD-type momentum framework: no theorem here covers"):
        from_torch(torch.optim.Adam([parameter]))
    lion = Lion([parameter], lr=1e-3, betas=(0.9, 0.99))
    translated = from_torch(lion, lr_scheduler.StepLR(lion, step_size=10))
    assert (translated.method, translated.rho) == ("lion", 10)
    sgd = torch.optim.SGD([parameter], lr=0.1, momentum=0.9)
    with pytest.raises(NotTranslatable, match="LambdaLR"):
        from_torch(sgd, lr_scheduler.LambdaLR(sgd, lambda k: 1.0))
    framework = from_torch(Framework([parameter], "heavy-ball", "0.1/(k+1)**0.6", "1/(k+1)**0.3"))
    assert (framework.eta, framework.theta) == (parse_expression("0.1/(k+1)**0.6"), parse_expression("1/(k+1)**0.3"))
    with pytest.raises(NotCovered, match="momcert's Nesterov is the \\[LK\\] method"):
        from_torch(Nesterov([parameter], 0.1, 0.9))
    report = check_optimizer(torch.optim.SGD([parameter], lr=0.1)).to_dict()
    expected = check("1/10", "1").to_dict()
    assert report["translation"][0] == ("torch.optim.SGD(lr=lr_k, momentum=0, dampening=0) with lr_k = 1/10 is, in the "
                                        "framework [XHT] (momcert explain framework):")
    assert {key: value for key, value in report.items() if key != "translation"} == {
        key: value for key, value in expected.items() if key != "translation"}
