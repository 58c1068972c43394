"""``momcert verify artificial-critical``: deterministic GD is stuck on autodiff's artificial critical point,
randomized stepsizes and starts are not ([XHT], `momcert explain xht-clarke`)."""

import json

import pytest
import torch

from momcert.numerics.cli import main


def run_report(tmp_path, *options):
    out = tmp_path / "run"
    code = main(["verify", "artificial-critical", "--no-progress", "--device", "cpu", "--out", str(out), *options])
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    return {claim["id"]: claim for claim in report["claims"]}, out


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    return run_report(tmp_path_factory.mktemp("artificial"))


def test_plain_autograd_gd_lands_on_zero_and_stays():
    # Independent of the package: the xht-clarke example with torch.autograd, one scalar at a time.
    x = torch.tensor(2.0, dtype=torch.float64)
    for _ in range(5):
        point = x.clone().requires_grad_(True)
        value = (point - 1) ** 2 / 2 - (torch.relu(point) - torch.relu(-point) - point)
        (derivative,) = torch.autograd.grad(value, point)
        x = x - 2.0 * derivative
        assert float(x) == 0.0
    assert float(derivative) == 0.0


def test_deterministic_run_is_stuck_at_exactly_zero(default_run):
    claims, _ = default_run
    stuck = claims["deterministic-stuck"]
    assert stuck["status"] == "pass"
    assert stuck["observed"]["x_K"] == 0.0
    assert stuck["observed"]["x_k == 0 for all k >= 1"] is True
    assert stuck["observed"]["autodiff F'(x_K)"] == 0.0
    assert stuck["observed"]["true F'(x_K)"] == -1.0
    assert claims["artificial-critical-point"]["observed"]["autodiff_z'(0)"] == -1.0


def test_no_randomized_draw_is_stuck(default_run):
    claims, out = default_run
    randomized = claims["randomized-none-stuck"]
    assert randomized["observed"]["runs"] == 1000
    assert randomized["observed"]["stuck"] == 0
    assert randomized["observed"]["runs_hitting_0"] == 0
    assert randomized["observed"]["max_error"] <= 1e-6
    assert randomized["status"] == "pass"
    assert (out / "artificial_critical.png").read_bytes()[:4] == b"\x89PNG"


def test_autodiff_differs_from_clarke_on_a_relu_network(default_run):
    claims, _ = default_run
    observed = claims["autodiff-outside-clarke"]["observed"]
    assert observed["autodiff"] == [0.0, 0.0]
    assert observed["clarke_min_norm"] == pytest.approx(1.0, abs=1e-4)       # the true gradient (-1, 0)
    assert observed["distance (radius 1e-06)"] == pytest.approx(1.0, abs=1e-4)


def test_the_stuck_prediction_needs_a_first_step_onto_the_kink(tmp_path):
    # eta = 1 from x0 = 2 lands on the minimizer 1, not on the kink 0: nothing is predicted
    claims, _ = run_report(tmp_path, "--eta", "1", "--draws", "10", "--steps", "20")
    assert claims["deterministic-stuck"]["status"] == "not_applicable"


def test_the_claim_fails_when_the_random_law_does_not_keep_steps_stable(tmp_path):
    # eta = 2 s with s in [0.99999, 1]: |1 - 2 s| ~ 1, so GD on (x-1)^2/2 oscillates and never reaches 1.
    claims, _ = run_report(tmp_path, "--scale", "0.99999:1", "--x0-radius", "0", "--draws", "50", "--steps", "50")
    assert claims["randomized-none-stuck"]["status"] == "fail"
    assert claims["randomized-none-stuck"]["observed"]["stuck"] == 50


def test_without_the_relu_kink_the_artificial_point_and_the_stuck_run_fail(tmp_path, monkeypatch):
    """z = 0 written without relu: autodiff gives z'(0) = 0 and F'(0) = -1, so there is no artificial critical point
    and GD from 2 with eta = 2 lands on 0 and leaves it (x_2 = 2): both claims fail."""
    from momcert.numerics import stationarity

    monkeypatch.setattr(stationarity, "zero_in_disguise", lambda x: 0 * x)
    claims, _ = run_report(tmp_path, "--draws", "10", "--steps", "20")
    assert claims["artificial-critical-point"]["status"] == "fail"
    assert claims["deterministic-stuck"]["status"] == "fail"


def test_a_smooth_network_is_inside_the_clarke_subdifferential_and_fails_the_claim(tmp_path, monkeypatch):
    from momcert.numerics.scenarios import artificial_critical

    def smooth(options):
        return (lambda p: (p ** 2).sum() / 2), torch.tensor([0.0, 1.0], dtype=options.dtype, device=options.device)

    monkeypatch.setattr(artificial_critical, "kink_network", smooth)
    claims, _ = run_report(tmp_path, "--draws", "10", "--steps", "20")
    assert claims["autodiff-outside-clarke"]["observed"]["distance (radius 1e-06)"] < 1e-3
    assert claims["autodiff-outside-clarke"]["status"] == "fail"
