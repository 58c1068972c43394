"""``python -m momcert.numerics.figures``: the one command that redraws the README's figures."""

import re
import subprocess
import sys
from pathlib import Path

from momcert.numerics.figures import FIGURES

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "momcert.numerics.figures"]


def test_the_readme_embeds_exactly_the_figures_the_command_draws():
    embedded = re.findall(r"!\[[^\]]*\]\(notebooks/figures/([^)]+)\)", (ROOT / "README.md").read_text())
    assert sorted(embedded) == sorted(FIGURES)
    assert sorted(path.name for path in (ROOT / "notebooks" / "figures").iterdir()) == sorted(FIGURES)


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
                             "additive, relu-nesterov, sgd-family, artificial-critical)\n")
    assert list(tmp_path.iterdir()) == []
