"""Pure tensor functions of the framework and of Nesterov's method, compiled from :mod:`momcert.theory.methods`.

Every function here is vmap-compatible: no data-dependent Python branch and no ``.item()``. Nothing is restated: the
direction maps (``momcert.theory.methods.METHODS``) and the recursions ``ARGUMENT``, ``MOMENTUM``, ``POSITION`` are
turned into torch code by ``sympy.lambdify``; the [LK] Nesterov step ``NESTEROV_X``/``NESTEROV_Y`` and
``GRADIENT_DESCENT`` into fused linear updates whose coefficients SymPy reads off the expressions
(:class:`_LinearUpdate`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sympy
import torch

from momcert.theory import methods as theory_methods
from momcert.theory.errors import InputError
from momcert.theory.methods import EPS, GAMMA, Method, R, T, method


def _minimum(*arguments):
    return _extremum(arguments, torch.minimum, "max", min)


def _maximum(*arguments):
    return _extremum(arguments, torch.maximum, "min", max)


def _extremum(arguments, combine, clamp_keyword: str, reduce_numbers):
    """min/max of tensors and Python numbers (SymPy's ``Min``/``Max`` as its torch printer writes them)."""
    tensors = [value for value in arguments if isinstance(value, torch.Tensor)]
    scalars = [value for value in arguments if not isinstance(value, torch.Tensor)]
    if not tensors:
        return reduce_numbers(scalars)
    result = functools.reduce(combine, tensors)
    if scalars:
        result = torch.clamp(result, **{clamp_keyword: reduce_numbers(scalars)})
    return result


_TORCH_OVERRIDES = {"min": _minimum, "max": _maximum, "amin": _minimum, "amax": _maximum}


@functools.cache
def compiled_direction(name: str) -> Callable:
    """The torch function of ``Method.direction`` with arguments ``(t or r, gamma, eps)``, by ``sympy.lambdify``.

    For a coordinate map it maps a tensor elementwise; for a radial map it maps the norm r to the scale.
    """
    spec = method(name)
    variable = T if spec.kind == "coordinate" else R
    return sympy.lambdify((variable, GAMMA, EPS), spec.direction, modules=[_TORCH_OVERRIDES, "torch"])


_momentum = sympy.lambdify((theory_methods.M, theory_methods.G, theory_methods.THETA), theory_methods.MOMENTUM)
_argument = sympy.lambdify((theory_methods.M, theory_methods.G, theory_methods.THETA, theory_methods.RHO),
                           theory_methods.ARGUMENT)
_position = sympy.lambdify((theory_methods.X, theory_methods.H, theory_methods.ETA), theory_methods.POSITION)


class _LinearUpdate:
    """An update ``base + sum_j c_j(scalars) v_j`` that is linear in tensors, read off a SymPy expression.

    SymPy checks that the expression is linear in ``base`` and ``others`` with coefficient 1 on ``base``; the
    coefficients c_j are lambdified. Each term is one fused ``torch.addcmul`` (or ``torch.add`` with ``alpha`` for a
    number), i.e. one pass over the tensors: a printed expression takes one pass per arithmetic operation, which on
    large (trials, parameters) ensembles costs as much as the gradient.
    """

    def __init__(self, expression: sympy.Expr, base: sympy.Symbol, others: tuple[sympy.Symbol, ...],
                 scalars: tuple[sympy.Symbol, ...]):
        poly = sympy.Poly(expression, base, *others)
        if poly.total_degree() > 1 or poly.coeff_monomial(1) != 0 or poly.coeff_monomial(base) != 1:
            raise ValueError(f"{expression} is not {base} plus a linear combination of {others}")
        self._coefficients = [sympy.lambdify(scalars, poly.coeff_monomial(other)) for other in others]

    def __call__(self, base: torch.Tensor, others: tuple[torch.Tensor, ...], scalars: tuple,
                 out: torch.Tensor | None = None) -> torch.Tensor:
        """The update, in ``out`` when given (``out`` may be ``base`` or one of ``others``: elementwise, in place)."""
        result = base
        for coefficient, tensor in zip(self._coefficients, others, strict=True):
            value = coefficient(*scalars)
            if isinstance(value, torch.Tensor):
                result = torch.addcmul(result, value, tensor, out=out)
            else:
                result = torch.add(result, tensor, alpha=value, out=out)
        return result


_MOVE = sympy.Symbol("d", real=True)
_nesterov_x = _LinearUpdate(theory_methods.NESTEROV_X, theory_methods.Y, (theory_methods.G,), (theory_methods.ETA,))
# y_{k+1} from x_{k+1} and the move d = x_{k+1} - x_k (which the measurements reuse): NESTEROV_Y with x_k = x_{k+1} - d
_nesterov_y = _LinearUpdate(theory_methods.NESTEROV_Y.subs(theory_methods.X, theory_methods.X_NEXT - _MOVE),
                            theory_methods.X_NEXT, (_MOVE,), (theory_methods.BETA,))
_gradient_descent = _LinearUpdate(theory_methods.GRADIENT_DESCENT, theory_methods.X, (theory_methods.G,),
                                  (theory_methods.ETA,))


def _sign_(value):
    if isinstance(value, (list, tuple)):
        torch._foreach_sign_(value)
        return value
    return value.sign_()


def _minimum_(*arguments):
    return _clamp_(arguments, torch._foreach_clamp_max_, "clamp_max_", min)


def _maximum_(*arguments):
    return _clamp_(arguments, torch._foreach_clamp_min_, "clamp_min_", max)


def _clamp_(arguments, clamp_list_, method_name: str, reduce_numbers):
    targets = [value for value in arguments if isinstance(value, (list, tuple, torch.Tensor))]
    scalars = [value for value in arguments if not isinstance(value, (list, tuple, torch.Tensor))]
    if len(targets) != 1:
        raise TypeError("an in-place min/max takes one tensor (or list of tensors) and numbers")
    target = targets[0]
    if not scalars:
        return target
    if isinstance(target, (list, tuple)):
        clamp_list_(target, reduce_numbers(scalars))
        return target
    return getattr(target, method_name)(reduce_numbers(scalars))


_TORCH_INPLACE = {"min": _minimum_, "max": _maximum_, "amin": _minimum_, "amax": _maximum_, "sign": _sign_}


def _is_chain(expression: sympy.Expr, variable: sympy.Symbol) -> bool:
    """True when ``variable`` occurs once and every function on its path has one argument depending on it, so the
    map can be computed by overwriting its argument step by step."""
    if expression == variable:
        return True
    dependent = [argument for argument in expression.args if argument.has(variable)]
    return len(dependent) == 1 and expression.count(variable) == 1 and _is_chain(dependent[0], variable)


@functools.cache
def compiled_direction_inplace(name: str) -> Callable:
    """An in-place version of a coordinate map's :func:`compiled_direction`: ``(tensor or list, gamma, eps)``
    overwrites its argument with Phi of it and returns it (the workspace of
    :class:`momcert.numerics.optim.Framework`)."""
    spec = method(name)
    if spec.kind != "coordinate" or not _is_chain(spec.direction, T):
        raise ValueError(f"the map of {name!r} cannot be computed in place")
    return sympy.lambdify((T, GAMMA, EPS), spec.direction, modules=[_TORCH_INPLACE, "torch"])


def _spec(name: str, gamma) -> Method:
    spec = method(name)
    if spec.needs_gamma and gamma is None:
        raise InputError(f"method {name!r} needs a clipping level gamma")
    return spec


def direction(method_name: str, m: torch.Tensor, *, gamma=None, eps=0.0) -> torch.Tensor:
    """h = Phi(m) on a flat tensor, whole-vector Euclidean norm for the radial maps [XHT] (momcert explain framework).

    heavy-ball: m; sign and lion: sign(m) (0 at 0); normalized: m/(||m|| + eps) (0 at 0); clip:
    min(1, gamma/(||m|| + eps)) m; clip-coord: clip(m_i, -gamma, gamma).
    """
    spec = _spec(method_name, gamma)
    if spec.is_identity:
        return m
    if spec.kind == "coordinate":
        return compiled_direction(method_name)(m, gamma, eps)
    return m * compiled_direction(method_name)(torch.linalg.vector_norm(m), gamma, eps)


def framework_update(x: torch.Tensor, m: torch.Tensor, g: torch.Tensor, eta, theta, method_name: str, *, rho=None,
                     gamma=None, eps=0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """One framework step on flat tensors: ``(x_{k+1}, m_{k+1})`` [XHT] (``momcert explain framework``).

    m_{k+1} = m_k + theta (g - m_k); x_{k+1} = x_k - eta Phi(a_k) with a_k = m_k + rho theta (g - m_k), rho = 1 unless
    given (so a_k = m_{k+1}); Lion is ``lion`` with its rho = (1 - beta1)/(1 - beta2).
    """
    spec = _spec(method_name, gamma)
    if spec.rho_required and rho is None:
        raise InputError(f"method {method_name!r} needs rho = (1 - beta1)/(1 - beta2)")
    m_new = _momentum(m, g, theta)
    argument = m_new if rho is None else _argument(m, g, theta, rho)
    return _position(x, direction(method_name, argument, gamma=gamma, eps=eps), eta), m_new


def nesterov_update(x: torch.Tensor, y: torch.Tensor, grad_y: torch.Tensor, eta, beta, *,
                    out: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One step of Nesterov's method in the [LK] form: x_{k+1} = y_k - eta grad f(y_k),
    y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k). Returns ``(x_{k+1}, y_{k+1}, x_{k+1} - x_k)`` (the move, computed once
    for the y-recursion, is returned for the measurements). Three passes over the tensors.

    ``out``: tensors (or ``None``) to write the three results into. They may reuse the inputs' storage: x_{k+1} that
    of ``grad_y`` or ``y``, y_{k+1} that of ``x`` or of a ``y`` not holding x_{k+1} (each input is read before it is
    overwritten).
    """
    x_out, y_out, move_out = (None, None, None) if out is None else out
    x_next = _nesterov_x(y, (grad_y,), (eta,), out=x_out)
    move = torch.sub(x_next, x, out=move_out)
    return x_next, _nesterov_y(x_next, (move,), (beta,), out=y_out), move


def gd_update(x: torch.Tensor, grad_x: torch.Tensor, eta, *, out: torch.Tensor | None = None) -> torch.Tensor:
    """One gradient-descent step x_{k+1} = x_k - eta grad f(x_k) [TXT] (one pass; in ``out`` when given, which may be
    ``x`` or ``grad_x``)."""
    return _gradient_descent(x, (grad_x,), (eta,), out=out)
