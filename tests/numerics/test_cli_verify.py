"""``momcert verify``: every option is validated before torch is imported, a bad one ends with one line in one wording
(``momcert verify SCENARIO: error: --FLAG: <what is wrong> (got VALUE)``, exit code 2), and ``--resume`` says when it
finds nothing to resume."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from momcert.numerics.verify import verify
from momcert.theory.errors import InputError

MOMCERT = shutil.which("momcert") or str(Path(sys.executable).with_name("momcert"))

#: (scenario, options, the one line on stderr after "momcert verify SCENARIO: error: ")
BAD_OPTIONS = [
    ("additive", ["--kappa", "0.5"], "--kappa: must be a number in [1, 1e+12] (got 0.5)"),
    ("additive", ["--kappa", "inf"], "--kappa: must be a number in [1, 1e+12] (got inf)"),
    ("additive", ["--s-max-A2", "0.1,abc"], "--s-max-A2: 'abc' is not a positive finite number (got 0.1,abc)"),
    ("additive", ["--iterations", "2"], "--iterations: must be an integer >= 6 (got 2)"),
    ("additive", ["--spectrum", "cubic"], "--spectrum: must be one of geometric, linear (got cubic)"),
    ("additive", ["--C1", "nan"], "--C1: must be a positive finite number (got nan)"),
    ("additive", ["--seed", "-1"], "--seed: must be an integer in [0, 9223372036854775807] (got -1)"),
    ("additive", ["--device", "gpu"], "--device: must be one of auto, cpu, cuda (got gpu)"),
    ("relu-nesterov", ["--widths", "8,x"], "--widths: 'x' is not a positive integer (got 8,x)"),
    ("relu-nesterov", ["--C2", "0"], "--C2: must be a positive finite number (got 0)"),
    ("relu-nesterov", ["--regime", "paper"], "--regime: must be one of sweep, lk (got paper)"),
    ("relu-nesterov", ["--depth", "1"], "--depth: must be an integer >= 2 (got 1)"),
    ("relu-nesterov", ["--regime", "lk", "--depth", "3", "--widths", "8,8,8"],
     "--widths: give one width or 2 (one per hidden layer at depth 3) (got 8,8,8)"),
    ("relu-nesterov", ["--regime", "lk", "--data", "random"], "--data: --regime lk uses teacher labels (got random)"),
    ("relu-nesterov", ["--data", "digits", "--d0", "5"], "--d0: the digits data fix d0 = 64 (got 5)"),
    ("relu-nesterov", ["--data", "digits", "--n", "2000"], "--n: the digits data hold 1797 images (got 2000)"),
    ("sgd-family", ["--methods", "adam"],
     "--methods: 'adam' is not one of heavy-ball, sign, normalized, clip, lion, clip-coord (got adam)"),
    ("sgd-family", ["--steps", "0"], "--steps: must be a positive integer (got 0)"),
    ("sgd-family", ["--label-noise", "-1"], "--label-noise: must be a finite number >= 0 (got -1)"),
    ("sgd-family", ["--problem", "digits", "--label-noise", "0.1"],
     "--label-noise: the digits data have no teacher labels to add noise to (got 0.1)"),
    ("artificial-critical", ["--scale", "1:0.5"], "--scale: must be A:B with numbers 0 < A < B (got 1:0.5)"),
    ("artificial-critical", ["--scale", "0.5:1.5"],
     "--scale: with --eta 2 the largest step eta * B = 3 exceeds 2, where GD on (x-1)^2/2 diverges (got 0.5:1.5)"),
    ("artificial-critical", ["--tolerance", "0"], "--tolerance: must be a positive finite number (got 0)"),
]


@pytest.mark.parametrize(("scenario", "options", "message"), BAD_OPTIONS,
                         ids=[f"{s}{''.join(o)}" for s, o, _ in BAD_OPTIONS])
def test_a_bad_option_exits_2_with_one_line_naming_the_flag(scenario, options, message, tmp_path):
    result = subprocess.run([MOMCERT, "verify", scenario, *options, "--out", str(tmp_path / "run")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == f"momcert verify {scenario}: error: {message}\n"
    assert result.stdout == "" and not (tmp_path / "run").exists()


def test_an_output_folder_that_is_a_file_is_refused_before_the_run(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("")
    result = subprocess.run([MOMCERT, "verify", "additive", "--out", str(taken / "run")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (f"momcert verify additive: error: --out: {taken} is a file, not a folder "
                             f"(got {taken / 'run'})\n")


def test_validation_fails_before_torch_is_imported(tmp_path):
    """Every bad option of the table above, in one fresh interpreter: each exits 2 and torch is never imported."""
    program = ("import json, sys; from momcert.numerics.cli import main; "
               f"cases = json.loads({json.dumps(json.dumps([[s, o] for s, o, _ in BAD_OPTIONS]))}); "
               f"codes = [main(['verify', s, *o, '--out', {str(tmp_path)!r}]) for s, o in cases]; "
               "print(json.dumps({'codes': codes, 'torch': 'torch' in sys.modules, 'numpy': 'numpy' in sys.modules}))")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"codes": [2] * len(BAD_OPTIONS), "torch": False, "numpy": False}
    assert len(result.stderr.splitlines()) == len(BAD_OPTIONS)


def test_the_python_entry_point_raises_the_same_message():
    with pytest.raises(InputError, match=r"^--kappa: must be a number in \[1, 1e\+12\] \(got 0\)$"):
        verify("additive", kappa=0)


def test_resume_with_nothing_to_resume_says_so_and_runs(tmp_path):
    out = tmp_path / "fresh"
    result = subprocess.run([MOMCERT, "verify", "artificial-critical", "--resume", "--draws", "4", "--steps", "5",
                             "--device", "cpu", "--no-progress", "--json", "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == ("momcert verify artificial-critical: note: --resume: no checkpoint in "
                                             f"{out / 'checkpoints'}; starting from the beginning")
    assert json.loads(result.stdout)["claims"] and (out / "report.json").exists()


def test_a_cuda_run_without_a_gpu_is_refused_in_the_same_wording(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    result = subprocess.run([MOMCERT, "verify", "additive", "--device", "cuda", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "momcert verify additive: error: --device: no CUDA device is available (got cuda)\n"
