"""``momcert check --from torch-sgd|lion --scheduler TEXT``: through the console script (exit codes, one-line
messages, the printed schedule); that the text path never imports torch is tested in test_cli_check.py."""

from __future__ import annotations

import json
import subprocess

import pytest

SGD = ["momcert", "check", "--from", "torch-sgd", "--lr", "0.1", "--momentum", "0.9"]


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=300)


def test_cosine_schedule_is_printed_then_the_verdicts():
    result = _run(*SGD, "--scheduler", "CosineAnnealingLR(T_max=1000, eta_min=1e-5)")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["scheduler CosineAnnealingLR(T_max=1000, eta_min=1e-5):",
                         "  lr_k       = 9999*cos(pi*k/1000)/200000 + 10001/200000",
                         "  momentum_k = 9/10"]
    assert "eta_to_zero         fails   False  eta_k oscillating in [1/10000, 1] without a limit" in lines


def test_sequential_schedule_in_json():
    result = _run(*SGD, "--scheduler", "LinearLR(start_factor=0.1, total_iters=100)",
                  "--scheduler", "ExponentialLR(gamma=0.99)", "--milestones", "100", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scheduler"] == ("SequentialLR([LinearLR(start_factor=0.1, total_iters=100), "
                                 "ExponentialLR(gamma=0.99)], milestones=[100])")
    # torch's LinearLR to k = 100, then ExponentialLR on the local index k - 100 ([k >= 100] = Min(1, Max(0, k - 99)))
    assert data["lr_k"] == ("((99/100)**(k - 100)/10 - 9*Min(100, k)/10000 - 1/100)*Min(1, Max(0, k - 99)) + "
                            "9*Min(100, k)/10000 + 1/100")
    assert data["conditions"]["theta_to_zero"] == {"status": "fails", "when": "False", "reason": "theta_k -> 1/10"}


@pytest.mark.parametrize(("argv", "message"), [
    (["--scheduler", "StepLR(step_size=__import__('os'))"], "'__import__' is not a value for step_size"),
    (["--scheduler", "StepLR(step_size=30, gamma=0.5"], "ends where"),
    (["--scheduler", "LambdaLR(lr_lambda=1)"], "LambdaLR multiplies the lr by a Python callable, which momcert never "
                                               "evaluates: pass the schedule as an expression in k instead (--lr EXPR"),
    (["--scheduler", "ReduceLROnPlateau(patience=3)"], "ReduceLROnPlateau changes the lr from the observed loss"),
    (["--scheduler", "Adam(lr=0.001)"], "'Adam' is not a translatable torch scheduler"),
    (["--scheduler", "StepLR(step_size=30)", "--milestones", "10"], "--milestones needs several --scheduler"),
])
def test_bad_scheduler_exits_2_in_one_line(argv, message):
    result = _run(*SGD, *argv)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_scheduler_needs_a_library_source():
    result = _run("momcert", "check", "--eta", "0.1", "--scheduler", "StepLR(step_size=30)")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("--scheduler does nothing without --from (it applies with --from torch-sgd "
                                          "or lion)")

