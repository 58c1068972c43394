"""momcert.theory.asymptotics: hand-derived verdicts over the schedule catalogue, each cross-checked numerically.

Every expected value below is derived by hand (comparison with k^p (log k)^q, Cauchy condensation, monotonicity);
each test asserts the engine's verdict AND that independent numerics (tests/theory/schedule_numerics.py) agree.
"""

from __future__ import annotations

import itertools

import mpmath
import pytest
import sympy
from schedule_numerics import partial_sum_increments, properties, whole_sequence

from momcert.theory import asymptotics
from momcert.theory.parse import as_schedule, parse_expression
from momcert.theory.regions import covers
from momcert.theory.terms import first_undefined

PROPERTIES = {
    "positive": asymptotics.positive_always,
    "at_most_one": asymptotics.at_most_one_always,
    "to_zero": asymptotics.tends_to_zero,
    "sum_diverges": asymptotics.sum_diverges,
    "square_summable": asymptotics.square_summable,
    "log_to_zero": asymptotics.log_weighted_to_zero,
}
T, F, U = "holds", "fails", "unknown"

# expression: (positive, at_most_one, to_zero, sum_diverges, square_summable, log_to_zero)
CASES = {
    # powers
    "0.1/(k+1)**0.6": (T, T, T, T, T, T),
    "0.1/(k+1)": (T, T, T, T, T, T),
    "0.1/(k+1)**1.5": (T, T, T, F, T, T),
    "1/sqrt(k+1)": (T, T, T, T, F, T),
    "3/(k+3)": (T, T, T, T, T, T),
    "1/(1 + 0.01*k)": (T, T, T, T, T, T),
    "(k+1)**0.5": (T, F, F, T, F, F),
    "1/(k+1)**2 + 0.1/(k+1)**0.5": (T, F, T, T, F, T),
    # logarithms
    "0.3/((k+2)*log(k+2))": (T, T, T, T, T, T),
    "0.3/((k+2)*log(k+2)**2)": (T, T, T, F, T, T),
    "1/log(k+2)": (T, F, T, T, F, F),
    "0.5/log(k+3)": (T, T, T, T, F, F),
    "1/log(k+2)**2": (T, F, T, T, F, T),
    "1/(sqrt(k+1)*log(k+2))": (T, F, T, T, T, T),
    "0.2*log(k+2)/(k+2)": (T, T, T, T, T, T),
    # constants and limits
    "0.05": (T, T, F, T, F, F),
    "2": (T, F, F, T, F, F),
    "0.1*(1 + 1/(k+1))": (T, T, F, T, F, F),
    "0.1 - 0.05/(k+1)": (T, T, F, T, F, F),
    # exponential and step decay
    "0.1*0.9**k": (T, T, T, F, T, T),
    "0.9**k": (T, T, T, F, T, T),
    "exp(-0.01*k)": (T, T, T, F, T, T),
    "2**(-k/10)": (T, T, T, F, T, T),
    "0.1*0.5**floor(k/30)": (T, T, T, F, T, T),
    "0.1*0.5**floor(k/30) + 0.001": (T, T, F, T, F, F),
    "Max(0.1*0.5**floor(k/10), 0.001)": (T, T, F, T, F, F),
    "0.1*0.9**floor(k/5) + 0.1/(k+1)": (T, T, T, T, T, T),
    "1/sqrt(k+1) + 0.1*0.5**k": (T, F, T, T, F, T),
    # warmup, Min and Max
    "Min((k+1)/100, 1)/sqrt(k+1)": (T, T, T, T, F, T),
    # Min of a rising and a falling term (warmup then decay): the peak is found at the crossing
    "0.1*Min((k+1)/1000, 1/sqrt((k+1)/1000))": (T, T, T, T, F, T),
    "3*Min((k+1)/1000, 1/sqrt((k+1)/1000))": (T, F, T, T, F, T),
    "Min((k+1)/10, 1/sqrt((k+1)/10))": (T, T, T, T, F, T),
    "Min(0.1, 1/(k+1))": (T, T, T, T, T, T),
    "Min(0.1, 5/(k+1))": (T, T, T, T, T, T),
    "Max(1/(k+1), 1/(k+1)**2)": (T, T, T, T, T, T),
    "Max(0.1/(k+1)**0.3, 0.2/(k+1)**0.8)": (T, T, T, T, F, T),
    "Min(1/(k+1)**0.3, 1/(k+1)**0.8)/2": (T, T, T, T, T, T),
    "Max(0.5/log(k+2), 0.1/(k+1))": (T, T, T, T, F, F),
    # periodic cosine (torch's CosineAnnealingLR closed form continues periodically past T_max)
    "0.01 + 0.09*(1 + cos(pi*k/100))/2": (T, T, F, T, F, F),
    "0.1*(1 + cos(pi*k/100))/2": (F, T, F, T, F, F),
    "0.1 + 0.25*(1 + cos(k))/2": (T, T, F, T, F, F),
    "1.05 + 0.25*cos(k)": (T, F, F, T, F, F),
    # cancellations resolved by the leading term (sympy issue 21315: 1 - cos(1/k)); positive and <= 1 by the sign of
    # the derivative from k = 0 on
    "1 - cos(1/(k+1))": (T, T, T, F, T, T),
    "sin(1/(k+1))": (T, T, T, T, T, T),
}

