"""The log-scale rules of momcert.theory.asymptotics, each cross-checked numerically, independently of the engine.

- Terms of exponential order (``Rapid``): log|a_k| ~ coeff * m_k is compared with mpmath (50 digits) at k = 10^8 and
  10^16 (3**(-2**k) at k = 60, 120), and the sum verdicts with partial sums.
- log(log(k)) in the scale (Bertrand series): a_k / (k^p log(k)^q log(log(k))^r) settles to the stated constant at
  k = 10^40 and 10^80.
- Certified tails: the claimed monotonicity from k = K on is checked on k = K .. K + 3000 and at k = 10^j, and a
  sequence with a pole of its continuous extension between integers gets no certified tail.
- The leading term where the generic one cancels (c/(k+2) - d/(k+3) at c = d) against k^2 a_k at k = 10^8.
"""

from __future__ import annotations

import itertools

import mpmath
import pytest
import sympy
from schedule_numerics import partial_sum_increments

from momcert.theory import asymptotics
from momcert.theory.asymptotics import Rapid, Tight
from momcert.theory.parse import K, parse_expression
from momcert.theory.regions import TRUE, covers

HALF, ONE, ZERO = sympy.Rational(1, 2), sympy.Integer(1), sympy.Integer(0)

# expression: (scale (lam, p, q, r) of m_k = exp(lam k) k^p log(k)^q log(log(k))^r, coefficient, m_k numerically)
RAPID = {
    "exp(-2*sqrt(k+1))": ((ZERO, HALF, ZERO, ZERO), -2, lambda k: mpmath.sqrt(k)),
    "(k+2)**(-k)": ((ZERO, ONE, ONE, ZERO), -1, lambda k: k * mpmath.log(k)),
    "exp(-log(k+2)**2/3)": ((ZERO, ZERO, 2, ZERO), sympy.Rational(-1, 3), lambda k: mpmath.log(k) ** 2),
    "exp(-sqrt(log(k+2)))": ((ZERO, ZERO, HALF, ZERO), -1, lambda k: mpmath.sqrt(mpmath.log(k))),
    "exp(-k/log(k+2))": ((ZERO, ONE, -1, ZERO), -1, lambda k: k / mpmath.log(k)),
    "exp(-sqrt(k+1))*2**k": ((ZERO, ONE, ZERO, ZERO), sympy.log(2), lambda k: k),
    "exp(sqrt(k+1) - k)": ((ZERO, ONE, ZERO, ZERO), -1, lambda k: k),
    "exp(-k**2/(k+1))": ((ZERO, ONE, ZERO, ZERO), -1, lambda k: k),
    "3**(-2**k)": ((sympy.log(2), ZERO, ZERO, ZERO), -sympy.log(3), lambda k: 2**k),
    "exp(-sqrt(log(log(k+3))))": ((ZERO, ZERO, ZERO, HALF), -1, lambda k: mpmath.sqrt(mpmath.log(mpmath.log(k)))),
}


def _log_abs(expression: str, k) -> mpmath.mpf:
    f = sympy.lambdify(K, parse_expression(expression), "mpmath")
    with mpmath.workdps(50):
        return mpmath.log(abs(f(mpmath.mpf(k))))


@pytest.mark.parametrize("text", RAPID)
def test_rapid_class_matches_log_magnitude(text):
    scale, coefficient, m = RAPID[text]
    pieces = asymptotics.asymptotic_class(parse_expression(text))
    assert len(pieces) == 1 and pieces[0][0] == TRUE
    shape = pieces[0][1]
    assert isinstance(shape, Rapid) and shape.scale == scale and sympy.simplify(shape.coeff - coefficient) == 0
    assert shape.C.is_positive
    ks = (60, 120) if text.startswith("3**") else (10**8, 10**16)
    errors = [abs(_log_abs(text, k) / m(mpmath.mpf(k)) - float(coefficient)) for k in ks]
    assert errors[1] < 0.05 * abs(float(coefficient)) and errors[1] <= errors[0]


