"""[LK] theory (Theorems 6, 7, 13, 15): parameters, identities proven by SymPy, orders, hypotheses, realizations."""

import itertools
import math

import numpy as np
import pytest
import sympy
from sympy import Rational, sqrt

from momcert.theory.errors import InputError
from momcert.theory.nesterov import (
    C_MAX,
    additive_constants,
    additive_constants_from_matrices,
    beta_of,
    implied_C1,
    implied_C2,
    implied_c_for_radii,
    iterations_to_gap,
    lemma10_bounds,
    lk_parameters,
    nesterov_analysis,
    relu_constants,
    relu_measured_constants,
    textbook_parameters,
    theorem6_bound,
    theorem6_hypotheses,
    theorem7_bound,
    theorem7_G1_bound,
    theorem7_G1G2_bound,
    theorem7_radius_u,
    theorem7_radius_x,
    theorem13_implied_constant,
    width_implied_constant,
)

MU, L1, L2, G1, G2, DELTA0 = sympy.symbols("mu L1 L2 G1 G2 Delta0", positive=True)


# -- hand-checked values --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("mu", "L1"), [(1, 100), (0.1, 1), (2.5, 2.5), (0.003, 47.0)])
def test_parameters_match_theory_formulas_in_plain_floats(mu, L1):
    c = 1 / 51
    kappa = L1 / mu
    expected = {
        "kappa": kappa,
        "eta": c / L1,
        "beta": (4 * math.sqrt(kappa) - math.sqrt(c)) / (4 * math.sqrt(kappa) + 7 * math.sqrt(c)),
        "rate": 1 - c / (4 * math.sqrt(kappa)),
        "gd_rate": 1 - c / (4 * kappa),
    }
    values = lk_parameters(mu, L1).as_floats()
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=0, abs=1e-12), name


def test_hand_checked_mu1_L100():
    p = lk_parameters(1, 100, Rational(1, 51))
    assert float(p.kappa) == 100
    assert abs(float(p.eta) - 1 / 5100) < 1e-12
    assert abs(float(p.rate) - (1 - 1 / 2040)) < 1e-12
    assert abs(float(p.gd_rate) - (1 - 1 / 20400)) < 1e-12
    assert abs(float(p.beta) - (40 - 51**-0.5) / (40 + 7 * 51**-0.5)) < 1e-12


def test_text_and_expressions_are_accepted():
    p = lk_parameters("1/10", "2*5/10")
    assert p.kappa == 10
    q = lk_parameters("mu", "L1")
    assert q.kappa == sympy.Symbol("L1", positive=True) / sympy.Symbol("mu", positive=True)


# -- identities and the inequality, proven symbolically --------------------------------------------------------------

def test_beta_identities_are_exact():
    kappa, c = sympy.symbols("kappa c", positive=True)
    beta = beta_of(kappa, c)
    assert sympy.simplify(1 - beta - 8 * sqrt(c) / (4 * sqrt(kappa) + 7 * sqrt(c))) == 0
    assert sympy.simplify((1 - beta) / (1 + beta) - 4 * sqrt(c) / (4 * sqrt(kappa) + 3 * sqrt(c))) == 0
    p = lk_parameters(MU, L1, c)  # the same identities through the public parameter object
    assert sympy.simplify(1 - p.beta - 8 * sqrt(c) / (4 * sqrt(p.kappa) + 7 * sqrt(c))) == 0


