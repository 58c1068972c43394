"""momcert.theory.check: reference verdicts, the two-timescale regions, translations, errors, report
forms.

Regions are compared with hand-written SymPy booleans on every cell of the arrangement of their boundary lines
(exact for these piecewise-linear regions) and cross-checked by numerics at sampled parameter values.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import time

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from schedule_numerics import properties, ratio_properties, whole_sequence
from test_parse import _expressions

from momcert.theory import check, translations
from momcert.theory.conditions import CONDITIONS
from momcert.theory.errors import InputError
from momcert.theory.parse import K, parse_expression
from momcert.theory.theorems import THEOREMS

A, B, C, D, G = (sympy.Symbol(n, positive=True) for n in "abcdg")
HALF = sympy.Rational(1, 2)
TWO_TIMESCALE = {"bounded": (B < A) & (A <= 1) & (D <= 1), "l2": (HALF < B) & (B < A) & (A <= 1) & (D <= 1)}


def _read_back(text: str) -> sympy.Basic:
    """A region string as a user would read it back: sympy.parse_expr, names mapped to positive symbols."""
    names = {n: sympy.Symbol(n, positive=True) for n in "abcdgqs"}
    return sympy.parse_expr(text, local_dict=names)


def _same_region(region: sympy.Basic, expected: sympy.Basic, grids: dict) -> None:
    symbols = sorted(grids, key=lambda s: s.name)
    for values in itertools.product(*(grids[s] for s in symbols)):
        point = dict(zip(symbols, values, strict=True))
        assert bool(region.subs(point)) == bool(expected.subs(point)), point


EXPONENT_GRID = [sympy.Rational(v) for v in ("1/5", "2/5", "1/2", "3/5", "7/10", "4/5", "1", "11/10", "3/2")]
SCALE_GRID = [HALF, sympy.Integer(1), sympy.Rational(3, 2)]


# -- registry ------------------------------------------------------------------------------------------------------
def test_condition_and_theorem_ids_are_those_of_theory_md():
    assert set(CONDITIONS) == {"eta_positive", "theta_in_unit", "eta_to_zero", "eta_sum_diverges", "theta_to_zero",
                               "theta_sum_diverges", "ratio_to_zero", "ratio_to_constant", "noise_bounded",
                               "noise_l2", "random_scale", "eta_noise_bounded", "eta_noise_l2", "theta_is_one",
                               "heavy_ball_map"}
    assert list(THEOREMS) == ["sgd", "xht-single", "xht-two", "xht-clarke"]
    assert all(c.provenance and c.statement for c in CONDITIONS.values())
    assert THEOREMS["xht-two"].provenance == "[XHT]/[SA]" and THEOREMS["sgd"].provenance == "[SA]"


# -- reference verdicts ---------------------------------------------------------------------------------------------
def test_power_law_reference_verdicts():
    report = check("c/(k+1)**a")
    assert report.conditions["eta_to_zero"].status == "holds"
    assert report.conditions["eta_noise_bounded"].status == "holds"
    _same_region(_read_back(report.to_dict()["conditions"]["eta_sum_diverges"]["when"]), A <= 1, {A: EXPONENT_GRID})
    _same_region(report.conditions["eta_noise_l2"].when, A > HALF, {A: EXPONENT_GRID})
    for a in (0.4, 0.6, 1.0, 1.5):
        numeric = properties(parse_expression("c/(k+1)**a"), {"c": 0.3, "a": a})
        assert numeric["sum_diverges"] == (a <= 1)
        assert numeric["square_summable"] == (a > 0.5)
        assert numeric["to_zero"] and numeric["log_to_zero"]


@pytest.mark.parametrize(("eta", "to_zero", "diverges", "square_summable", "values"), [
    ("c/((k+2)*log(k+2))", "holds", "holds", "holds", {"c": 0.5}),
    ("c/((k+2)*log(k+2)**2)", "holds", "fails", "holds", {"c": 0.5}),
    ("c", "fails", "holds", "fails", {"c": 0.1}),
    ("0.1*0.5**floor(k/30)", "holds", "fails", "holds", {}),
    ("0.1*0.9**k", "holds", "fails", "holds", {}),
    ("0.1*(1 + cos(pi*k/100))/2 + 0.001", "fails", "holds", "fails", {}),
])
def test_reference_schedules(eta, to_zero, diverges, square_summable, values):
    report = check(eta)
    got = [report.conditions[i].status for i in ("eta_to_zero", "eta_sum_diverges", "eta_noise_l2")]
    assert got == [to_zero, diverges, square_summable]
    numeric = properties(parse_expression(eta), values)
    assert [numeric["to_zero"], numeric["sum_diverges"], numeric["square_summable"]] == \
        [to_zero == "holds", diverges == "holds", square_summable == "holds"]


def test_geometric_and_step_decay_regions():
    report = check("c*g**floor(k/30)", assume=["g < 1"])
    assert report.conditions["eta_sum_diverges"].status == "fails"
    report = check("c*g**k")
    _same_region(report.conditions["eta_to_zero"].when, G < 1, {G: EXPONENT_GRID})
    assert not properties(parse_expression("c*g**k"), {"c": 1, "g": 0.99})["sum_diverges"]


@pytest.mark.parametrize("noise", ["bounded", "l2"])
def test_two_timescale_region_is_exact(noise):
    report = check("c/(k+1)**a", "d/(k+1)**b", noise=noise)
    verdict = report.theorems["xht-two"]
    assert verdict.verdict == "depends"
    region = _read_back(report.to_dict()["theorems"]["xht-two"]["when"])
    _same_region(region, TWO_TIMESCALE[noise], {A: EXPONENT_GRID, B: EXPONENT_GRID, D: SCALE_GRID})
    assert "c" not in str(region)


@pytest.mark.parametrize(("a", "b", "d"), [(0.9, 0.6, 0.5), (1.0, 0.4, 1.0), (0.8, 0.3, 0.9), (0.6, 0.8, 0.5),
                                           (1.2, 0.7, 0.5), (0.9, 0.6, 1.5), (0.7, 0.7, 0.5)])
def test_two_timescale_region_against_numerics(a, b, d):
    """At sampled points, the numeric hypotheses of xht-two hold exactly where the region says (both noise models)."""
    eta, theta = parse_expression("c/(k+1)**a"), parse_expression("d/(k+1)**b")
    values = {"a": a, "b": b, "c": 0.5, "d": d}
    eta_numeric, theta_numeric = properties(eta, values), properties(theta, values)
    common = (whole_sequence(theta, values)["at_most_one"] and eta_numeric["sum_diverges"]
              and theta_numeric["to_zero"] and theta_numeric["sum_diverges"]
              and ratio_properties(eta, theta, values)["ratio_to_zero"])
    numeric = {"bounded": common and theta_numeric["log_to_zero"],
               "l2": common and theta_numeric["square_summable"]}
    point = {A: sympy.nsimplify(a), B: sympy.nsimplify(b), D: sympy.nsimplify(d)}
    for noise in ("bounded", "l2"):
        region = check("c/(k+1)**a", "d/(k+1)**b", noise=noise).theorems["xht-two"].when
        assert bool(region.subs(point)) == numeric[noise]


def test_single_timescale_needs_a_constant_ratio():
    report = check("0.1/(k+1)**0.7", "0.05/(k+1)**0.7", noise="l2")
    assert report.conditions["ratio_to_constant"].status == "holds"
    assert report.theorems["xht-single"].verdict == "covered"
    assert report.theorems["xht-two"].verdict == "not_covered"
    assert "ratio_to_zero" in report.theorems["xht-two"].failed
    numeric = ratio_properties(parse_expression("0.05/(k+1)**0.7"), parse_expression("0.1/(k+1)**0.7"))
    assert numeric["ratio_to_constant"] and not numeric["ratio_to_zero"]


def test_plain_sgd():
    report = check("0.1/(k+1)**0.7")
    assert report.theorems["sgd"].verdict == "covered"
    assert report.noise_conditions["sgd"] == "eta_noise_bounded"
    assert check("0.1/(k+1)**0.7", noise="l2").noise_conditions["sgd"] == "eta_noise_l2"
    assert check("0.1/(k+1)**0.4", noise="l2").theorems["sgd"].verdict == "not_covered"
    sign = check("0.1/(k+1)**0.7", method="sign")
    assert sign.theorems["sgd"].verdict == "not_covered" and sign.theorems["sgd"].failed == ["heavy_ball_map"]
    assert not properties(parse_expression("0.1/(k+1)**0.4"))["square_summable"]


def test_torch_sgd_with_constant_momentum_is_not_two_timescale():
    translation = translations.from_torch_sgd("0.1/(k+1)**0.7", momentum=0.9)
    report = check(translation.eta, translation.theta, method=translation.method, rho=translation.rho,
                   translation=translation)
    assert report.theorems["xht-two"].verdict == "not_covered"
    assert "theta_to_zero" in report.theorems["xht-two"].failed
    assert report.translation and "torch.optim.SGD" in report.translation[0]
    assert not properties(translation.theta)["to_zero"]


def test_random_scale_and_clarke():
    plain = check("c/(k+1)**0.8", "0.5/(k+1)**0.6")
    assert plain.theorems["xht-clarke"].verdict == "not_covered"
    scaled = check("c/(k+1)**0.8", "0.5/(k+1)**0.6", random_scale="1/2:2")
    assert scaled.conditions["random_scale"].status == "holds"
    assert scaled.theorems["xht-two"].verdict == "covered"
    assert scaled.theorems["xht-clarke"].verdict == "covered"
    with pytest.raises(InputError):
        check("1/(k+1)", random_scale="2:1")


def test_assumptions_restrict_the_parameters():
    report = check("c/(k+1)**a", assume=["a <= 1", "a > 1/2"])
    assert report.conditions["eta_sum_diverges"].status == "holds"
    assert report.conditions["eta_noise_l2"].status == "holds"
    assert report.theorems["sgd"].verdict == "covered"
    with pytest.raises(InputError):
        check("c/(k+1)**a", assume=["a < 1/2", "a > 1"])


def test_lion_with_constant_theta_gets_the_perturbation_note():
    report = check("1e-4/(k+1)**0.6", "0.01", method="lion", rho=10)
    assert any("does not vanish" in note for note in report.notes)
    decaying = check("1e-4/(k+1)**0.9", "0.01/(k+1)**0.6", method="lion", rho=10)
    assert any("vanishes since theta_k -> 0" in note for note in decaying.notes)


@pytest.mark.parametrize(("eta", "theta", "kwargs", "message"), [
    ("0.1*(1 + cos(pi*k/100))/2", None, {}, "not positive"),
    ("-1/(k+1)", None, {}, "not positive"),
    ("1/(k+1)", "2", {}, "theta"),
    ("1/(k+1)", "1.5/(k+1)**0.5", {}, "theta"),
    ("1/(k+1)", None, {"method": "adam"}, "unknown method"),
    ("1/(k+1)", None, {"noise": "gaussian"}, "unknown noise model"),
    ("1/(k+", None, {}, "cannot parse"),
])
def test_bad_input_is_one_line(eta, theta, kwargs, message):
    with pytest.raises(InputError) as error:
        check(eta, theta, **kwargs)
    assert message in str(error.value) and "\n" not in str(error.value)
    if eta.startswith("0.1*(1"):
        assert not whole_sequence(parse_expression(eta))["positive"]


def test_bad_only_on_a_region_is_not_an_error():
    report = check("1/(k+1)", "d/(k+1)**b")
    assert report.conditions["theta_in_unit"].status == "depends"
    _same_region(report.conditions["theta_in_unit"].when, D <= 1, {D: SCALE_GRID})
    assert not whole_sequence(parse_expression("d/(k+1)**b"), {"d": 1.5, "b": 0.5})["at_most_one"]


def test_time_budget_gives_unknown_not_a_hang():
    import time

    started = time.perf_counter()
    report = check("c/(k+5)**a + e/(k+9)**a", "d/(k+4)**b + f/(k+8)**b", budget=1e-4)  # not cached
    assert time.perf_counter() - started < 5
    timed_out = [c for c in report.conditions.values() if "budget" in c.reason]
    assert timed_out and all(c.status == "unknown" for c in timed_out)
    assert report.theorems["xht-two"].verdict == "inconclusive"


def test_report_forms():
    report = check("c/(k+1)**a", "d/(k+1)**b", noise="l2")
    data = json.loads(json.dumps(report.to_dict()))
    assert {"eta", "theta", "parameters", "noise", "conditions", "theorems"} <= set(data)
    assert data["parameters"] == ["a", "b", "c", "d"] and data["noise"] == "l2"
    assert set(data["conditions"]["noise_l2"]) == {"status", "when", "reason"}
    assert {"verdict", "when", "failed", "provenance"} <= set(data["theorems"]["xht-two"])
    for entry in list(data["conditions"].values()) + list(data["theorems"].values()):
        _read_back(entry["when"])
    text = str(report)
    assert "xht-two" in text and "depends" in text and "noise_l2" in text
    assert report._repr_markdown_().count("|") > 40
    assert report._repr_latex_().startswith("$$") and r"\theta_k" in report._repr_latex_()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(_expressions(), _expressions())
def test_fuzz_check_reports_or_rejects(eta, theta):
    """Random grammar expressions: check() returns a report or raises InputError (never another exception), and a
    tight budget bounds its time."""
    started = time.perf_counter()
    try:
        report = check(eta, theta, budget=0.2)
    except InputError:
        return
    finally:
        assert time.perf_counter() - started < 20
    assert set(report.to_dict()["conditions"]) == set(CONDITIONS)


def test_a_relation_sympy_decides_while_printing_regions_is_kept():
    """A fuzz-found crash: with floor(c) in theta, a region's atom evaluates to true/false when it is printed."""
    report = check("Max(294, c)", "(cos(1e-3))/(floor(c))", budget=0.5)
    assert set(report.conditions) == set(CONDITIONS)
    # eta_k = max(294, c) >= 294 for every k: it does not tend to 0, and its partial sums grow like 294 K
    assert report.conditions["eta_to_zero"].status == "fails"
    assert report.conditions["eta_sum_diverges"].status == "holds"
    eta = sympy.lambdify((sympy.Symbol("k"), sympy.Symbol("c")), sympy.sympify(report.to_dict()["eta"]))
    for c in (0.5, 3.0, 1e4):
        terms = [eta(k, c) for k in range(0, 10 ** 5, 7)]
        assert min(terms) >= 294 and sum(terms) >= 294 * len(terms)


