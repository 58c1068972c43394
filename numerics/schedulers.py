"""Live torch optimizers and schedulers as exact schedules (:mod:`momcert.theory.schedulers`) and their check report.

``from_torch(optimizer, scheduler)`` reads the settings of ``torch.optim.SGD``, ``lion_pytorch.Lion`` or momcert's
own :class:`~momcert.numerics.optim.Framework` / :class:`~momcert.numerics.optim.Nesterov` and of a
``torch.optim.lr_scheduler`` object (also ``SequentialLR`` and ``ChainedScheduler`` of translatable ones) and returns
the :class:`~momcert.theory.schedulers.ScheduleTranslation`; ``check_optimizer`` runs :func:`momcert.theory.check` on
it. Optimizers outside the framework (Adam, AdamW, RMSprop, ...) raise :class:`NotCovered`.
"""

from __future__ import annotations

import sympy
import torch

from momcert.theory.checker import CheckReport, check
from momcert.theory.errors import InputError
from momcert.theory.parse import parse_expression
from momcert.theory.schedulers import (
    HOW_INSTEAD,
    SCHEDULERS,
    UNTRANSLATABLE,
    Built,
    NotCovered,
    NotTranslatable,
    ScheduleTranslation,
    as_number,
    build,
    chained,
    schedule_translation,
    sequential,
)
from momcert.theory.translations import Translation

from .optim import Framework, Nesterov

__all__ = ["NotCovered", "NotTranslatable", "check_optimizer", "from_torch"]


def _settings(scheduler) -> dict:
    """The keyword arguments that rebuild ``scheduler`` (a translatable torch scheduler object)."""
    name = type(scheduler).__name__
    group = scheduler.optimizer.param_groups[0]
    if name == "StepLR":
        return {"step_size": scheduler.step_size, "gamma": scheduler.gamma}
    if name == "MultiStepLR":
        return {"milestones": sorted(scheduler.milestones.elements()), "gamma": scheduler.gamma}
    if name == "ExponentialLR":
        return {"gamma": scheduler.gamma}
    if name == "CosineAnnealingLR":
        return {"T_max": scheduler.T_max, "eta_min": scheduler.eta_min}
    if name == "CosineAnnealingWarmRestarts":
        return {"T_0": scheduler.T_0, "T_mult": scheduler.T_mult, "eta_min": scheduler.eta_min}
    if name == "LinearLR":
        return {"start_factor": scheduler.start_factor, "end_factor": scheduler.end_factor,
                "total_iters": scheduler.total_iters}
    if name == "ConstantLR":
        return {"factor": scheduler.factor, "total_iters": scheduler.total_iters}
    if name == "PolynomialLR":
        return {"total_iters": scheduler.total_iters, "power": scheduler.power}
    if name == "OneCycleLR":
        phases = scheduler._schedule_phases
        total = scheduler.total_steps
        settings = {"max_lr": group["max_lr"], "total_steps": total,
                    "pct_start": (phases[0]["end_step"] + 1) / total,
                    "anneal_strategy": "cos" if scheduler._anneal_func_type == "cos" else "linear",
                    "cycle_momentum": scheduler.cycle_momentum,
                    "div_factor": group["max_lr"] / group["initial_lr"],
                    "final_div_factor": group["initial_lr"] / group["min_lr"], "three_phase": len(phases) == 3}
        if scheduler.cycle_momentum:
            settings.update(base_momentum=group["base_momentum"], max_momentum=group["max_momentum"])
        return settings
    if name == "CyclicLR":
        if scheduler._scale_fn_custom is not None:
            raise NotTranslatable(f"CyclicLR with a scale_fn callable is not translated: {HOW_INSTEAD}")
        up = round(scheduler.total_size * scheduler.step_ratio)
        settings = {"base_lr": scheduler.base_lrs[0], "max_lr": scheduler.max_lrs[0], "step_size_up": up,
                    "step_size_down": round(scheduler.total_size) - up, "mode": scheduler.mode,
                    "gamma": scheduler.gamma, "cycle_momentum": scheduler.cycle_momentum}
        if scheduler.cycle_momentum:
            settings.update(base_momentum=scheduler.base_momentums[0], max_momentum=scheduler.max_momentums[0])
        return settings
    raise AssertionError(name)


def _exact(value):
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, list):
        return [_exact(item) for item in value]
    number = as_number(float(value) if not isinstance(value, int) else value)
    return number