def test_beta_below_rate_for_all_admissible_c_and_kappa():
    """beta <= 1 - c/(4 sqrt(kappa)) for 0 < c <= 1/51, kappa >= 1.

    With sqrt(kappa) = 1 + p and c = 1/(51 (1+q)^2), p, q >= 0 range over exactly kappa >= 1 and 0 < c <= 1/51.
    rate - beta is then a ratio of polynomials in p, q; all their coefficients are positive, which proves the claim.
    """
    p, q = sympy.symbols("p q", nonnegative=True)
    params = lk_parameters(1, (1 + p) ** 2, 1 / (51 * (1 + q) ** 2))
    numerator, denominator = sympy.fraction(sympy.together(sympy.radsimp(params.rate - params.beta)))
    for part in (numerator, denominator):
        coefficients = sympy.Poly(sympy.expand(part), p, q).coeffs()
        assert len(coefficients) >= 4
        assert all(coefficient.is_positive for coefficient in coefficients), part
    # numeric cross-check on samples, including the boundary c = 1/51, kappa = 1
    for kappa_value, c_value in [(1, 1 / 51), (1, 1e-6), (1e6, 1 / 51), (37.0, 0.01)]:
        values = lk_parameters(1, kappa_value, c_value).as_floats()
        assert values["beta"] <= values["rate"]


def test_beta_exceeds_rate_somewhere_beyond_the_proof_range():
    """The inequality is not vacuous: for large c (outside the theorem) beta > rate can happen."""
    values = lk_parameters(1, 1, 10, allow_c=True).as_floats()
    assert values["beta"] > values["rate"]


# -- symbolic output --------------------------------------------------------------------------------------------------

def test_symbolic_parameters_print_as_latex():
    p = lk_parameters(MU, L1)
    assert "\\mu" in sympy.latex(p.rate) and "L_{1}" in sympy.latex(p.rate)
    assert "\\sqrt" in sympy.latex(p.beta)
    report = nesterov_analysis(MU, L1)
    latex = report._repr_latex_()
    assert "C_{1}" in latex and "C_{2}" in latex and "G_{1}^{4}" in latex
    markdown = report._repr_markdown_()
    assert "thm7_G1" in markdown and "$" in markdown


def _order(expression, reference):
    """lim expression/reference as L1 -> oo, then L2 -> oo (must be a positive finite number if orders match)."""
    limit = sympy.limit(sympy.limit(expression / reference, L1, sympy.oo), L2, sympy.oo)
    return sympy.simplify(limit)


def test_theorem7_condition_orders_match_theory():
    p = lk_parameters(MU, L1)
    c = p.c
    # G1^4 <= C1 * bound with bound of order mu^(7/2) / (L1^(3/2) L2^3)
    g1 = _order(theorem7_G1_bound(MU, L2, p.beta), MU ** Rational(7, 2) / (L1 ** Rational(3, 2) * L2**3))
    assert g1.is_positive and g1.is_finite
    assert g1 == c ** Rational(3, 2)  # ((1-beta)/(1+beta))^3 ~ (sqrt(c)/sqrt(kappa))^3
    # G1^2 G2^2 <= C2 * bound with bound of order mu^(9/2) / (L1^(3/2) L2^2)
    g12 = _order(theorem7_G1G2_bound(MU, L2, p.kappa, p.beta), MU ** Rational(9, 2) / (L1 ** Rational(3, 2) * L2**2))
    assert g12 == c
    # R_x of order kappa^(3/4) sqrt(L2 / L1) sqrt(Delta0) c^(-3/4)
    rx = _order(theorem7_radius_x(p, L2, DELTA0), L1 ** Rational(1, 4) * MU ** Rational(-3, 4) * sqrt(L2 * DELTA0))
    assert rx == sympy.nsimplify(36 / sqrt(2) * c ** Rational(-3, 4))
    # a wrong exponent gives 0 or infinity
    assert _order(theorem7_G1_bound(MU, L2, p.beta), MU**3 / (L1 * L2**3)) == 0


# -- hypotheses with statuses and implied constants ------------------------------------------------------------------

def test_implied_constants_make_the_inequalities_tight_in_floats():
    mu, L1v, L2v, g1, g2 = 0.5, 40.0, 1.0, 0.02, 0.3
    p = lk_parameters(mu, L1v)
    kappa, beta = L1v / mu, float(p.beta)
    ratio = (1 - beta) / (1 + beta)
    c1 = float(implied_C1(g1, mu, L2v, p.beta))
    assert g1**4 == pytest.approx(c1 * mu**2 / (L2v * (L2v + 1) ** 2) * ratio**3, rel=1e-12)
    c2 = float(implied_C2(g1, g2, mu, L2v, kappa, p.beta))
    assert g1**2 * g2**2 == pytest.approx(c2 * mu**3 / (L2v * (L2v + 1) * math.sqrt(kappa)) * ratio**2, rel=1e-12)


