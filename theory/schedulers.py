"""torch learning-rate schedulers as exact schedules lr_k (and momentum_k), then framework arguments [XHT].

A scheduler is given as text in a whitelist form, ``CosineAnnealingLR(T_max=1000, eta_min=1e-5)``: a class name of
:data:`SCHEDULERS` and keyword arguments whose values are numbers (read exactly: ``0.1`` is 1/10), lists of numbers,
``True``/``False`` or one of the documented option strings (``'cos'``, ``'triangular2'``, ...). Nothing is evaluated.

lr_k is the learning rate torch uses at optimizer step k = 0, 1, 2, ... (``param_groups[i]["lr"]`` after k calls of
``scheduler.step()``), from the optimizer's lr ``b`` (torch's ``initial_lr``). With ``[P]`` the indicator, for an
integer k ``[k >= m] = Min(1, Max(0, k - m + 1))``. The closed forms (derived here from torch's update rules; each is
proven against torch by ``tests/numerics/test_schedulers.py``)::

    StepLR(step_size, gamma)          b gamma^floor(k/step_size)
    MultiStepLR(milestones, gamma)    b gamma^(sum_m [k >= m])
    ExponentialLR(gamma)              b gamma^k
    CosineAnnealingLR(T_max, eta_min) eta_min + (b - eta_min)(1 + cos(pi k/T_max))/2, for every k: torch's recursive
                                      form lr_k - eta_min = (lr_{k-1} - eta_min)(1 + cos(pi k/T))/(1 + cos(pi(k-1)/T))
                                      telescopes to it, and its special step at k - 1 = T (mod 2T) (a zero denominator)
                                      adds (b - eta_min)(1 - cos(pi/T))/2 to eta_min, the same value: the schedule
                                      continues periodically (period 2 T_max) past T_max
    CosineAnnealingWarmRestarts       eta_min + (b - eta_min)(1 + cos(pi t_k/T_k))/2 with the cycle n = number of
      (T_0, T_mult, eta_min)          restarts s_j = T_0 (T_mult^j - 1)/(T_mult - 1) <= k (s_j = j T_0 for T_mult = 1),
                                      t_k = k - s_n,
                                      T_k = T_0 T_mult^n; for T_mult > 1, n = floor(log_{T_mult}((k + 1/2)
                                      (T_mult - 1)/T_0 + 1)) (the 1/2 keeps the logarithm off the integers)
    LinearLR(start_factor, end_factor, total_iters)  b (s + (e - s) Min(k, T)/T)
    ConstantLR(factor, total_iters)   b (f + (1 - f)[k >= T])
    PolynomialLR(total_iters, power)  b (1 - Min(k, T)/T)^power
    OneCycleLR, CyclicLR              their phases (lr from max_lr, not from b), as below
    SequentialLR(milestones)          scheduler i on k - m_i for m_i <= k < m_{i+1} (m_0 = 0)
    ChainedScheduler                  b times the product of the factors lr_k/b of its (multiplicative) schedulers

OneCycleLR's phases are continuous, so the piecewise schedule is exact as F_1(Min(k, e_1)) + sum_{i>=2}
(F_i(Max(e_{i-1}, Min(k, e_i))) - F_i(e_{i-1})); torch refuses steps past total_steps, and lr_k is held at its
value at k = total_steps from there. CyclicLR's triangle is Min(x/r, (1 - x)/(1 - r)) with x = k/c - floor(k/c),
c = step_size_up + step_size_down, r = step_size_up/c.

Momentum. OneCycleLR and CyclicLR with ``cycle_momentum`` set the momentum of torch SGD each step: momentum_k is a
schedule. The framework reading of torch SGD (dampening 0) is then theta_k = 1 - momentum_k, eta_k = lr_k/(1 -
momentum_k); it is exact wherever the momentum is constant, and elsewhere theta_k = theta_{k-1}/(momentum_k +
theta_{k-1}) exactly (the buffer b_{k+1} = momentum_k b_k + g_k is m_{k+1}/theta_k), which approaches 1 - momentum
geometrically once the momentum is constant: the conditions, which concern the tail of the schedule, read the same.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import sympy

from .errors import InputError
from .parse import K, parameter_symbol
from .translations import Translation, from_lion, from_torch_sgd

HOW_INSTEAD = "pass the schedule as an expression in k instead (--lr EXPR, e.g. --lr '0.1*0.95**k')"


class NotTranslatable(InputError):
    """A scheduler whose schedule is not a closed form (a Python callable, a data-dependent rule)."""


class NotCovered(InputError):
    """An optimizer outside the framework: no theorem here covers it."""


#: Untranslatable torch schedulers and why.
UNTRANSLATABLE = {
    "LambdaLR": "LambdaLR multiplies the lr by a Python callable, which momcert never evaluates",
    "MultiplicativeLR": "MultiplicativeLR multiplies the lr by a Python callable, which momcert never evaluates",
    "ReduceLROnPlateau": "ReduceLROnPlateau changes the lr from the observed loss (data-dependent), not from k",
    "LRScheduler": "LRScheduler is the base class, not a schedule",
}


# exact defaults of torch's keyword arguments
_1_10 = sympy.Rational(1, 10)
_0 = sympy.Integer(0)
_1 = sympy.Integer(1)
_1_3 = sympy.Rational(1, 3)
_5 = sympy.Integer(5)
_3_10 = sympy.Rational(3, 10)
_85_100 = sympy.Rational(85, 100)
_95_100 = sympy.Rational(95, 100)
_25 = sympy.Integer(25)
_10E4 = sympy.Integer(10**4)
_2000 = sympy.Integer(2000)
_8_10 = sympy.Rational(8, 10)
_9_10 = sympy.Rational(9, 10)


def _indicator(minimum) -> sympy.Expr:
    """[k >= minimum] for integer k and an integer ``minimum``."""
    return sympy.Min(1, sympy.Max(0, K - minimum + 1))


def _cosine(base, eta_min, t, period) -> sympy.Expr:
    return eta_min + (base - eta_min) * (1 + sympy.cos(sympy.pi * t / period)) / 2


@dataclass(frozen=True)
class Built:
    lr: sympy.Expr
    momentum: sympy.Expr | None = None  # a momentum schedule set by the scheduler (cycle_momentum)
    multiplicative: bool = True  # lr_k/b does not depend on b, and torch's recursion multiplies the current lr


def _step(b, step_size, gamma=_1_10):
    return Built(b * gamma ** sympy.floor(K / _positive_int(step_size, "step_size")))


def _multistep(b, milestones, gamma=_1_10):
    count = sum((_indicator(_positive_int(m, "milestones")) for m in _list(milestones, "milestones")), sympy.Integer(0))
    return Built(b * gamma ** count)


def _exponential(b, gamma):
    return Built(b * gamma ** K)


def _cosine_annealing(b, T_max, eta_min=_0):
    return Built(_cosine(b, eta_min, K, _positive_int(T_max, "T_max")), multiplicative=False)


def _warm_restarts(b, T_0, T_mult=_1, eta_min=_0):
    t0, mult = _positive_int(T_0, "T_0"), _positive_int(T_mult, "T_mult")
    if mult == 1:
        return Built(_cosine(b, eta_min, K - t0 * sympy.floor(K / t0), t0), multiplicative=False)
    cycle = sympy.floor(sympy.log((K + sympy.Rational(1, 2)) * (mult - 1) / t0 + 1) / sympy.log(mult))
    start = t0 * (mult ** cycle - 1) / (mult - 1)
    return Built(_cosine(b, eta_min, K - start, t0 * mult ** cycle), multiplicative=False)


def _linear(b, start_factor=_1_3, end_factor=_1, total_iters=_5):
    total = _positive_int(total_iters, "total_iters")
    return Built(b * (start_factor + (end_factor - start_factor) * sympy.Min(K, total) / total))


def _constant(b, factor=_1_3, total_iters=_5):
    return Built(b * (factor + (1 - factor) * _indicator(_positive_int(total_iters, "total_iters"))))


def _polynomial(b, total_iters=_5, power=_1):
    total = _positive_int(total_iters, "total_iters")
    return Built(b * (1 - sympy.Min(K, total) / total) ** power)


def _anneal(strategy: str) -> Callable:
    if strategy == "cos":
        return lambda start, end, pct: end + (start - end) / 2 * (1 + sympy.cos(sympy.pi * pct))
    return lambda start, end, pct: start + (end - start) * pct


def _one_cycle(b, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=_3_10,
               anneal_strategy="cos", cycle_momentum=True, base_momentum=_85_100,
               max_momentum=_95_100, div_factor=_25, final_div_factor=_10E4,
               three_phase=False):
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise InputError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
        total_steps = _positive_int(epochs, "epochs") * _positive_int(steps_per_epoch, "steps_per_epoch")
    total = _positive_int(total_steps, "total_steps")
    initial, low = max_lr / div_factor, max_lr / div_factor / final_div_factor
    first = pct_start * total - 1
    if three_phase:
        steps = [0, first, 2 * pct_start * total - 2, total - 1]
        lrs, moms = [initial, max_lr, initial, low], [max_momentum, base_momentum, max_momentum, max_momentum]
    else:
        steps, lrs, moms = [0, first, total - 1], [initial, max_lr, low], [max_momentum, base_momentum, max_momentum]
    anneal = _anneal(_option(anneal_strategy, "anneal_strategy", ("cos", "linear")))
    lr = _phases_last(steps, lrs, anneal, total)
    momentum = _phases_last(steps, moms, anneal, total) if _boolean(cycle_momentum, "cycle_momentum") else None
    return Built(lr, momentum, multiplicative=False)


def _phases_last(steps, values, anneal, total) -> sympy.Expr:
    """Phases through (steps[i], values[i]); the last phase's formula runs on to k = ``total``, then is held."""
    result = sympy.Integer(0)
    count = len(steps) - 1
    for index in range(count):
        s, e = steps[index], steps[index + 1]
        stop = total if index == count - 1 else e
        k = sympy.Min(K, stop) if index == 0 else sympy.Max(s, sympy.Min(K, stop))
        result += anneal(values[index], values[index + 1], (k - s) / (e - s)) - (0 if index == 0 else values[index])
    return result