UNRECOGNISED = ["1/log(log(log(k+20)))", "exp(sqrt(k+2)) - exp(sqrt(k+1))", "cos(k**2)/(k+1)"]


def status(decision: asymptotics.Decision) -> str:
    if covers(decision.holds):
        return T
    if covers(decision.fails):
        return F
    return U


@pytest.mark.parametrize("text", CASES)
def test_catalogue_verdicts_and_numerics(text):
    expression = parse_expression(text)
    expected = dict(zip(PROPERTIES, CASES[text], strict=True))
    got = {name: status(decide(expression)) for name, decide in PROPERTIES.items()}
    assert got == expected
    numeric_tail = properties(expression)
    for name in ("to_zero", "sum_diverges", "square_summable", "log_to_zero"):
        assert numeric_tail[name] == (expected[name] == T), name
    numeric_whole = whole_sequence(expression)
    for name in ("positive", "at_most_one"):
        if expected[name] == F:
            assert not numeric_whole[name], name
        elif expected[name] == T:
            assert numeric_whole[name], name


@pytest.mark.parametrize("text", ["0.1/(k+1)**0.6", "0.1/(k+1)**1.5", "1/sqrt(k+1)", "0.1*0.9**k", "0.05",
                                  "0.1*0.5**floor(k/30)", "0.01 + 0.09*(1 + cos(pi*k/100))/2"])
def test_partial_sums_follow_the_divergence_verdict(text):
    """Clear-cut cases (|p + 1| >= 0.4 or exponential): increments of the partial sum per decade shrink
    geometrically (ratio <= 10^(-0.4)) exactly when the sum converges."""
    expression = parse_expression(text)
    increments = partial_sum_increments(expression)
    converges = status(asymptotics.sum_diverges(expression)) == F
    assert (increments[-1] <= 0.5 * increments[-2]) == converges


def test_log_decay_tends_to_zero_but_is_not_o_of_inverse_log():
    expression = parse_expression("1/log(k+2)")
    assert status(asymptotics.tends_to_zero(expression)) == T
    assert status(asymptotics.log_weighted_to_zero(expression)) == F
    # numerically: a_k log k stays at 1 while a_k decreases
    f = sympy.lambdify(sympy.Symbol("k"), sympy.log(sympy.Symbol("k")) / sympy.log(sympy.Symbol("k") + 2))
    assert abs(f(1e12) - 1) < 1e-2 and abs(f(1e6) - 1) < 0.2


@pytest.mark.parametrize("text", UNRECOGNISED)
def test_unrecognised_classes_are_unknown_with_a_reason(text):
    decision = asymptotics.sum_diverges(parse_expression(text))
    assert status(decision) == U
    assert decision.reason