# expression: (to_zero, sum_diverges, square_summable, log_to_zero) by hand; the sums also by partial sums below
RAPID_TAILS = {
    "exp(-2*sqrt(k+1))": (True, False, True, True),
    "(k+2)**(-k)": (True, False, True, True),
    "exp(-log(k+2)**2/3)": (True, False, True, True),  # below k**(-2) once log(k) > 6
    "exp(-sqrt(log(k+2)))": (True, True, False, True),  # above k**(-1/2); log(k) exp(-sqrt(log(k))) -> 0
    "exp(-sqrt(k+1))*2**k": (False, True, False, False),
    "2**(-floor(log(k+2)/log(2)))": (True, True, True, True),  # between 1/(k+2) and 2/(k+2)
    # k**(c (1 + o(1))): the sum converges for c < -1 and diverges for c > -1
    "exp(-sqrt(log(k+2)))/(k+1)**2": (True, False, True, True),
    "exp(-sqrt(log(k+2)))/(k+1)**(1/3)": (True, True, False, True),
    # slower than every power of log k: a_k log k -> oo (22 at k = 10**100, see below)
    "exp(-sqrt(log(log(k+3))))": (True, True, False, False),
}


@pytest.mark.parametrize("text", RAPID_TAILS)
def test_tail_verdicts_of_rapid_terms(text):
    expression = parse_expression(text)
    decisions = (asymptotics.tends_to_zero, asymptotics.sum_diverges, asymptotics.square_summable,
                 asymptotics.log_weighted_to_zero)
    got = []
    for decide in decisions:
        decision = decide(expression)
        assert covers(decision.holds) or covers(decision.fails), (decide.__name__, decision.reason)
        got.append(covers(decision.holds))
    assert tuple(got) == RAPID_TAILS[text]


def test_a_scale_below_log_log_loses_to_the_log_weight():
    f = sympy.lambdify(K, parse_expression("exp(-sqrt(log(log(k+3))))*log(k)"), "mpmath")
    with mpmath.workdps(30):
        values = [f(mpmath.mpf(10) ** e) for e in (25, 50, 100, 200)]
    assert all(later > earlier for earlier, later in itertools.pairwise(values)) and values[-1] > 20


@pytest.mark.parametrize("text", ["exp(-2*sqrt(k+1))", "exp(-log(k+2)**2/3)", "(k+2)**(-k)", "exp(-sqrt(log(k+2)))",
                                  "2**(-floor(log(k+2)/log(2)))"])
def test_partial_sums_follow_the_rapid_divergence_verdict(text):
    """Increments of the partial sum per decade (k = 10^3 .. 10^6) shrink by half or more exactly when it converges."""
    expression = parse_expression(text)
    increments = partial_sum_increments(expression)
    converges = covers(asymptotics.sum_diverges(expression).fails)
    assert (increments[-1] <= 0.5 * increments[-2]) == converges, increments


# expression: ((p, q, r), C, sum diverges) with a_k ~ C k^p log(k)^q log(log(k))^r; the sum by the Bertrand series
# (Cauchy condensation twice: sum 1/(k log(k) log(log(k))**s) = oo iff s <= 1)
BERTRAND = {
    "1/((k+5)*log(k+5)*log(log(k+5))**3)": ((-1, -1, -3), 1, False),
    "2/((k+4)*log(k+4)*log(log(k+4))**3)": ((-1, -1, -3), 2, False),
    "1/((k+5)*log(k+5)*log(log(k+5)))": ((-1, -1, -1), 1, True),
    "log(log(k+5))/((k+5)*log(k+5))": ((-1, -1, 1), 1, True),
    "1/log(log(k+10))": ((0, 0, -1), 1, True),
    "log(log(k+3))/(k+3)**2": ((-2, 0, 1), 1, False),
    "1/(log(k+3)*log(log(k+3)))": ((0, -1, -1), 1, True),
}


