"""[LK] Theorem 15 on a GPU: the ``--regime lk`` configuration and a wide depth-2 network at n = 16, timed.

Runs two ``momcert verify relu-nesterov --regime lk`` configurations in this process on ``--device`` (default cuda)
in float64 and prints, for each, the wall time, the steps per second (every run of every initialization counted),
the peak device memory (``torch.cuda.max_memory_allocated``; on the CPU the process's peak resident set) and the
report's headline and Theorem 6 / 7 statements:

1. ``lk``: the [LK] setting as the command line defines it (depth 2, n = 4, d0 = 2, width 2048, 3 initializations,
   10,000 iterations);
2. ``wide``: depth 2 at the scenario's sweep sizes n = 16, d0 = 4 with hidden width 2^22 = 4,194,304 (width constant
   d/(n^4.5 max(n, d0^2)) = 1, the value that ``lk`` has), one initialization, ``--iterations`` steps.

``--smoke`` shrinks both (widths 64 and 256, 50 iterations) to check the script on a CPU. The JSON of both rows goes
to ``--json`` when given (the device check writes it under $OUT).

Run: ``python bench/gpu_theorem15.py [--device cuda] [--iterations 20000] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import torch

from momcert.numerics.verify import verify

WIDE_WIDTH = 2**22


def configurations(smoke: bool, iterations: int) -> dict[str, dict]:
    """The two configurations (keyword options of :func:`momcert.numerics.verify.verify`)."""
    if smoke:
        return {"lk": {"widths": 64, "iterations": 50},
                "wide": {"widths": 256, "n": 16, "d0": 4, "trials": 1, "iterations": 50}}
    return {"lk": {}, "wide": {"widths": WIDE_WIDTH, "n": 16, "d0": 4, "trials": 1, "iterations": iterations}}


def peak_memory_gib(device: str) -> float:
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # kilobytes on Linux


def measure(name: str, options: dict, device: str, folder: Path) -> dict:
    """Run one configuration and return its row."""
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    report = verify("relu-nesterov", regime="lk", device=device, dtype="float64", out=folder / name,
                    no_progress=True, no_checkpoints=True, **options)
    wall = time.perf_counter() - start
    trials, iterations = report.options["trials"], report.options["iterations"]
    steps = 3 * trials * iterations  # GD and Nesterov with c = 1/51, practical Nesterov
    statements = {claim.id: {"kind": str(claim.kind), "status": str(claim.status), "predicted": claim.predicted,
                             "observed": claim.observed}
                  for claim in report.claims if claim.id.split("[")[0] in
                  ("thm6-G1", "thm6-Rx", "thm6-Ru", "theorem6-bound", "thm7-Rx", "thm7-Ru", "theorem7-bound",
                   "thm7-C1", "thm7-C2")}
    return {"configuration": name, "options": report.options, "wall_s": wall, "steps_per_s": steps / wall,
            "peak_memory_gib": peak_memory_gib(device), "headline": report.headline(), "statements": statements}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--iterations", type=int, default=20000, help="steps of the wide run (default 20000)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script on a CPU")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows to this JSON file")
    args = parser.parse_args()
    if args.device.startswith("cuda"):
        print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="momcert-gpu-") as scratch:
        for name, options in configurations(args.smoke, args.iterations).items():
            row = measure(name, options, args.device, Path(scratch))
            rows.append(row)
            print(f"{name}: {row['wall_s']:.1f} s, {row['steps_per_s']:.0f} steps/s, peak memory "
                  f"{row['peak_memory_gib']:.2f} GiB; {row['headline']}")
            for claim_id, claim in row["statements"].items():
                print(f"  {claim_id:22} {claim['kind']:11} {claim['status']:15} {claim['observed']}")
            if args.json is not None:  # written after every configuration: a timeout keeps what finished
                args.json.write_text(json.dumps(rows, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
