"""Nothing a user types runs as Python, and every input ends within its budget: parsed or InputError, nothing else.

Three observations, not assumptions: the package source is scanned for ``sympify``/``nsimplify``/``parse_expr``/
``eval``/``exec``/``compile`` calls on anything but a literal (``sympify(x, strict=True)`` refuses text and is
allowed); an audit hook records every ``exec``/``compile`` whose source contains the input; and the injection
payloads would create a canary file. Hypothesis runs derandomized (the same inputs on every CI run).
"""

from __future__ import annotations

import ast
import contextlib
import pathlib
import sys
import time

import sympy
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import momcert.theory
from momcert.theory import check
from momcert.theory.errors import InputError
from momcert.theory.parse import MAX_BUILD_SECONDS, parse_expression

PACKAGE = pathlib.Path(momcert.theory.__file__).resolve().parent.parent
CANARY = pathlib.Path("/tmp/momcert-fuzz-canary")
_EVALUATING = ("sympify", "nsimplify", "parse_expr", "eval", "exec", "compile")
# nsimplify(a - b) in regions._compare: a and b are SymPy numbers built by the package, never text
_ALLOWED = {("theory/regions.py", "nsimplify(a - b)")}


def evaluating_calls(path: pathlib.Path) -> list[str]:
    """``file:line: call`` for every call of an evaluating function whose first argument is not a literal."""
    found = []
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in _EVALUATING or (node.args and isinstance(node.args[0], ast.Constant)):
            continue
        if name == "sympify" and any(k.arg == "strict" and getattr(k.value, "value", None) is True
                                     for k in node.keywords):
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        text = ast.unparse(node)
        if (relative, text.removeprefix("sympy.")) not in _ALLOWED:
            found.append(f"{relative}:{node.lineno}: {text}")
    return found


def test_no_evaluating_call_on_anything_but_a_literal():
    sources = [p for part in ("theory", "numerics") for p in (PACKAGE / part).rglob("*.py")]
    assert len(sources) > 30
    assert [call for path in sources for call in evaluating_calls(path)] == []


def test_the_scan_can_fail(tmp_path):
    (tmp_path / "bad.py").write_text("import sympy\nsympy.sympify(text)\neval(user)\nsympy.sympify('1')\n"
                                     "sympy.sympify(x, strict=True)\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        assert evaluating_calls(tmp_path / "bad.py") == ["bad.py:2: sympy.sympify(text)", "bad.py:3: eval(user)"]
    finally:
        PACKAGE = saved


# -- the audit hook ------------------------------------------------------------------------------------------------
_watch: dict[str, object] = {"probe": None, "seen": []}


#: The one compile the package does on purpose: ``sympy.lambdify`` compiles the code it prints from an already parsed
#: SymPy expression (names of SymPy's printers only), so a probe such as ``-5`` may reappear there as a printed number.
LAMBDIFIED = "def _lambdifygenerated("


def _audit(event: str, args: tuple) -> None:
    probe = _watch["probe"]
    if probe and event in ("exec", "compile") and args:
        source = args[0]
        if isinstance(source, bytes):
            source = source.decode("utf-8", "replace")
        if isinstance(source, str) and probe in source and not source.startswith(LAMBDIFIED):
            _watch["seen"].append((event, source[:80]))


sys.addaudithook(_audit)  # hooks cannot be removed; this one records only while a probe is set


@contextlib.contextmanager
def watched(text: str):
    """While active, any exec/compile of source containing ``text`` is recorded (and asserted absent after)."""
    _watch["probe"], _watch["seen"] = text.strip()[:40] or None, []
    try:
        yield
    finally:
        _watch["probe"] = None
    assert _watch["seen"] == [], f"input text reached {_watch['seen'][0][0]}"


def test_lambdified_code_is_the_only_exemption():
    """A compile of lambdify's printed code is not input reaching Python; any other compile of the probe is."""
    with watched("-5"):
        sympy.lambdify(sympy.Symbol("k"), sympy.Integer(-5))
    try:
        with watched("-5"):
            compile("_lambdifygenerated = -5", "<probe>", "exec")
    except AssertionError as error:
        assert "reached compile" in str(error)
    else:
        raise AssertionError("the audit hook missed a compile of the input")


def test_the_audit_hook_can_fail():
    text = "k + 12345"
    try:
        with watched(text):
            compile(text, "<probe>", "eval")
    except AssertionError as error:
        assert "reached compile" in str(error)
    else:
        raise AssertionError("the audit hook missed a compile of the input")


# -- inputs --------------------------------------------------------------------------------------------------------
INJECTIONS = [
    f"__import__('os').system('touch {CANARY}') or 1",
    f"__import__('pathlib').Path('{CANARY}').touch()",
    f"exec(\"open('{CANARY}','w')\")",
    f"eval(\"open('{CANARY}','w')\")",
    f"(lambda: open('{CANARY}', 'w'))()",
    f"k; import os; os.system('touch {CANARY}')",
    f"Symbol('x').__class__.__init__.__globals__['os'].system('touch {CANARY}')",
    "sympify('k')", "S('k')", "lambda k: k", "[k for k in ()]", "k.__class__", "k if 1 else 2",
]
HUGE = ["cos(exp(10**10))", "exp(exp(exp(exp(10))))", "floor(pi*10**200)", "exp(exp(exp(5)))", "10**10**10",
        "9" * 31, "1e999", "(k+1)**(10**400)", "Max(k**307, k)", "sin(10**399)", "exp(-exp(10**5))"]
DEEP = ["(" * 40 + "k" + ")" * 40, "log(" * 33 + "k" + ")" * 33, "-" * 300 + "k", "k" + "+k" * 250]

_names = st.sampled_from(["k", "a", "c", "pi", "gamma", "E", "lr", "nan", "inf", "0.6", "1e-4", "10**200", "2"])


def _calls(inner):
    functions = st.sampled_from(["log", "exp", "sqrt", "floor", "ceil", "cos", "sin", "abs", "Min", "Max", "eval"])
    return st.one_of(
        st.tuples(functions, inner).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(st.sampled_from(["Min", "Max"]), inner, inner).map(lambda p: f"{p[0]}({p[1]}, {p[2]})"),
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "<", ",", " "]), inner).map("".join),
        inner.map(lambda e: f"({e})"), inner.map(lambda e: f"-{e}"))


