"""momcert.theory.parse: the whitelist grammar reads schedules exactly and rejects everything else with ParseError.

Safety: a property-based fuzz (thousands of random texts and thousands of grammar-built expressions) and explicit
injection attempts; during all of them ``eval``, ``exec``, ``compile``, ``sympify`` and SymPy's string parser are
wrapped by tripwires that fire if they ever receive the user's text, and shell payloads would create a marker file, so
"nothing is executed" is observed, not assumed.
"""

from __future__ import annotations

import builtins
import contextlib

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from momcert.theory import check
from momcert.theory.errors import InputError, ParseError
from momcert.theory.parse import MAX_DEPTH, MAX_LENGTH, K, parse_expression, parse_relation


class Executed(Exception):
    pass


@contextlib.contextmanager
def tripwires(text: str):
    """While active, eval/exec/compile and SymPy's string parsers raise Executed if what they are given contains the
    user's text (SymPy itself compiles some of its own helper code, which is allowed); restored before reporting."""
    targets = [(builtins, name) for name in ("eval", "exec", "compile")]
    targets += [(sympy.parsing.sympy_parser, "parse_expr"), (sympy, "parse_expr"), (sympy, "sympify")]
    saved = [(owner, name, getattr(owner, name)) for owner, name in targets]
    probe = text.strip()[:40]

    def guard(original):
        def guarded(*args, **kwargs):
            if probe and args and isinstance(args[0], (str, bytes)) and probe in str(args[0]):
                raise Executed(str(args[0])[:80])
            return original(*args, **kwargs)

        return guarded

    for owner, name, original in saved:
        setattr(owner, name, guard(original))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def parse_or_reject(text):
    """The only two allowed outcomes: a SymPy expression, or ParseError with a one-line message."""
    try:
        with tripwires(text):
            value = parse_expression(text)
    except ParseError as error:
        assert "\n" not in str(error)
        return None
    assert isinstance(value, sympy.Expr)
    return value


@pytest.mark.parametrize(("text", "expected"), [
    ("0.1/(k+1)**0.6", sympy.Rational(1, 10) / (K + 1) ** sympy.Rational(3, 5)),
    ("-k**2", -(K**2)),
    ("2**-1", sympy.Rational(1, 2)),
    ("1e-3*k", K / 1000),
    ("Min(1, (k+1)/10)", sympy.Min(1, (K + 1) / 10)),
    ("ceil(k/3)", sympy.ceiling(K / 3)),
    ("cos(pi*k/100)", sympy.cos(sympy.pi * K / 100)),
])
def test_reads_exactly(text, expected):
    assert parse_expression(text) == expected


def test_names_are_positive_parameters_and_relations_parse():
    value = parse_expression("c/(k+1)**a")
    assert {s.name for s in value.free_symbols} == {"a", "c", "k"}
    assert all(s.is_positive for s in value.free_symbols if s.name != "k")
    assert parse_relation("a <= 1") == sympy.Le(sympy.Symbol("a", positive=True), 1)


