"""momcert.theory.methods: each direction map is the subdifferential of its convex potential, the recursions have the
affine forms the optimizers rely on, and the update rule reproduces the methods' textbook formulas."""

from __future__ import annotations

import pytest
import sympy

from momcert.theory import methods
from momcert.theory.errors import InputError
from momcert.theory.methods import EPS, GAMMA, METHODS, R, T

SAMPLES_T = [sympy.Rational(-5, 2), sympy.Rational(-3, 10), sympy.Rational(7, 10), 3]
SAMPLES_R = [sympy.Rational(1, 5), sympy.Rational(9, 10), sympy.Rational(3, 2), 4]


def test_method_names_are_those_of_the_interfaces():
    assert methods.METHOD_NAMES == ("heavy-ball", "sign", "normalized", "clip", "clip-coord", "lion")


@pytest.mark.parametrize("name", list(METHODS))
def test_direction_is_the_gradient_of_the_potential_away_from_kinks(name):
    spec = METHODS[name]
    values = {GAMMA: 1, EPS: 0}
    if spec.kind == "coordinate":
        derivative = sympy.diff(spec.potential, T)
        for t in SAMPLES_T:
            assert sympy.simplify((derivative - spec.direction).subs(values).subs(T, t)) == 0
    else:
        # grad_m potential(||m||) = potential'(r) m / r, so the radial scale is potential'(r)/r.
        derivative = sympy.diff(spec.potential, R) / R
        for r in SAMPLES_R:
            assert sympy.simplify((derivative - spec.direction).subs(values).subs(R, r)) == 0


@pytest.mark.parametrize("name", list(METHODS))
def test_potential_is_convex_and_zero_is_a_subgradient_at_zero(name):
    spec = METHODS[name]
    variable = T if spec.kind == "coordinate" else R
    second = sympy.diff(spec.potential, variable, 2).subs(GAMMA, 1)
    for value in (SAMPLES_T if variable == T else SAMPLES_R):
        assert second.subs(variable, value) >= 0
    # the value the numerics use at 0 (momcert explain framework: sign and normalized give 0 at 0)
    at_zero = methods.direction_value(name, sympy.zeros(3, 1), gamma=1)
    assert at_zero == sympy.zeros(3, 1)


def test_recursions_have_the_lerp_and_axpy_forms_the_optimizers_use():
    m, g, x, h = methods.M, methods.G, methods.X, methods.H
    w = sympy.Symbol("w")
    lerp = m + w * (g - m)  # torch.lerp(m, g, w)
    assert sympy.expand(methods.MOMENTUM - lerp.subs(w, methods.THETA)) == 0
    assert sympy.expand(methods.ARGUMENT - lerp.subs(w, methods.RHO * methods.THETA)) == 0
    assert sympy.expand(methods.POSITION - (x + (-methods.ETA) * h)) == 0  # x.add_(h, alpha=-eta)
    # rho = 1: the argument is m_{k+1}; otherwise m_{k+1} plus (rho - 1) theta (g - m) (momcert explain framework, Lion)
    assert sympy.expand(methods.ARGUMENT.subs(methods.RHO, 1) - methods.MOMENTUM) == 0
    perturbation = (methods.RHO - 1) * methods.THETA * (g - m)
    assert sympy.expand(methods.ARGUMENT - methods.MOMENTUM - perturbation) == 0


def test_lion_argument_is_the_lion_interpolation():
    beta1, beta2 = sympy.symbols("beta1 beta2", positive=True)
    argument = methods.ARGUMENT.subs({methods.RHO: (1 - beta1) / (1 - beta2), methods.THETA: 1 - beta2})
    assert sympy.simplify(argument - (beta1 * methods.M + (1 - beta1) * methods.G)) == 0


def test_nesterov_rule_is_heavy_ball_in_the_extrapolated_points():
    """y_{k+1} - y_k = beta (y_k - y_{k-1}) - eta g_k - beta eta (g_k - g_{k-1}) for the [LK] rule."""
    y0, g0, g1, eta, beta = sympy.symbols("y0 g0 g1 eta beta")
    step = {methods.ETA: eta, methods.BETA: beta}

    def nesterov(x, y, g):
        x_next = methods.NESTEROV_X.subs(step).subs({methods.Y: y, methods.G: g})
        return x_next, methods.NESTEROV_Y.subs(step).subs({methods.X_NEXT: x_next, methods.X: x})

    x1, y1 = nesterov(y0, y0, g0)
    _, y2 = nesterov(x1, y1, g1)
    assert sympy.expand(y2 - y1 - (beta * (y1 - y0) - eta * g1 - beta * eta * (g1 - g0))) == 0


def test_update_rule_reproduces_the_textbook_formulas():
    x = sympy.Matrix([1, -2])
    m = sympy.Matrix([sympy.Rational(1, 2), 0])
    g = sympy.Matrix([3, 4])
    eta, theta = sympy.Rational(1, 10), sympy.Rational(1, 4)
    m_next = (1 - theta) * m + theta * g
    x_hb, m_hb = methods.update_rule("heavy-ball", x, m, g, eta=eta, theta=theta)
    assert m_hb == m_next and x_hb == x - eta * m_next
    x_sgd, _ = methods.update_rule("heavy-ball", x, m, g, eta=eta, theta=1)
    assert x_sgd == x - eta * g
    x_norm, _ = methods.update_rule("normalized", x, m, g, eta=eta, theta=1)
    assert x_norm == x - eta * g / 5
    x_clip, _ = methods.update_rule("clip", x, m, g, eta=eta, theta=1, gamma=2)
    assert x_clip == x - eta * 2 * g / 5
    x_coord, _ = methods.update_rule("clip-coord", x, m, g, eta=eta, theta=1, gamma=sympy.Rational(7, 2))
    assert x_coord == x - eta * sympy.Matrix([3, sympy.Rational(7, 2)])
    rho = sympy.Rational(10)
    beta1 = 1 - rho * theta
    x_lion, m_lion = methods.update_rule("lion", x, sympy.Matrix([1, -1]), sympy.Matrix([-2, 1]), eta=eta,
                                         theta=sympy.Rational(1, 20), rho=rho)
    argument = (1 - rho / 20) * sympy.Matrix([1, -1]) + rho / 20 * sympy.Matrix([-2, 1])
    assert x_lion == x - eta * argument.applyfunc(sympy.sign) and beta1 < 1
    assert m_lion == sympy.Matrix([1, -1]) * sympy.Rational(19, 20) + sympy.Matrix([-2, 1]) / 20


@pytest.mark.parametrize(("call", "message"), [
    (lambda: methods.method("adam"), "'adam'"),
    (lambda: methods.direction_value("clip", sympy.Matrix([1])), "gamma"),
    (lambda: methods.update_rule("lion", sympy.Matrix([0]), sympy.Matrix([0]), sympy.Matrix([1]), eta=1, theta=1),
     "rho"),
])
def test_bad_requests_raise_input_error(call, message):
    with pytest.raises(InputError, match=message):
        call()
