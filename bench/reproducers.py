"""The reproducers of the "nothing escapes" probe, each run through the console script: its wall time and outcome.

Each command must end within 10 s with exit 2 and one line on stderr (``refused``), or exit 0 with a report in which
the affected runs are ``diverged`` at a named step (``diverged``). The baseline is ``momcert --version`` (the cost of
starting Python and importing the CLI), run in the same process; the table prints each command's wall time, its
ratio to that baseline, and its outcome, and the script exits 1 if any command misses the 10 s or the outcome.

    python bench/reproducers.py [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 10.0
HANG = "1/(k+1) + cos(exp(10**10))"

REPRODUCERS: list[list[str]] = [
    ["check", "--eta", HANG],
    ["check", "--eta", "1/(k+1)", "--random-scale", "1", "cos(exp(10**10))"],
    ["check", "--from", "torch-sgd", "--lr", HANG],
    ["nesterov", "--mu", "cos(exp(10**10))", "--L1", "1", "--L2", "1"],
    ["nesterov", "--L1", "exp(exp(exp(5)))"],
    ["check", "--eta", "floor(pi*10**200)"],
    ["check", "--eta", "exp(exp(exp(exp(10))))"],
    ["check", "--eta", "1/(k+1)", "--random-scale", "1", "floor(pi*10**200)"],
    ["check", "--from", "lion", "--lr", "1e-4", "--betas=--"],
    ["verify", "additive", "--quick", "--s-max-A2", "1e20"],
    ["verify", "additive", "--quick", "--s-max-A2", "1e100"],
    ["verify", "additive", "--quick", "--s-max-A2", "1e200"],
    ["verify", "artificial-critical", "--quick", "--x0=nan"],
    ["verify", "artificial-critical", "--quick", "--x0=inf"],
    ["verify", "artificial-critical", "--quick", "--x0-radius=nan"],
    ["verify", "artificial-critical", "--quick", "--tolerance=nan"],
    ["verify", "relu-nesterov", "--quick", "--widths", "16", "--dtype", "float32", "--iterations", "6", "--n", "4",
     "--d0", "100000"],
    ["verify", "additive", "--quick", "--dim-x", "100000000"],
    ["verify", "additive", "--quick", "--dim-u", "100000000"],
    ["verify", "additive", "--quick", "--trials", "100000000000"],
    ["verify", "relu-nesterov", "--quick", "--widths", "100000000"],
    ["verify", "relu-nesterov", "--quick", "--n", "100000000000"],
    ["verify", "relu-nesterov", "--quick", "--d0", "100000000000"],
    ["verify", "relu-nesterov", "--quick", "--d-out", "100000000000"],
    ["verify", "sgd-family", "--quick", "--seeds", "100000000000"],
    ["verify", "sgd-family", "--quick", "--batch", "100000000000"],
    ["verify", "artificial-critical", "--quick", "--draws", "100000000000000"],
    ["verify", "additive", "--quick", "--threads", "1" * 30],
    ["verify", "additive", "--quick", "--iterations", "1" * 30],
    ["verify", "sgd-family", "--quick", "--steps", "1" * 30],
    ["verify", "sgd-family", "--quick", "--eps", "inf"],
]


def outcome(result: subprocess.CompletedProcess, out: Path) -> str:
    """``refused``, ``diverged`` (a report with a diverged run at a named step), or what went wrong."""
    lines = result.stderr.strip().splitlines()
    if result.returncode == 2:
        return "refused" if len(lines) == 1 else f"exit 2 with {len(lines)} lines on stderr"
    if result.returncode != 0:
        return f"exit {result.returncode}: {lines[-1] if lines else ''}"
    report = out / "report.json"
    if not report.exists():
        return "exit 0, check report" if result.stdout.strip() else "exit 0 and no output"
    written = json.loads(report.read_text())
    if written["status"] == "diverged" and written["diverged_at"] and written["diverged_at"].get("step"):
        return "diverged"
    return f"exit 0, report {written['status']}"


def timed(argv: list[str]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as folder:
        extra = ["--out", folder, "--no-progress"] if argv[0] == "verify" else []
        start = time.perf_counter()
        result = subprocess.run(["momcert", *argv, *extra], capture_output=True, text=True,
                                timeout=10 * LIMIT_SECONDS)
        return time.perf_counter() - start, outcome(result, Path(folder))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the reproducers whose command line contains this text")
    args = parser.parse_args()
    baseline, _ = timed(["--version"])
    print(f"baseline (momcert --version): {baseline:.2f} s")
    misses = 0
    for argv in REPRODUCERS:
        if args.only not in " ".join(argv):
            continue
        seconds, result = timed(argv)
        # check reports (exit 0 with a table) are the expected end of check/nesterov inputs that parse and decide
        good = seconds < LIMIT_SECONDS and result in ("refused", "diverged", "exit 0, check report")
        misses += not good
        shown = " ".join(argv)
        print(f"{seconds:6.2f} s  {seconds / baseline:5.1f}x  {result:<10}  {'ok ' if good else 'MISS'}  {shown[:90]}")
    print(f"{misses} of the reproducers missed the {LIMIT_SECONDS:g} s limit or the outcome")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
