"""momcert sweep: the grid, the merged table, Dask against in-process runs, a killed worker, resume, failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import pytest

from momcert.numerics import sweep as sweep_module
from momcert.numerics.sweep import parse_grid, point_folder_name, sweep
from momcert.numerics.sweep_table import TIMING
from momcert.theory.errors import InputError

#: Six points of about a second each (at rest): tiny instances, few steps.
GRID = {"kappa": ["10", "100"], "seed": ["0", "1", "2"]}
GRID_TEXT = "kappa=10,100 seed=0:3"
FIXED = {"quick": True, "s_max_A2": "0.3", "trials": "1", "dim_x": "4", "dim_u": "4", "iterations": "10"}
FIXED_FLAGS = ["--quick", "--s-max-A2", "0.3", "--trials", "1", "--dim-x", "4", "--dim-u", "4", "--iterations", "10"]


def numbers(rows):
    """The table without the columns that differ between two runs of the same point (wall times)."""
    return [{name: value for name, value in row.items() if name not in TIMING} for row in rows]


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory):
    """The sweep through the real console script, in process (the default executor): its folder and table."""
    out = tmp_path_factory.mktemp("local")
    result = subprocess.run(["momcert", "sweep", "additive", "--grid", GRID_TEXT, *FIXED_FLAGS, "--out", str(out),
                             "--no-progress"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = json.loads((out / "sweep.json").read_text())
    assert result.stdout.splitlines()[0].startswith("point,kappa,seed,status,error,wall_time_s")
    return out, rows


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def test_grid_text():
    assert parse_grid("widths=64,256 seed=0:3") == {"widths": ["64", "256"], "seed": ["0", "1", "2"]}
    assert point_folder_name({"kappa": "10", "seed": "0"}) == "kappa=10__seed=0"
    assert point_folder_name({"schedule": "1/(k+1)"}).startswith("schedule=1--k-1--")
    assert point_folder_name({"schedule": "1/(k+1)"}) != point_folder_name({"schedule": "1*(k+1)"})
    for text, message in (("seed=3:1", "a:b needs integers a < b"), ("seed", "is not NAME=V1,V2"),
                          ("seed=1 seed=2", "seed is given twice"), ("seed=1,,2", "has an empty value")):
        with pytest.raises(InputError, match=message):
            parse_grid(text)


def test_local_table_has_every_claim_and_constant(local_sweep):
    out, rows = local_sweep
    assert [(row["kappa"], row["seed"], row["status"]) for row in rows] == [
        (kappa, seed, "completed") for kappa in GRID["kappa"] for seed in GRID["seed"]]
    report = json.loads((out / "kappa=10__seed=0" / "report.json").read_text())
    row = rows[0]
    for claim in report["claims"]:
        assert row[f"{claim['id']}/status"] == claim["status"]
    constants = report["constants"]["s_max(A2)=0.3"]
    assert row["constants/s_max(A2)=0.3/G1 observed"] == constants["G1 observed"]
    assert row["constants/s_max(A2)=0.3/kappa"] == pytest.approx(10.0)
    assert (out / "figure-kappa.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "figure-seed.png").is_file()


def test_dask_equals_local(local_sweep, cluster, tmp_path):
    _, local_rows = local_sweep
    rows = sweep("additive", GRID, cluster=cluster.scheduler_address, out=tmp_path, progress=False, **FIXED)
    assert numbers(rows) == numbers(local_rows)


def test_killed_worker_loses_nothing(local_sweep, cluster, tmp_path):
    from distributed import Client

    _, local_rows = local_sweep
    result = {}
    thread = threading.Thread(target=lambda: result.update(rows=sweep(
        "additive", GRID, cluster=cluster.scheduler_address, out=tmp_path, progress=False, **FIXED)))
    with Client(cluster.scheduler_address) as client:
        before = client.run(os.getpid)
        thread.start()
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("*/point.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        victim = sorted(before.values())[0]
        os.kill(victim, signal.SIGKILL)  # the other worker is mid-point; this one has just started its next
        thread.join(timeout=240)
        assert victim not in client.run(os.getpid).values()
    assert numbers(result["rows"]) == numbers(local_rows)


def test_resume_skips_completed_and_resumes_interrupted(local_sweep, monkeypatch):
    out, local_rows = local_sweep
    interrupted = out / "kappa=100__seed=1"
    (interrupted / "point.json").unlink()
    (interrupted / "report.json").unlink()  # a point stopped after its checkpoints, before its report
    times = {path: path.stat().st_mtime_ns for path in out.glob("*/report.json")}
    calls = []
    real = sweep_module.verify_point

    def recording(scenario, options, folder, resume):
        calls.append((folder.name, resume))
        return real(scenario, options, folder, resume)

    monkeypatch.setattr(sweep_module, "verify_point", recording)
    rows = sweep("additive", GRID, out=out, progress=False, **FIXED)
    assert calls == [("kappa=100__seed=1", True)]
    assert {path: path.stat().st_mtime_ns for path in times} == times
    assert numbers(rows) == numbers(local_rows)


def test_failing_point_is_a_row_with_its_error(monkeypatch, tmp_path):
    real = sweep_module.verify_point

    def failing(scenario, options, folder, resume):
        if options["seed"] == "1":
            raise RuntimeError("the run diverged at step 3\nsecond line")
        return real(scenario, options, folder, resume)

    monkeypatch.setattr(sweep_module, "verify_point", failing)
    rows = sweep("additive", {"seed": ["0", "1"]}, out=tmp_path, progress=False, **FIXED)
    assert [(row["seed"], row["status"], row["error"]) for row in rows] == [
        ("0", "completed", None), ("1", "failed", "RuntimeError: the run diverged at step 3")]
    assert "wall_time_s" in rows[0] and "wall_time_s" not in rows[1]
    monkeypatch.setattr(sweep_module, "verify_point", real)  # the next sweep runs the failed point again
    rows = sweep("additive", {"seed": ["0", "1"]}, out=tmp_path, progress=False, **FIXED)
    assert [row["status"] for row in rows] == ["completed", "completed"]


def test_point_record_is_written_once(tmp_path):
    first = json.dumps({"point": {}, "status": "completed", "error": None})
    assert sweep_module.write_once(tmp_path / "point.json", first)
    assert not sweep_module.write_once(tmp_path / "point.json", first.replace("completed", "diverged"))
    assert json.loads((tmp_path / "point.json").read_text())["status"] == "completed"
    assert [path.name for path in tmp_path.iterdir()] == ["point.json"]


@pytest.mark.parametrize(("grid", "message"), [
    ("kapa=10,100", "momcert sweep additive: error: --grid: kapa is not an option of additive; did you mean kappa?"),
    ("kappa=10,-1", "momcert sweep additive: error: --kappa: must be"),
    ("seed=4:2", "momcert sweep additive: error: --grid: 'seed=4:2': a:b needs integers a < b (got '4:2')"),
    ("out=a,b", "momcert sweep additive: error: --grid: out is not an option of additive"),
])
def test_cli_bad_grid(grid, message, tmp_path):
    result = subprocess.run(["momcert", "sweep", "additive", "--grid", grid, "--out", str(tmp_path / "s")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1, result.stderr
    assert not (tmp_path / "s").exists()  # nothing ran
