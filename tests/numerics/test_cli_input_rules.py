"""The input rules of momcert.theory on the command line (the real console script): infinity and nan, natural
parameter names, schedules without k, undefined terms, positivity witnesses, structural conditions, assumptions on
names outside the schedule. Bad input: exit code 2 and exactly one line on stderr."""

from __future__ import annotations

import json
import subprocess

import pytest
import sympy

INFINITY = "which is not allowed here (only a radius, Rx or Ru, may be infinite)"


def momcert(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(["momcert", *argv], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("argv", "line"), [
    (["check", "--eta", "inf"], f"momcert check: error: eta: 'inf' means infinity, {INFINITY}"),
    (["check", "--eta", "1/(k+1)", "--theta", "NaN"], "momcert check: error: theta: 'NaN' is not a number"),
    (["check", "--eta", "1/(k+1)", "--random-scale", "1:oo"],
     f"momcert check: error: random scale B: 'oo' means infinity, {INFINITY}"),
    (["check", "--eta", "c/(k+1)", "--assume", "c <= Infinity"],
     "momcert check: error: assume: cannot parse 'c <= Infinity': 'Infinity' means infinity, "
     f"{INFINITY} at position 6"),
    (["check", "--from", "torch-sgd", "--lr", "0.1", "--momentum", "inf"],
     f"momcert check: error: momentum: 'inf' means infinity, {INFINITY}"),
    (["check", "--eta", "0.1/(n+1)"],
     "momcert check: error: eta does not depend on k (found n; the iteration index is k)"),
    (["check", "--from", "torch-sgd", "--lr", "0.1/(t+1)", "--momentum", "0.9"],
     "momcert check: error: lr does not depend on k (found t; the iteration index is k)"),
    (["check", "--eta", "1/(k-3)**2"],
     "momcert check: error: eta_k = (k - 3)**(-2) is undefined at k = 3 (division by zero)"),
    (["check", "--eta", "1/(k+1) - 0.3"],
     "momcert check: error: eta_k = -3/10 + 1/(k + 1) is not positive for every k >= 0, for any parameter value "
     "(eta_k <= 0 at k = 3)"),
    (["check", "--eta", "c/(k+1)**a", "--assume", "z <= 1"],
     "momcert check: error: assume: z does not appear in the schedule"),
    (["nesterov", "--mu", "inf", "--L1", "1"], f"momcert nesterov: error: mu: 'inf' means infinity, {INFINITY}"),
    (["nesterov", "--mu", "1", "--L1", "100", "--Rx", "nan"], "momcert nesterov: error: Rx: 'nan' is not a number"),
])
def test_bad_values_exit_2_with_one_line(argv, line):
    result = momcert(*argv)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n")


def test_step_decay_with_a_parameter_named_gamma():
    result = momcert("check", "--eta", "lr*gamma**floor(k/30)", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["parameters"] == ["gamma", "lr"]
    gamma = sympy.Symbol("gamma", positive=True)
    when = sympy.parse_expr(data["conditions"]["eta_sum_diverges"]["when"], local_dict={"gamma": gamma})
    assert data["conditions"]["eta_sum_diverges"]["status"] == "depends"
    assert [bool(when.subs(gamma, g)) for g in (sympy.Rational(1, 2), 1, 2)] == [False, True, True]


def test_every_failed_id_is_a_condition_and_radii_may_be_infinite():
    data = json.loads(momcert("check", "--eta", "0.1/(k+1)**0.7", "--theta", "0.1", "--json").stdout)
    assert data["theorems"]["sgd"]["failed"] == ["theta_is_one"]
    assert data["conditions"]["theta_is_one"]["status"] == "fails"
    assert {i for t in data["theorems"].values() for i in t["failed"]} <= set(data["conditions"])
    result = momcert("nesterov", "--mu", "1", "--L1", "100", "--Rx", "Infinity", "--Ru", "oo", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["quantities"]["R_x"] == json.loads(result.stdout)["quantities"]["R_u"] == "oo"