GRAMMAR = st.recursive(_names, _calls, max_leaves=12)
TEXT = st.text(alphabet="k0123456789.+-*/()^ eabcpilogxqrtn,<=>_'\"[]{}:;#\\$`\x00\u00e9", max_size=60)
INPUTS = st.one_of(GRAMMAR, TEXT, st.sampled_from(INJECTIONS + HUGE + DEEP))


#: Derandomized (the same inputs on every run), no example database, and no "explain" phase: it re-runs a failing
#: example under a line tracer, which makes SymPy some hundred times slower and a failure look like a hang.
FUZZ = settings(deadline=None, derandomize=True, database=None,
                phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])


def _parsed_or_rejected(text: str, seconds: float) -> None:
    started = time.monotonic()
    with watched(text):
        try:
            value = parse_expression(text)
        except InputError as error:
            assert "\n" not in str(error)
        else:
            assert isinstance(value, sympy.Expr)
    assert time.monotonic() - started < seconds
    assert not CANARY.exists()


@settings(FUZZ, max_examples=10_000)
@given(INPUTS)
def test_parser_fuzz(text):
    """10,000 inputs through the parser: each parsed or InputError, within the build limit (plus slack)."""
    _parsed_or_rejected(text, MAX_BUILD_SECONDS + 2.0)


def test_every_fixed_attack_is_rejected_in_time():
    for text in INJECTIONS + HUGE[:6] + DEEP[:2]:
        started = time.monotonic()
        try:
            parse_expression(text)
        except InputError:
            pass
        else:
            raise AssertionError(f"{text!r} was accepted")
        assert time.monotonic() - started < MAX_BUILD_SECONDS + 2.0
    assert not CANARY.exists()


BUDGET, CEILING = 0.05, 0.2


@settings(FUZZ, max_examples=500)
@given(INPUTS, st.sampled_from(["eta", "theta", "rho", "scale"]))
def test_check_fuzz(text, slot):
    """500 inputs through the whole check, in every slot a user fills: a report or InputError, within the ceiling
    (plus the parser's own limit and slack), nothing else."""
    arguments = {"eta": "1/(k+1)", "budget": BUDGET, "ceiling": CEILING}
    if slot == "eta":
        arguments["eta"] = f"1/(k+1) + {text}" if len(text) < 300 else text
    elif slot == "theta":
        arguments["theta"] = text
    elif slot == "rho":
        arguments["rho"] = text
    else:
        arguments["random_scale"] = ("1", text)
    started = time.monotonic()
    with watched(text):
        try:
            report = check(**arguments)
        except InputError as error:
            assert "\n" not in str(error)
        else:
            assert str(report).startswith("eta_k")
    assert time.monotonic() - started < CEILING + 2 * MAX_BUILD_SECONDS + 2.0
    assert not CANARY.exists()


def test_the_ceiling_makes_late_conditions_unknown():
    """Past the ceiling of the whole check, the remaining conditions are unknown with the check's reason."""
    report = check("c/(k+1)**a", "d/(k+1)**b", ceiling=0.0)
    assert {v.status for v in report.conditions.values()} == {"unknown"}
    assert all(v.reason.endswith("time budget of the check exhausted") for v in report.conditions.values())