def test_region_algebra_is_inside_the_time_budget():
    """Many parameters make the region algebra (not only the asymptotics) costly: it shares the budget, so a check
    ends with inconclusive verdicts and a note instead of hanging (a regression: this input used to run for minutes)."""
    import time

    start = time.perf_counter()
    report = check("Min(1/(k+1)**a, 1/(k+1)**b)", "Max(1/(k+1)**e, 1/(k+1)**f)", budget=0.5)
    assert time.perf_counter() - start < 30
    reasons = " ".join(report.notes) + " ".join(c.reason for c in report.conditions.values())
    assert any(t.verdict == "inconclusive" for t in report.theorems.values()) and "time budget" in reasons
    assert report.theorems["sgd"].verdict == "not_covered"  # decided without region algebra: theta is not 1


@pytest.mark.parametrize(("eta", "k"), [("((k-5/2)**2-3/10)/(k+1)**3", 2), ("(k-3)**2/(k+1)**3", 3)])
def test_a_schedule_that_dips_to_zero_early_is_rejected_with_the_step(eta, k):
    """Structural arguments say nothing here (not monotone, positive tail); the early terms are evaluated."""
    values = [float(parse_expression(eta).subs(parse_expression("k"), j)) for j in range(6)]
    assert min(values) <= 0 and values.index(min(values)) == k  # the numbers themselves
    with pytest.raises(InputError, match=f"eta_k <= 0 at k = {k}"):
        check(eta)