def test_statuses_follow_numbers_and_symbols():
    report = nesterov_analysis(1, 100, L2=1, G1=0.01, G2=0.1, delta0=1, Rx="inf", Ru=10)
    conditions = report.conditions
    assert conditions["lk_c_range"].status == "holds"
    assert conditions["thm7_G1"].status == "depends"  # unspecified C1: reported through the implied constant
    assert conditions["thm7_G1"].implied_constant[0] == "C1"
    assert conditions["thm7_Rx"].status == "holds"  # infinite radius
    required_u = float(conditions["thm7_Ru"].required)
    assert conditions["thm7_Ru"].status == ("holds" if required_u <= 10 else "fails")
    # thm6_G1 fully specified: G1^4 <= mu^2/(8 L2^2)
    assert conditions["thm6_G1"].status == "holds"
    assert nesterov_analysis(1, 100, L2=1, G1=0.6).conditions["thm6_G1"].status == "fails"  # 0.6^4 > 1/8
    # G1 = 0: the constant conditions hold for every C1, C2
    zero = nesterov_analysis(1, 100, L2=1, G1=0, G2=0)
    assert zero.conditions["thm7_G1"].status == "holds" and zero.conditions["thm7_G1G2"].status == "holds"
    # symbols: depends, with a region that reads back
    symbolic = nesterov_analysis("mu", "L1")
    assert symbolic.conditions["lk_kappa"].status == "depends"
    assert sympy.parse_expr(str(symbolic.conditions["thm6_G1"].when)) is not None


def test_radius_statuses_cross_checked_with_floats():
    params = lk_parameters(1, 100)
    required = 16 * (1 / 51 / 100) * 100 * math.sqrt(100) * 1.0  # Theorem 6: 16 eta kappa sqrt(L1) sqrt(Delta0)
    for radius in (0.5, 3.0, 3.2, 50.0):
        hypotheses = {h.id: h for h in theorem6_hypotheses(params, L2=1, G1=0.01, delta0=1, Rx=radius, Ru=radius)}
        assert hypotheses["thm6_Rx"].status == ("holds" if radius >= required else "fails")


def test_implied_c_is_the_boundary_of_the_radius_conditions():
    mu, L1v, L2v, g1, delta0, rx, ru = 1, 100, 1, 0.01, 1, sympy.oo, 3000

    def holds(c):
        p = lk_parameters(mu, L1v, c, allow_c=True)
        return float(theorem7_radius_u(p, L2v, g1, delta0)) <= ru and float(theorem7_radius_x(p, L2v, delta0)) <= rx

    c_min = float(implied_c_for_radii(mu, L1v, L2v, g1, delta0, rx, ru))
    assert 0 < c_min < 1 / 51
    assert holds(c_min * (1 + 1e-6)) and not holds(c_min * (1 - 1e-6))
    # the required radius decreases in c on (0, 1/51] (the monotonicity the bisection relies on)
    grid = [1 / 51 * (i / 40) for i in range(1, 41)]
    required = [float(theorem7_radius_u(lk_parameters(4, 900, c), 2, 0.3, 1)) for c in grid]
    assert all(a > b for a, b in itertools.pairwise(required))
    assert implied_c_for_radii(mu, L1v, L2v, g1, delta0, rx, 10) is None
    report = nesterov_analysis(mu, L1v, L2=L2v, G1=g1, G2=0.1, delta0=delta0, Rx="inf", Ru=ru)
    assert report.conditions["thm7_c_radii"].status == "holds"


