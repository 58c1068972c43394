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


def test_the_demo_groups_claims_over_settings_with_their_status_counts():
    from momcert.numerics.demo import claim_table
    from momcert.numerics.reporting import Claim

    claims = [Claim("bound[m=16]", "pass", "", "", statement="f_k <= bound", kind="prediction"),
              Claim("h[m=16]", "fails", "", "", statement="G1 small", kind="hypothesis"),
              Claim("bound[m=64]", "not_applicable", "", "", statement="f_k <= bound", kind="prediction"),
              Claim("bound[m=256]", "pass", "", "", statement="f_k <= bound", kind="prediction"),
              Claim("bound[m=512]", "pass_if", "", "", statement="f_k <= bound", kind="conditional")]
    assert claim_table(claims)[2:] == [
        "| `bound` | prediction, conditional | pass 2, not_applicable 1, pass_if 1 | f_k <= bound |",
        "| `h` | hypothesis | fails 1 | G1 small |"]