# -- input rules: names, constant schedules, undefined terms, witnesses, structural conditions, assumptions ----------
GAMMA = sympy.Symbol("gamma", positive=True)


def test_step_decay_with_a_parameter_named_gamma():
    report = check("lr*gamma**floor(k/30)")
    assert report.parameters == ["gamma", "lr"]
    assert report.conditions["eta_sum_diverges"].status == "depends"
    _same_region(report.conditions["eta_sum_diverges"].when, GAMMA >= 1, {GAMMA: [HALF, sympy.Integer(1), 2]})
    _same_region(report.conditions["eta_to_zero"].when, GAMMA < 1, {GAMMA: [HALF, sympy.Integer(1), 2]})
    for gamma, diverges in ((0.5, False), (1, True)):
        assert properties(parse_expression("lr*gamma**floor(k/30)"), {"lr": 0.1, "gamma": gamma})["sum_diverges"] \
            == diverges


@pytest.mark.parametrize("name", ["beta", "E", "N", "S", "I", "Q", "zeta", "lambda"])
def test_natural_parameter_names(name):
    report = check(f"{name}/(k+1)**0.7", f"{name}/(k+1)**0.5", assume=[f"{name} <= 1"])
    assert report.parameters == [name]
    assert report.theorems["xht-two"].verdict == "covered"
    assert report.conditions["theta_in_unit"].status == "holds"  # the assumption bounds the parameter, not SymPy's E