def test_lemma10_constants_in_floats():
    p = lk_parameters(0.2, 9.0)
    eta, beta, rate = float(p.eta), float(p.beta), float(p.rate)
    bounds = lemma10_bounds(p.eta, p.beta, 0.2, 2, 0.1, p.rate, 3)
    assert float(bounds.Q2) == pytest.approx(6 * eta * 3 / (1 - beta), rel=1e-12)
    q3 = 6 * eta * 2 * 3 * (1 + beta) ** 3 / (0.2 * beta * (1 - beta) ** 3)
    assert float(bounds.Q3) == pytest.approx(q3, rel=1e-12)
    assert float(bounds.dx_sq(5)) == pytest.approx(6 * eta * 3 / (1 - beta) * rate**5 * 3, rel=1e-12)
    assert bounds.du_sq_function()(7) == pytest.approx(0.01 * q3 * rate**7 * 3, rel=1e-12)


def test_bounds_and_iterations_to_gap():
    p = lk_parameters(1, 100)
    rate = float(p.rate)
    assert float(theorem7_bound(10, 3, p.rate)) == pytest.approx(2 * rate**10 * 3, rel=1e-12)
    assert float(theorem6_bound(10, 3, p.gd_rate)) == pytest.approx(float(p.gd_rate) ** 10 * 3, rel=1e-12)
    k = int(iterations_to_gap(p.rate, 1e-6, 1, factor=2))
    assert 2 * rate**k <= 1e-6 < 2 * rate ** (k - 1)
    assert iterations_to_gap(p.rate, 5, 1, factor=2) == 0
    symbolic = iterations_to_gap(lk_parameters(MU, L1).rate, Rational(1, 100), DELTA0, factor=2)
    assert symbolic.free_symbols == {MU, L1, DELTA0}


def test_textbook_parameters_are_reexported():
    t = textbook_parameters(Rational(1, 10), 1)
    assert float(t.beta) == pytest.approx((math.sqrt(10) - 1) / (math.sqrt(10) + 1), abs=1e-12)
    assert t.eta == 1


@pytest.mark.parametrize(("args", "kwargs", "fragment"), [
    ((0, 1), {}, "mu must be positive"),
    ((-1, 1), {}, "mu must be positive"),
    ((2, 1), {}, "smaller than mu"),
    ((1, 10, 0.1), {}, "outside (0, 1/51]"),
    ((1, 10, 0), {"allow_c": True}, "c must be positive"),
    (("1+", 10), {}, "mu: cannot parse"),
    (("k", 10), {}, "iteration index"),
    ((float("nan"), 10), {}, "mu: nan is not a number"),
    (("inf", 10), {}, "mu: 'inf' means infinity"),
    ((1, "oo"), {}, "L1: 'oo' means infinity"),
    ((1, 10, "Infinity"), {}, "c: 'Infinity' means infinity"),
    ((1, float("inf")), {}, "L1: infinity is not allowed here"),
])
def test_bad_input_raises_input_error(args, kwargs, fragment):
    with pytest.raises(InputError, match=None) as error:
        lk_parameters(*args, **kwargs)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_allow_c_accepts_larger_c():
    assert float(lk_parameters(1, 10, 0.1, allow_c=True).eta) == pytest.approx(0.01)
    assert Rational(1, 51) == C_MAX


# -- realizations ----------------------------------------------------------------------------------------------------

def test_additive_constants_equal_numpy_singular_values():
    rng = np.random.default_rng(3)
    for rows, cols_x, cols_u in [(5, 3, 4), (4, 2, 2)]:
        A1 = rng.standard_normal((rows, cols_x))
        A2 = rng.standard_normal((rows, cols_u))
        B = 0.7
        s1 = np.linalg.svd(A1, compute_uv=False)
        s2 = np.linalg.svd(A2, compute_uv=False)
        constants = additive_constants_from_matrices(A1, A2, B)
        expected = {"mu": s1.min() ** 2, "L1": s1.max() ** 2, "L2": 1.0, "G1": B * s2.max(),
                    "G2": B * s1.max() * s2.max(), "kappa": (s1.max() / s1.min()) ** 2}
        for name, value in expected.items():
            assert float(constants[name]) == pytest.approx(value, rel=1e-10), name
        direct = additive_constants(s1.min(), s1.max(), s2.max(), B)
        assert float(direct["G2"]) == pytest.approx(expected["G2"], rel=1e-12)


