"""The framework optimizer [XHT] and Nesterov's method [LK] as torch optimizers.

``momcert explain framework`` and ``momcert explain lk-nesterov`` state the two methods.

The update rules come from :mod:`momcert.theory.methods` (direction maps compiled by
:func:`momcert.numerics.functional.compiled_direction`, the affine recursions realized as ``lerp`` and ``add``, see the
docstring of :mod:`momcert.theory.methods`); library settings come from :mod:`momcert.theory.translations`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sympy
import torch

from momcert.theory import translations
from momcert.theory.errors import InputError
from momcert.theory.methods import method as method_spec
from momcert.theory.parse import K, parameters_of, parse_expression

from .functional import compiled_direction, compiled_direction_inplace, nesterov_update


class Schedule:
    """eta_k or theta_k as a function of the optimizer's step k = 0, 1, 2, ...

    ``value`` is a number, a schedule expression in ``k`` (text, parsed by
    :func:`momcert.theory.parse.parse_expression`, or a SymPy expression, evaluated by ``sympy.lambdify``; an undefined
    function such as ``alpha(k)`` is looked up in ``functions``) or a callable of k. Each value must be a positive
    finite number (at most 1 when ``at_most_one``).
    """

    def __init__(self, value, name: str, *, at_most_one: bool = False, functions: dict | None = None):
        self.name = name
        self.at_most_one = at_most_one
        self.constant: float | None = None
        self.text = str(value)
        if isinstance(value, (str, sympy.Basic)):
            expression = parse_expression(value) if isinstance(value, str) else sympy.sympify(value, strict=True)
            free = parameters_of(expression)
            if free:
                raise InputError(f"{name} schedule has a free parameter {free[0].name!r}: give it a value")
            self.text = sympy.sstr(expression)
            if K not in expression.free_symbols and not expression.atoms(sympy.core.function.AppliedUndef):
                self.constant = self._checked(float(expression), 0)
                self._function = None
            else:
                self._function = sympy.lambdify(K, expression, modules=[functions or {}, "math"])
                self(0)
        elif callable(value):
            self._function = value
            self(0)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.constant = self._checked(float(value), 0)
            self._function = None
        else:
            raise InputError(f"{name} must be a number, an expression in k or a callable of k, got {value!r}")

    def _checked(self, value: float, k: int) -> float:
        if math.isnan(value) or math.isinf(value) or value <= 0 or (self.at_most_one and value > 1):
            interval = "(0, 1]" if self.at_most_one else "(0, inf)"
            raise InputError(f"{self.name}_k = {value!r} at step k = {k} ({self.name} = {self.text}): "
                             f"must lie in {interval}")
        return value

    def __call__(self, k: int) -> float:
        if self.constant is not None:
            return self.constant
        try:
            value = float(self._function(k))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
            raise InputError(f"{self.name} cannot be evaluated at step k = {k} ({self.name} = {self.text}): "
                             f"{error}") from None
        return self._checked(value, k)


@dataclass
class StepRecord:
    """What one step k reports to a recorder (norms are Euclidean, over all parameters with a gradient).

    ``momentum_norm`` is ||m_{k+1}||, ``direction_norm`` is ||h_k||. ``clip_fraction`` (asked by ``clipping=True``,
    clip methods only) is the fraction of clipped units: the whole vector, tensors (``per_tensor``) or coordinates
    (``clip-coord``); ``clip_scale`` is min(1, gamma/(||a|| + eps)) for whole-vector ``clip``. ``full_gradient_norm`` is
    ||grad f(x_k)|| from the user's callable. With ``store_iterates`` the flat x_k, m_k, g_k, x_{k+1}, m_{k+1} are kept.
    """

    k: int
    eta: float
    theta: float
    momentum_norm: float
    direction_norm: float
    clip_fraction: float | None = None
    clip_scale: float | None = None
    full_gradient_norm: float | None = None
    iterates: dict[str, torch.Tensor] = field(default_factory=dict)


class Recorder:
    """A recorder hook: attach with ``optimizer.recorder = Recorder(...)``; ``records`` holds a :class:`StepRecord` per
    step. ``full_gradient`` is a callable returning the full-batch gradient at the current parameters (a tensor or a
    sequence of tensors); it is called before the update, i.e. at x_k. Without a recorder (``recorder=None``, the
    default) a step computes none of this."""

    def __init__(self, *, clipping: bool = False, full_gradient: Callable[[], torch.Tensor | Sequence[torch.Tensor]]
                 | None = None, store_iterates: bool = False):
        self.clipping = clipping
        self.full_gradient = full_gradient
        self.store_iterates = store_iterates
        self.records: list[StepRecord] = []

    def __call__(self, record: StepRecord) -> None:
        self.records.append(record)


def _flat(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    return torch.cat([tensor.detach().reshape(-1) for tensor in tensors]).clone()


def _total_norm(norms: Sequence[torch.Tensor]) -> torch.Tensor:
    """||v|| from the norms of v's pieces (the same reduction in both paths, and as torch.nn.utils.clip_grad_norm_)."""
    return torch.linalg.vector_norm(torch.stack(list(norms)))