def test_constant_schedules_with_parameters_are_schedules():
    report = check("c", "1 - b")
    assert report.parameters == ["b", "c"]
    assert report.conditions["eta_to_zero"].status == "fails"
    assert report.conditions["theta_in_unit"].status == "depends"  # 0 < 1 - b <= 1 iff b < 1


@pytest.mark.parametrize(("eta", "message"), [
    ("0.1/(n+1)", "eta does not depend on k (found n; the iteration index is k)"),
    ("1/(k-3)**2", "eta_k = (k - 3)**(-2) is undefined at k = 3 (division by zero)"),
    ("1/k", "eta_k = 1/k is undefined at k = 0 (division by zero)"),
    ("log(k-2)", "eta_k = log(k - 2) is undefined at k = 0 (log of -2)"),
    ("sqrt(k-5)", "eta_k = sqrt(k - 5) is undefined at k = 0 (square root of -5)"),
    ("1/(k**2 - 9*k + 20)", "is undefined at k = 4 (division by zero)"),
    ("1/floor(k/3) + 1", "is undefined at k = 0 (division by zero)"),
    ("1/cos(pi*k/2)**2", "is undefined at k = 1 (division by zero)"),
    ("1/(k+1) - 0.3", "is not positive for every k >= 0, for any parameter value (eta_k <= 0 at k = 3)"),
    ("1/(k+1) - 1e-6", "(eta_k <= 0 at k = 999999)"),
    ("-c/(k+1)", "(eta_k <= 0 at k = 0)"),
    ("inf", "eta: 'inf' means infinity, which is not allowed here"),
    ("1/(k+1) + nan", "eta: cannot parse '1/(k+1) + nan': 'nan' is not a number"),
])
def test_schedule_errors_name_the_token_or_the_step(eta, message):
    with pytest.raises(InputError) as error:
        check(eta)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_named_steps_are_the_first_bad_ones():
    """Exact values: the steps named above are where the sequence first leaves the positive reals."""
    for text, first in (("1/(k+1) - 0.3", 3), ("1/(k+1) - 1e-6", 999999)):
        expression = parse_expression(text)
        assert expression.subs(K, first) <= 0 < expression.subs(K, first - 1)
    for text, first in (("1/(k**2 - 9*k + 20)", 4), ("1/cos(pi*k/2)**2", 1)):
        values = [parse_expression(text).subs(K, j) for j in range(first + 1)]
        assert all(v.is_finite for v in values[:first]) and values[first] == sympy.zoo


