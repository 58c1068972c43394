"""The width sweep's Theorem 15 runs (:mod:`momcert.numerics.lk_sweep`): a violated prediction whose hypotheses hold
is ``fail`` there too, a width where Lemma 14 does not apply says so with both numbers, and the per-width summary
counts what the claims say."""

import numpy as np
import pytest
import torch

from momcert.numerics import claims as claims_module
from momcert.numerics import lk_regime, lk_sweep, models, problems


def _networks(width: int, trials: int = 2, n: int = 8):
    X, Y = problems.teacher_student(n, 3, [8, 2], generator=torch.Generator().manual_seed(0))
    weights = models.init_ensemble([3, width, width, 2], trials, generator=torch.Generator().manual_seed(1))
    return X, Y, weights


def test_a_violated_lemma_on_the_sweeps_runs_fails(monkeypatch):
    """Runs whose measurements keep Assumption 1 (min alpha_k^2/alpha0^2 = 1) but break Lemma 4's PL inequality
    (min ||grad_x f||^2 / (2 mu f) = 0.5 < 1): Lemma 4 is an applicable prediction and comes out ``fail``."""
    iterations = 5

    def violating(X, Y, initial, basis, eta, beta, steps, constants, method):
        measured = lk_regime.Measured(alpha_ratio=1.0, L1_ratio=0.1, ball_x=0.0, ball_u=0.0, G1=0.0, pl=0.5,
                                      dominance=0.0)
        return 0.5 ** np.arange(steps + 1.0), measured

    monkeypatch.setattr(lk_regime, "trajectory", violating)
    X, Y, weights = _networks(16)
    result = lk_sweep.width_runs(X, Y, weights, iterations, 16)
    claims = {claim.id: claim for claim in result.claims}
    for run in ("gd-theorem", "nesterov-theorem"):
        for t in range(2):
            assert claims[f"assumption1[{run} m=16 t{t}]"].status == "holds"
            assert (claims[f"lemma4-pl[{run} m=16 t{t}]"].status, claims[f"lemma9[{run} m=16 t{t}]"].status) == (
                "fail", "pass")
    assert result.summary["Thm 15 applicable predictions (pass/fail)"] == "lemma4-pl 0/4, lemma9 4/0"
    assert result.losses["gd-theorem"].shape == (iterations + 1, 2)
    assert [row["trial"] for row in result.rows] == ["m=16 t0", "m=16 t1"]


def test_a_width_below_n_fails_lemma_14s_rank_with_both_numbers():
    X, Y, weights = _networks(4)  # n = 8 points, rank F(0) <= 4
    result = lk_sweep.width_runs(X, Y, weights, 3, 4)
    assert [(claim.id, claim.status, claim.predicted) for claim in result.claims] == [
        ("lemma14-rank[m=4 t0]", "fails", ">= 8"), ("lemma14-rank[m=4 t1]", "fails", ">= 8")]
    for claim, initial in zip(result.claims, range(2), strict=True):  # the rank, by hand
        features = models.penultimate([w[initial] for w in weights], X)
        assert claim.observed == int(torch.linalg.matrix_rank(features)) <= 4
    assert result.losses == {}
    assert result.summary == {"Thm 15 applicable predictions (pass/fail)": "none",
                              "Thm 15 not applicable predictions": "none",
                              "Thm 15 failed hypotheses": "lemma14-rank (2)"}


def test_the_summary_counts_the_claims_and_takes_medians():
    held = claims_module.hypothesis("h[m=8 t0]", "", "", 0.0, 1.0, at_most=True)
    broken = claims_module.hypothesis("thm6-Ru[m=8 t0]", "", "", 2.0, 1.0, at_most=True)
    claims = [held, broken,
              claims_module.prediction("theorem6-bound[m=8 t0]", "", "", "", {}, True, [held, broken]),
              claims_module.prediction("lemma4-pl[gd m=8 t0]", "", "", "", {}, False, [held]),
              claims_module.prediction("lemma4-pl[nesterov m=8 t0]", "", "", "", {}, True, [held])]
    rows = [{"implied C1": 1.0, "R_x": 3.0}, {"implied C1": 5.0, "R_x": 4.0}, {"implied C1": 2.0}]
    summary = lk_sweep.summary(claims, rows)
    assert summary["Thm 15 applicable predictions (pass/fail)"] == "lemma4-pl 1/1"
    assert summary["Thm 15 not applicable predictions"] == "theorem6-bound (1)"
    assert summary["Thm 15 failed hypotheses"] == "thm6-Ru (1)"
    assert summary["implied C1 (median)"] == 2.0 and summary["R_x (median)"] == pytest.approx(3.5)
    assert "R_u (median)" not in summary


def test_aligned_rows_share_their_columns():
    assert lk_sweep.aligned([{"a": 1}, {"b": 2, "a": 3}]) == [{"a": 1, "b": None}, {"a": 3, "b": 2}]
