"""The distribution installs one import package, ``momcert``, and its version is visible from Python and the shell."""

import os
import subprocess
import sys
import textwrap
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def fresh_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """``code`` in a new interpreter started in ``cwd`` (so cwd, not the repository, is first on sys.path)."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from the repository by the project's own build backend (no network, no isolation)."""
    out = tmp_path_factory.mktemp("wheel")
    build = fresh_python(f"""
        import os
        from setuptools import build_meta
        os.chdir({str(ROOT)!r})
        print(build_meta.build_wheel({str(out)!r}))
    """, ROOT)
    assert build.returncode == 0, build.stderr[-2000:]
    return out / build.stdout.strip().splitlines()[-1]


def test_the_wheel_has_exactly_one_top_level_package(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top = {name.split("/")[0] for name in names}
        entry_points = archive.read(f"momcert-{version('momcert')}.dist-info/entry_points.txt").decode()
    assert top == {"momcert", f"momcert-{version('momcert')}.dist-info"}
    assert "momcert/theory/parse.py" in names and "momcert/numerics/cli.py" in names
    assert "momcert/numerics/scenarios/additive.py" in names and "momcert/numerics/commands/check.py" in names
    assert "momcert = momcert.numerics.cli:main" in entry_points
    assert not any(name.startswith(("momcert/tests", "momcert/bench", "momcert/notebooks")) for name in names)


def test_the_wheel_metadata_follows_the_ecosystem(wheel):
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"momcert-{version('momcert')}.dist-info/METADATA").decode()
        names = archive.namelist()
    assert "License-Expression: MIT" in metadata
    assert "Requires-Python: >=3.10" in metadata
    assert "Classifier: Topic :: Scientific/Engineering :: Mathematics" in metadata
    assert f"momcert-{version('momcert')}.dist-info/licenses/LICENSE" in names


def test_no_module_named_theory_or_numerics_is_importable(tmp_path):
    result = fresh_python("""
        import importlib.util
        import momcert.numerics.cli, momcert.theory.checker
        print(importlib.util.find_spec("theory"), importlib.util.find_spec("numerics"))
    """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "None"]


def test_a_users_theory_py_does_not_shadow_momcert(tmp_path):
    (tmp_path / "theory.py").write_text("raise ImportError('the user theory.py was imported')\n")
    (tmp_path / "numerics.py").write_text("raise ImportError('the user numerics.py was imported')\n")
    result = fresh_python("""
        from momcert.numerics.verify import verify
        report = verify("artificial-critical", quick=True, out="run", no_progress=True)
        print(report.status, sorted({claim.status for claim in report.claims}))
    """, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[0] == "completed"
    assert (tmp_path / "run" / "report.json").is_file()


def test_version_from_the_console_script_and_python():
    result = subprocess.run(["momcert", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"momcert {version('momcert')}"
    from momcert.numerics.cli import version as cli_version

    assert cli_version() == version("momcert") == "0.1.0"
