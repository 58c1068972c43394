"""Repository files beside the package: .gitignore (ignores what momcert writes, and no tracked file), CITATION.cff."""

import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Folders that running momcert from the repository root (or a notebook from notebooks/) writes into.
OUTPUTS = ["momcert-demo/README.md", "momcert-runs/additive/report.json", "notebooks/runs/additive/report.json",
           "dist/momcert-0.1.0-py3-none-any.whl"]

needs_git = pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None,
                               reason="needs a git checkout")


def git(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=60)


@needs_git
def test_no_tracked_file_is_ignored():
    listed = git("ls-files", "--ignored", "--cached", "--exclude-standard")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == ""


@needs_git
def test_what_momcert_writes_is_ignored():
    ignored = git("check-ignore", "--no-index", *OUTPUTS)
    assert ignored.stdout.splitlines() == OUTPUTS


def test_the_citation_file_cites_this_version_and_both_papers():
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(r"^version: (\S+)$", citation, re.MULTILINE).group(1) == version("momcert")
    assert "arXiv:2307.10053" in citation and "arXiv:2306.08109" in citation  # [XHT] and [LK]