# -- parameter regions: expected regions written by hand, checked by exact cell sampling and numerics --------------
A, B, C, D, G, S, Q = (sympy.Symbol(n, positive=True) for n in "abcdgsq")
REGION_CASES = [
    ("c/(k+1)**a", "sum_diverges", A <= 1),
    ("c/(k+1)**a", "square_summable", sympy.Rational(1, 2) < A),
    ("c/(k+1)**a", "to_zero", sympy.true),
    ("c/(k+1)**a", "log_to_zero", sympy.true),
    ("c/(k+1)**a", "at_most_one", C <= 1),
    ("c*g**k", "to_zero", G < 1),
    ("c*g**k", "sum_diverges", G >= 1),
    ("c*g**floor(k/s)", "to_zero", G < 1),
    ("c*g**floor(k/s)", "square_summable", G < 1),
    ("c/((k+2)*log(k+2)**q)", "sum_diverges", Q <= 1),
    ("c/((k+2)*log(k+2)**q)", "square_summable", sympy.true),
    ("c/log(k+2)**a", "log_to_zero", A > 1),
    ("c/log(k+2)**a", "square_summable", sympy.false),
    ("Min(c/(k+1)**a, d/(k+1)**b)", "sum_diverges", (A <= 1) & (B <= 1)),
    ("Min(c/(k+1)**a, d/(k+1)**b)", "square_summable", (sympy.Rational(1, 2) < A) | (sympy.Rational(1, 2) < B)),
    ("Max(c/(k+1)**a, d/(k+1)**b)", "sum_diverges", (A <= 1) | (B <= 1)),
    ("Max(c/(k+1)**a, d/(k+1)**b)", "at_most_one", (C <= 1) & (D <= 1)),
    ("Min(1, (k+1)/s)*c/(k+1)**a", "sum_diverges", A <= 1),
]
GRID = [sympy.Rational(v) for v in ("1/4", "2/5", "1/2", "3/5", "3/4", "1", "6/5", "3/2", "2")]


def _engine_region(text: str, name: str) -> sympy.Basic:
    decision = PROPERTIES[name](parse_expression(text))
    assert covers(decision.holds | decision.fails), "the engine must decide every parameter value here"
    return decision.holds.to_sympy()


def _cells(symbols):
    """Every combination of grid values: the grid contains every critical value (1/2, 1) of the expected regions,
    points on both sides of each, and equal values for pairs, so each cell of the arrangement is visited."""
    return [dict(zip(symbols, values, strict=True)) for values in itertools.product(GRID, repeat=len(symbols))]


@pytest.mark.parametrize(("text", "name", "expected"), REGION_CASES)
def test_exact_regions(text, name, expected):
    region = _engine_region(text, name)
    assert sympy.parse_expr(sympy.sstr(region)) is not None  # reads back
    symbols = sorted(region.free_symbols | expected.free_symbols, key=lambda s: s.name)
    for point in _cells(symbols):
        assert bool(region.subs(point)) == bool(expected.subs(point)), point


NUMERIC_POINTS = {
    "c/(k+1)**a": [{"c": 0.5, "a": a} for a in (0.3, 0.5, 0.75, 1, 1.5)],
    "c*g**k": [{"c": 0.5, "g": g} for g in (0.5, 0.999, 1, 1.01)],
    "c/((k+2)*log(k+2)**q)": [{"c": 0.5, "q": q} for q in (0.5, 1, 2)],
    "c/log(k+2)**a": [{"c": 0.5, "a": a} for a in (0.5, 1, 2)],
    "Min(c/(k+1)**a, d/(k+1)**b)": [{"c": 0.5, "d": 0.7, "a": a, "b": b} for a, b in ((0.4, 0.9), (0.9, 1.3),
                                                                                    (1.2, 1.4), (0.3, 0.45))],
    "Max(c/(k+1)**a, d/(k+1)**b)": [{"c": 0.5, "d": 0.7, "a": a, "b": b} for a, b in ((0.4, 1.9), (1.1, 1.3))],
}
NUMERIC_NAMES = {"sum_diverges": "sum_diverges", "square_summable": "square_summable", "to_zero": "to_zero",
                 "log_to_zero": "log_to_zero"}


@pytest.mark.parametrize(("text", "name", "expected"),
                         [c for c in REGION_CASES if c[0] in NUMERIC_POINTS and c[1] in NUMERIC_NAMES])
