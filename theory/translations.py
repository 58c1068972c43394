"""Library optimizer settings translated into the framework's (eta_k, theta_k, m_0, Phi, rho).

The framework is ``momcert explain framework`` [XHT]; these translations are derived here.

Each translation is proven against the library by a differential test (``tests/numerics/test_equivalence.py``):

| library call (learning rate alpha_k)             | eta_k            | theta_k                          | m_0 |
|--------------------------------------------------|------------------|----------------------------------|-----|
| ``torch.optim.SGD(momentum=mu, dampening=0)``    | alpha_k/(1 - mu) | 1 - mu                           | 0   |
| ``torch.optim.SGD(momentum=mu, dampening=mu)``   | alpha_k          | 1 - mu                           | g_0 |
| ``torch.optim.SGD(momentum=0)``                  | alpha_k          | 1                                | -   |
| ``torch.optim.SGD(momentum=mu, nesterov=True)``  | alpha_k/(1 - mu) | 1 - mu, with rho = 1 + mu        | 0   |
| ``lion_pytorch.Lion(betas=(b1, b2))``            | alpha_k          | 1 - b2, with rho = (1-b1)/(1-b2) | 0   |
| [XHT] reference code (momentum beta, scaling s)  | alpha_k          | min(1 - beta, s(1-beta) alpha_k) | g_0 |

The method is heavy-ball for the torch rows, lion for Lion and the user's map for the [XHT] code.

Why (torch, buffer b with b_1 = g_0 and b_{k+1} = mu b_k + (1 - dampening) g_k, step x_{k+1} = x_k - alpha_k b_{k+1}):
with dampening 0, m_k = (1 - mu) b_k satisfies the framework recursion from m_0 = 0; with dampening mu, m_k = b_k from
m_0 = g_0. With nesterov=True the step is x_{k+1} = x_k - alpha_k (g_k + mu b_{k+1}) = x_k - alpha_k/(1 - mu) a_k with
a_k = m_k + (1 - mu^2)(g_k - m_k): the perturbed form of :mod:`momcert.theory.methods` with rho theta = 1 - mu^2. Under
a constant lr it is the [LK] Nesterov method (``momcert explain lk-nesterov``) in the extrapolated points (eta = lr,
beta = momentum).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .errors import InputError
from .methods import method as _method
from .parse import K, as_expression, as_schedule


@dataclass(frozen=True)
class Translation:
    """Framework arguments equivalent to a library optimizer's settings.

    ``eta`` and ``theta`` are SymPy expressions in :data:`momcert.theory.parse.K`; ``m0`` is ``"zero"`` or ``"grad"``
    (m_0 = g_0: the first step copies the gradient); ``rho`` is None for the framework itself (rho = 1) or the weight of
    the perturbed direction argument a_k = m_k + rho theta_k (g_k - m_k) (Lion, torch's nesterov=True).
    """

    eta: sympy.Expr
    theta: sympy.Expr
    m0: str
    method: str
    rho: sympy.Expr | None
    source: str
    notes: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """Readable lines for the command line."""
        lines = [
            f"{self.source} is, in the framework [XHT] (momcert explain framework):",
            f"  eta_k   = {sympy.sstr(self.eta)}",
            f"  theta_k = {sympy.sstr(self.theta)}",
            f"  m_0     = {'0' if self.m0 == 'zero' else 'g_0 (the first step copies the gradient)'}",
            f"  method  = {self.method}",
        ]
        if self.rho is not None:
            lines.append(f"  rho     = {sympy.sstr(self.rho)}  (direction argument m_k + rho theta_k (g_k - m_k))")
        lines += [f"  note: {note}" for note in self.notes]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.describe())


def _constant(value, name: str, low, high, *, low_open: bool = False, high_open: bool = False) -> sympy.Expr:
    """A hyperparameter that must be a number in an interval (exact)."""
    number = as_expression(value, name)
    if K in number.free_symbols:
        raise InputError(f"{name} must be a constant, got {value!r}")
    if number.is_number:
        below = number < low if not low_open else number <= low
        above = number > high if not high_open else number >= high
        if bool(below) or bool(above):
            interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
            raise InputError(f"{name} must lie in {interval}, got {value!r}")
    return number


def _check_lr(lr: sympy.Expr, text) -> None:
    if lr.is_number and not bool(lr > 0):
        raise InputError(f"lr must be positive, got {text!r}")


def _show(value) -> str:
    if isinstance(value, str):
        return value
    return sympy.sstr(value) if isinstance(value, sympy.Basic) else repr(value)


def from_torch_sgd(lr, momentum=0, dampening=0, nesterov=False) -> Translation:
    """``torch.optim.SGD(lr, momentum, dampening, nesterov)`` as framework arguments (see the module's table)."""
    alpha = as_schedule(lr, "lr")
    _check_lr(alpha, lr)
    mu = _constant(momentum, "momentum", 0, 1, high_open=True)
    damp = _constant(dampening, "dampening", 0, 1)
    source = f"torch.optim.SGD(lr={_show(lr)}, momentum={_show(momentum)}, dampening={_show(dampening)}" + (
        ", nesterov=True)" if nesterov else ")")
    if mu == 0:
        if nesterov:
            raise InputError("nesterov=True needs a positive momentum (as in torch)")
        return Translation(alpha, sympy.Integer(1), "zero", "heavy-ball", None, source,
                           ["plain SGD: theta_k = 1, the momentum is the gradient itself"])
    if nesterov:
        if damp != 0:
            raise InputError("nesterov=True needs dampening 0 (as in torch)")
        notes = [
            "this is the [LK] Nesterov method (momcert explain lk-nesterov; momcert nesterov), not a method of the"
            " framework: with a constant lr, torch's parameters are the extrapolated points y_k of x_{k+1} = y_k -"
            f" eta grad f(y_k), y_{{k+1}} = x_{{k+1}} + beta (x_{{k+1}} - x_k) with eta = lr, beta = {sympy.sstr(mu)}",
            f"written in the framework's terms (any lr schedule) it is heavy ball with the perturbed direction argument"
            f" m_k + rho theta_k (g_k - m_k), rho = 1 + momentum: the perturbation (rho - 1) theta_k (g_k - m_k) does"
            f" not vanish since theta_k = {sympy.sstr(1 - mu)} is constant, so the framework theorems do not apply",
            "under an lr schedule alpha_k the [LK] form with a constant beta no longer holds: torch's momentum buffer"
            " ignores the lr (for nesterov=False the parameter differences follow heavy ball with effective momentum"
            " mu*alpha_k/alpha_{k-1}); the framework form above stays exact",
        ]
        return Translation(alpha / (1 - mu), 1 - mu, "zero", "heavy-ball", 1 + mu, source, notes)
    if damp == 0:
        return Translation(alpha / (1 - mu), 1 - mu, "zero", "heavy-ball", None, source,
                           ["momentum buffer b_k = m_k/(1 - momentum); theta_k is constant, so it does not tend to 0"])
    if damp == mu:
        return Translation(alpha, 1 - mu, "grad", "heavy-ball", None, source,
                           ["dampening = momentum: the buffer is an exponential average, m_k = b_k; theta_k is"
                            " constant, so it does not tend to 0"])
    raise InputError(f"dampening={_show(dampening)} has no framework translation: use 0 or the momentum "
                     f"({sympy.sstr(mu)}), since the first step copies the gradient into the buffer")


def from_lion(lr, betas=(0.9, 0.99)) -> Translation:
    """``lion_pytorch.Lion(lr, betas, weight_decay=0)`` as framework arguments (see the module's table)."""
    alpha = as_schedule(lr, "lr")
    _check_lr(alpha, lr)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise InputError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    beta1 = _constant(betas[0], "beta1", 0, 1)
    beta2 = _constant(betas[1], "beta2", 0, 1, high_open=True)
    source = f"lion_pytorch.Lion(lr={_show(lr)}, betas=({_show(betas[0])}, {_show(betas[1])}))"
    return Translation(alpha, 1 - beta2, "zero", "lion", (1 - beta1) / (1 - beta2), source,
                       ["the sign argument (1 - rho theta_k) m_k + rho theta_k g_k = beta1 m_k + (1 - beta1) g_k",
                        "weight_decay must be 0 (decay is not part of the framework)"])


def from_xht_reference(lr, beta, s=None, *, method: str = "heavy-ball") -> Translation:
    """The [XHT] authors' reference code: momentum beta, scaling s (default 1/alpha_0) (see the module's table).

    theta_k = min(1 - beta, s (1 - beta) alpha_k), eta_k = alpha_k, m_0 = g_0; the direction map is the user's.
    """
    alpha = as_schedule(lr, "lr")
    _check_lr(alpha, lr)
    beta_value = _constant(beta, "beta", 0, 1, high_open=True)
    spec = _method(method)
    if s is None:
        alpha0 = alpha.subs(K, 0)
        if alpha0.is_number and not bool(alpha0 > 0):
            raise InputError(f"lr at k = 0 must be positive, got {sympy.sstr(alpha0)}")
        scale = 1 / alpha0
    else:
        scale = _constant(s, "s", 0, sympy.oo, low_open=True, high_open=True)
    theta = sympy.Min(1 - beta_value, scale * (1 - beta_value) * alpha)
    source = f"XHT reference(lr={_show(lr)}, beta={_show(beta)}, s={'1/lr(0)' if s is None else _show(s)})"
    rho = None
    notes = ["the direction map is the user's choice"]
    if spec.rho_required:
        raise InputError("method 'lion' has its own translation: use from_lion")
    return Translation(alpha, theta, "grad", method, rho, source, notes)