INJECTIONS = [
    "__import__('os').system('touch {marker}')",
    "__import__",
    "().__class__.__bases__[0].__subclasses__()",
    "k.__class__",
    "k.real",
    "lambda: 1",
    "lambda k: k",
    "exec('open(\"{marker}\", \"w\")')",
    "eval('1')",
    "open('{marker}', 'w')",
    "globals()",
    "__builtins__",
    "k if 1 else 2",
    "[1, 2]",
    "{{'a': 1}}",
    "'k'",
    "x = 1",
    "a; import os",
    "k @ k",
    "Symbol('x')",
    "sympify('k')",
    "inf",
    "2*oo",
    "nan",
    "Infinity",
    "k\x00",
    "\u0661\u0662",  # Arabic-Indic digits
    "k+" * 5000 + "1",
    "(" * 5000 + "k" + ")" * 5000,
    "-" * (MAX_DEPTH + 5) + "k",
    "9" * 1000,
    "1" + "e999999",
    "10**10**10",
    "2**2**2**2**2**2",
    "Min(" + ",".join(["k"] * 20) + ")",
    "log()",
    "log(k, 2)",
    "exp",
    "1/0",
    "0**-1",
    "Min(k, log(0))",
    "1/log(1)",
    "log(0)",
    "sqrt(-1)",
    "k**",
    ")",
    "",
    "   ",
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_injection_attempts_are_rejected_and_run_nothing(template, tmp_path):
    marker = tmp_path / "executed"
    text = template.format(marker=marker) if "{" in template else template
    assert parse_or_reject(text) is None
    assert not marker.exists()


def test_min_and_max_whose_sympy_evaluation_costs_seconds_are_built_at_once_and_decided():
    """SymPy's own Min/Max evaluation compares the arguments through its assumptions: seconds for these two (once
    rejected as too slow to build). Built without that comparison, they parse in milliseconds and the check decides
    them: Max(k**307, k) is 0 at k = 0, and Min(a**220, a + 1/2) is a positive constant for every a."""
    assert parse_expression("Max(k**307, k)") == sympy.Max(K, K**307, evaluate=False)
    assert parse_expression("Min(a**220, a + 1/2)").func is sympy.Min
    with pytest.raises(InputError, match=r"eta_k <= 0 at k = 0"):
        check("Max(k**307, k)")
    report = check("Min(a**220, a + 1/2)")
    statuses = {c.id: c.status for c in report.conditions.values()}
    assert statuses["eta_positive"] == "holds" and statuses["eta_to_zero"] == "fails"
    assert statuses["eta_sum_diverges"] == "holds" and statuses["ratio_to_constant"] == "holds"


@pytest.mark.parametrize("text", ["((313)/((3)/(k)))**((626)/(.25))", "(2*k/3)**2000", "(a/7)**1000"])
def test_numbers_that_sympy_grows_past_the_limit_are_rejected(text):
    """A found fuzz case: (313 k/3)**2504 expands to a coefficient of over 5000 digits, which Python cannot even print;
    the literals are small, so only the built value shows it."""
    with pytest.raises(ParseError, match="more than 400 digits"):
        parse_expression(text)


def test_numbers_below_the_limit_are_kept():
    assert parse_expression("(2*k)**400").atoms(sympy.Integer) >= {sympy.Integer(2) ** 400}


def test_long_input_is_rejected_before_parsing():
    with pytest.raises(ParseError, match="longer than"):
        parse_expression("k" + "+k" * MAX_LENGTH)


ALPHABET = st.sampled_from([*"k0123456789.+-*/()[],<>=_ eEaxyz'\"\\;:@!#$%^&|~`{}?", "**", "log", "exp", "__",
                            "lambda", "import"])


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_fuzz_random_text(text):
    parse_or_reject(text)


def _expressions():
    leaves = st.one_of(st.just("k"), st.sampled_from(["a", "c", "pi"]),
                       st.integers(0, 1000).map(str), st.sampled_from(["0.5", "1e-3", ".25", "3."]))

    def extend(children):
        binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})")
        unary = st.tuples(st.sampled_from(["log", "exp", "sqrt", "floor", "cos", "-"]), children).map(
            lambda t: f"{t[0]}({t[1]})")
        pair = st.tuples(st.sampled_from(["Min", "Max"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
        return st.one_of(binary, unary, pair)

    return st.recursive(leaves, extend, max_leaves=6)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions())
def test_fuzz_grammar_expressions_parse(text):
    """Well-formed expressions parse (the only rejections allowed are the documented size and division checks)."""
    try:
        with tripwires(text):
            value = parse_expression(text)
    except ParseError as error:
        assert any(reason in str(error) for reason in ("division by zero", "too large", "out of range", "longer than",
                                                        "more than", "nested", "not a finite real value",
                                                        "SymPy cannot build", "SymPy needs more than"))
        return
    assert isinstance(value, sympy.Expr)
    assert value.free_symbols <= {K} | {sympy.Symbol(n, positive=True) for n in ("a", "c")}


def test_tripwire_fires_when_user_text_reaches_a_string_evaluator():
    """The safety check above can fail: handing the text to sympify (which evals strings) is caught."""
    with pytest.raises(Executed), tripwires("k + 1"):
        sympy.sympify("k + 1")


@pytest.mark.parametrize(("value", "expected"), [
    (0.1, sympy.Rational(1, 10)), (3, sympy.Integer(3)), ("0.6/(k+1)", sympy.Rational(3, 5) / (K + 1)),
    (sympy.Rational(2, 7), sympy.Rational(2, 7)),
])
def test_as_expression_is_exact(value, expected):
    from momcert.theory.parse import as_expression

    assert as_expression(value, "lr") == expected


@pytest.mark.parametrize(("value", "message"), [
    (True, "lr must be a number"), (None, "lr must be a number"), ([0.1], "lr must be a number"),
    (float("inf"), "lr: infinity is not allowed"), (float("nan"), "lr: nan is not a number"),
    (sympy.oo, "lr: infinity is not allowed"), (sympy.zoo, "lr: infinity is not allowed"),
    ("inf", "lr: 'inf' means infinity"), ("NaN", "lr: 'NaN' is not a number"),
    (sympy.Symbol("a") < 1, "lr must be an expression"), ("k+", "lr: cannot parse"),
])
def test_as_expression_rejects_with_the_name(value, message):
    from momcert.theory.parse import as_expression

    with pytest.raises(InputError, match=message):
        as_expression(value, "lr")


NATURAL_NAMES = ["beta", "gamma", "zeta", "lambda", "lam", "E", "I", "N", "S", "Q", "O", "Symbol", "abs", "sum", "e"]


@pytest.mark.parametrize("name", NATURAL_NAMES)
def test_every_other_identifier_is_a_positive_parameter_not_a_sympy_name(name):
    """SymPy's own names (Euler's E, the imaginary I, S, N, Q, the gamma function, ...) never leak into the grammar."""
    with tripwires(name):
        value = parse_expression(f"{name}/(k+1)")
    (symbol,) = value.free_symbols - {K}
    assert value == symbol / (K + 1) and symbol == sympy.Symbol(name, positive=True)
    assert parse_relation(f"{name} <= 1") == sympy.Le(symbol, 1)


def test_step_decay_with_a_parameter_named_gamma():
    lr, gamma = sympy.Symbol("lr", positive=True), sympy.Symbol("gamma", positive=True)
    assert parse_expression("lr*gamma**floor(k/30)") == lr * gamma ** sympy.floor(K / 30)


@pytest.mark.parametrize("text", ["inf", "Inf", "INFINITY", "oo", "nan", "NaN", "2*inf", "1/(k+oo)", "-inf", "k**nan"])
def test_infinity_and_nan_are_reserved_words(text):
    word = next(w for w in ("infinity", "inf", "oo", "nan") if w in text.lower())
    with pytest.raises(ParseError, match=r"means infinity|is not a number") as error:
        parse_expression(text)
    assert word in str(error.value).lower() and "\n" not in str(error.value)
    with pytest.raises(ParseError, match=r"means infinity|is not a number"):
        parse_relation(f"a <= {text}")


@pytest.mark.parametrize(("value", "expected"), [
    ("inf", sympy.oo), (" Infinity ", sympy.oo), ("OO", sympy.oo), ("-inf", -sympy.oo), (float("inf"), sympy.oo),
    (sympy.oo, sympy.oo), ("10", sympy.Integer(10)),
])
def test_infinity_is_a_whole_value_where_it_is_allowed(value, expected):
    from momcert.theory.parse import as_expression

    assert as_expression(value, "Rx", allow_infinity=True) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2*inf", "Rx: cannot parse '2\\*inf': 'inf' means infinity"), ("nan", "Rx: 'nan' is not a number"),
    (float("nan"), "Rx: nan is not a number"), (sympy.zoo, "Rx: infinity is not allowed"),
])
def test_infinity_inside_an_expression_and_nan_stay_errors_where_infinity_is_allowed(value, message):
    from momcert.theory.parse import as_expression

    with pytest.raises(InputError, match=message):
        as_expression(value, "Rx", allow_infinity=True)


@pytest.mark.parametrize(("text", "found"), [
    ("0.1/(n+1)", "n"), ("1/sqrt(t+1)", "t"), ("0.5**floor(epoch/30)", "epoch"), ("c/(i+j+1)", "i, j"),
    ("1/(step+1)", "step"),
])
def test_a_schedule_in_an_index_letter_without_k_is_rejected(text, found):
    from momcert.theory.parse import as_schedule

    with pytest.raises(InputError) as error:
        as_schedule(text, "eta")
    assert str(error.value) == f"eta does not depend on k (found {found}; the iteration index is k)"


@pytest.mark.parametrize(("text", "expected"), [
    ("0.1", sympy.Rational(1, 10)), ("c", sympy.Symbol("c", positive=True)),
    ("1 - b", 1 - sympy.Symbol("b", positive=True)),
    ("0.1/(k+n)", sympy.Rational(1, 10) / (K + sympy.Symbol("n", positive=True))),
    (sympy.Symbol("k") + sympy.Symbol("a"), K + sympy.Symbol("a", positive=True)),
])
def test_constant_schedules_and_other_names_are_schedules(text, expected):
    from momcert.theory.parse import as_schedule

    assert as_schedule(text, "eta") == expected