def test_regions_against_numerics_at_sampled_parameters(text, name, expected):
    region = _engine_region(text, name)
    inside = outside = 0
    for values in NUMERIC_POINTS[text]:
        point = {sympy.Symbol(n, positive=True): sympy.nsimplify(v) for n, v in values.items()}
        claimed = bool(region.subs(point))
        inside, outside = inside + claimed, outside + (not claimed)
        assert properties(parse_expression(text), values)[name] == claimed, values
    assert inside + outside == len(NUMERIC_POINTS[text])


def test_budget_turns_a_slow_decision_into_unknown():
    import time

    def slow():
        deadline = time.perf_counter() + 2
        while time.perf_counter() < deadline:
            pass
        raise AssertionError("not interrupted")

    started = time.perf_counter()
    decision = asymptotics.within_budget(slow, 0.05, "slow")
    assert time.perf_counter() - started < 0.5
    assert decision.holds.is_false() and decision.fails.is_false() and "budget" in decision.reason


@pytest.mark.parametrize(("text", "tail"), [
    ("0.1*cos(pi*Min(k, 50)/100) + 0.05", 0.05),  # a cosine phase that ends at step 50
    ("Max(0.01, 1 - Min(k, 90)/100)", 0.1),  # linear decay clamped at step 90
    ("0.3 - 0.1*cos(pi*(Max(8, Min(30, k)) - 8)/22)", 0.4),  # OneCycleLR's clamped second phase
])
def test_clamped_schedules_are_their_last_value_from_the_clamp_on(text, tail):
    """Min(c, k) is c from k = c on: the tail is a constant, so the sequence does not tend to 0, its sum diverges
    and its squares do not converge; numerically the sequence is that constant at k = 10**6."""
    expression = parse_expression(text)
    got = {name: status(PROPERTIES[name](expression)) for name in ("to_zero", "sum_diverges", "square_summable")}
    assert got == {"to_zero": F, "sum_diverges": T, "square_summable": F}
    assert numeric_value(expression, 10**6) == pytest.approx(tail, abs=1e-12)
    assert properties(expression)["sum_diverges"] and not properties(expression)["to_zero"]


def test_a_growing_argument_is_the_eventual_branch_of_max():
    """1/Max(3, k+1) is 1/(k+1) from k = 2 on: it tends to 0, its sum diverges, its squares converge."""
    expression = parse_expression("1/Max(3, k+1)")
    got = {name: status(PROPERTIES[name](expression)) for name in ("to_zero", "sum_diverges", "square_summable")}
    assert got == {"to_zero": T, "sum_diverges": T, "square_summable": T}
    numeric = properties(expression)
    assert numeric["to_zero"] and numeric["sum_diverges"] and numeric["square_summable"]


def numeric_value(expression: sympy.Expr, k: int) -> float:
    return float(expression.subs(asymptotics.K, k).evalf(30))


def test_a_sequence_undefined_for_a_parameter_value_fails_there():
    """eta_k = c/((k+1)(1 - m)) divides by 0 at m = 1 for every k: each property fails there; elsewhere it is the
    decision for c/((1 - m)(k+1)) (positive and -> 0 for m < 1; negative at k = 0 for m > 1)."""
    m = sympy.Symbol("m", positive=True)
    expression = parse_expression("c/((k+1)*(1 - m))")
    at_one = {m: 1}
    for decide in PROPERTIES.values():
        decision = decide(expression)
        assert decision.fails.to_sympy().subs(at_one) is sympy.true, decide.__name__
        assert "undefined where Eq(m, 1)" in decision.reason
    assert str(asymptotics.positive_always(expression).holds) == "m < 1"
    assert str(asymptotics.tends_to_zero(expression).holds) == "Ne(m, 1)"
    assert whole_sequence(expression.subs(m, sympy.Rational(1, 2)), {"c": 1})["positive"]
    assert properties(expression.subs(m, sympy.Rational(3, 2)), {"c": 1})["to_zero"]