@pytest.mark.parametrize("text", BERTRAND)
def test_iterated_logarithm_class_matches_values(text):
    (p, q, r), constant, diverges = BERTRAND[text]
    decision = asymptotics.sum_diverges(parse_expression(text))
    assert covers(decision.holds if diverges else decision.fails) and "Bertrand series" in decision.reason
    pieces = asymptotics.asymptotic_class(parse_expression(text))
    assert len(pieces) == 1 and isinstance(pieces[0][1], Tight)
    shape = pieces[0][1]
    assert (shape.lam, shape.p, shape.q, shape.r, shape.C, shape.exact) == (0, p, q, r, constant, True)
    f = sympy.lambdify(K, parse_expression(text), "mpmath")
    with mpmath.workdps(60):
        ratios = []
        for exponent in (40, 80):
            k = mpmath.mpf(10) ** exponent
            ratios.append(f(k) / (k**p * mpmath.log(k) ** q * mpmath.log(mpmath.log(k)) ** r))
    assert abs(ratios[1] - constant) < 0.05 * constant and abs(ratios[1] - constant) <= abs(ratios[0] - constant)


# expression: (start, nonincreasing from there) as derived by hand from the derivative
TAILS = {
    "(k+1)**3/3**k": (2, True),  # derivative 3**(-x) (x+1)**2 (3 - (x+1) log 3): <= 0 from x = 3/log(3) - 1 = 1.73
    "log(k+2)/(k+2)**(1/2)": (6, True),  # (1 - log(x+2)/2)/(x+2)**(3/2): <= 0 from x = e**2 - 2 = 5.39
    "(k+1)*exp(-k/100)/(k+2)": (9, True),  # exp(-x/100) (100 - (x+1)(x+2))/(100 (x+2)**2): <= 0 from x = 8.55
    "sqrt(k+3) - sqrt(k+2)": (0, True),
    "1 - cos(1/(k+1))": (0, True),
    "2/(k+1) - 1/sqrt(k+1)": (15, False),  # (sqrt(x+1) - 4)/(2 (x+1)**2): >= 0 from x = 15
}


@pytest.mark.parametrize("text", TAILS)
def test_certified_tail_is_monotone(text):
    tail = asymptotics.certified_tail(parse_expression(text))
    assert tail is not None and (tail.start, tail.down) == TAILS[text]
    f = sympy.lambdify(K, parse_expression(text), "mpmath")
    with mpmath.workdps(50):
        ks = list(range(tail.start, tail.start + 3000)) + [10**j for j in range(4, 13)]
        pairs = [(k, k + 1) for k in ks] + [(10**j, 2 * 10**j) for j in range(4, 13)]
        for left, right in pairs:
            step = f(mpmath.mpf(right)) - f(mpmath.mpf(left))
            assert (step <= 0) if tail.down else (step >= 0), (left, right)
        if tail.start > 0:  # the start is not earlier than the derivative allows: the monotonicity fails just before
            before = f(mpmath.mpf(tail.start - 1)) - f(mpmath.mpf(tail.start - 2)) if tail.start > 1 else None
            assert before is None or (before > 0 if tail.down else before < 0)


def test_no_certified_tail_across_a_pole_between_integers():
    """1/(2k - 1) + 1/2 is defined at every integer k, but its extension has a pole at x = 1/2 (a_0 = -1/2,
    a_1 = 3/2): no tail from k = 0 is certified, and a_1 > 1 is found."""
    expression = parse_expression("1/(2*k-1) + 1/2")
    assert asymptotics.certified_tail(expression) is None
    decision = asymptotics.at_most_one_always(expression)
    assert covers(decision.fails) and "at k = 1" in decision.reason


@pytest.mark.parametrize(("text", "expected"), [("log(k+2)**3/(k+2)", "at k = 5"), ("(k+1)**5/4**k", "at k = 1"),
                                                ("(k+1)*exp(-k/10)", "at k = 1")])
