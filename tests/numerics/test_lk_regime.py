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

from momcert.numerics import lk_regime, models, problems

MOMCERT = shutil.which("momcert") or str(Path(sys.executable).with_name("momcert"))


def _hypotheses(*holding: bool):
    return [lk_regime.hypothesis(f"h{i}", "", "", 0.0 if ok else 2.0, 1.0, at_most=True)
            for i, ok in enumerate(holding)]


def test_a_violated_hypothesis_fails_with_its_values():
    claim = lk_regime.hypothesis("ball", "", "", 0.3, 0.2, at_most=True)
    assert (claim.status, claim.kind, claim.observed, claim.predicted) == ("fail", "hypothesis", 0.3, "<= 0.2")
    below = lk_regime.hypothesis("alpha", "", "", 0.4, 0.5, at_most=False)
    assert below.status == "fail"


def test_a_violated_bound_whose_hypotheses_hold_fails():
    losses = np.array([1.0, 0.9, 0.95])  # rho = 0.9: the bound 0.81 at k = 2 is violated
    claim = lk_regime.bound_prediction("b", "", "", losses, 1.0, 0.9, 1.0, _hypotheses(True, True))
    assert claim.status == "fail"
    assert claim.observed["max ratio to bound"] == pytest.approx(0.95 / 0.81)


def test_a_diverged_run_fails_its_bound():
    claim = lk_regime.bound_prediction("b", "", "", np.array([1.0, 0.5, math.nan]), 1.0, 0.9, 1.0, _hypotheses(True))
    assert claim.status == "fail"


def test_a_prediction_is_not_applicable_only_naming_the_failed_hypothesis():
    claim = lk_regime.bound_prediction("b", "", "", np.array([1.0, 0.9, 0.95]), 1.0, 0.9, 1.0,
                                       _hypotheses(True, False))
    assert claim.status == "not_applicable"
    assert claim.statistic == "hypotheses fail: h1: 2, needs <= 1"


def test_lemma_predictions_fail_when_violated():
    measured = lk_regime.Measured(alpha_ratio=1, L1_ratio=0.1, ball_x=0, ball_u=0, G1=0.1, pl=0.5, dominance=2)
    checks = lk_regime.run_checks("t0", "gd", measured, {"R_x": 1, "R_u": 1, "G1": 1})
    assert [claim.status for claim in checks] == ["pass"] * 5
    assert [claim.status for claim in lk_regime.lemma_predictions("t0", "gd", measured, checks)] == ["fail", "fail"]


def test_a_run_that_leaves_the_balls_fails_them():
    X, Y = problems.teacher_student(3, 2, [4, 1], generator=torch.Generator().manual_seed(0))
    initial = models.init_weights([2, 64, 1], generator=torch.Generator().manual_seed(1))
    basis = models.row_space_basis(models.penultimate(initial, X))
    constants = {"alpha0": 1.0, "mu": 0.5, "L1": 1e-6, "G1": 1e-6, "R_x": 1e-6, "R_u": 1e-9}
    _, measured = lk_regime.trajectory(X, Y, initial, basis, 0.05, 0.5, 20, constants, "nesterov")
    statuses = {claim.id: claim.status for claim in lk_regime.run_checks("t0", "r", measured, constants)}
    assert statuses == {"assumption1[r t0]": "pass", "assumption2[r t0]": "fail", "ball-x[r t0]": "fail",
                        "ball-u[r t0]": "fail", "assumption4[r t0]": "fail"}


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
    claims = {claim["id"]: claim for claim in json.loads(result.stdout)["claims"]}
    statuses = {name: claim["status"] for name, claim in claims.items()}
    holding = [f"thm6-{part}[t0]" for part in ("G1", "Rx", "Ru")] + [
        f"{check}[{run} t0]" for run in ("gd-theorem", "nesterov-theorem")
        for check in ("assumption1", "assumption2", "ball-x", "ball-u", "assumption4")]
    assert {name: statuses[name] for name in holding} == dict.fromkeys(holding, "pass")
    assert statuses["theorem6-bound[t0]"] == "pass"
    assert claims["theorem6-bound[t0]"]["kind"] == "prediction"
    assert (statuses["thm7-Rx[t0]"], statuses["thm7-Ru[t0]"]) == ("fail", "fail")
    assert claims["thm7-Rx[t0]"]["observed"] < 1 < 100 < float(claims["thm7-Rx[t0]"]["predicted"].split()[1])
    assert statuses["theorem7-bound[t0]"] == "not_applicable"
    assert [claims[f"thm7-{c}[t0]"]["kind"] for c in ("C1", "C2")] == ["conditional", "conditional"]
    assert claims["thm7-C1[t0]"]["observed"]["implied C1"] > 1


def test_fitted_rates_stop_at_the_rounding_floor():
    losses = 0.5 ** np.arange(200.0)  # reaches 1e-20 of f_0 at k = 67: the fit uses k = 33..66 only
    polluted = np.concatenate([losses[:70], np.full(130, 1e-30)])  # then sits at the floor
    assert lk_regime.fitted_log_rate(polluted, 1.0) == pytest.approx(math.log(0.5), rel=1e-9)