@pytest.mark.parametrize(("expression", "argument"), [
    ("1/(k+2) - 1/(k+3)", "has the sign of (k + 3) - (k + 2) = 1"),  # 1/u - 1/v with u < v
    ("sqrt(k+3) - sqrt(k+2)", "has the sign of (k + 3) - (k + 2) = 1"),
    ("1/(k+1) - 1/(3*(k+1)**2)", "= (3*k + 2)/(3*(k + 1)**2)"),  # one fraction, numerator positive for k >= 0
    ("log(k+3) - log(k+2)", "has the sign of (k + 3) - (k + 2) = 1"),
    ("exp(-1/(k+1)) - exp(-2/(k+1))", "has the sign of -1/(k + 1) - (-2/(k + 1)) = 1/(k + 1)"),
])
def test_differences_whose_leading_terms_cancel_are_proven_positive(expression, argument):
    decision = asymptotics.positive_always(parse_expression(expression))
    assert covers(decision.holds) and argument in decision.reason, decision.reason
    assert whole_sequence(parse_expression(expression))["positive"]


def test_a_difference_with_parameters_is_positive_exactly_where_its_fraction_is():
    """c/(k+2) - d/(k+3) = ((c - d) k + 3c - 2d)/((k+2)(k+3)): positive for every k iff c >= d (3c - 2d >= c > 0),
    else negative from some k on; a_k <= 1 iff a_0 = c/2 - d/3 <= 1. d*(k+2)/(k+3) <= 1 iff d <= 1 (it rises to d),
    (k+2d)/(k+2) = 1 + (2d - 2)/(k+2) likewise."""
    c, d = sympy.symbols("c d", positive=True)
    expression = parse_expression("c/(k+2) - d/(k+3)")
    positive = asymptotics.positive_always(expression)
    for point, expected in (((1, sympy.Rational(1, 2)), True), ((1, 1), True), ((sympy.Rational(1, 2), 1), False)):
        values = dict(zip((c, d), point, strict=True))
        shown = (positive.holds if expected else positive.fails).to_sympy().subs(values)
        assert shown is sympy.true, (point, positive)
        assert whole_sequence(expression, {"c": point[0], "d": point[1]})["positive"] == expected
    below = asymptotics.at_most_one_always(expression)
    assert str(below.fails) == "3*c > 2*d + 6" and below.holds.to_sympy().subs({c: 2, d: 0}) is sympy.true
    for text in ("d*(k+2)/(k+3)", "(k+2*d)/(k+2)"):
        decision = asymptotics.at_most_one_always(parse_expression(text))
        assert (str(decision.holds), str(decision.fails)) == ("d <= 1", "1 < d"), decision
        for value, expected in ((1, True), (sympy.Rational(11, 10), False)):
            assert whole_sequence(parse_expression(text), {"d": value})["at_most_one"] == expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("(1 + cos(pi*k))/(k+2)", True),  # <= 2/(k+2) <= 1
    ("(2 + (-1)**k)/(k+3)", True),  # <= 3/(k+3) <= 1
    ("(3 + cos(pi*k))/(4*(k+1)**2)", True),  # <= 1/(k+1)**2
    ("(-1)**k/(k+1)", True),  # <= 1/(k+1)
    ("(2 + (-1)**k)/(k+2)", False),  # a_0 = 3/2
])
def test_a_periodic_factor_times_a_decreasing_term_is_at_most_its_bound(expression, expected):
    decision = asymptotics.at_most_one_always(parse_expression(expression))
    assert covers(decision.holds if expected else decision.fails), decision
    assert whole_sequence(parse_expression(expression))["at_most_one"] == expected


@pytest.mark.parametrize("text, first", [("1/log(log(k+16))**2", None), ("1/log(log(k+2))", None),
                                         ("log(log(k+1))", 0)])