SCHEDULES_AND_METHODS = [
    ("0.1/(k+1)**0.7", None, {}),
    ("0.1/(k+1)**0.7", None, {"method": "sign"}),
    ("0.1/(k+1)**0.7", "0.1", {}),
    ("0.1/(k+1)**0.7", "0.1", {"method": "lion", "rho": 10}),
    ("0.1/(k+1)**0.9", "0.5/(k+1)**0.6", {"method": "clip"}),
    ("c/(k+1)**a", "d/(k+1)**b", {"noise": "l2"}),
    ("c", "1 - b", {}),
    ("0.1", "0.1/(k+1)**0.5", {"method": "normalized"}),
]


@pytest.mark.parametrize(("eta", "theta", "kwargs"), SCHEDULES_AND_METHODS)
def test_every_failed_id_is_a_reported_condition(eta, theta, kwargs):
    report = check(eta, theta, **kwargs)
    failed = {i for t in report.theorems.values() for i in t.failed}
    assert failed and failed <= set(report.conditions) == set(report.to_dict()["conditions"])
    for theorem in report.theorems.values():
        assert set(theorem.failed) <= set(theorem.hypotheses) | {i for o in theorem.hypotheses
                                                                 if o in report.theorems
                                                                 for i in report.theorems[o].hypotheses}


