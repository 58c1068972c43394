"""Tests for momcert.numerics.runs: batched trajectories, checkpoints, bit-identical resume (also after SIGKILL),
divergence."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from momcert.numerics import runs
from momcert.numerics.cli import main
from momcert.theory.errors import InputError


def noisy_step(generator):
    """A stochastic step (heavy ball on x^2/2 with Gaussian noise from ``generator``): resume must restore the RNG."""

    def step(state, k):
        noise = torch.randn(state["x"].shape, generator=generator, dtype=torch.float64)
        m = 0.9 * state["m"] + 0.1 * (state["x"] + noise)
        x = state["x"] - 0.1 / (k + 1) ** 0.5 * m
        return {"x": x, "m": m}, {"loss": 0.5 * (x ** 2).sum(-1), "norm_m": m.norm(dim=-1)}

    return step


def start_state():
    x0 = torch.arange(1.0, 7.0, dtype=torch.float64).reshape(3, 2)
    return {"x": x0, "m": torch.zeros_like(x0)}, {"loss": 0.5 * (x0 ** 2).sum(-1), "norm_m": torch.zeros(3)}


class Interrupt(Exception):
    pass


def test_resume_after_an_interruption_is_bit_identical(tmp_path):
    state, initial = start_state()
    reference = runs.run_ensemble("ref", state, noisy_step(torch.Generator().manual_seed(1)), steps=35,
                                  initial=initial, progress=False)
    generator = torch.Generator().manual_seed(1)
    inner = noisy_step(generator)

    def failing(state, k):
        if k == 23:
            raise Interrupt
        return inner(state, k)

    path = tmp_path / "run.pt"
    with pytest.raises(Interrupt):
        runs.run_ensemble("run", state, failing, steps=35, initial=initial, checkpoint=path,
                          checkpoint_every=10, checkpoint_seconds=0,
                          fingerprint={"a": 1}, generator=generator, progress=False)
    assert torch.load(path, weights_only=True)["step"] == 20
    fresh = torch.Generator().manual_seed(999)  # a different RNG state: the checkpoint must restore it
    resumed = runs.run_ensemble("run", state, noisy_step(fresh), steps=35, initial=initial, checkpoint=path,
                                checkpoint_every=10, resume=True, fingerprint={"a": 1}, generator=fresh,
                                progress=False)
    assert resumed.resumed_from == 20
    for key in reference.records:
        assert torch.equal(resumed.records[key], reference.records[key]), key
    assert torch.equal(resumed.state["x"], reference.state["x"])
    with pytest.raises(InputError):
        runs.run_ensemble("run", state, noisy_step(fresh), steps=35, initial=initial, checkpoint=path,
                          resume=True, fingerprint={"a": 2}, progress=False)

    def must_not_run(state, k):
        raise AssertionError("a finished run is not stepped again")

    finished = runs.run_ensemble("run", state, must_not_run, steps=35, initial=initial, checkpoint=path,
                                 resume=True, fingerprint={"a": 1}, progress=False)
    assert finished.resumed_from == 35 and finished.state == {}
    assert torch.equal(finished.records["loss"], reference.records["loss"])


def test_divergence_is_named_per_step_and_trial():
    x0 = torch.ones(3, 1, dtype=torch.float64)
    growth = torch.tensor([[0.5], [1e80], [1.0]], dtype=torch.float64)

    def step(state, k):
        x = state["x"] * growth
        return {"x": x}, {"loss": (x ** 2).sum(-1)}

    trajectory = runs.run_ensemble("blowup", {"x": x0}, step, steps=8, initial={"loss": (x0 ** 2).sum(-1)},
                                   progress=False)
    # trial 1: x_k = 1e80^k, so x^2 overflows to inf at k = 2
    assert trajectory.status == "diverged" and trajectory.diverged_at == 2 and trajectory.diverged_trials == [1]
    assert trajectory.divergence() == {"run": "blowup", "step": 2, "trials": [1]}
    assert torch.isfinite(trajectory.records["loss"][:, [0, 2]]).all()
    assert trajectory.records["loss"].shape == (9, 3)

    def nan_step(state, k):
        x = state["x"] * (float("nan") if k == 3 else 1.0)
        return {"x": x}, {"loss": (x ** 2).sum(-1)}

    stopped = runs.run_ensemble("nan", {"x": x0}, nan_step, steps=50, initial={"loss": (x0 ** 2).sum(-1)},
                                progress=False)
    assert stopped.status == "diverged" and stopped.diverged_at == 4 and stopped.diverged_trials == [0, 1, 2]
    assert stopped.records["loss"].shape == (51, 3) and torch.isnan(stopped.records["loss"][4:]).all()
    assert runs.finite_prefix(stopped.records["loss"]).shape[0] == 4


def test_a_diverged_scenario_still_writes_its_report(tmp_path, monkeypatch):
    from momcert.numerics import lk_runs

    original = lk_runs.step_parameters

    def too_large(spec, mu, L1):
        values = original(spec, mu, L1)
        return {**values, "eta": 1e6 * values["eta"]} if spec.name == "nesterov-practical" else values

    monkeypatch.setattr(lk_runs, "step_parameters", too_large)
    out = tmp_path / "diverged"
    code = main(["verify", "additive", "--quick", "--s-max-A2", "0.01", "--trials", "2", "--iterations", "40",
                 "--out", str(out), "--no-progress"])
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "diverged"
    assert report["diverged_at"]["run"] == "s_max(A2)=0.01 nesterov-practical"
    assert 1 <= report["diverged_at"]["step"] <= 40
    assert (out / "summary.md").read_text().count("diverged") >= 1


def comparable(report):
    return {key: report[key] for key in ("claims", "constants", "tables", "status", "options", "seed")}


def test_killed_cli_run_resumes_to_the_same_report(tmp_path):
    arguments = ["verify", "additive", "--quick", "--s-max-A2", "0.01", "--trials", "3", "--iterations", "40",
                 "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "momcert.numerics.cli", *arguments, "--out", str(out),
                                "--step-delay", "0.01", "--checkpoint-seconds", "0"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = out / "checkpoints" / "0-nesterov-theorem.pt"
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (out / "report.json").exists()
    steps = {path.name: torch.load(path, weights_only=True)["step"] for path in (out / "checkpoints").glob("*.pt")}
    assert 0 < steps["0-nesterov-theorem.pt"] < 40  # killed in the middle of a run
    resumed = subprocess.run([sys.executable, "-m", "momcert.numerics.cli", *arguments, "--out", str(out), "--resume"],
                             env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "no checkpoint" not in resumed.stderr  # there was something to resume: no note
    clean = tmp_path / "clean"
    assert main([*arguments, "--out", str(clean)]) == 0
    left = json.loads(Path(out / "report.json").read_text())
    right = json.loads(Path(clean / "report.json").read_text())
    assert comparable(left) == comparable(right)


def test_no_checkpoints_leaves_only_the_report_and_the_figure(tmp_path):
    out = tmp_path / "plain"
    result = subprocess.run(["momcert", "verify", "additive", "--quick", "--s-max-A2", "0.01", "--trials", "2",
                             "--iterations", "20", "--no-progress", "--no-checkpoints", "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in out.rglob("*")) == ["additive.png", "report.json", "summary.md"]


def test_resume_without_checkpoints_exits_with_code_2(tmp_path):
    result = subprocess.run(["momcert", "verify", "additive", "--quick", "--resume", "--no-checkpoints",
                             "--out", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("momcert verify additive: error: --resume: needs the checkpoints that --no-checkpoints "
                             "turns off (got --no-checkpoints)\n")
