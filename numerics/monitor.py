"""Watch a user's own torch training loop: the realized schedule against the declared one, and the quantities the
SGD-type theorems [XHT]/[SA] speak about (``momcert explain framework``).

Attach a :class:`Monitor` to a torch optimizer (it registers ``register_step_pre_hook`` and
``register_step_post_hook``); the loop itself is unchanged. Step k = 0, 1, 2, ... counts the optimizer's steps from the
moment the monitor is attached.

Per step it records

- the realized lr alpha_k and momentum mu_k of every param group, read before the step, and compares them with the
  declared schedule: ``|realized - declared| <= rtol * |declared|`` (``rtol`` = 1e-6 by default: torch's schedulers
  compute recursively in floating point, which drifts by far less). The first deviating step is kept with both
  values; this catches a warmup off by one step, a scheduler stepped per epoch instead of per batch, and a second
  scheduler chained by mistake. "Momentum" means 1 - theta_k in every optimizer: torch SGD's ``momentum``,
  lion-pytorch Lion's ``beta2``, 1 - theta_k of :class:`momcert.numerics.optim.Framework` (whose lr is eta_k);
- the iterate norm ||x_{k+1}|| (the theorems assume bounded iterates), the momentum norm ||m_{k+1}|| of the
  framework recursion m_{k+1} = m_k + theta_k (g_k - m_k), and the minibatch gradient norm ||g_k||. torch SGD's
  buffer b_k maps to m_k = (1 - mu)/(1 - dampening) b_k (m_k = (1 - mu) b_k for dampening 0, m_k = b_k for
  dampening = mu); without momentum m_{k+1} = g_k; Lion's ``exp_avg`` and the Framework's ``momentum`` are m_k;
- with ``full_gradient`` (a callable returning the full-batch gradient at the current parameters, one tensor per
  parameter, e.g. by ``torch.autograd.grad``; it must not write ``.grad``) every ``every`` steps: the tracking error
  ||m_{k+1} - grad f(x_{k+1})||, which [XHT]'s two-timescale theorem (``xht-two``) says tends to 0.

Cost and memory. The three norms come from one ``torch._foreach_norm`` pass; the values stay on the device in a
fixed buffer of ``flush_every`` rows and reach the host once per ``flush_every`` steps (no ``.item()`` per step).
The host keeps, per quantity, a streaming summary (count, min, max, mean, last) and a decimated series: the steps
k that are multiples of a stride, which doubles (dropping every other point) whenever ``capacity`` points are kept.
Storage is bounded by ``capacity`` points per series, whatever the number of steps.

At the end :meth:`Monitor.report` checks the declared (or translated) schedule with :func:`momcert.theory.check`
and returns a :class:`MonitorReport` (text, JSON, Markdown).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import sympy
import torch

from momcert.theory import translations
from momcert.theory.errors import InputError
from momcert.theory.parse import as_schedule

from .optim import Framework, Schedule

#: Default relative tolerance between the realized and the declared lr and momentum.
RTOL = 1e-6
#: The quantities measured at every step (and the tracking error every ``every`` steps), in the device buffer's order.
QUANTITIES = ("grad_norm", "iterate_norm", "momentum_norm", "tracking_error")


class Decimated:
    """A series kept at the steps that are multiples of ``stride``; the stride doubles when ``capacity`` is reached."""

    def __init__(self, capacity: int):
        if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 2:
            raise InputError(f"capacity must be an integer >= 2, got {capacity!r}")
        self.capacity = capacity
        self.stride = 1
        self.steps: list[int] = []
        self.values: list[float] = []

    def add(self, k: int, value: float) -> bool:
        """Keep (k, value) if k is a multiple of the stride; True when it was kept."""
        if k % self.stride:
            return False
        if len(self.steps) >= self.capacity:
            self.stride *= 2
            kept = [i for i, step in enumerate(self.steps) if step % self.stride == 0]
            self.steps = [self.steps[i] for i in kept]
            self.values = [self.values[i] for i in kept]
            if k % self.stride:
                return False
        self.steps.append(k)
        self.values.append(value)
        return True

    def to_dict(self) -> dict:
        return {"stride": self.stride, "steps": list(self.steps), "values": list(self.values)}


class Summary:
    """count, min, max, mean and last of a stream of numbers."""

    def __init__(self):
        self.count, self.total, self.minimum, self.maximum, self.last = 0, 0.0, math.inf, -math.inf, math.nan

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        self.minimum, self.maximum, self.last = min(self.minimum, value), max(self.maximum, value), value

    def to_dict(self) -> dict:
        if not self.count:
            return {"count": 0}
        return {"count": self.count, "min": self.minimum, "max": self.maximum, "mean": self.total / self.count,
                "last": self.last}


@dataclass(frozen=True)
class Deviation:
    """The first step whose realized lr or momentum differs from the declared schedule."""

    step: int
    group: int
    quantity: str  # "lr" or "momentum"
    realized: float
    declared: float

    def __str__(self) -> str:
        return (f"step k = {self.step}, param group {self.group}: realized {self.quantity} {self.realized!r}, "
                f"declared {self.declared!r}")


class _Declared:
    """The declared schedule: lr alpha_k and momentum mu_k = 1 - theta_k as floats of k (one lambdified expression
    each, :class:`momcert.numerics.optim.Schedule`), or the evaluators of a scheduler translation."""

    def __init__(self, lr=None, momentum=None, translation=None):
        if translation is not None and (lr is not None or momentum is not None):
            raise InputError("give either schedule= (a translation) or lr=/momentum= (expressions), not both")
        self.translation = translation
        self.lr_expr = None if lr is None else as_schedule(lr, "lr")
        self.momentum_expr = None if momentum is None else as_schedule(momentum, "momentum")
        self._lr = None if lr is None else Schedule(self.lr_expr, "lr")
        self._theta = None if momentum is None else Schedule(1 - self.momentum_expr, "theta", at_most_one=True)

    @property
    def given(self) -> bool:
        return self.translation is not None or self._lr is not None or self._theta is not None

    def lr_at(self, k: int) -> float | None:
        if self.translation is not None:
            return float(self.translation.lr_at(k))
        return None if self._lr is None else self._lr(k)

    def momentum_at(self, k: int) -> float | None:
        if self.translation is not None:
            return float(self.translation.momentum_at(k))
        return None if self._theta is None else 1.0 - self._theta(k)


def _realized(optimizer, group: dict, k: int) -> tuple[float, float]:
    """(lr, momentum) that ``optimizer`` uses for ``group`` at its step k (momentum = 1 - theta_k)."""
    if isinstance(optimizer, Framework):
        return optimizer.eta(k), 1.0 - optimizer.theta(k)
    momentum = group.get("momentum")
    if momentum is None and "betas" in group:
        momentum = group["betas"][1]
    return float(group["lr"]), float(momentum if momentum is not None else 0.0)


def _norm(tensors: list[torch.Tensor]) -> torch.Tensor:
    """The Euclidean norm of the concatenation of ``tensors``, on their device."""
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(tensors)))


class Monitor:
    """Record a torch optimizer's realized schedule and the theorems' quantities (see the module docstring).

    ``optimizer``: torch.optim.SGD, lion_pytorch.Lion, momcert's Framework (any other optimizer is monitored, but no
    theorem here covers it). ``lr``/``momentum``: the declared schedule as expressions in k (text such as
    ``"0.1/(k+1)**0.6"``, numbers or SymPy), or ``schedule``: a scheduler translation (``lr_at(k)``, ``momentum_at(k)``,
    ``eta``, ``theta``); with only ``scheduler`` given, the schedule is translated from it when
    ``momcert.numerics.schedulers`` is available. ``rtol``: the relative tolerance of the schedule comparison.
    ``full_gradient``/``every``: the tracking error every ``every`` steps. ``writer``: anything with
    ``add_scalar(tag, value, step)`` (a ``torch.utils.tensorboard.SummaryWriter``) receives the decimated series.
    """

    def __init__(self, optimizer, *, scheduler=None, lr=None, momentum=None, schedule=None, rtol: float = RTOL,
                 full_gradient=None, every: int = 100, writer=None, capacity: int = 1024, flush_every: int = 256):
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise InputError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
        if not isinstance(rtol, (int, float)) or isinstance(rtol, bool) or not 0 <= rtol < 1:
            raise InputError(f"rtol must be a number in [0, 1), got {rtol!r}")
        for name, value in (("every", every), ("flush_every", flush_every)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InputError(f"{name} must be a positive integer, got {value!r}")
        self.optimizer = optimizer
        self.rtol = float(rtol)
        self.not_covered: str | None = None
        if schedule is None and lr is None and momentum is None and scheduler is not None:
            schedule = self._translate(optimizer, scheduler)
        self.declared = _Declared(lr, momentum, schedule)
        self.full_gradient = full_gradient
        self.every = every
        self.writer = writer
        self.flush_every = flush_every
        self.k = 0
        self.deviation: Deviation | None = None
        self.deviating_steps = 0
        self._last_deviating = -1
        self.summaries = {name: Summary() for name in ("lr", "momentum", *QUANTITIES)}
        self.series = {name: Decimated(capacity) for name in self.summaries}
        self._params = [p for group in optimizer.param_groups for p in group["params"]]
        self._pending: torch.Tensor | None = None
        self._rows = 0
        self._first_row = 0
        self._group_momentum: list[float] = []
        self._weights: torch.Tensor | None = None
        self._weights_key = None
        self._handles = [optimizer.register_step_pre_hook(self._before), optimizer.register_step_post_hook(self._after)]

    # -- attaching -----------------------------------------------------------------------------------------------
    def _translate(self, optimizer, scheduler):
        """The translation of the live scheduler (``momcert.numerics.schedulers.from_torch``); an optimizer outside
        the framework leaves the schedule undeclared with the reason kept for the report."""
        try:
            from . import schedulers
        except ImportError:
            raise InputError("scheduler translation is not available in this version: declare the schedule with "
                             "lr='...' and momentum='...' (expressions in k)") from None
        try:
            return schedulers.from_torch(optimizer, scheduler)
        except schedulers.NotCovered as error:
            self.not_covered = str(error)
            return None

    def detach(self) -> None:
        """Remove the hooks (the records stay)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # -- the hooks -----------------------------------------------------------------------------------------------
    def _before(self, optimizer, args, kwargs) -> None:
        k = self.k
        self._group_momentum = []
        for index, group in enumerate(optimizer.param_groups):
            lr, momentum = _realized(optimizer, group, k)
            self._group_momentum.append((momentum, float(group.get("dampening", 0.0))))
            if index == 0:
                for name, value in (("lr", lr), ("momentum", momentum)):
                    self.summaries[name].add(value)
                    self._keep(name, k, value)
            if self.declared.given:
                self._compare(k, index, "lr", lr, self.declared.lr_at(k))
                self._compare(k, index, "momentum", momentum, self.declared.momentum_at(k))

    def _compare(self, k: int, group: int, quantity: str, realized: float, declared: float | None) -> None:
        if declared is None or abs(realized - declared) <= self.rtol * abs(declared):
            return
        if self._last_deviating != k:
            self.deviating_steps += 1
            self._last_deviating = k
        if self.deviation is None:
            self.deviation = Deviation(k, group, quantity, realized, declared)

    @torch.no_grad()
    def _after(self, optimizer, args, kwargs) -> None:
        params = [p for p in self._params if p.grad is not None]
        if not params:
            self.k += 1
            return
        grads = [p.grad for p in params]
        moments, scales = self._moments(optimizer, params)
        tracking = (self._tracking(moments, scales, params) if self.full_gradient is not None
                    and (self.k + 1) % self.every == 0 else None)
        row = self._row(grads, params, moments, scales, tracking)
        if self._pending is None:
            self._pending = torch.empty((self.flush_every, len(QUANTITIES)), dtype=row.dtype, device=row.device)
            self._first_row = self.k
        self._pending[self._rows] = row
        self._rows += 1
        self.k += 1
        if self._rows == self.flush_every:
            self.flush()

    def _row(self, grads, params, moments, scales, tracking) -> torch.Tensor:
        """(||g_k||, ||x_{k+1}||, ||m_{k+1}||, tracking error or nan) from one ``torch._foreach_norm`` pass."""
        squares = torch.stack(torch._foreach_norm(grads + params + moments)).square()
        key = (len(params), tuple(scales), squares.device, squares.dtype)
        if self._weights_key != key:  # rows: the three quantities; columns: the tensors (moments times scale**2)
            n = len(params)
            weights = torch.zeros((3, 3 * n), dtype=squares.dtype)
            weights[0, :n], weights[1, n:2 * n] = 1.0, 1.0
            weights[2, 2 * n:] = torch.tensor(scales, dtype=squares.dtype).square()
            self._weights, self._weights_key = weights.to(squares.device), key
        norms = (self._weights @ squares).sqrt()
        last = torch.full_like(norms[:1], math.nan) if tracking is None else tracking.reshape(1).to(norms)
        return torch.cat([norms, last])

    def _moments(self, optimizer, params) -> tuple[list[torch.Tensor], list[float]]:
        """m_{k+1} of each parameter (as stored) and the factor that maps it to the framework's m_{k+1}."""
        scale_of = {}
        for group, (mu, dampening) in zip(optimizer.param_groups, self._group_momentum, strict=True):
            for p in group["params"]:
                scale_of[p] = (1.0 - mu) / (1.0 - dampening) if dampening < 1 else 1.0
        moments, scales = [], []
        for p in params:
            state = optimizer.state.get(p, {})
            for key in ("momentum", "exp_avg", "momentum_buffer"):
                if state.get(key) is not None:
                    moments.append(state[key])
                    scales.append(scale_of[p] if key == "momentum_buffer" else 1.0)
                    break
            else:  # no buffer (plain SGD): m_{k+1} = g_k
                moments.append(p.grad)
                scales.append(1.0)
        return moments, scales

    def _tracking(self, moments, scales, params) -> torch.Tensor:
        gradient = list(self.full_gradient())
        if len(gradient) != len(params):
            raise InputError(f"full_gradient returned {len(gradient)} tensors for {len(params)} parameters")
        differences = [m * s - g for m, s, g in zip(moments, scales, gradient, strict=True)]
        return _norm(differences)

    # -- host side -----------------------------------------------------------------------------------------------
    def _keep(self, name: str, k: int, value: float) -> None:
        if self.series[name].add(k, value) and self.writer is not None:
            self.writer.add_scalar(f"momcert/{name}", value, k)

    def flush(self) -> None:
        """Bring the device buffer to the host (one transfer) and fold it into the summaries and series."""
        if not self._rows:
            return
        rows = self._pending[:self._rows].double().cpu().tolist()
        for offset, row in enumerate(rows):
            k = self._first_row + offset
            for name, value in zip(QUANTITIES, row, strict=True):
                if not math.isnan(value):
                    self.summaries[name].add(value)
                    self._keep(name, k, value)
        self._rows = 0
        self._first_row = self.k

    def storage_bytes(self) -> int:
        """The monitor's own storage in bytes: the device buffer, the summaries and the kept series (8 bytes per
        number, 8 per step index)."""
        pending = 0 if self._pending is None else self._pending.numel() * self._pending.element_size()
        kept = sum(16 * len(series.steps) for series in self.series.values())
        return pending + kept + 8 * 5 * len(self.summaries)

    # -- the verdict ---------------------------------------------------------------------------------------------
    def report(self, *, noise: str = "bounded") -> MonitorReport:
        """The check of the declared schedule (:func:`momcert.theory.check`) and the observed facts."""
        from momcert.theory.checker import check

        self.flush()
        translation, reason = self._framework_translation()
        checked = None
        if translation is not None:
            checked = check(translation.eta, translation.theta, method=translation.method, noise=noise,
                            translation=translation if isinstance(translation, translations.Translation) else None,
                            rho=getattr(translation, "rho", None))
        return MonitorReport(
            steps=self.k, rtol=self.rtol, declared=self._declared_text(), deviation=self.deviation,
            deviating_steps=self.deviating_steps, summaries={n: s.to_dict() for n, s in self.summaries.items()},
            series={n: s.to_dict() for n, s in self.series.items()}, check=checked, not_checked=reason)

    def _declared_text(self) -> dict | None:
        declared = self.declared
        if declared.translation is not None:
            return {"eta": sympy.sstr(declared.translation.eta), "theta": sympy.sstr(declared.translation.theta)}
        if not declared.given:
            return None
        return {name: None if expr is None else sympy.sstr(expr)
                for name, expr in (("lr", declared.lr_expr), ("momentum", declared.momentum_expr))}

    def _framework_translation(self):
        """(translation with eta, theta, method, rho; None) or (None, the reason no check is made)."""
        if self.not_covered is not None:
            return None, self.not_covered
        declared, optimizer = self.declared, self.optimizer
        if declared.translation is not None:
            return declared.translation, None
        if declared.lr_expr is None:
            return None, "no declared schedule (give lr= and momentum=, or a scheduler translation)"
        momentum = 0 if declared.momentum_expr is None else declared.momentum_expr
        group = optimizer.param_groups[0]
        if isinstance(optimizer, torch.optim.SGD):
            return translations.from_torch_sgd(declared.lr_expr, momentum, group.get("dampening", 0),
                                               group.get("nesterov", False)), None
        if type(optimizer).__name__ == "Lion":
            return translations.from_lion(declared.lr_expr, (group["betas"][0], momentum)), None
        if isinstance(optimizer, Framework):
            eta, theta = declared.lr_expr, 1 - momentum
            return translations.Translation(eta, theta, optimizer.m0, optimizer.spec.name,
                                            None if optimizer.rho is None else as_schedule(optimizer.rho, "rho"),
                                            "momcert Framework"), None
        return None, f"no theorem here covers {type(optimizer).__name__} (outside the SGD-type framework)"