def test_additive_constants_wide_A1_is_not_strongly_convex():
    with pytest.raises(InputError, match="s_min_A1 must be positive"):
        additive_constants_from_matrices([[1, 2, 3], [4, 5, 6]], [[1], [1]])


def test_theorem13_implied_constant_shrinks_as_A2_grows():
    values = [float(theorem13_implied_constant(1.0, s, 1, 50.0)) for s in (0.01, 0.3, 5)]
    assert values[0] > values[1] > values[2]
    assert values[1] == pytest.approx(1.0 / (0.3 * 50.0**0.75), rel=1e-12)


def test_relu_constants_in_floats():
    constants = relu_constants(0.4, 3.0, [1.5, 2.0])
    assert float(constants["mu"]) == pytest.approx(0.08)
    assert float(constants["L1"]) == pytest.approx(9.0 * 1.5**2 * 2.0**2)
    assert float(constants["kappa"]) == pytest.approx(2 * 9.0 * 2.25 * 4.0 / 0.16)
    rng = np.random.default_rng(0)
    F = rng.standard_normal((4, 9))
    s = np.linalg.svd(F, compute_uv=False)
    measured = relu_measured_constants(s[3], s[0])
    assert float(measured["kappa"]) == pytest.approx((s[0] / s[3]) ** 2, rel=1e-12)


def test_width_implied_constant_uses_the_max():
    assert float(width_implied_constant(10**6, 4, 3)) == pytest.approx(10**6 / (4**4.5 * 9), rel=1e-12)
    assert float(width_implied_constant(10**6, 16, 3)) == pytest.approx(10**6 / (16**4.5 * 16), rel=1e-12)


def test_implied_c_with_unbounded_balls_is_zero_and_the_analysis_completes():
    """R_x = R_u = inf: every c in (0, 1/51] satisfies the radius conditions (a regression: bisection used to reach
    c = 0 and fail on a complex value)."""
    from momcert.theory.nesterov import implied_c_for_radii, nesterov_analysis

    assert implied_c_for_radii(1, 100, 1, 0.001, 1, "inf", "inf") == 0
    report = nesterov_analysis(1, 100, L2=1, G1="1/1000", G2="1/100", delta0=1, Rx="inf", Ru="inf")
    assert report.conditions["thm7_c_radii"].status == "holds"
    assert report.conditions["thm7_Rx"].status == "holds"


@pytest.mark.parametrize("infinity", ["inf", "Infinity", "OO", "oo", float("inf"), sympy.oo])
def test_radii_accept_every_spelling_of_infinity(infinity):
    report = nesterov_analysis(1, 100, L2=1, G1=0.01, G2=0.1, delta0=1, Rx=infinity, Ru=infinity)
    assert report.quantities["R_x"] == report.quantities["R_u"] == sympy.oo
    assert report.conditions["thm7_Rx"].status == report.conditions["thm7_Ru"].status == "holds"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"Rx": "2*inf"}, "Rx: cannot parse '2*inf': 'inf' means infinity"),
    ({"Ru": "nan"}, "Ru: 'nan' is not a number"),
    ({"Rx": "-inf"}, "Rx must be nonnegative, got Rx = -inf"),
    ({"delta0": "inf"}, "delta0: 'inf' means infinity, which is not allowed here"),
    ({"target": "oo"}, "target: 'oo' means infinity, which is not allowed here"),
    ({"G1": float("nan")}, "G1: nan is not a number"),
])
def test_infinity_is_for_radii_only(kwargs, message):
    with pytest.raises(InputError) as error:
        nesterov_analysis(1, 100, L2=1, **kwargs)
    assert message in str(error.value) and "\n" not in str(error.value)
