"""The methods of the SGD-type framework as SymPy definitions: the single source of truth for every update rule.

[XHT]/[SA] (``momcert explain framework``). One step of a method, with g_k the (minibatch) gradient at x_k::

    a_k     = m_k + rho theta_k (g_k - m_k)        (the direction argument; rho = 1 gives a_k = m_{k+1})
    m_{k+1} = m_k + theta_k (g_k - m_k)
    x_{k+1} = x_k - eta_k h_k,   h_k = Phi(a_k)

With rho = 1 this is the framework itself (h_k = Phi(m_{k+1})). Lion is the sign map with
rho = (1 - beta1)/(1 - beta2): its sign argument (1 - rho theta_k) m_k + rho theta_k g_k is a_k. Any other rho is the
same perturbation of the framework: a_k = m_{k+1} + (rho - 1) theta_k (g_k - m_k).

Every direction map Phi is the subdifferential of a convex potential phi and comes in one of two kinds:

- ``coordinate``: Phi acts on each coordinate t of the argument by a scalar map, phi(m) = sum_i potential(m_i);
- ``radial``: Phi(a) = scale(||a||_2) a with the Euclidean norm r = ||a|| (plus ``eps``, the numerical guard added to
  norms), phi(m) = potential(||m||).

How the numeric side derives from these definitions: :mod:`momcert.numerics.functional` compiles every expression here
(``Method.direction``, ``ARGUMENT``, ``MOMENTUM``, ``POSITION``, ``NESTEROV_X``/``NESTEROV_Y``, ``GRADIENT_DESCENT``)
with ``sympy.lambdify``. The optimizer :class:`momcert.numerics.optim.Framework` uses the compiled direction maps and,
for speed, realizes the affine recursions ``ARGUMENT`` and ``MOMENTUM`` (both m + w (g - m)) as ``torch.lerp`` and
``POSITION`` as ``add(alpha=-eta)``; ``tests/theory/test_methods.py`` checks those forms symbolically and
``tests/numerics/test_conformance.py`` replays recorded optimizer steps through :func:`update_rule` in exact arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import sympy

from .errors import InputError
from .parse import as_expression

#: A coordinate of the direction argument (coordinate maps are functions of it).
T = sympy.Symbol("t", real=True)
#: The Euclidean norm of the direction argument (radial maps are functions of it).
R = sympy.Symbol("r", nonnegative=True)
#: The clipping level gamma of ``clip`` and ``clip-coord``.
GAMMA = sympy.Symbol("gamma", positive=True)
#: The guard added to norms in the radial maps (numerics; 0 in the mathematics).
EPS = sympy.Symbol("epsilon", nonnegative=True)
ETA = sympy.Symbol("eta", positive=True)
THETA = sympy.Symbol("theta", positive=True)
RHO = sympy.Symbol("rho", positive=True)

# Scalar stand-ins for one coordinate of the vectors in the recursions.
X, M, G, H, A = sympy.symbols("x m g h a", real=True)
#: The interpolation weight of the direction argument: a_k = m_k + OMEGA (g_k - m_k).
OMEGA = RHO * THETA
#: a_k = m_k + rho theta_k (g_k - m_k) (coordinatewise).
ARGUMENT = M + OMEGA * (G - M)
#: m_{k+1} = m_k + theta_k (g_k - m_k) (coordinatewise) [XHT].
MOMENTUM = M + THETA * (G - M)
#: x_{k+1} = x_k - eta_k h_k (coordinatewise) [XHT].
POSITION = X - ETA * H

BETA = sympy.Symbol("beta", nonnegative=True)
Y, X_NEXT = sympy.symbols("y x_next", real=True)
#: [LK] Nesterov (``momcert explain lk-nesterov``), with G = grad f(y_k): x_{k+1} = y_k - eta grad f(y_k).
NESTEROV_X = Y - ETA * G
#: [LK] Nesterov: y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k), with X_NEXT = x_{k+1}.
NESTEROV_Y = X_NEXT + BETA * (X_NEXT - X)
#: [TXT] gradient descent, with G = grad f(x_k): x_{k+1} = x_k - eta grad f(x_k).
GRADIENT_DESCENT = X - ETA * G


@dataclass(frozen=True)
class Method:
    """A direction map Phi and its convex potential phi (the methods of ``momcert explain framework``).

    ``direction`` is the scalar map of t (``kind == "coordinate"``) or the scale of the radial map as a function of
    r = ||a|| and eps (``kind == "radial"``). ``potential`` is phi per coordinate (in t) or as a function of r.
    ``rho_required`` is True for Lion, whose rho = (1 - beta1)/(1 - beta2) is part of the method. ``definition``
    returns (direction, potential); it runs on first use, so that importing the methods (``momcert check`` does)
    builds no Piecewise, Min or Max.
    """

    name: str
    kind: str
    definition: Callable[[], tuple[sympy.Expr, sympy.Expr]]
    provenance: str
    rho_required: bool = False

    @cached_property
    def _expressions(self) -> tuple[sympy.Expr, sympy.Expr]:
        return self.definition()

    @property
    def direction(self) -> sympy.Expr:
        return self._expressions[0]

    @property
    def potential(self) -> sympy.Expr:
        return self._expressions[1]

    @property
    def needs_gamma(self) -> bool:
        """True when the map has a clipping level gamma."""
        return GAMMA in self.direction.free_symbols

    @property
    def is_identity(self) -> bool:
        """True for the heavy-ball map Phi(m) = m."""
        return self.kind == "coordinate" and self.direction == T


def _huber(variable: sympy.Expr, size: sympy.Expr) -> sympy.Expr:
    """The Huber potential of clipping at level gamma: x**2/2 for |x| <= gamma, gamma |x| - gamma**2/2 beyond."""
    return sympy.Piecewise((variable**2 / 2, size <= GAMMA), (GAMMA * size - GAMMA**2 / 2, True))


METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        Method("heavy-ball", "coordinate", lambda: (T, T**2 / 2), "[XHT]"),
        # sign(0) = 0: the value of Phi used at m = 0.
        Method("sign", "coordinate", lambda: (sympy.sign(T), sympy.Abs(T)), "[XHT]"),
        # m / ||m|| with the value 0 at m = 0.
        Method("normalized", "radial", lambda: (sympy.Piecewise((0, sympy.Eq(R + EPS, 0)), (1 / (R + EPS), True)), R),
               "[XHT]"),
        Method("clip", "radial", lambda: (sympy.Min(1, GAMMA / (R + EPS)), _huber(R, R)), "[XHT]"),
        Method("clip-coord", "coordinate",
               lambda: (sympy.Min(GAMMA, sympy.Max(-GAMMA, T)), _huber(T, sympy.Abs(T))), "[XHT]"),
        Method("lion", "coordinate", lambda: (sympy.sign(T), sympy.Abs(T)), "[XHT]", rho_required=True),
    )
}

#: The method names, in the order of ``momcert explain framework``.
METHOD_NAMES: tuple[str, ...] = tuple(METHODS)


def method(name: str) -> Method:
    """The :class:`Method` called ``name``; :class:`InputError` for an unknown name."""
    try:
        return METHODS[name]
    except KeyError:
        raise InputError(f"unknown method {name!r} (known: {', '.join(METHOD_NAMES)})") from None


def direction_value(name: str, argument: sympy.Matrix, *, gamma=None, eps=0) -> sympy.Matrix:
    """Phi(argument) for a column vector of SymPy numbers or symbols (whole-vector norm for radial maps)."""
    spec = method(name)
    constants = {EPS: as_expression(eps, "eps")}
    if spec.needs_gamma:
        if gamma is None:
            raise InputError(f"method {name!r} needs a clipping level gamma")
        constants[GAMMA] = as_expression(gamma, "gamma")
    if spec.kind == "coordinate":
        return argument.applyfunc(lambda value: spec.direction.subs(constants).subs(T, value))
    norm = sympy.sqrt(sum(value**2 for value in argument))
    if norm == 0 and constants[EPS] == 0:
        return argument  # Phi(0) = 0 for every radial map (the scale may be infinite there)
    return argument * spec.direction.subs(constants).subs(R, norm)


def update_rule(name: str, x: sympy.Matrix, m: sympy.Matrix, g: sympy.Matrix, *, eta, theta, rho=None, gamma=None,
                eps=0) -> tuple[sympy.Matrix, sympy.Matrix]:
    """One step ``(x_{k+1}, m_{k+1})`` of method ``name`` from ``(x_k, m_k)`` and the gradient ``g_k`` [XHT].

    ``rho=None`` means rho = 1 (the framework); Lion needs its rho.
    """
    spec = method(name)
    if spec.rho_required and rho is None:
        raise InputError(f"method {name!r} needs rho = (1 - beta1)/(1 - beta2)")
    values = {ETA: as_expression(eta, "eta"), THETA: as_expression(theta, "theta"),
              RHO: as_expression(1 if rho is None else rho, "rho")}

    def coordinatewise(rule: sympy.Expr, **vectors: sympy.Matrix) -> sympy.Matrix:
        rule = rule.subs(values)
        symbols = {"x": X, "m": M, "g": G, "h": H}
        return sympy.Matrix([rule.subs({symbols[key]: vector[i] for key, vector in vectors.items()})
                             for i in range(len(x))])

    argument = coordinatewise(ARGUMENT, m=m, g=g)
    h = direction_value(name, argument, gamma=gamma, eps=eps)
    return coordinatewise(POSITION, x=x, h=h), coordinatewise(MOMENTUM, m=m, g=g)
