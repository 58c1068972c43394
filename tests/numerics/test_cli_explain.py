"""``momcert explain [ID] [--json]`` through the console script: the registry as the command line shows it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from momcert.numerics.cli import main
from momcert.theory.conditions import CONDITIONS
from momcert.theory.registry import entries
from momcert.theory.theorems import THEOREMS


def momcert(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(["momcert", *argv], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("noise", ["bounded", "l2"])
def test_explain_json_hypotheses_are_those_momcert_check_uses(noise):
    explained = momcert("explain", "xht-two", "--json")
    checked = momcert("check", "--eta", "c/(k+1)**a", "--theta", "d/(k+1)**b", "--noise", noise, "--json")
    assert explained.returncode == 0 and checked.returncode == 0, explained.stderr + checked.stderr
    entry = json.loads(explained.stdout)
    used = json.loads(checked.stdout)["theorems"]["xht-two"]["hypotheses"]
    assert entry["hypotheses_by_noise"][noise] == used
    if noise == "bounded":  # momcert check's default noise model
        assert entry["hypotheses"] == used and entry["noise_model"] == "bounded"
    assert {"id", "kind", "title", "statement", "latex", "hypotheses", "conclusion", "assumed", "provenance",
            "numbering"} <= set(entry)
    assert entry["id"] == "xht-two" and entry["kind"] == "theorem" and entry["provenance"] == "[XHT]/[SA]"
    assert "iterates_bounded" in entry["assumed"]


def test_unknown_id_exits_2_with_one_line_naming_it_and_the_nearest():
    result = momcert("explain", "xht-tow")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("momcert explain: error: unknown id 'xht-tow'; did you mean 'xht-two'? "
                             "(momcert explain lists every id)\n")


def test_listing_names_every_id_with_its_provenance():
    result = momcert("explain")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines() if line.startswith("  ")
            and not line.startswith("   ")}
    assert {i: e.provenance for i, e in entries().items()} == {i: rows.get(i) for i in entries()}
    listed = json.loads(momcert("explain", "--json").stdout)
    assert [item["id"] for item in listed] == list(entries())


def test_an_entry_prints_in_full():
    result = momcert("explain", "lk-theorem-7")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("lk-theorem-7: Nesterov's momentum converges at the accelerated rate\n")
    for fragment in ("theorem, [LK] Theorem 7 (PMLR numbering)", "\nLaTeX\n", "thm7_G1: G1^4 <= C1 mu^2",
                     "lk_strong_convexity: f(., u) is mu-strongly convex", "implied constant"):
        assert fragment in out, fragment


@pytest.mark.parametrize("identifier", [*CONDITIONS, *THEOREMS])
def test_every_condition_and_theorem_is_explainable(capsys, identifier):
    assert main(["explain", identifier, "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert entry["id"] == identifier and entry["kind"] == ("condition" if identifier in CONDITIONS else "theorem")


def test_explain_never_imports_torch():
    program = ("import sys; from momcert.numerics.cli import main; code = main(['explain', 'xht-two']); "
               "assert code == 0, code; assert 'torch' not in sys.modules, 'torch was imported'")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_help_ends_with_examples():
    result = momcert("explain", "--help")
    assert result.returncode == 0
    assert result.stdout.rstrip().splitlines()[-3:] == ["  momcert explain", "  momcert explain xht-two",
                                                        "  momcert explain lk-theorem-7 --json"]