def _built(scheduler, base: sympy.Expr):
    name = type(scheduler).__name__
    if name in UNTRANSLATABLE:
        raise NotTranslatable(f"{UNTRANSLATABLE[name]}: {HOW_INSTEAD}")
    if name == "SequentialLR":
        parts = [_built(inner, base)[0] for inner in scheduler._schedulers]
        return sequential(parts, [as_number(m) for m in scheduler._milestones]), name
    if name == "ChainedScheduler":
        inner = scheduler._schedulers
        parts = [_built(item, base)[0] for item in inner]
        return chained(parts, [type(item).__name__ for item in inner], base), name
    if name not in SCHEDULERS:
        raise NotTranslatable(f"{name} is not a translatable torch scheduler (known: {', '.join(SCHEDULERS)}): "
                              f"{HOW_INSTEAD}")
    settings = {key: _exact(value) for key, value in _settings(scheduler).items()}
    shown = ", ".join(f"{key}={value!r}" if isinstance(value, str) else f"{key}={sympy.sstr(value)}"
                      for key, value in settings.items())
    return build(name, settings, base), f"{name}({shown})"


def _covered_optimizer(optimizer) -> str:
    if isinstance(optimizer, torch.optim.SGD):
        return "torch-sgd"
    if type(optimizer).__name__ == "Lion" and type(optimizer).__module__.startswith("lion_pytorch"):
        return "lion"
    if isinstance(optimizer, (Framework, Nesterov)):
        return "momcert"
    raise NotCovered(f"{type(optimizer).__name__} is outside the SGD-type momentum framework: no theorem here covers "
                     "it "
                     "(covered: torch.optim.SGD, lion_pytorch.Lion and momcert's Framework)")


def from_torch(optimizer, scheduler=None) -> ScheduleTranslation:
    """The live ``optimizer`` (and ``scheduler``, stepped or not) as exact schedules and framework arguments.

    :class:`NotCovered` for an optimizer outside the framework, :class:`NotTranslatable` for a scheduler without a
    closed form (LambdaLR, MultiplicativeLR, ReduceLROnPlateau), :class:`InputError` for settings the framework does
    not translate (weight decay, several parameter groups with different settings).
    """
    kind = _covered_optimizer(optimizer)
    groups = optimizer.param_groups
    if kind == "momcert":
        if scheduler is not None:
            raise InputError("momcert's optimizers carry their own schedule: pass no torch scheduler")
        return _momcert(optimizer)
    group = groups[0]
    if group.get("weight_decay", 0):
        raise InputError(f"weight_decay={group['weight_decay']} is not part of the framework: use 0")
    if kind == "torch-sgd" and group.get("maximize", False):
        raise InputError("maximize=True is not part of the framework")
    base = as_number(float(group.get("initial_lr", group["lr"])))
    if scheduler is None:
        lr_text, built = sympy.sstr(base), None
    else:
        built, lr_text = _built(scheduler, base)
    if built is None:
        built = Built(base)
    if kind == "lion":
        betas = tuple(as_number(float(beta)) for beta in group["betas"])
        return schedule_translation(built, lr_text, optimizer="lion", betas=betas)
    momentum = None if built.momentum is not None else as_number(float(group["momentum"]))
    return schedule_translation(built, lr_text, momentum=momentum, dampening=as_number(float(group["dampening"])),
                                nesterov=bool(group["nesterov"]))


def _momcert(optimizer) -> ScheduleTranslation:
    if isinstance(optimizer, Nesterov):
        raise NotCovered("momcert's Nesterov is the [LK] method, not a method of the SGD-type framework: use "
                         "momcert nesterov for its theorems")
    eta, theta = (parse_expression(schedule.text) if schedule.constant is None else as_number(schedule.constant)
                  for schedule in (optimizer.eta, optimizer.theta))
    rho = None if optimizer.rho is None else as_number(optimizer.rho)
    translation = Translation(eta, theta, optimizer.m0, optimizer.spec.name, rho, "momcert Framework", [])
    return ScheduleTranslation(eta, None, translation, "the Framework's own schedule")


def check_optimizer(optimizer, scheduler=None, **check_options) -> CheckReport:
    """The check report (:func:`momcert.theory.check`) for the live optimizer and scheduler (see :func:`from_torch`);
    ``check_options`` are check's (``noise``, ``assume``, ``budget``, ...)."""
    translated = from_torch(optimizer, scheduler)
    return check(translated.eta, translated.theta, method=translated.method, rho=translated.rho,
                 translation=translated.translation, **check_options)
