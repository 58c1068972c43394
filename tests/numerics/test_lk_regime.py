"""``momcert verify relu-nesterov --regime lk``: [LK] Theorem 15 as stated; every kind of statement can come out
``fail`` on a trajectory that violates it, and the quick run ends with the statuses the issue's outside run found."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.func import grad

from momcert.numerics import claims, lk_regime, models, problems

MOMCERT = shutil.which("momcert") or str(Path(sys.executable).with_name("momcert"))


def test_a_run_that_leaves_the_balls_fails_them():
    X, Y = problems.teacher_student(3, 2, [4, 1], generator=torch.Generator().manual_seed(0))
    initial = models.init_weights([2, 64, 1], generator=torch.Generator().manual_seed(1))
    basis = models.row_space_basis(models.penultimate(initial, X))
    constants = {"alpha0": 1.0, "mu": 0.5, "L1": 1e-6, "G1": 1e-6, "R_x": 1e-6, "R_u": 1e-9}
    _, measured = lk_regime.trajectory(X, Y, initial, basis, 0.05, 0.5, 20, constants, "nesterov")
    statuses = {claim.id: claim.status for claim in claims.run_checks("t0", "r", measured, constants)}
    assert statuses == {"assumption1[r t0]": "holds", "assumption2[r t0]": "fails", "ball-x[r t0]": "fails",
                        "ball-u[r t0]": "fails", "assumption4[r t0]": "fails"}


@pytest.mark.parametrize("widths", [[2, 16, 1], [3, 12, 9, 2]])
def test_backpropagation_matches_autograd(widths):
    X, Y = problems.teacher_student(4, widths[0], [5, widths[-1]], generator=torch.Generator().manual_seed(2))
    weights = models.init_weights(widths, generator=torch.Generator().manual_seed(3))
    value, features, grads = lk_regime.loss_and_gradient(weights, X, Y)
    assert value == pytest.approx(float(models.mse_loss(weights, X, Y)), rel=1e-12)
    torch.testing.assert_close(features, models.penultimate(weights, X))
    for ours, theirs in zip(grads, grad(models.mse_loss)(weights, X, Y), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-12)


def test_quick_lk_regime_applies_theorem6_and_reports_theorem7_radii(tmp_path):
    result = subprocess.run([MOMCERT, "verify", "relu-nesterov", "--regime", "lk", "--quick", "--iterations", "40",
                             "--json", "--no-progress", "--no-checkpoints", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    found = {claim["id"]: claim for claim in json.loads(result.stdout)["claims"]}
    statuses = {name: claim["status"] for name, claim in found.items()}
    holding = [f"thm6-{part}[t0]" for part in ("G1", "Rx", "Ru")] + [
        f"{check}[{run} t0]" for run in ("gd-theorem", "nesterov-theorem")
        for check in ("assumption1", "assumption2", "ball-x", "ball-u", "assumption4")]
    assert {name: statuses[name] for name in holding} == dict.fromkeys(holding, "holds")
    assert statuses["theorem6-bound[t0]"] == "pass"
    assert found["theorem6-bound[t0]"]["kind"] == "prediction"
    assert (statuses["thm7-Rx[t0]"], statuses["thm7-Ru[t0]"]) == ("fails", "fails")
    assert found["thm7-Rx[t0]"]["observed"] < 1 < 100 < float(found["thm7-Rx[t0]"]["predicted"].split()[1])
    assert statuses["theorem7-bound[t0]"] == "not_applicable"
    assert "hypotheses fail: thm7-Rx[t0]: " in found["theorem7-bound[t0]"]["statistic"]
    assert [(found[f"thm7-{c}[t0]"]["kind"], statuses[f"thm7-{c}[t0]"]) for c in ("C1", "C2")] == [
        ("conditional", "pass_if")] * 2
    assert found["thm7-C1[t0]"]["observed"]["implied C1"] > 1
    counts = json.loads(result.stdout)["counts"]
    assert counts["conditional"] == {"pass_if": 2, "fail": 0}


def test_fitted_rates_stop_at_the_rounding_floor():
    losses = 0.5 ** np.arange(200.0)  # reaches 1e-20 of f_0 at k = 67: the fit uses k = 33..66 only
    polluted = np.concatenate([losses[:70], np.full(130, 1e-30)])  # then sits at the floor
    assert lk_regime.fitted_log_rate(polluted, 1.0) == pytest.approx(math.log(0.5), rel=1e-9)
