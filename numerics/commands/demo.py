"""``momcert demo``: the main job on defaults, on the CPU in under two minutes.

A table of verdicts for common schedules, the [LK] Theorem 7 constraints for a default problem, and quick ``additive``
and ``relu-nesterov`` verifications; everything is written to ``--out`` (default ``./momcert-demo/``): report.json,
the figures, and README.md, a Markdown report that links them.
"""

from __future__ import annotations


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="the main job on defaults: verdicts, Nesterov constraints, quick runs",
        description="The main job on defaults, on the CPU in under two minutes: verdicts for common schedules, the "
                    "[LK] Theorem 7 constraints for a default problem and quick verify runs, written to --out with a "
                    "Markdown report.",
        examples=("momcert demo", "momcert demo --out demo-report --no-progress"))
    parser.add_argument("--out", default="momcert-demo", help="output folder (default: %(default)s)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                        help="where the quick runs go (default: cpu, as the demo's timing promise is for the CPU)")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..demo import run_demo
    from ..scenarios.arguments import folder

    summary = run_demo(out=folder(args.out, "--out"), device=args.device, progress=not args.no_progress)
    print(summary)
    return 0