@dataclass
class MonitorReport:
    """What a monitored run showed: the schedule check and the observed facts (``str``, ``to_dict``/``to_json``,
    Markdown in a notebook)."""

    steps: int
    rtol: float
    declared: dict | None
    deviation: Deviation | None
    deviating_steps: int
    summaries: dict
    series: dict
    check: object | None = None  # momcert.theory.report.CheckReport
    not_checked: str | None = None

    def to_dict(self) -> dict:
        return {
            "steps": self.steps, "rtol": self.rtol, "declared": self.declared,
            "deviation": None if self.deviation is None else dict(vars(self.deviation)),
            "deviating_steps": self.deviating_steps, "summaries": self.summaries, "series": self.series,
            "check": None if self.check is None else self.check.to_dict(), "not_checked": self.not_checked,
        }

    def to_json(self, **options) -> str:
        return json.dumps(self.to_dict(), **options)

    def _schedule_line(self) -> str:
        if not self.declared:
            return "schedule: none declared, so the realized lr and momentum were recorded but not compared"
        if self.deviation is None:
            return ("schedule: the realized lr and momentum match the declared schedule at every step "
                    f"(rtol {self.rtol})")
        return (f"schedule: DEVIATES from the declared one at {self.deviation} ({self.deviating_steps} deviating "
                f"steps; rtol {self.rtol})")

    def _fact_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        rows = []
        for name, summary in self.summaries.items():
            if summary.get("count"):
                rows.append((name, str(summary["count"]), *(f"{summary[key]:.4g}" for key in
                                                            ("min", "max", "mean", "last"))))
        return rows

    def _verdict_lines(self) -> list[str]:
        if self.check is None:
            return [f"no theorem check: {self.not_checked}"]
        return [f"{t.id}: {t.verdict}" + (f" (fails: {', '.join(t.failed)})" if t.failed else "")
                for t in self.check.theorems.values()]

    def __str__(self) -> str:
        header = ("quantity", "count", "min", "max", "mean", "last")
        rows = [header, *self._fact_rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [f"monitored steps: {self.steps}", self._schedule_line(), ""]
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                  for row in rows]
        lines += ["", *self._verdict_lines()]
        if self.check is not None:
            lines += ["", str(self.check)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        lines = [f"**monitored steps:** {self.steps}", "", self._schedule_line(), "",
                 "| quantity | count | min | max | mean | last |", "|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in self._fact_rows()]
        lines += ["", *[f"- {line}" for line in self._verdict_lines()]]
        if self.check is not None:
            lines += ["", self.check._repr_markdown_()]
        return "\n".join(lines)
