"""``momcert sweep SCENARIO --grid "NAME=V1,V2 seed=0:8"``: a grid of resumable verify runs, merged into one table.

The scenario's own options (``--quick``, ``--iterations 200``, ...) given outside ``--grid`` hold for every point;
``--out`` is the sweep's folder (one subfolder per point), ``--no-progress`` hides the bar over points and ``--json``
prints the merged table as JSON instead of CSV. Re-running the same sweep skips completed points and resumes
interrupted ones. The library side is :mod:`momcert.numerics.sweep`.
"""

from __future__ import annotations

import argparse
import sys

from .. import verify as library
from .verify import add_common_arguments, add_config_arguments

#: Options of the sweep itself (not passed on to the points).
OWN = ("grid", "executor", "cluster", "workers", "threads_per_worker", "metric")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("sweep", help="a grid of verify runs, in process or on Dask, in one table",
                                   description="Run momcert verify SCENARIO on every point of a grid of its options "
                                               "(in process or on a Dask cluster) and merge the reports into one "
                                               "table; momcert sweep SCENARIO --help lists the options.",
                                   examples=('momcert sweep additive --grid "kappa=10,100 seed=0:4" --quick',
                                             'momcert sweep additive --grid "seed=0:8" --executor dask --workers 2'))
    scenarios = parser.add_subparsers(dest="scenario", metavar="SCENARIO", parser_class=type(parser))
    scenarios.required = True
    for name, entry in library.SCENARIOS.items():
        sub = scenarios.add_parser(name, help=entry.help, description=f"A sweep of: {entry.help}",
                                   examples=(f'momcert sweep {name} --grid "seed=0:4" --quick',
                                             f'momcert sweep {name} --grid "seed=0:8" --quick --executor dask '
                                             "--workers 2",
                                             f'momcert sweep {name} --grid "seed=0:8" --cluster tcp://HOST:8786'))
        sub.add_argument("--grid", metavar="SPEC", required=True, action="append",
                         help='swept options, e.g. "kappa=10,100 seed=0:8" (a:b: the integers a..b-1)')
        sub.add_argument("--executor", metavar="{local,dask}", default="local",
                         help="local: in this process (default); dask: a local cluster of worker processes")
        sub.add_argument("--cluster", metavar="ADDRESS", default=None,
                         help="the scheduler address of an existing Dask cluster (implies --executor dask)")
        sub.add_argument("--workers", metavar="N", default="2", help="worker processes of --executor dask")
        sub.add_argument("--threads-per-worker", metavar="N", default="1", help="threads per Dask worker")
        sub.add_argument("--metric", metavar="COLUMN", default=None,
                         help='the table column drawn against each swept axis (default: "predictions pass")')
        add_common_arguments(sub, default_out=f"momcert-sweeps/{name}")
        add_config_arguments(sub, entry.config)
        sub.set_defaults(run=run, prog=sub.prog, parser=sub)


def fixed_options(args: argparse.Namespace) -> dict:
    """The scenario options given on the command line (those that differ from their defaults)."""
    from ..sweep import RESERVED

    parser = args.parser
    skip = {*OWN, *RESERVED, "scenario", "command", "run", "prog", "parser", "help"}
    return {action.dest: getattr(args, action.dest) for action in parser._actions
            if action.dest not in skip and getattr(args, action.dest) != action.default}


def run(args: argparse.Namespace) -> int:
    from ..scenarios.arguments import integer
    from ..sweep import parse_grid, sweep
    from ..sweep_table import to_csv

    rows = sweep(args.scenario, parse_grid(" ".join(args.grid)), executor=args.executor, cluster=args.cluster,
                 out=args.out, workers=integer(args.workers, "--workers"),
                 threads_per_worker=integer(args.threads_per_worker, "--threads-per-worker"),
                 progress=not args.no_progress, metric=args.metric, **fixed_options(args))
    if args.json:
        import json

        print(json.dumps(rows, indent=2))
    else:
        print(to_csv(rows), end="")
        print(f"table written to {args.out}/sweep.csv", file=sys.stderr)
    return 0