def test_structural_requirements_of_sgd_are_conditions():
    momentum = check("0.1/(k+1)**0.7", "0.1")
    assert momentum.conditions["theta_is_one"].status == "fails"
    assert momentum.theorems["sgd"].failed == ["theta_is_one"]
    lion = check("0.1/(k+1)**0.7", "0.1", method="lion", rho=10)
    assert lion.conditions["heavy_ball_map"].status == "fails"
    assert lion.theorems["sgd"].failed == ["theta_is_one", "heavy_ball_map"]
    perturbed = check("0.1/(k+1)**0.7", rho=2)  # theta_k = 1 but the direction argument is perturbed
    assert perturbed.theorems["sgd"].failed == ["heavy_ball_map"]
    momentum_d = check("0.1/(k+1)**0.7", "d")
    assert momentum_d.conditions["theta_is_one"].status == "depends"
    assert momentum_d.theorems["sgd"].verdict == "depends" and momentum_d.theorems["sgd"].when == sympy.Eq(D, 1)
    assert "theta_is_one" in THEOREMS["sgd"].hypotheses and "heavy_ball_map" in THEOREMS["sgd"].hypotheses


@pytest.mark.parametrize(("assume", "message"), [
    (["z <= 1"], "assume: z does not appear in the schedule"),
    (["a <= 1", "x > 1", "y < 2"], "assume: x, y do not appear in the schedule"),
    (["a <= inf"], "assume: cannot parse 'a <= inf': 'inf' means infinity"),
])
def test_an_assumption_on_a_name_outside_the_schedule_is_an_error(assume, message):
    with pytest.raises(InputError) as error:
        check("c/(k+1)**a", assume=assume)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_values_given_from_python_are_never_evaluated_as_text():
    report = check("1/(k+1)", "0.5/(k+1)**0.5", random_scale=("1/2", 2), rho="1")
    assert report.random_scale == (HALF, 2)
    with pytest.raises(InputError, match="random scale B: infinity is not allowed"):
        check("1/(k+1)", random_scale=(1, float("inf")))
    with pytest.raises(InputError, match="rho: cannot parse"):
        check("1/(k+1)", rho="__import__('os')")