def _evaluate(closure):
    """The loss from torch's optional ``closure`` (re-evaluated with gradients enabled), or None."""
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


class _CountsSteps:
    """Carries the optimizer's own step count ``k`` (schedules are functions of it) through ``state_dict``."""

    _step_key: str

    def state_dict(self):
        state = super().state_dict()
        state[self._step_key] = self.k
        return state

    def load_state_dict(self, state_dict) -> None:
        state_dict = dict(state_dict)
        if self._step_key not in state_dict:
            raise ValueError(f"not a state_dict of this optimizer: it has no {self._step_key!r}")
        self.k = int(state_dict.pop(self._step_key))
        super().load_state_dict(state_dict)


class Framework(_CountsSteps, torch.optim.Optimizer):
    """The SGD-type framework [XHT] (``momcert explain framework``): one step k, with g_k the gradients in ``.grad``,

        m_{k+1} = m_k + theta_k (g_k - m_k),   x_{k+1} = x_k - eta_k Phi(a_k),   a_k = m_k + rho theta_k (g_k - m_k)

    (rho = 1 unless given, so a_k = m_{k+1}; Lion needs its rho = (1 - beta1)/(1 - beta2)). ``method`` names Phi
    (``momcert.theory.methods.METHOD_NAMES``); ``clip`` is the level gamma of ``clip``/``clip-coord``; ``eps`` is added
    to norms; norm-based maps act on the whole parameter vector (all groups) unless ``per_tensor=True``. ``m0="grad"``
    sets m_0 = g_0 (the first step copies the gradient). ``eta`` and ``theta`` take a number, a schedule expression in
    k or a callable of k, with k this optimizer's step count from 0. ``foreach`` picks the multi-tensor path (default:
    on); both paths give the same results. Phi is computed in place in a preallocated workspace (one buffer per
    parameter, not part of ``state_dict``; heavy ball without rho needs none). ``state_dict`` holds m_k and k, so a
    loaded optimizer resumes bit for bit.
    """

    _step_key = "framework_step"

    def __init__(self, params, method: str, eta, theta, m0: str = "zero", rho=None, clip=None, eps: float = 0.0,
                 per_tensor: bool = False, *, foreach: bool | None = None, recorder: Recorder | None = None,
                 schedule_functions: dict | None = None):
        spec = method_spec(method)
        if m0 not in ("zero", "grad"):
            raise InputError(f"m0 must be 'zero' or 'grad', got {m0!r}")
        if spec.rho_required and rho is None:
            raise InputError(f"method {method!r} needs rho = (1 - beta1)/(1 - beta2)")
        rho = None if rho is None else _positive(rho, "rho")
        if spec.needs_gamma:
            if clip is None:
                raise InputError(f"method {method!r} needs a clipping level: clip=gamma")
            clip = _positive(clip, "clip")
        elif clip is not None:
            raise InputError(f"clip={clip!r} given, but method {method!r} has no clipping level")
        if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not eps >= 0 or math.isinf(eps):
            raise InputError(f"eps must be a nonnegative number, got {eps!r}")
        self.spec = spec
        self.eta = Schedule(eta, "eta", functions=schedule_functions)
        self.theta = Schedule(theta, "theta", at_most_one=True, functions=schedule_functions)
        self.m0 = m0
        self.rho = rho
        self.gamma = clip
        self.eps = float(eps)
        self.per_tensor = bool(per_tensor)
        self.foreach = True if foreach is None else bool(foreach)
        self.recorder = recorder
        self.k = 0
        self._direction = compiled_direction(method)
        self._direction_ = compiled_direction_inplace(method) if spec.kind == "coordinate" else None
        self._buffers: dict[torch.Tensor, torch.Tensor] = {}
        super().__init__(params, {"method": method})

    # -- library settings (via momcert.theory.translations) ----------------------------------------------------
    @classmethod
    def from_translation(cls, params, translation: translations.Translation, *, lr_function: Callable | None = None,
                         **options) -> Framework:
        """The optimizer for a :class:`momcert.theory.translations.Translation` (``alpha(k)`` evaluated by
        ``lr_function``)."""
        functions = {} if lr_function is None else {"alpha": lr_function}
        rho = None if translation.rho is None else float(translation.rho)
        return cls(params, translation.method, translation.eta, translation.theta, m0=translation.m0, rho=rho,
                   schedule_functions=functions, **options)

    @classmethod
    def from_torch_sgd(cls, params, lr, momentum=0, dampening=0, nesterov=False, **options) -> Framework:
        """Equivalent of ``torch.optim.SGD(params, lr, momentum, dampening, nesterov)`` (``weight_decay=0``).

        ``lr`` is a number, an expression in k or a callable of k (the lr that torch's scheduler sets at step k).
        """
        lr_value, lr_function = _learning_rate(lr)
        translation = translations.from_torch_sgd(lr_value, momentum, dampening, nesterov)
        return cls.from_translation(params, translation, lr_function=lr_function, **options)

    @classmethod
    def from_lion(cls, params, lr, betas=(0.9, 0.99), **options) -> Framework:
        """Equivalent of ``lion_pytorch.Lion(params, lr, betas, weight_decay=0)``; ``lr`` as in
        :meth:`from_torch_sgd`."""
        lr_value, lr_function = _learning_rate(lr)
        return cls.from_translation(params, translations.from_lion(lr_value, betas), lr_function=lr_function,
                                    **options)

    @classmethod
    def from_xht_reference(cls, params, lr, beta, s=None, *, method: str = "heavy-ball", **options) -> Framework:
        """The [XHT] reference code's settings (momentum beta, scaling s, default 1/alpha_0) with the map ``method``."""
        lr_value, lr_function = _learning_rate(lr)
        translation = translations.from_xht_reference(lr_value, beta, s, method=method)
        return cls.from_translation(params, translation, lr_function=lr_function, **options)

    # -- state ---------------------------------------------------------------------------------------------------
    def momentum(self) -> list[torch.Tensor | None]:
        """The momentum m_k of each parameter (None before its first gradient)."""
        return [self.state[p].get("momentum") for group in self.param_groups for p in group["params"]]

    # -- the step ------------------------------------------------------------------------------------------------
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate(closure)
        params = [p for group in self.param_groups for p in group["params"] if p.grad is not None]
        if not params:
            self.k += 1
            return loss
        k, recorder = self.k, self.recorder
        eta, theta = self.eta(k), self.theta(k)
        grads = [p.grad for p in params]
        record = self._record_before(recorder, params, grads) if recorder is not None else None
        moments = []
        for p, g in zip(params, grads, strict=True):
            state = self.state[p]
            if "momentum" not in state:
                state["momentum"] = g.detach().clone() if self.m0 == "grad" else torch.zeros_like(p)
            moments.append(state["momentum"])
        if record is not None and recorder.store_iterates:
            record["m"] = _flat(moments)
        measure_clipping = recorder is not None and recorder.clipping and self.gamma is not None
        update = self._foreach_step if self.foreach else self._single_tensor_step
        directions, activity = update(params, grads, moments, eta, theta, measure_clipping)
        self.k += 1
        if recorder is not None:
            self._record_after(recorder, record, params, moments, directions, activity, k, eta, theta)
        return loss

    def _workspace(self, params) -> list[torch.Tensor]:
        """Preallocated buffers for a_k and h_k (not part of the state: they carry nothing between steps)."""
        buffers = self._buffers
        for p in params:
            if p not in buffers:
                buffers[p] = torch.empty_like(p, memory_format=torch.preserve_format)
        return [buffers[p] for p in params]

    # Both paths: m_{k+1} and a_k (``momcert.theory.methods.MOMENTUM``/``ARGUMENT``, both m + w (g - m), i.e. lerp),
    # then h_k = Phi(a_k) computed in place in the workspace, then x_{k+1} = x_k - eta_k h_k (``POSITION``).
    def _single_tensor_step(self, params, grads, moments, eta, theta, measure_clipping):
        if self.spec.is_identity and self.rho is None:
            for m, g in zip(moments, grads, strict=True):
                m.lerp_(g, theta)
            buffers, activity = moments, None
        else:
            buffers = self._workspace(params)
            for m, g, buffer in zip(moments, grads, buffers, strict=True):
                if self.rho is None:
                    m.lerp_(g, theta)
                    buffer.copy_(m)
                else:
                    torch.lerp(m, g, self.rho * theta, out=buffer)
                    m.lerp_(g, theta)
            activity = self._clipping_activity(buffers) if measure_clipping else None
            if self.spec.kind == "coordinate":
                for buffer in buffers:
                    self._direction_(buffer, self.gamma, self.eps)
            elif self.spec.kind == "radial":
                norms = [torch.linalg.vector_norm(buffer) for buffer in buffers]
                scales = norms if self.per_tensor else [_total_norm(norms)] * len(norms)
                for buffer, norm in zip(buffers, scales, strict=True):
                    buffer.mul_(self._direction(norm, self.gamma, self.eps))
        for p, h in zip(params, buffers, strict=True):
            p.add_(h, alpha=-eta)
        return buffers, activity

    def _foreach_step(self, params, grads, moments, eta, theta, measure_clipping):
        if self.spec.is_identity and self.rho is None:
            torch._foreach_lerp_(moments, grads, theta)
            buffers, activity = moments, None
        else:
            buffers = self._workspace(params)
            if self.rho is None:
                torch._foreach_lerp_(moments, grads, theta)
                torch._foreach_copy_(buffers, moments)
            else:
                for m, g, buffer in zip(moments, grads, buffers, strict=True):  # no out= in torch._foreach_lerp
                    torch.lerp(m, g, self.rho * theta, out=buffer)
                torch._foreach_lerp_(moments, grads, theta)
            activity = self._clipping_activity(buffers) if measure_clipping else None
            if self.spec.kind == "coordinate":
                self._direction_(buffers, self.gamma, self.eps)
            elif self.per_tensor:
                norms = torch._foreach_norm(buffers)
                torch._foreach_mul_(buffers, [self._direction(r, self.gamma, self.eps) for r in norms])
            else:
                total = _total_norm(torch._foreach_norm(buffers))
                torch._foreach_mul_(buffers, self._direction(total, self.gamma, self.eps))
        torch._foreach_add_(params, buffers, alpha=-eta)
        return buffers, activity

    # -- the recorder hook (only runs when a recorder is attached) ----------------------------------------------
    def _record_before(self, recorder: Recorder, params, grads) -> dict:
        record: dict = {}
        if recorder.full_gradient is not None:
            with torch.enable_grad():
                gradient = recorder.full_gradient()
            pieces = [gradient] if isinstance(gradient, torch.Tensor) else list(gradient)
            record["full_gradient_norm"] = float(_total_norm([torch.linalg.vector_norm(g) for g in pieces]))
        if recorder.store_iterates:
            record["x"], record["g"] = _flat(params), _flat(grads)
        return record

    def _record_after(self, recorder, record, params, moments, directions, activity, k, eta, theta) -> None:
        momentum_norm = float(_total_norm(torch._foreach_norm(moments)))
        direction_norm = float(_total_norm(torch._foreach_norm(directions)))
        clip_fraction, clip_scale = activity if activity is not None else (None, None)
        iterates = {}
        if recorder.store_iterates:
            iterates = {"x": record["x"], "m": record["m"], "g": record["g"], "x_next": _flat(params),
                        "m_next": _flat(moments)}
        recorder(StepRecord(k, eta, theta, momentum_norm, direction_norm, clip_fraction, clip_scale,
                            record.get("full_gradient_norm"), iterates))

    def _clipping_activity(self, arguments) -> tuple[float, float | None]:
        """Fraction of clipped units and (whole-vector ``clip``) the scale min(1, gamma/(||a_k|| + eps))."""
        if self.spec.kind == "coordinate":
            clipped = sum(int((a.abs() > self.gamma).sum()) for a in arguments)
            return clipped / sum(a.numel() for a in arguments), None
        norms = torch._foreach_norm(arguments)
        if self.per_tensor:
            scales = [float(self._direction(r, self.gamma, self.eps)) for r in norms]
            return sum(scale < 1 for scale in scales) / len(scales), None
        scale = float(self._direction(_total_norm(norms), self.gamma, self.eps))
        return float(scale < 1), scale


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, sympy.Number)):
        raise InputError(f"{name} must be a positive number, got {value!r}")
    number = float(value)
    if not number > 0 or math.isinf(number):
        raise InputError(f"{name} must be a positive number, got {value!r}")
    return number