def _cyclic(b, base_lr, max_lr, step_size_up=_2000, step_size_down=None, mode="triangular",
            gamma=_1, scale_mode=None, cycle_momentum=True, base_momentum=_8_10,
            max_momentum=_9_10):
    up = _positive_int(step_size_up, "step_size_up")
    down = up if step_size_down is None else _positive_int(step_size_down, "step_size_down")
    mode = _option(mode, "mode", ("triangular", "triangular2", "exp_range"))
    if scale_mode is not None:
        _option(scale_mode, "scale_mode", ("cycle", "iterations"))  # torch ignores it without scale_fn
    size = up + down
    ratio = sympy.Rational(up, size)
    x = K / size - sympy.floor(K / size)
    factor = sympy.Min(x / ratio, (1 - x) / (1 - ratio))
    cycle = sympy.floor(K / size) + 1
    scale = {"triangular": sympy.Integer(1), "triangular2": 1 / sympy.Integer(2) ** (cycle - 1),
             "exp_range": gamma ** K}[mode]
    lr = base_lr + (max_lr - base_lr) * factor * scale
    momentum = None
    if _boolean(cycle_momentum, "cycle_momentum"):
        momentum = max_momentum - (max_momentum - base_momentum) * factor * scale
    return Built(lr, momentum, multiplicative=False)


