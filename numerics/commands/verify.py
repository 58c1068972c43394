"""``momcert verify SCENARIO``: check a theorem's claims against real PyTorch runs.

The command line over the library :mod:`momcert.numerics.verify`: every scenario registered there gets a subcommand
whose flags are generated from its configuration's fields (:mod:`momcert.numerics.scenarios.fields`: ``--field-name``,
the field's help with its default, its metavar; hidden fields are testing aids), plus the options every scenario
shares (:class:`momcert.numerics.run_options.RunOptions`, ``--quick``, ``--json``). The text of each flag goes through
the field's parser when the configuration is built, so a bad one ends at once, before torch is imported, with
``momcert verify SCENARIO: error: --FLAG: <what is wrong> (got VALUE)``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import verify as library
from ..scenarios.arguments import flag
from ..scenarios.fields import options, shown_default

SCENARIOS = tuple(library.SCENARIOS)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("verify", help="check theorem claims against real PyTorch runs",
                                   description="Check a theorem's claims against real PyTorch runs of a scenario; "
                                               "momcert verify SCENARIO --help lists its options.",
                                   examples=("momcert verify additive --quick",
                                             "momcert verify sgd-family --quick --json",
                                             "momcert verify relu-nesterov --device cuda --out runs/relu"))
    scenarios = parser.add_subparsers(dest="scenario", metavar="SCENARIO", parser_class=type(parser))
    scenarios.required = True
    for name, entry in library.SCENARIOS.items():
        sub = scenarios.add_parser(name, help=entry.help, description=entry.help,
                                   examples=(f"momcert verify {name} --quick",
                                             f"momcert verify {name} --seed 1 --out runs/{name}",
                                             f"momcert verify {name} --seed 1 --out runs/{name} --resume"))
        add_common_arguments(sub, default_out=f"momcert-runs/{name}")
        add_config_arguments(sub, entry.config)
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


def add_config_arguments(parser: argparse.ArgumentParser, config) -> None:
    """One flag per field of the configuration class ``config``: ``--field-name`` (text; ``None`` when not given, so
    that the configuration's own default applies), help from the field with its default."""
    for item in options(config):
        meta = item.metadata
        shown = argparse.SUPPRESS if meta["hidden"] else f"{meta['help']} (default: {shown_default(item)})".replace(
            "%", "%%")  # argparse formats help with %
        parser.add_argument(flag(item.name), dest=item.name, metavar=meta["metavar"], default=None, help=shown)


def config_values(args: argparse.Namespace, config) -> dict:
    """The fields given on the command line (text), by name."""
    return {item.name: getattr(args, item.name) for item in options(config) if getattr(args, item.name) is not None}


def common_values(args: argparse.Namespace) -> dict:
    """The common options of :func:`add_common_arguments` as :func:`momcert.numerics.verify.verify` takes them."""
    return {"device": args.device, "dtype": args.dtype, "seed": args.seed, "out": args.out, "resume": args.resume,
            "no_checkpoints": args.no_checkpoints, "no_progress": args.no_progress or args.json,
            "threads": args.threads}


def run(args: argparse.Namespace) -> int:
    entry = library.scenario(args.scenario)
    options = library.run_options(args.scenario, **common_values(args))
    config = entry.config(quick=args.quick, **config_values(args, entry.config))
    report = library.execute(args.scenario, config, options)
    if args.json:
        print(report.to_json())
    else:
        print(report.summary_markdown())
        print(f"report written to {Path(args.out) / 'report.json'}", file=sys.stderr)
    return 0