def test_iterated_logarithms_are_defined_or_undefined_at_the_first_k(text, first):
    """log(log(k+16)) > 0 at every k (log(k+16) > 1 as k+16 > 3 > e), so its powers are defined with no term
    evaluated; log(log(k+2)) is never 0 at an integer (log(k+2) = 1 at k = e - 2); log(log(1)) is log(0)."""
    found = first_undefined(as_schedule(text, "eta"))
    assert (found if found is None else found[0]) == first
    inner = {"1/log(log(k+16))**2": lambda k: mpmath.log(mpmath.log(k + 16)),
             "1/log(log(k+2))": lambda k: mpmath.log(k + 2), "log(log(k+1))": lambda k: mpmath.log(k + 1)}[text]
    last = 200 if first is None else first  # cross-check with mpmath: > 0 before the first undefined k, <= 0 there
    assert all(inner(k) > 0 for k in range(last))
    assert first is None or inner(first) <= 0


@pytest.mark.parametrize(("text", "point", "at_most_one"), [
    ("Min((k+1)/7, 1)/((k+2)*log(k+2))", {}, True),  # a factor <= 1 times 1/((k+2) log(k+2)) <= 1/(2 log 2)
    ("20*Min((k+1)/7, 1)/((k+2)*log(k+2))", {}, False),  # 20/(8 log 8) = 1.2 at k = 6
    ("exp(-1/(k+2)) - exp(-c/(k+2))", {"c": sympy.Rational(1, 3)}, True),  # below exp(-1/(k+2)) <= 1
    ("exp(-1/(k+2)) - exp(-c/(k+2))", {"c": 5}, True),
    ("1 - 1/(k+2) - c/(k+2)**2", {"c": 1}, True),
    ("c*(1 - cos(pi*k))/(k+2)**2", {"c": 4}, True),  # one period: the largest term is 2c/9 at k = 1
    ("c*(1 - cos(pi*k))/(k+2)**2", {"c": 5}, False),
    ("0.5*(1 + cos(pi*k/3))/(k+1)", {}, True),
    ("3*(2 + cos(pi*k/2))/(k+4)", {}, False),  # 9/4 at k = 0
    ("(k+1)*sin(1/(k+1)**2)", {}, True),  # sin(u) <= u: at most 1/(k+1)
    ("(k+1)*sin(1/(k+1))", {}, True),
    ("3*(k+1)*sin(1/(k+1))", {}, False),  # 3 sin(1) at k = 0
])
def test_bounded_factors_periodic_factors_sines_and_differences_are_at_most_one(text, point, at_most_one):
    """a_k <= 1 from a bounded factor times a decreasing rest, a difference below its positive part, one period of
    a periodic factor (P_k R_k <= P_j R_j for k = j mod T with R nonincreasing) or sin(u) <= u: the verdict at the
    point agrees with 400 terms and k = 10^j (whole_sequence), and a case above 1 somewhere is never said to hold."""
    expression = parse_expression(text)
    decision = asymptotics.at_most_one_always(expression)
    symbols = {sympy.Symbol(name, positive=True): value for name, value in point.items()}
    holds = bool(decision.holds.to_sympy().subs(symbols)) if symbols else covers(decision.holds)
    fails = bool(decision.fails.to_sympy().subs(symbols)) if symbols else covers(decision.fails)
    assert whole_sequence(expression, point)["at_most_one"] == at_most_one
    assert (holds, fails) == (at_most_one, not at_most_one)


@pytest.mark.parametrize(("c", "d", "t"), [(sympy.Rational(1, 2), sympy.Rational(1, 4), 7),
                                            (sympy.Rational(1, 2), sympy.Rational(3, 4), 3),
                                            (2, sympy.Rational(1, 10), sympy.Rational(5, 2))])
def test_a_cosine_schedule_with_parameters_is_bounded_by_its_trigonometric_range(c, d, t):
    """d + c*(1 + cos(pi*k/t))/2 lies in [d, c + d] at every k and equals c + d at k = 0: positive for every
    parameter value, at most 1 exactly where c + d <= 1. Checked against the terms at sampled parameters."""
    expression = parse_expression("d + c*(1 + cos(pi*k/t))/2")
    assert covers(asymptotics.positive_always(expression).holds)
    decision = asymptotics.at_most_one_always(expression)
    assert str(decision.holds) == "c + d <= 1" and str(decision.fails) == "c + d > 1"
    point = {"c": c, "d": d, "t": t}
    assert whole_sequence(expression, point) == {"positive": True, "at_most_one": c + d <= 1}
