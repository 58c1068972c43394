"""``momcert demo`` through the console script: the report it prints and the folder it leaves behind."""

import json
import subprocess

EXPECTED_FILES = [
    "README.md",
    "additive/additive.png",
    "additive/report.json",
    "additive/summary.md",
    "relu-nesterov/relu_nesterov.png",
    "relu-nesterov/report.json",
    "relu-nesterov/summary.md",
    "report.json",
]


def test_demo_folder_holds_the_reports_and_figures_only(tmp_path):
    out = tmp_path / "momcert-demo"
    result = subprocess.run(["momcert", "demo", "--out", str(out), "--no-progress"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# momcert demo\n")
    files = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert files == EXPECTED_FILES  # no checkpoints, no temporary files, no duplicated figures
    report = json.loads((out / "report.json").read_text())
    assert report["figures"] == ["additive/additive.png", "relu-nesterov/relu_nesterov.png"]
    readme = (out / "README.md").read_text()
    for figure in report["figures"]:  # every figure the report links is there
        assert f"]({figure})" in readme
    assert "Full report: [additive/summary.md](additive/summary.md)" in readme
