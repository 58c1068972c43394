"""``momcert check``: the DESIGN.md contract (table, --json, --from translations, exit code 2), and no torch import."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
import sympy

from momcert.numerics.cli import main

A, B, D = (sympy.Symbol(n, positive=True) for n in "abd")


def run_cli(capsys, *argv):
    code = main(["check", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("argv", [
    ["--eta", "c/(k+1)**a", "--theta", "d/(k+1)**b", "--json"],
    ["--from", "lion", "--lr", "0.001", "--scheduler", "StepLR(step_size=10)"],  # the scheduler text path too
])
def test_check_never_imports_torch(argv):
    program = ("import sys; from momcert.numerics.cli import main; "
               f"code = main(['check', *{argv!r}]); "
               "assert code == 0, code; assert 'torch' not in sys.modules, 'torch was imported'")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_check_imports_only_its_own_command_and_builds_no_other_direction_map():
    """The cold start of ``momcert check``: no other command's module, no importlib.metadata (read only for
    --version), and the method table builds the direction map it is asked for (heavy ball) only."""
    program = ("import sys; from momcert.numerics.cli import main; main(['check', '--eta', '0.1/(k+1)']); "
               "from momcert.theory.methods import METHODS; "
               "print(sorted(m for m in sys.modules if m.startswith('momcert.numerics.commands.')), "
               "'importlib.metadata' in sys.modules, [n for n, m in METHODS.items() if '_expressions' in vars(m)])")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "['momcert.numerics.commands.check'] False ['heavy-ball']"


def test_console_script_reports_bad_input_in_one_line():
    result = subprocess.run([sys.executable, "-m", "momcert.numerics.cli", "check", "--eta", "0.1/(k+1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot parse" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("argv", "message"), [
    (["--eta", "k**"], "cannot parse"),
    (["--eta", "__import__('os')"], "cannot parse"),
    (["--eta", "0.1*(1 + cos(pi*k/100))/2"], "not positive"),
    (["--eta", "1/(k+1)", "--theta", "1.5"], "theta"),
    (["--eta", "1/(k+1)", "--method", "adam"], "unknown method"),
    (["--eta", "1/(k+1)", "--noise", "gaussian"], "unknown noise model"),
    (["--eta", "1/(k+1)", "--random-scale", "2"], "random scale"),
    (["--eta", "1/(k+1)", "--assume", "k > 1"], "not k"),
    (["--from", "torch-sgd", "--momentum", "0.9"], "--lr"),
    (["--from", "torch-sgd", "--lr", "0.1", "--momentum", "1.5"], "momentum"),
    (["--from", "lion", "--lr", "1e-4", "--betas", "0.9"], "betas"),
    ([], "--eta"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_torch_sgd_translation_is_printed_and_two_timescales_fail(capsys):
    code, out, _ = run_cli(capsys, "--from", "torch-sgd", "--lr", "0.1/(k+1)**0.7", "--momentum", "0.9")
    assert code == 0
    assert "torch.optim.SGD(lr=0.1/(k+1)**0.7, momentum=0.9" in out
    assert "theta_k = 1/10" in out
    xht_two = next(line for line in out.splitlines() if line.startswith("xht-two"))
    assert "not_covered" in xht_two and "theta_to_zero" in xht_two
    code, out, _ = run_cli(capsys, "--from", "torch-sgd", "--lr", "0.1/(k+1)**0.7", "--momentum", "0.9", "--json")
    data = json.loads(out)
    assert data["translation"][0].startswith("torch.optim.SGD")
    assert data["theorems"]["xht-two"]["verdict"] == "not_covered"
    assert "theta_to_zero" in data["theorems"]["xht-two"]["failed"]
    assert data["conditions"]["theta_to_zero"]["status"] == "fails"


def _grid_equal(text: str, expected: sympy.Basic) -> None:
    region = sympy.parse_expr(text, local_dict={n: sympy.Symbol(n, positive=True) for n in "abcd"})
    exponents = [sympy.Rational(v) for v in ("1/5", "1/2", "3/5", "4/5", "1", "6/5")]
    for a, b, d in itertools.product(exponents, exponents, [sympy.Rational(1, 2), 1, 2]):
        point = {A: a, B: b, D: d}
        assert bool(region.subs(point)) == bool(expected.subs(point)), point


@pytest.mark.parametrize(("noise", "expected"), [
    ("bounded", (B < A) & (A <= 1) & (D <= 1)),
    ("l2", (sympy.Rational(1, 2) < B) & (B < A) & (A <= 1) & (D <= 1)),
])
def test_json_two_timescale_region(capsys, noise, expected):
    code, out, _ = run_cli(capsys, "--eta", "c/(k+1)**a", "--theta", "d/(k+1)**b", "--noise", noise, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["noise"] == noise and data["parameters"] == ["a", "b", "c", "d"]
    assert data["theorems"]["xht-two"]["verdict"] == "depends"
    _grid_equal(data["theorems"]["xht-two"]["when"], expected)


def test_assume_and_random_scale_flags(capsys):
    code, out, _ = run_cli(capsys, "--eta", "c/(k+1)**a", "--theta", "d/(k+1)**b", "--assume", "a <= 1",
                           "--assume", "b < a", "--assume", "d <= 1", "--random-scale", "0.5:2", "--json")
    data = json.loads(out)
    assert code == 0 and data["assume"] == ["a <= 1", "b < a", "d <= 1"]
    assert data["theorems"]["xht-two"]["verdict"] == "covered"
    assert data["theorems"]["xht-clarke"]["verdict"] == "covered"


def test_lion_and_xht_reference_translations(capsys):
    code, out, _ = run_cli(capsys, "--from", "lion", "--lr", "1e-4", "--betas", "0.9,0.99")
    assert code == 0 and "lion_pytorch.Lion" in out and "does not vanish" in out
    code, out, _ = run_cli(capsys, "--from", "xht-reference", "--lr", "0.1/(k+1)**0.8", "--beta", "0.9", "--json")
    data = json.loads(out)
    assert code == 0 and data["translation"][0].startswith("XHT reference")
    assert data["theorems"]["xht-single"]["verdict"] == "covered"
