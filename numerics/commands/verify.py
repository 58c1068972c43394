"""``momcert verify SCENARIO``: check a theorem's claims against real PyTorch runs.

Each scenario is a module ``momcert.numerics.scenarios.<name>`` (dashes become underscores) with:

- ``HELP``: a one-line description;
- ``add_arguments(parser)``: its own options, read as text (only the standard library at import time);
- ``validate(args) -> args``: those options validated and converted (standard library only,
  :mod:`momcert.numerics.scenarios.arguments`);
- ``run(options: RunOptions, args) -> momcert.numerics.reporting.Report``.

The options common to every scenario (device, dtype, seed, output folder, resume, quick, json) are added and
validated here and resolved into a :class:`RunOptions`. Every option is validated before torch is imported: a bad
one ends at once with ``momcert verify SCENARIO: error: --FLAG: <what is wrong> (got VALUE)``.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from ..limits import MAX_THREADS, require_on_device
from ..scenarios.arguments import choice, folder, integer, invalid, settled

SCENARIOS = ("additive", "relu-nesterov", "sgd-family", "artificial-critical")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("float64", "float32")


@dataclass
class RunOptions:
    """Options shared by every scenario. ``device`` is a ``torch.device``; ``dtype`` a ``torch.dtype``."""

    device: Any
    dtype: Any
    seed: int
    out: Path
    resume: bool = False
    quick: bool = False
    progress: bool = True
    threads: int = 1
    write_checkpoints: bool = True

    def checkpoint(self, run: str) -> Path | None:
        """The checkpoint file of the run named ``run``: ``--out``/checkpoints/RUN.pt (None with
        ``--no-checkpoints``)."""
        return self.checkpoints / f"{run}.pt" if self.write_checkpoints else None

    @property
    def checkpoints(self) -> Path:
        """The folder of the scenario's checkpoints (what ``--resume`` continues from)."""
        return checkpoint_folder(self.out)


def checkpoint_folder(out: Path) -> Path:
    return out / "checkpoints"


def scenario_module(name: str):
    return import_module(f"momcert.numerics.scenarios.{name.replace('-', '_')}")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("verify", help="check theorem claims against real PyTorch runs",
                                   description="Check a theorem's claims against real PyTorch runs of a scenario; "
                                               "momcert verify SCENARIO --help lists its options.",
                                   examples=("momcert verify additive --quick",
                                             "momcert verify sgd-family --quick --json",
                                             "momcert verify relu-nesterov --device cuda --out runs/relu"))
    scenarios = parser.add_subparsers(dest="scenario", metavar="SCENARIO", parser_class=type(parser))
    scenarios.required = True
    for name in SCENARIOS:
        module = scenario_module(name)
        sub = scenarios.add_parser(name, help=module.HELP, description=module.HELP,
                                   examples=(f"momcert verify {name} --quick",
                                             f"momcert verify {name} --seed 1 --out runs/{name}",
                                             f"momcert verify {name} --seed 1 --out runs/{name} --resume"))
        add_common_arguments(sub, default_out=f"momcert-runs/{name}")
        module.add_arguments(sub)
        sub.set_defaults(run=run, prog=sub.prog)


def add_common_arguments(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument("--device", metavar="{auto,cpu,cuda}", default="auto",
                        help="where to run (auto: the GPU when one is present)")
    parser.add_argument("--dtype", metavar="{float64,float32}", default=None,
                        help="floating-point type (default: float64 on the CPU, float32 on a GPU)")
    parser.add_argument("--seed", metavar="N", default="0", help="random seed (recorded in the report)")
    parser.add_argument("--out", metavar="DIR", default=default_out, help="output folder (default: %(default)s)")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoints in --out")
    parser.add_argument("--no-checkpoints", action="store_true",
                        help="write no checkpoints into --out (only the report and the figures; no later --resume)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for tests and the demo")
    parser.add_argument("--json", action="store_true", help="print report.json instead of the summary")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    parser.add_argument("--threads", metavar="N", default="1",
                        help="intra-op threads of a CPU run (default: %(default)s; ensembles are many small batched "
                             "operations, where more threads mostly wait on each other; raise it for wide networks)")


def validate(args: argparse.Namespace) -> argparse.Namespace:
    """Every option of ``momcert verify SCENARIO``, validated and converted; imports no torch (nor numpy)."""
    if args.resume and args.no_checkpoints:
        raise invalid("--resume", "needs the checkpoints that --no-checkpoints turns off", "--no-checkpoints")
    common = settled(args, device=choice(args.device, "--device", DEVICES),
                     dtype=None if args.dtype is None else choice(args.dtype, "--dtype", DTYPES),
                     seed=integer(args.seed, "--seed", minimum=0, maximum=2**63 - 1),
                     out=folder(args.out, "--out"),
                     threads=integer(args.threads, "--threads", maximum=MAX_THREADS))
    return scenario_module(args.scenario).validate(common)


def resume_note(args: argparse.Namespace) -> str | None:
    """What to tell the user before a ``--resume`` run that has nothing to resume (else ``None``)."""
    checkpoints = checkpoint_folder(args.out)
    if args.resume and not any(checkpoints.glob("*.pt")):
        return f"--resume: no checkpoint in {checkpoints}; starting from the beginning"
    return None


def resolve_options(args: argparse.Namespace) -> RunOptions:
    """The :class:`RunOptions` of validated ``args`` (imports torch); a CUDA run whose memory estimate exceeds the
    device's free memory is refused here, before any work."""
    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        raise invalid("--device", "no CUDA device is available", args.device)
    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
                          else "cpu")
    if device.type == "cuda":
        require_on_device(args.estimate, torch.cuda.mem_get_info(device)[0], str(device))
    dtype_name = args.dtype or ("float64" if device.type == "cpu" else "float32")
    return RunOptions(device=device, dtype=getattr(torch, dtype_name), seed=args.seed, out=args.out,
                      resume=args.resume, quick=args.quick, progress=not args.no_progress and not args.json,
                      threads=args.threads, write_checkpoints=not args.no_checkpoints)


def execute(args: argparse.Namespace):
    """Validate every option, run the scenario named by ``args``, time it, and write its report; return the
    :class:`Report`. A ``--resume`` with nothing to resume is said on stderr."""
    args = validate(args)
    note = resume_note(args)
    if note is not None:
        print(f"{args.prog}: note: {note}", file=sys.stderr)
    options = resolve_options(args)
    start = time.perf_counter()
    with intra_op_threads(options.threads if options.device.type == "cpu" else None):
        report = scenario_module(args.scenario).run(options, args)
    report.wall_time_s = time.perf_counter() - start
    report.options.setdefault("threads", options.threads if options.device.type == "cpu" else None)
    report.write(options.out)
    return report


@contextmanager
def intra_op_threads(count: int | None):
    """Run with ``count`` torch intra-op threads (None: leave them), restoring the previous number afterwards."""
    import torch

    before = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run(args: argparse.Namespace) -> int:
    report = execute(args)
    if args.json:
        print(report.to_json())
    else:
        print(report.summary_markdown())
        print(f"report written to {Path(args.out) / 'report.json'}", file=sys.stderr)
    return 0