def test_rise_above_one_is_found_with_a_witness(text, expected):
    expression = parse_expression(text)
    decision = asymptotics.at_most_one_always(expression)
    assert covers(decision.fails) and expected in decision.reason
    k = int(expected.split("= ")[1])
    assert sympy.N(expression.subs(K, k), 30) > 1 and all(sympy.N(expression.subs(K, j), 30) <= 1 for j in range(k))


@pytest.mark.parametrize("c", [sympy.Rational(1, 2), 2])
def test_leading_term_where_the_generic_one_cancels(c):
    """c/(k+2) - d/(k+3) ~ (c - d)/k, and at c = d it is c/((k+2)(k+3)) ~ c/k**2: summable there only."""
    c_symbol, d_symbol = sympy.Symbol("c", positive=True), sympy.Symbol("d", positive=True)
    expression = parse_expression("c/(k+2) - d/(k+3)")
    decision = asymptotics.sum_diverges(expression)
    for d, diverges in ((c, False), (c + 1, True), (c / 2, True)):
        point = {c_symbol: c, d_symbol: d}
        assert decision.holds.to_sympy().subs(point) is sympy.sympify(diverges)
        assert decision.fails.to_sympy().subs(point) is sympy.sympify(not diverges)
    f = sympy.lambdify(K, expression.subs({c_symbol: c, d_symbol: c}), "mpmath")
    with mpmath.workdps(40):
        assert abs(f(mpmath.mpf(10) ** 8) * mpmath.mpf(10) ** 16 / c - 1) < 1e-6


def test_leading_term_where_a_product_coefficient_vanishes():
    """a*c/(k+2) - a*d/(k+3) ~ a (c - d)/k: the coefficient is 0 where c = d (a > 0), not where a = 0; there the
    sequence is a d/((k+2)(k+3)), summable."""
    a, c, d = (sympy.Symbol(n, positive=True) for n in "acd")
    decision = asymptotics.sum_diverges(parse_expression("a*c/(k+2) - a*d/(k+3)"))
    for point, diverges in (({a: HALF, c: 1, d: 1}, False), ({a: 2, c: 2, d: 1}, True)):
        assert decision.holds.to_sympy().subs(point) is sympy.sympify(diverges)
        assert decision.fails.to_sympy().subs(point) is sympy.sympify(not diverges)


# a_k = P_k b_k with P periodic (or almost periodic) and b_k = Theta(k^p): (sum diverges by the engine, the truth)
AVERAGED = {
    "(1 + (-1)**k)/(k+1)": True,  # P = 2, 0, 2, ... of mean 1: sum 2/(2j+1) = oo
    "(1 - (-1)**k)/(k+2)": True,
    "(1 + cos(pi*k))/(k+2)": True,
    "(1 + cos(k))/(k+1)": True,  # almost periodic, mean 1
    "(1 + (-1)**k)/(k+1)**2": False,
}


@pytest.mark.parametrize("text", sorted(AVERAGED))
def test_a_nonnegative_periodic_factor_with_a_positive_mean_sums_like_its_bound(text):
    """The engine's verdict, the stated truth and the partial sums (increments per decade shrink by half or more
    exactly when the sum converges) agree."""
    expression = parse_expression(text)
    decision = asymptotics.sum_diverges(expression)
    assert (covers(decision.holds), covers(decision.fails)) == (AVERAGED[text], not AVERAGED[text])
    increments = partial_sum_increments(expression)
    assert (increments[-1] <= 0.5 * increments[-2]) == (not AVERAGED[text]), increments


@pytest.mark.parametrize("text", ["(-1)**k/(k+1)", "(1/2 + (-1)**k)/(k+1)"])
def test_a_periodic_factor_that_changes_sign_is_not_summed_by_its_mean(text):
    """(-1)**k/(k+1) converges (to log 2) and (1/2 + (-1)**k)/(k+1) diverges, neither by the averaged rule (its
    factor is not >= 0): the engine leaves both undecided rather than guess."""
    decision = asymptotics.sum_diverges(parse_expression(text))
    assert decision.holds.is_false() and not covers(decision.fails)