#: Translatable scheduler classes: name -> (builder, required keyword arguments).
SCHEDULERS: dict[str, tuple[Callable[..., Built], tuple[str, ...]]] = {
    "StepLR": (_step, ("step_size",)),
    "MultiStepLR": (_multistep, ("milestones",)),
    "ExponentialLR": (_exponential, ("gamma",)),
    "CosineAnnealingLR": (_cosine_annealing, ("T_max",)),
    "CosineAnnealingWarmRestarts": (_warm_restarts, ("T_0",)),
    "LinearLR": (_linear, ()),
    "ConstantLR": (_constant, ()),
    "PolynomialLR": (_polynomial, ()),
    "OneCycleLR": (_one_cycle, ("max_lr",)),
    "CyclicLR": (_cyclic, ("base_lr", "max_lr")),
}
#: Documented option strings, per keyword.
OPTIONS = {"anneal_strategy": ("cos", "linear"), "mode": ("triangular", "triangular2", "exp_range"),
           "scale_mode": ("cycle", "iterations")}


def _positive_int(value, name: str) -> sympy.Integer:
    if not (isinstance(value, sympy.Integer) and value > 0):
        raise InputError(f"{name} must be a positive integer, got {_shown(value)}")
    return value


def _list(value, name: str) -> list:
    if not isinstance(value, list):
        raise InputError(f"{name} must be a list of numbers, got {_shown(value)}")
    return value