# -- constants with parameters ----------------------------------------------------------------------------------------
def _cli_report(*arguments: str) -> dict:
    result = subprocess.run(["momcert", "check", *arguments, "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("arguments", "name", "depends"), [
    (("--theta", "1 - b", "--eta", "c/(k+1)"), "b", {
        "theta_in_unit": "b < 1", "theta_to_zero": "Eq(b, 1)", "noise_bounded": "Eq(b, 1)", "noise_l2": "Eq(b, 1)",
        "theta_sum_diverges": "Ne(b, 1)", "ratio_to_zero": "Ne(b, 1)"}),
    (("--from", "torch-sgd", "--lr", "c/(k+1)", "--momentum", "m"), "m", {
        "eta_positive": "m < 1", "theta_in_unit": "m < 1", "theta_to_zero": "Eq(m, 1)", "noise_bounded": "Eq(m, 1)",
        "eta_to_zero": "Ne(m, 1)", "ratio_to_zero": "Ne(m, 1)"}),
])
def test_a_constant_theta_with_a_parameter_decides_every_condition(arguments, name, depends):
    """theta_k = 1 - b (torch: theta_k = 1 - m, eta_k = c/((k+1)(1 - m))) is a constant: theta_k -> 0 and theta_k log k
    -> 0 exactly where it is 0 (b = 1), theta_k/eta_k ~ (1 - b) k/c never tends to a positive constant (it is 0 for
    every k at b = 1), eta_k/theta_k is undefined at b = 1 and ~ c/((1 - b) k) -> 0 elsewhere; with the torch
    translation eta_k itself is undefined at m = 1 and negative for m > 1."""
    report = _cli_report(*arguments)
    conditions = report["conditions"]
    assert [i for i, v in conditions.items() if v["status"] == "unknown"] == []
    assert all("cancellation" not in v["reason"] for v in conditions.values())
    for condition_id, when in depends.items():
        assert (conditions[condition_id]["status"], conditions[condition_id]["when"]) == ("depends", when)
    assert conditions["ratio_to_constant"]["status"] == "fails"
    assert report["theorems"]["xht-single"]["failed"] == ["ratio_to_constant"]
    # xht-two: no hypothesis fails for every value; the two named never hold together (b = 1 and b != 1), and
    # each holds somewhere on its own, so neither could be left out
    two = report["theorems"]["xht-two"]
    assert two["verdict"] == "not_covered" and two["failed"] == ["ratio_to_zero", "noise_bounded"]
    assert {conditions[i]["when"] for i in two["failed"]} == {f"Ne({name}, 1)", f"Eq({name}, 1)"}
    symbol = sympy.Symbol(name, positive=True)
    c = sympy.Symbol("c", positive=True)
    theta, eta = 1 - symbol, c / ((K + 1) * (1 - symbol) if name == "m" else K + 1)
    for value in (sympy.Rational(1, 2), sympy.Rational(3, 2)):  # numerics agree on both sides of the boundary
        point = {name: value, "c": 1}
        assert ratio_properties(eta, theta, point)["ratio_to_zero"]
        assert not ratio_properties(theta, eta, point)["ratio_to_constant"]
        assert not properties(theta, point)["to_zero"]
        assert whole_sequence(theta, point)["positive"] == (value < 1)


