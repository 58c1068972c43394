"""``momcert nesterov``: the DESIGN.md contract (text, --json, exit code 2 with one line), and no torch import."""

import json
import math
import subprocess
import sys

import pytest
import sympy

from momcert.numerics.cli import main
from momcert.theory import pep


def _run(argv, capsys):
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_nesterov_never_imports_torch():
    script = ("import sys; from momcert.numerics.cli import main; code = main(['nesterov', '--mu', '1', '--L1', '100', "
              "'--target', '1e-6']); print('TORCH' if 'torch' in sys.modules else 'NO-TORCH'); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("NO-TORCH")
    assert "rate" in result.stdout


def test_json_values_match_theory(capsys):
    code, out, _ = _run(["nesterov", "--mu", "1", "--L1", "100", "--L2", "1", "--G1", "0.01", "--G2", "0.1",
                         "--delta0", "1", "--Rx", "inf", "--Ru", "1e4", "--target", "1e-6", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    c = 1 / 51
    assert data["kappa"] == pytest.approx(100, abs=1e-12)
    assert data["eta"] == pytest.approx(c / 100, abs=1e-12)
    assert data["beta"] == pytest.approx((40 - math.sqrt(c)) / (40 + 7 * math.sqrt(c)), abs=1e-12)
    assert data["rate"] == pytest.approx(1 - c / 40, abs=1e-12)
    assert data["gd_rate"] == pytest.approx(1 - c / 400, abs=1e-12)
    conditions = data["conditions"]
    # by hand: G1^4 = 1e-8 <= mu^2/(8 L2^2) = 1/8; R_u = 1e4 above Theorem 6's 16 eta kappa G1 sqrt(L2 Delta0) = 0.16 c
    # and Theorem 7's (36/c) sqrt(kappa) (eta G1^2 L2 (L2+1) (1+beta)^3 / (mu beta (1-beta)^3))^(1/2) ~ 2.2e3;
    # the G conditions of Theorem 7 depend on the unspecified C1, C2
    assert {name: entry["status"] for name, entry in conditions.items()} == {
        "lk_c_range": "holds", "lk_kappa": "holds", "thm7_G1": "depends", "thm7_G1G2": "depends", "thm7_Rx": "holds",
        "thm7_Ru": "holds", "thm6_G1": "holds", "thm6_Rx": "holds", "thm6_Ru": "holds", "thm7_c_radii": "holds"}
    assert "C1" in conditions["thm7_G1"]["implied"]
    k = data["iterations"]["theorem7"]
    rate = 1 - c / 40
    assert 2 * rate**k <= 1e-6 < 2 * rate ** (k - 1)
    assert set(data["assumptions"]) >= {"lk_strong_convexity", "lk_common_minimum"}


def test_symbolic_values_read_back(capsys):
    code, out, _ = _run(["nesterov", "--mu", "mu", "--L1", "L1", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    mu, L1 = sympy.symbols("mu L1", positive=True)
    rate = sympy.parse_expr(data["rate"], local_dict={"mu": mu, "L1": L1})
    assert sympy.simplify(rate - (1 - sympy.Rational(1, 51) / (4 * sympy.sqrt(L1 / mu)))) == 0
    assert data["conditions"]["lk_kappa"]["status"] == "depends"
    assert "\\sqrt" in data["latex"]["beta"]


def test_text_output_names_the_pieces(capsys):
    code, out, _ = _run(["nesterov", "--mu", "1", "--L1", "100"], capsys)
    assert code == 0
    for fragment in ("parameters and rates", "rate", "gd_rate", "thm7_G1", "implied C1", "[LK] Assumption 1",
                     "Lemma 10", "textbook_nesterov_rate"):
        assert fragment in out


def test_allow_c_runs_outside_the_proof_range(capsys):
    code, out, _ = _run(["nesterov", "--mu", "1", "--L1", "10", "--c", "0.1", "--allow-c", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["conditions"]["lk_c_range"]["status"] == "fails"
    assert data["eta"] == pytest.approx(0.01)


@pytest.mark.parametrize("argv", [
    ["--mu", "0", "--L1", "1"],
    ["--mu", "-1", "--L1", "1"],
    ["--mu", "2", "--L1", "1"],
    ["--mu", "1", "--L1", "10", "--c", "0.1"],
    ["--mu", "1", "--L1", "10", "--c", "0"],
    ["--mu", "1", "--L1", "10", "--c", "1/50"],
    ["--mu", "1+*2", "--L1", "10"],
    ["--mu", "1", "--L1", "__import__('os')"],
    ["--mu", "1", "--L1", "ten"],
    ["--mu", "1", "--L1", "k"],
    ["--mu", "1", "--L1", "10", "--G1", "-1"],
    ["--mu", "1", "--L1", "10", "--target", "0"],
    ["--mu", "1", "--L1", "10", "--pep", "many"],
    ["--mu", "1", "--L1", "2", "--c", "100", "--allow-c", "--target", "0.1"],  # beta <= 0
    ["--mu", "1"],
])
def test_bad_input_exits_2_with_one_line(argv, capsys):
    code, out, err = _run(["nesterov", *argv], capsys)
    if argv == ["--mu", "1", "--L1", "ten"]:  # a name is a parameter, not garbage: symbolic output
        assert code == 0 and "ten" in out
        return
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("momcert") and "Traceback" not in err
    assert out == ""


@pytest.mark.skipif(not pep.pep_available(), reason="PEPit is not installed (pip install 'momcert[pep]')")
def test_pep_comparison_in_json(capsys):
    code, out, _ = _run(["nesterov", "--mu", "0.1", "--L1", "1", "--pep", "2", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)["pep"]["rows"]
    assert [(row["method"], row["n"]) for row in rows] == [("textbook", 1), ("textbook", 2), ("[LK]", 1), ("[LK]", 2),
                                                           ("heavy ball", 1), ("heavy ball", 2)]
    assert rows[0]["worst_case"] == pytest.approx(0.548, rel=6e-3)
    assert all(row["bound"] >= row["worst_case"] for row in rows if row["bound"] is not None)
    assert rows[-1]["bound"] is None and rows[-1]["ratio"] is None


def test_pep_without_pepit_still_prints_everything(capsys, monkeypatch):
    monkeypatch.setattr(pep, "pep_available", lambda: False)
    code, out, _ = _run(["nesterov", "--mu", "0.1", "--L1", "1", "--pep", "4"], capsys)
    assert code == 0
    assert "pip install 'momcert[pep]'" in out and "parameters and rates" in out and "thm7_G1" in out


def test_a_start_that_meets_the_target_needs_no_iterations(capsys):
    assert main(["nesterov", "--mu", "1", "--L1", "2", "--delta0", "0", "--target", "0.1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["iterations"] == {"theorem7": 0, "theorem6": 0}
