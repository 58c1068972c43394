"""``momcert verify SCENARIO``: check a theorem's claims against real PyTorch runs.

Each scenario is a module ``momcert.numerics.scenarios.<name>`` (dashes become underscores) with:

- ``HELP``: a one-line description;
- ``add_arguments(parser)``: its own options (only the standard library at import time);
- ``run(options: RunOptions, args) -> momcert.numerics.reporting.Report``.

The options common to every scenario (device, dtype, seed, output folder, resume, quick, json) are added here and
resolved into a :class:`RunOptions`.
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

SCENARIOS = ("additive", "relu-nesterov", "sgd-family", "artificial-critical")


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
        return self.out / "checkpoints" / f"{run}.pt" if self.write_checkpoints else None


def scenario_module(name: str):
    return import_module(f"momcert.numerics.scenarios.{name.replace('-', '_')}")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("verify", help="check theorem claims against real PyTorch runs",
                                   description=__doc__.splitlines()[0])
    scenarios = parser.add_subparsers(dest="scenario", metavar="SCENARIO", parser_class=type(parser))
    scenarios.required = True
    for name in SCENARIOS:
        module = scenario_module(name)
        sub = scenarios.add_parser(name, help=module.HELP, description=module.HELP)
        add_common_arguments(sub, default_out=f"momcert-runs/{name}")
        module.add_arguments(sub)
        sub.set_defaults(run=run)


def add_common_arguments(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where to run (auto: the GPU when one is present)")
    parser.add_argument("--dtype", choices=("float64", "float32"), default=None,
                        help="floating-point type (default: float64 on the CPU, float32 on a GPU)")
    parser.add_argument("--seed", type=_seed, default=0, help="random seed (recorded in the report)")
    parser.add_argument("--out", type=Path, default=Path(default_out), help="output folder (default: %(default)s)")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoints in --out")
    parser.add_argument("--no-checkpoints", action="store_true",
                        help="write no checkpoints into --out (only the report and the figures; no later --resume)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for tests and the demo")
    parser.add_argument("--json", action="store_true", help="print report.json instead of the summary")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    parser.add_argument("--threads", type=_positive_int, default=1,
                        help="intra-op threads of a CPU run (default: %(default)s; ensembles are many small batched "
                             "operations, where more threads mostly wait on each other; raise it for wide networks)")


def resolve_options(args: argparse.Namespace) -> RunOptions:
    import torch

    from momcert.theory.errors import InputError

    if args.resume and args.no_checkpoints:
        raise InputError("--resume needs the checkpoints that --no-checkpoints turns off: give one of them")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda: no CUDA device is available")
    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
                          else "cpu")
    dtype_name = args.dtype or ("float64" if device.type == "cpu" else "float32")
    return RunOptions(device=device, dtype=getattr(torch, dtype_name), seed=args.seed, out=args.out,
                      resume=args.resume, quick=args.quick, progress=not args.no_progress and not args.json,
                      threads=args.threads, write_checkpoints=not args.no_checkpoints)


def execute(args: argparse.Namespace):
    """Run the scenario named by ``args``, time it, and write its report; return the :class:`Report`."""
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"a seed must lie in [0, 2**63), got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    report = execute(args)
    if args.json:
        print(report.to_json())
    else:
        print(report.summary_markdown())
        print(f"report written to {args.out / 'report.json'}", file=sys.stderr)
    return 0
