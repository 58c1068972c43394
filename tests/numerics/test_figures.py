"""``python -m momcert.numerics.figures``: the one command that redraws the README's figures."""

import re
import subprocess
import sys
from pathlib import Path

from momcert.numerics import figures
from momcert.numerics.figures import FIGURES, MARGINS, SWEEPS

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "momcert.numerics.figures"]


def test_the_readme_embeds_exactly_the_figures_the_command_draws():
    embedded = re.findall(r"!\[[^\]]*\]\(notebooks/figures/([^)]+)\)", (ROOT / "README.md").read_text())
    assert sorted(embedded) == sorted([*FIGURES, *SWEEPS, *MARGINS])
    drawn = sorted(path.name for path in (ROOT / "notebooks" / "figures").iterdir())
    assert drawn == sorted([*FIGURES, *SWEEPS, *MARGINS])


def test_the_command_writes_the_chosen_figures_only(tmp_path):
    out, runs = tmp_path / "figures", tmp_path / "runs"
    result = subprocess.run([*COMMAND, str(out), "--quick", "--only", "artificial-critical,additive", "--no-progress",
                             "--runs", str(runs)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == ["additive.png", "artificial_critical.png"]
    kept = sorted(str(path.relative_to(runs)) for path in runs.rglob("*") if path.is_file())
    assert kept == ["additive/additive.png", "additive/report.json", "additive/summary.md",
                    "artificial-critical/artificial_critical.png", "artificial-critical/report.json",
                    "artificial-critical/summary.md"]
    assert all((out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in ("additive.png",
                                                                                 "artificial_critical.png"))
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [str(out / "additive.png"), str(out / "artificial_critical.png")]
    assert "momcert verify additive --device cpu --dtype float64 --seed 0 --quick" in lines[0]


def test_an_unknown_scenario_exits_with_code_2(tmp_path):
    result = subprocess.run([*COMMAND, str(tmp_path), "--only", "sgd"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("python -m momcert.numerics.figures: error: --only: unknown scenario 'sgd' (choose from "
                             "additive, relu-nesterov, sgd-family, artificial-critical, sweep, margins)\n")
    assert list(tmp_path.iterdir()) == []


def test_the_sweep_figure_is_the_sweeps_figure_of_its_first_axis(tmp_path, monkeypatch):
    """A two-point sweep stands in for the README's six: its figure-kappa.png is the one copied, under the name."""
    monkeypatch.setattr(figures, "SWEEPS", {"sweep_test.png": (
        "additive", {"kappa": [10, 100]}, {"quick": True, "s_max_A2": 0.3, "trials": 1, "iterations": 10})})
    lines = []
    written = figures.regenerate(tmp_path / "out", only=("sweep",), runs=tmp_path / "runs", progress=False,
                                 log=lines.append)
    assert written == [tmp_path / "out" / "sweep_test.png"]
    assert written[0].read_bytes() == (tmp_path / "runs" / "sweep" / "figure-kappa.png").read_bytes()
    assert lines[0].startswith(f"{written[0]}: momcert sweep additive over kappa (") and "2 points" in lines[0]


def test_the_margins_figure_is_drawn_from_the_margin_table(tmp_path, monkeypatch):
    """``--only margins`` draws only the margins figure, from initial networks (no run)."""
    monkeypatch.setattr(figures, "MARGINS", {"margins_test.png": ((2,), (64, 128))})
    lines = []
    written = figures.regenerate(tmp_path / "out", only=("margins",), progress=False, log=lines.append)
    assert written == [tmp_path / "out" / "margins_test.png"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert lines[0].startswith(f"{written[0]}: Theorem 15 hypothesis margins at depths (2,), widths (64, 128)")