def _boolean(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{name} must be True or False, got {_shown(value)}")
    return value


def _option(value, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}, got {_shown(value)}")
    return value


def _shown(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return repr(value) if isinstance(value, (str, bool)) or value is None else sympy.sstr(value)


# ---- the whitelist text form -------------------------------------------------------------------------------------

_SCHEDULER_TOKEN = re.compile(
    r"\s*(?:(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<string>'[^']*'|\"[^\"]*\")|(?P<punct>[()\[\],=]))")
MAX_SCHEDULER_TEXT = 400


def parse_scheduler(text: str) -> tuple[str, dict]:
    """``"Name(key=value, ...)"`` as (name, {key: value}); values are exact SymPy numbers, lists of them, booleans or
    strings. :class:`InputError` naming the offending token for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"scheduler must be text such as 'StepLR(step_size=30)', got {text!r}")
    if len(text) > MAX_SCHEDULER_TEXT:
        raise InputError(f"scheduler text is longer than {MAX_SCHEDULER_TEXT} characters")
    tokens, position = [], 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _SCHEDULER_TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InputError(f"scheduler {text!r}: unexpected character {text[position:].lstrip()[0]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    reader = _Reader(text, tokens)
    name = reader.expect("name", "a scheduler class name")
    if name in UNTRANSLATABLE:
        raise NotTranslatable(f"{UNTRANSLATABLE[name]}: {HOW_INSTEAD}")
    if name not in SCHEDULERS:
        raise InputError(f"scheduler {name!r} is not a translatable torch scheduler (known: {', '.join(SCHEDULERS)})")
    reader.expect_punct("(")
    arguments: dict = {}
    if not reader.peek_punct(")"):
        while True:
            key = reader.expect("name", "a keyword argument")
            if key in arguments:
                raise InputError(f"scheduler {text!r}: keyword {key!r} given twice")
            reader.expect_punct("=")
            arguments[key] = reader.value(key)
            if reader.peek_punct(")"):
                break
            reader.expect_punct(",")
    reader.expect_punct(")")
    if reader.index != len(tokens):
        raise InputError(f"scheduler {text!r}: unexpected {tokens[reader.index][1]!r} after the closing parenthesis")
    return name, arguments


class _Reader:
    def __init__(self, text: str, tokens: list[tuple[str, str]]):
        self.text, self.tokens, self.index = text, tokens, 0

    def _next(self, wanted: str) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise InputError(f"scheduler {self.text!r}: ends where {wanted} was expected")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, kind: str, wanted: str) -> str:
        token_kind, token = self._next(wanted)
        if token_kind != kind:
            raise InputError(f"scheduler {self.text!r}: expected {wanted}, got {token!r}")
        return token

    def expect_punct(self, symbol: str) -> None:
        _, token = self._next(repr(symbol))
        if token != symbol:
            raise InputError(f"scheduler {self.text!r}: expected {symbol!r}, got {token!r}")

    def peek_punct(self, symbol: str) -> bool:
        return self.index < len(self.tokens) and self.tokens[self.index][1] == symbol

    def value(self, key: str):
        kind, token = self._next(f"a value for {key}")
        if kind == "number":
            return sympy.Rational(token)
        if kind == "string":
            word = token[1:-1]
            if word not in OPTIONS.get(key, ()):
                allowed = ", ".join(repr(a) for a in OPTIONS.get(key, ())) or "none"
                raise InputError(f"scheduler {self.text!r}: {token} is not an option of {key} (options: {allowed})")
            return word
        if kind == "name" and token in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[token]
        if token == "[":
            items = []
            while not self.peek_punct("]"):
                item_kind, item = self._next(f"a number in the list of {key}")
                if item_kind != "number":
                    raise InputError(f"scheduler {self.text!r}: {item!r} in the list of {key} is not a number")
                items.append(sympy.Rational(item))
                if not self.peek_punct("]"):
                    self.expect_punct(",")
            self.expect_punct("]")
            return items
        raise InputError(f"scheduler {self.text!r}: {token!r} is not a value for {key} (numbers, lists of numbers, "
                         f"True/False or an option string)")


def build(name: str, arguments: dict, base: sympy.Expr) -> Built:
    """The schedule of scheduler ``name`` with ``arguments`` on an optimizer with lr ``base``."""
    builder, required = SCHEDULERS[name]
    code = builder.__code__
    accepted = code.co_varnames[1:code.co_argcount]
    for key in arguments:
        if key not in accepted:
            raise InputError(f"{name} has no keyword {key!r} (it takes {', '.join(accepted)})")
    for key in required:
        if key not in arguments:
            raise InputError(f"{name} needs {key}=...")
    for key, value in arguments.items():
        if isinstance(value, sympy.Rational) or value is None:
            continue
        if (isinstance(value, str) and key in OPTIONS) or isinstance(value, (bool, list)):
            continue
        raise InputError(f"{name}: {key}={_shown(value)} is not a number")
    return builder(base, **arguments)


def sequential(built: list[Built], milestones: list) -> Built:
    """SequentialLR: scheduler i on the local index k - m_i for m_i <= k < m_{i+1} (m_0 = 0)."""
    if len(milestones) != len(built) - 1:
        raise InputError(f"SequentialLR needs one milestone fewer than schedulers: {len(built)} schedulers, "
                         f"{len(milestones)} milestones")
    starts = [sympy.Integer(0)] + [_positive_int(m, "milestones") for m in milestones]
    if any(b <= a for a, b in itertools.pairwise(starts)):
        raise InputError(f"milestones must increase, got {_shown(list(milestones))}")
    for piece in built:
        if piece.momentum is not None:
            raise NotTranslatable("SequentialLR of a scheduler that cycles the momentum is not translated: "
                                  f"{HOW_INSTEAD}")
    # the local index k - m_i (multiplied by [k >= m_i] = 0 before m_i); kept >= 0 inside a logarithm
    local = [piece.lr.xreplace({K: sympy.Max(K - start, 0) if piece.lr.has(sympy.log) else K - start})
             for piece, start in zip(built, starts, strict=True)]
    lr = local[0]
    for index in range(1, len(built)):
        lr += _indicator(starts[index]) * (local[index] - local[index - 1])
    return Built(lr, None, multiplicative=False)


def chained(built: list[Built], names: list[str], base: sympy.Expr) -> Built:
    """ChainedScheduler: torch steps each scheduler on the current lr; for multiplicative schedulers the factors
    multiply: lr_k = b prod_i (lr_k^(i)/b)."""
    lr = base
    for piece, name in zip(built, names, strict=True):
        if not piece.multiplicative:
            raise NotTranslatable(f"ChainedScheduler with {name} is not translated (its step is not a factor on the "
                                  f"current lr): use SequentialLR or {HOW_INSTEAD}")
        lr *= piece.lr / base
    return Built(lr, None)


# ---- into the framework ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleTranslation:
    """A library optimizer with a scheduler, as exact schedules and as framework arguments.

    ``lr`` and ``momentum`` are lr_k and momentum_k as SymPy expressions in :data:`momcert.theory.parse.K` (momentum_k
    is torch SGD's ``param_groups[i]["momentum"]``, Lion's beta1 ``param_groups[i]["betas"][0]``, None for the text
    form without ``momentum`` and for momcert's Framework); ``eta``, ``theta``, ``method``, ``rho`` those of
    ``translation`` (the framework arguments, :class:`momcert.theory.translations.Translation`); ``text`` the readable
    translation. ``lr_at(k)`` and ``momentum_at(k)`` evaluate the same expressions in floating point (k an integer or a
    NumPy array).
    """

    lr: sympy.Expr
    momentum: sympy.Expr | None
    translation: Translation
    scheduler: str

    @property
    def eta(self) -> sympy.Expr:
        return self.translation.eta

    @property
    def theta(self) -> sympy.Expr:
        return self.translation.theta

    @property
    def method(self) -> str:
        return self.translation.method

    @property
    def rho(self) -> sympy.Expr | None:
        return self.translation.rho

    @cached_property
    def _lr_function(self):
        return _evaluator(self.lr)

    @cached_property
    def _momentum_function(self):
        return None if self.momentum is None else _evaluator(self.momentum)

    def lr_at(self, k):
        """lr_k in floating point."""
        return self._lr_function(k)

    def momentum_at(self, k):
        """momentum_k in floating point (None without momentum)."""
        return None if self._momentum_function is None else self._momentum_function(k)

    def schedule_lines(self) -> list[str]:
        """The schedules lr_k and momentum_k, readable."""
        lines = [f"scheduler {self.scheduler}:", f"  lr_k       = {sympy.sstr(self.lr)}"]
        if self.momentum is not None:
            lines.append(f"  momentum_k = {sympy.sstr(self.momentum)}")
        return lines

    def to_dict(self) -> dict:
        return {"scheduler": self.scheduler, "lr_k": sympy.sstr(self.lr),
                "momentum_k": None if self.momentum is None else sympy.sstr(self.momentum)}

    @property
    def text(self) -> str:
        """The schedules, then the framework translation."""
        return "\n".join(self.schedule_lines() + self.translation.describe())

    def __str__(self) -> str:
        return self.text


def _evaluator(expression: sympy.Expr):
    import numpy

    function = sympy.lambdify(K, expression, modules="numpy")

    def evaluate(k):
        return numpy.broadcast_to(function(numpy.asarray(k, dtype=float)), numpy.shape(k)) * 1.0

    return evaluate


_LR = parameter_symbol("lr_k")


def _framework(translation: Translation, lr: sympy.Expr, scheduler: str) -> Translation:
    """``translation``, made for the placeholder lr ``lr_k``, with lr_k the scheduler's schedule ``lr`` (the
    translation functions simplify a placeholder quickly; the schedule itself is substituted, not simplified)."""
    return replace(translation, eta=translation.eta.xreplace({_LR: lr}), theta=translation.theta.xreplace({_LR: lr}),
                   source=f"{translation.source} with lr_k "
                   + (f"= {sympy.sstr(lr)}" if K not in lr.free_symbols else f"from {scheduler}"))


def schedule_translation(built: Built, scheduler: str, *, optimizer: str = "torch-sgd", momentum=None,
                         dampening=0, nesterov=False, betas=None) -> ScheduleTranslation:
    """Framework arguments of ``optimizer`` (``torch-sgd`` or ``lion``) run with the schedule ``built``."""
    if optimizer == "lion":
        betas = (sympy.Rational(9, 10), sympy.Rational(99, 100)) if betas is None else betas
        if built.momentum is not None:
            raise NotTranslatable(f"{scheduler} with cycle_momentum sets Lion's beta1 each step, so rho varies, and "
                                  "the "
                                  "framework theorems here take a constant rho: use cycle_momentum=False")
        translation = _framework(from_lion(_LR, betas), built.lr, scheduler)
        return ScheduleTranslation(built.lr, betas[0], translation, scheduler)
    if built.momentum is None:
        translation = _framework(from_torch_sgd(_LR, 0 if momentum is None else momentum, dampening, nesterov),
                                 built.lr, scheduler)
        return ScheduleTranslation(built.lr, None if momentum is None else as_number(momentum), translation, scheduler)
    if nesterov or dampening != 0:
        raise NotTranslatable(f"{scheduler} with cycle_momentum is translated for dampening 0 and nesterov=False only")
    mu = built.momentum
    translation = Translation(built.lr / (1 - mu), 1 - mu, "zero", "heavy-ball", None,
                              f"torch.optim.SGD with {scheduler}",
                              ["the scheduler sets the momentum each step (cycle_momentum): theta_k = 1 - momentum_k is"
                               " exact where the momentum is constant; where it changes, torch's buffer gives theta_k"
                               " = theta_{k-1}/(momentum_k + theta_{k-1}), which returns to 1 - momentum geometrically,"
                               " so the conditions (about the tail) read the same"])
    return ScheduleTranslation(built.lr, mu, translation, scheduler)


def as_number(value) -> sympy.Expr:
    """An exact constant from a number or SymPy number (floats through their shortest decimal form)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"expected a number, got {value!r}")
    return sympy.Integer(value) if isinstance(value, int) else sympy.Rational(repr(float(value)))


def translate_scheduler(text, lr, momentum=None, *, milestones=None, optimizer: str = "torch-sgd", dampening=0,
                        nesterov=False, betas=None) -> ScheduleTranslation:
    """A torch scheduler given as whitelist text (``"CosineAnnealingLR(T_max=1000, eta_min=1e-5)"``) on torch SGD
    (``optimizer="torch-sgd"``, with ``momentum``, ``dampening``, ``nesterov``) or Lion (``optimizer="lion"``,
    ``betas``) with lr ``lr``, as exact schedules and framework arguments.

    ``text`` may be a list of such texts: with ``milestones`` they are torch's ``SequentialLR``, without it its
    ``ChainedScheduler``. :class:`NotTranslatable` for LambdaLR, MultiplicativeLR and ReduceLROnPlateau, and
    :class:`InputError` naming the token for bad text.
    """
    base = as_number(lr) if not isinstance(lr, str) else _number_text(lr, "lr")
    if isinstance(base, sympy.Expr) and not (base.is_number and base > 0):
        raise InputError(f"lr must be a positive number with a scheduler (the scheduler makes the schedule), "
                         f"got {lr!r}")
    texts = [text] if isinstance(text, str) else list(text)
    if not texts:
        raise InputError("give at least one scheduler")
    parsed = [parse_scheduler(item) for item in texts]
    built = [build(name, arguments, base) for name, arguments in parsed]
    if len(built) == 1:
        if milestones:
            raise InputError("milestones need several schedulers (SequentialLR)")
        result, label = built[0], texts[0]
    elif milestones is not None:
        result = sequential(built, [as_number(m) if not isinstance(m, str) else _number_text(m, "milestones")
                                    for m in milestones])
        label = f"SequentialLR([{', '.join(texts)}], milestones={_shown(list(milestones))})"
    else:
        result = chained(built, [name for name, _ in parsed], base)
        label = f"ChainedScheduler([{', '.join(texts)}])"
    return schedule_translation(result, label, optimizer=optimizer, momentum=momentum, dampening=dampening,
                                nesterov=nesterov, betas=betas)


def _number_text(text: str, name: str) -> sympy.Expr:
    if not re.fullmatch(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", text):
        raise InputError(f"{name} must be a number with a scheduler, got {text!r}")
    return sympy.Rational(text.strip())