def _learning_rate(lr):
    """A library lr as an expression for :mod:`momcert.theory.translations`: callables become the symbol alpha(k)."""
    if callable(lr):
        return sympy.Function("alpha")(K), lr
    return lr, None


class Nesterov(_CountsSteps, torch.optim.Optimizer):
    """Nesterov's method in the [LK] form (``momcert explain lk-nesterov``): x_{k+1} = y_k - eta grad f(y_k),
    y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k), y_0 = x_0.

    The parameters hold y_k (where gradients are taken, as in ``torch.optim.SGD(nesterov=True)``);
    :meth:`x_iterates` returns the x_k, on which the theorems for f(x_k) are measured.
    """

    _step_key = "nesterov_step"

    def __init__(self, params: Iterable, eta: float, beta: float):
        eta_value = _positive(eta, "eta")
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not 0 <= beta < 1:
            raise InputError(f"beta must be a number in [0, 1), got {beta!r}")
        self.eta_value, self.beta = eta_value, float(beta)
        self.k = 0
        super().__init__(params, {"eta": eta_value, "beta": float(beta)})

    def x_iterates(self) -> list[torch.Tensor]:
        """x_k for each parameter (x_0 = y_0 before the first step)."""
        return [self.state[p]["x"] if "x" in self.state[p] else p.detach()
                for group in self.param_groups for p in group["params"]]

    def y_iterates(self) -> list[torch.Tensor]:
        """y_k: the parameters themselves."""
        return [p.detach() for group in self.param_groups for p in group["params"]]

    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "x" not in state:
                    state["x"] = p.detach().clone()
                x_next, y_next, _ = nesterov_update(state["x"], p, p.grad, group["eta"], group["beta"])
                state["x"].copy_(x_next)
                p.copy_(y_next)
        self.k += 1
        return loss
