"""``momcert verify sgd-family``: covered and not-covered sign-map pairs separate; verdicts come from
momcert.theory.check."""

import json

import numpy as np
import pytest

from momcert.numerics.cli import main
from momcert.numerics.scenarios import sgd_family
from momcert.theory import check

# The acceptance margin: every seed's covered slope is below every seed's not-covered slope by at least this much.
# xht-two predicts the tracking error -> 0 (covered slopes about -0.3 = -b/2 for theta_k = (k+1)^-0.7 with the
# minibatch noise dominating); with constant theta the noise level stays put (slopes near 0).
MARGIN = 0.1


def run_report(tmp_path, *options):
    out = tmp_path / "run"
    code = main(["verify", "sgd-family", "--quick", "--no-progress", "--device", "cpu", "--out", str(out), *options])
    assert code == 0
    return json.loads((out / "report.json").read_text()), out


@pytest.fixture(scope="module")
def sign_pairs(tmp_path_factory):
    report, _ = run_report(tmp_path_factory.mktemp("sign"), "--methods", "sign",
                           "--pairs", "two-timescale,constant-theta", "--steps", "1200", "--seeds", "5")
    return report


def test_tracking_error_separates_covered_from_not_covered_sign_runs(sign_pairs):
    rows = {row["pair"]: row for row in sign_pairs["tables"]["runs"]}
    covered = np.array(rows["two-timescale"]["tracking slope per seed"])
    not_covered = np.array(rows["constant-theta"]["tracking slope per seed"])
    assert covered.size == not_covered.size == 5
    assert covered.max() + MARGIN < not_covered.min(), (covered, not_covered)
    assert np.median(not_covered) - np.median(covered) > 2 * MARGIN
    claims = {claim["id"]: claim for claim in sign_pairs["claims"]}
    assert claims["sign/two-timescale/tracking-to-zero"]["status"] == "pass"
    assert claims["sign/constant-theta/tracking-bounded-away"]["status"] == "pass"


def test_verdicts_beside_each_run_are_the_checkers(sign_pairs):
    for row in sign_pairs["tables"]["runs"]:
        expected = check(row["eta_k"], row["theta_k"], method="sign")
        assert row["xht-two"] == expected.theorems["xht-two"].verdict
        assert row["xht-single"] == expected.theorems["xht-single"].verdict
    verdicts = {row["pair"]: row["xht-two"] for row in sign_pairs["tables"]["runs"]}
    assert verdicts == {"two-timescale": "covered", "constant-theta": "not_covered"}


def test_claims_follow_the_verdicts_and_the_figure_is_written(tmp_path):
    report, out = run_report(tmp_path, "--methods", "normalized", "--steps", "400", "--seeds", "2")
    ids = {claim["id"] for claim in report["claims"]}
    assert {"normalized/two-timescale/tracking-to-zero", "normalized/single-timescale/momentum-to-zero",
            "normalized/constant-theta/tracking-bounded-away", "normalized/constant-eta/tracking-bounded-away"} <= ids
    assert not any("tracking-to-zero" in i and "constant" in i for i in ids)
    assert "not_applicable" not in {claim["status"] for claim in report["claims"]}  # finite runs: every claim decided
    assert (out / "sgd_family.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert report["options"]["seeds"] == [0, 1]
    rows = report["tables"]["runs"]
    assert len(rows) == 4 and all(row["max iterate norm"] > 0 for row in rows)


def _flat_runs(slope: float):
    """Observables proportional to (k+1)^slope at checkpoints 1..1000 for three seeds."""
    checkpoints = np.array([1, 10, 100, 1000])
    values = np.tile((checkpoints + 1.0) ** slope, (3, 1))
    return checkpoints, {"tracking_error": values, "momentum_norm": values, "stationarity": values}


def test_covered_limits_that_stay_flat_fail():
    checkpoints, observed = _flat_runs(0.0)
    claims = sgd_family.claims("p", "sign", {"xht-two": "covered", "xht-single": "covered"}, checkpoints, observed,
                               "slope")
    assert {claim.id: str(claim.status) for claim in claims} == {
        "p/tracking-to-zero": "fail", "p/momentum-to-zero": "fail", "p/stationarity-decreases": "fail"}


def test_a_vanishing_tracking_error_outside_every_theorem_fails_the_observation():
    checkpoints, observed = _flat_runs(-1.0)
    claims = sgd_family.claims("p", "sign", {"xht-two": "not_covered", "xht-single": "not_covered"}, checkpoints,
                               observed, "slope")
    assert [(claim.id, str(claim.status)) for claim in claims] == [("p/tracking-bounded-away", "fail")]
