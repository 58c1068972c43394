"""The repository's .gitignore: it ignores what the package and the lessons write, and no tracked file."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Folders that running momcert from the repository root (or a notebook from notebooks/) writes into.
OUTPUTS = ["momcert-demo/README.md", "momcert-runs/additive/report.json", "notebooks/runs/additive/report.json",
           "dist/momcert-0.1.0-py3-none-any.whl"]

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None,
                                reason="needs a git checkout")


def git(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_no_tracked_file_is_ignored():
    listed = git("ls-files", "--ignored", "--cached", "--exclude-standard")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == ""


def test_what_momcert_writes_is_ignored():
    ignored = git("check-ignore", "--no-index", *OUTPUTS)
    assert ignored.stdout.splitlines() == OUTPUTS
