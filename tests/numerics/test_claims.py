"""The claims of ``momcert verify`` (:mod:`momcert.numerics.claims`): every kind of statement comes out ``fail``
(``fails`` for a hypothesis) on a trajectory that violates it, and ``not_applicable`` only naming the failing
hypothesis with both numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from momcert.numerics import claims
from momcert.numerics.lk_regime import Measured
from momcert.theory import nesterov


def _hypotheses(*holding: bool):
    return [claims.hypothesis(f"h{i}", "", "", 0.0 if ok else 2.0, 1.0, at_most=True) for i, ok in enumerate(holding)]


UNDECIDED = claims.constants_hypothesis("thm7", {"part": True}, {"C1": 2.0, "C2": 5.0}, {"C1": None, "C2": None}, "s")


# -- hypotheses --------------------------------------------------------------------------------------------------
def test_a_violated_hypothesis_fails_with_its_values():
    claim = claims.hypothesis("ball", "", "", 0.3, 0.2, at_most=True)
    assert (claim.status, claim.kind, claim.observed, claim.predicted) == ("fails", "hypothesis", 0.3, "<= 0.2")
    assert claims.hypothesis("alpha", "", "", 0.4, 0.5, at_most=False).status == "fails"
    assert claims.hypothesis("alpha", "", "", math.nan, 0.5, at_most=False).status == "fails"
    assert claims.hypothesis("alpha", "", "", 0.5, 0.5, at_most=False).status == "holds"


@pytest.mark.parametrize(("determined", "given", "expected"), [
    (True, {"C1": None, "C2": None}, None),
    (False, {"C1": None, "C2": None}, False),
    (True, {"C1": 3.0, "C2": 5.0}, True),
    (True, {"C1": 3.0, "C2": None}, None),
    (True, {"C1": 1.0, "C2": None}, False),
    (True, {"C1": 3.0, "C2": 4.0}, False),
    (False, {"C1": 3.0, "C2": 5.0}, False),
])
def test_theorem7_hypotheses_hold_fail_or_are_undecided(determined, given, expected):
    implied = {"C1": 2.0, "C2": 5.0}
    assert claims.theorem7_applicability({"part": determined}, implied, given) is expected
    claim = claims.constants_hypothesis("h", {"part": determined}, implied, given, "s")
    assert claim.status == {True: "holds", False: "fails", None: "undecided"}[expected]
    assert claim.observed["implied C1"] == 2.0


def test_an_implied_constant_that_is_not_a_number_never_holds():
    implied = {"C1": float("nan"), "C2": 1.0}
    assert claims.theorem7_applicability({}, implied, {"C1": 1e30, "C2": 1e30}) is False


def test_every_run_check_fails_when_violated():
    measured = Measured(alpha_ratio=0.4, L1_ratio=1.5, ball_x=2, ball_u=2, G1=2, pl=1, dominance=0)
    statuses = [claim.status for claim in claims.run_checks("t0", "gd", measured, {"R_x": 1, "R_u": 1, "G1": 1})]
    assert statuses == ["fails"] * 5


# -- predictions -------------------------------------------------------------------------------------------------
def test_a_violated_bound_whose_hypotheses_hold_fails():
    losses = np.array([1.0, 0.9, 0.95])  # rho = 0.9: the bound 0.81 at k = 2 is violated
    claim = claims.bound("b", "", "", losses, 1.0, 0.9, 1.0, _hypotheses(True, True))
    assert (claim.status, claim.kind) == ("fail", "prediction")
    assert claim.observed["max ratio to bound"] == pytest.approx(0.95 / 0.81)
    assert claim.observed["first violation"] == 2


def test_a_bound_over_trials_fails_when_one_trial_violates_it():
    losses = np.array([[1.0, 1.0], [0.5, 0.5], [0.2, 0.9]])
    claim = claims.bound("b", "", "", losses, np.ones(2), np.full(2, 0.9), 1.0, [])
    assert claim.status == "fail"


def test_a_diverged_run_fails_its_bound():
    claim = claims.bound("b", "", "", np.array([1.0, 0.5, math.nan]), 1.0, 0.9, 1.0, _hypotheses(True))
    assert claim.status == "fail"


def test_a_prediction_is_not_applicable_only_naming_the_failed_hypothesis():
    claim = claims.bound("b", "", "", np.array([1.0, 0.9, 0.95]), 1.0, 0.9, 1.0, _hypotheses(True, False))
    assert (claim.status, claim.kind) == ("not_applicable", "prediction")
    assert claim.statistic.endswith("hypotheses fail: h1: 2, needs <= 1")
    assert claim.observed["held"] is False


def test_a_violated_rate_ratio_with_its_hypotheses_holding_fails():
    halving = torch.tensor([0.5 ** k for k in range(12)], dtype=torch.float64)[:, None]
    claim, observed = claims.rate_ratio_claim("r", halving, halving, np.array([100.0]), 3.0, _hypotheses(True), "")
    assert observed["ratio"] == pytest.approx(1.0)  # sqrt(kappa) = 10: outside [10/3, 30]
    assert claim.status == "fail"


def test_moves_beyond_the_lemma10_bounds_with_their_hypotheses_holding_fail():
    lemma10 = nesterov.lemma10_bounds(0.01, 0.9, 1.0, 1.0, 0.5, 0.99, 1)
    dx = torch.full((6, 1), 10.0, dtype=torch.float64)  # ||dx||^2 = 100 >> Q2 rho^k phi0 (Q2 = 1.2)
    du = torch.zeros((6, 1), dtype=torch.float64)
    claim = claims.moves_claim("m", dx, du, lemma10, np.array([1.0]), _hypotheses(True))
    assert claim.observed["max dx^2/bound"] > 1
    assert claim.status == "fail"


def test_lemma_predictions_fail_when_violated():
    measured = Measured(alpha_ratio=1, L1_ratio=0.1, ball_x=0, ball_u=0, G1=0.1, pl=0.5, dominance=2)
    checks = claims.run_checks("t0", "gd", measured, {"R_x": 1, "R_u": 1, "G1": 1})
    assert [claim.status for claim in checks] == ["holds"] * 5
    assert [claim.status for claim in claims.lemma_predictions("t0", "gd", measured, checks)] == ["fail", "fail"]


def test_a_violated_observation_fails_and_a_failed_premise_is_named():
    assert claims.observation("o", "", "", "> 0", -1.0, False, "s").status == "fail"
    premise = claims.decided("finite", "", "", "a finite slope", math.nan, False, "")
    claim = claims.observation("o", "", "", "> 0", math.nan, True, "s", [premise])
    assert claim.status == "not_applicable"
    assert claim.statistic == "s; hypotheses fail: finite: nan, needs a finite slope"


# -- conditional statements --------------------------------------------------------------------------------------
def test_a_violated_prediction_resting_on_undecided_constants_is_a_failed_conditional():
    assert UNDECIDED.status == "undecided"
    claim = claims.bound("b", "", "", np.array([1.0, 3.0]), 1.0, 0.9, 2.0, [UNDECIDED])
    assert (claim.status, claim.kind) == ("fail", "conditional")
    assert claim.statistic.endswith("conditional on C1 >= 2 and C2 >= 5 (thm7 undecided: [LK] leaves C1, C2 "
                                    "unspecified): the prediction VIOLATED")


def test_a_held_prediction_resting_on_undecided_constants_passes_if_they_are_large_enough():
    claim = claims.bound("b", "", "", np.array([1.0, 0.5]), 1.0, 0.9, 2.0, [UNDECIDED])
    assert (claim.status, claim.kind) == ("pass_if", "conditional")
    assert "the prediction held" in claim.statistic


def test_a_condition_no_constant_satisfies_fails():
    claim = claims.conditional("c1", "", "", "C1", math.inf)
    assert (claim.status, claim.kind) == ("fail", "conditional")
    assert claim.statistic == "false for every C1"
    finite = claims.conditional("c1", "", "", "C1", 585.0, _hypotheses(False))
    assert finite.status == "pass_if"
    assert finite.statistic == "true exactly when C1 >= 585; the theorem's other hypotheses fail: h0: 2, needs <= 1"