# -- schedules that vanish or rise above 1 at some k: rejected with the k ----------------------------------------------
@pytest.mark.parametrize(("arguments", "message", "witness"), [
    (["--eta", "(1 + (-1)**k)/(k+1)"], "(eta_k <= 0 at k = 1)", 1),
    (["--eta", "(1+cos(pi*k))/(k+1)"], "(eta_k <= 0 at k = 1)", 1),
    (["--eta", "c*(1 + (-1)**k)/(k+2)"], "for any parameter value (eta_k <= 0 at k = 1)", 1),
    (["--eta", "sin(k+2)**2 + cos(k+2)**2 - 1"], "(eta_k <= 0 at k = 0)", 0),
    (["--eta", "0.1", "--theta", "(1 + (-1)**k)/(k+1)"], "parameter value: theta_k <= 0 at k = 1)", 1),
    (["--eta", "0.1", "--theta", "(k+1)**3/3**k"], "for every parameter value: theta_k = 8/3 > 1 at k = 1)", 1),
])
def test_a_schedule_that_vanishes_or_exceeds_one_is_rejected_with_the_k(arguments, message, witness):
    result = subprocess.run(["momcert", "check", *arguments], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.rstrip().endswith(message), result.stderr
    assert "could not decide" not in result.stderr and "Error" not in result.stderr
    expression = parse_expression(arguments[-1]).subs(sympy.Symbol("c", positive=True), 3)
    with mpmath.workdps(50):  # independent check of the named k at 50 digits
        value = sympy.lambdify(K, expression, "mpmath")(mpmath.mpf(witness))
    assert (value > 1) if "> 1" in message else (abs(value) < mpmath.mpf(10) ** -40)


def test_a_difference_that_is_zero_at_one_parameter_value_is_zero_there_and_divides_nothing():
    """theta_k = exp(-1/(k+2)) - exp(-c/(k+2)) is 0 for every k at c = 1 and ~ (c - 1)/k elsewhere: theta_k -> 0 for
    every c, its sum diverges exactly where c != 1, and eta_k/theta_k is undefined at c = 1 (so ratio_to_zero fails
    there) and tends to 1/(c - 1) elsewhere: it fails for every c."""
    report = check("1/(k+1)", "exp(-1/(k+2)) - exp(-c/(k+2))")
    conditions = report.conditions
    assert conditions["theta_to_zero"].status == "holds"
    assert sympy.sstr(conditions["theta_sum_diverges"].when) == "Ne(c, 1)"
    assert conditions["ratio_to_zero"].status == "fails"
    assert "the denominator is 0 for every k where Eq(c, 1)" in conditions["ratio_to_zero"].reason
    c_symbol = sympy.Symbol("c", positive=True)
    theta = sympy.exp(-1 / (K + 2)) - sympy.exp(-c_symbol / (K + 2))
    assert all(theta.subs({c_symbol: 1, K: k}) == 0 for k in range(5))
    with mpmath.workdps(40):
        for c in (mpmath.mpf("0.5"), mpmath.mpf(2)):
            k = mpmath.mpf(10) ** 8
            value = mpmath.exp(-1 / (k + 2)) - mpmath.exp(-c / (k + 2))
            assert abs(k * value - (c - 1)) < 1e-6  # theta_k ~ (c - 1)/k, so eta_k/theta_k -> 1/(c - 1) != 0


@pytest.mark.parametrize(("theta", "when", "inside", "outside"), [
    ("c/log(k+2)**a", "c <= log(2)**a", {"a": 1, "c": sympy.Rational(1, 2)}, {"a": 1, "c": 1}),
    ("c/(k+2)**a", "c <= 2**a", {"a": 1, "c": 2}, {"a": 1, "c": 3}),
])
def test_a_region_proven_both_ways_is_a_depends_in_its_simplest_form(theta, when, inside, outside):
    """theta_k <= 1 holds where theta_0 <= 1 (theta decreases) and fails where theta_0 > 1: both are proven, on an
    atom (c <= log(2)**a) that the region algebra cannot solve, so the condition depends on it (it was unknown when
    only linear atoms were compared), shown with the denominator cleared. Sampled on both sides."""
    verdict = check("1/(k+1)", theta).conditions["theta_in_unit"]
    assert (verdict.status, sympy.sstr(verdict.when)) == ("depends", when)
    expression = parse_expression(theta)
    assert whole_sequence(expression, inside)["at_most_one"] and not whole_sequence(expression, outside)["at_most_one"]
