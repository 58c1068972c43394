"""NaN and overflow end the affected run as ``diverged`` at a named step, with the report (and what figures can be
drawn) written: one row per scenario (momcert.numerics.failures)."""

import json
import subprocess

import pytest

from momcert.numerics import failures
from momcert.numerics.cli import main
from momcert.numerics.reporting import Report

SMALL_LK = ["--quick", "--trials", "2", "--iterations", "6", "--dim-x", "4", "--dim-u", "4"]

# (scenario arguments, the expected diverged_at entries, a run that must still have claims or None)
TABLE = {
    "additive: Delta0 overflows to inf": (
        ["additive", *SMALL_LK, "--s-max-A2", "1e200"],
        {"run": "s_max(A2)=1e+200", "step": "instances"}, None),
    "additive: the theory's constants overflow in float, the other setting completes": (
        ["additive", *SMALL_LK, "--s-max-A2", "0.3,1e100"],
        {"run": "s_max(A2)=1e+100 gd-theorem", "step": 1}, "s_max(A2)=0.3"),
    "artificial-critical: the random starts overflow": (
        ["artificial-critical", "--draws", "10", "--steps", "5", "--x0", "1e308", "--x0-radius", "1e308"],
        {"run": "10 randomized runs", "step": "GD iterates"}, "randomized-none-stuck"),
    "sgd-family: labels so large that the loss overflows": (
        ["sgd-family", "--quick", "--steps", "20", "--seeds", "1", "--methods", "sign", "--pairs", "two-timescale",
         "--label-noise", "1e300"],
        {"method": "sign", "pair": "two-timescale", "step": 0}, None),
}


@pytest.mark.parametrize("row", list(TABLE))
def test_a_numeric_failure_ends_as_diverged_with_a_report(tmp_path, row):
    arguments, where, still_there = TABLE[row]
    out = tmp_path / "out"
    assert main(["verify", *arguments, "--no-progress", "--no-checkpoints", "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "diverged"
    assert {key: report["diverged_at"][key] for key in where} == where
    assert (out / "summary.md").exists()
    if still_there is not None:
        assert any(still_there in claim["id"] for claim in report["claims"])


def test_the_theorys_overflow_is_named_in_the_notes_and_the_figure_still_drawn(tmp_path):
    out = tmp_path / "out"
    assert main(["verify", "additive", *SMALL_LK, "--s-max-A2", "0.3,1e100", "--no-progress", "--no-checkpoints",
                 "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert any(note.startswith("s_max(A2)=1e+100: numeric failure at step \"claims (the theory's constants in "
                               "float)\" (OverflowError") for note in report["notes"])
    assert report["figures"] == [str(out / "additive.png")] and (out / "additive.png").exists()


def test_a_failed_eigensolver_through_the_console_script(tmp_path):
    """The reproducer of the issue: float32, d0 = 100000 and n = 4 make linalg.eigh fail to converge."""
    out = tmp_path / "out"
    result = subprocess.run(["momcert", "verify", "relu-nesterov", "--quick", "--widths", "16", "--dtype", "float32",
                             "--iterations", "6", "--n", "4", "--d0", "100000", "--no-progress", "--no-checkpoints",
                             "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "diverged"
    assert report["diverged_at"]["run"] == "m=16" and report["diverged_at"]["step"] == "runs"
    assert report["diverged_at"]["error"].startswith("LinAlgError: linalg.eigh")


def test_guard_passes_input_errors_and_other_exceptions_through():
    from momcert.theory.errors import InputError

    report = Report(scenario="x")
    for error in (InputError("--flag: bad"), KeyError("bug")):
        with pytest.raises(type(error)), failures.guard(report, "run", "step"):
            raise error
    assert report.status == "completed"
    with failures.guard(report, "run", "first") as where:
        where.step = "second"
        failures.require_finite(ok=1.0, bad=float("inf"))
    assert report.diverged_at == {"run": "run", "step": "second", "error": "NumericFailure: bad is inf"}
