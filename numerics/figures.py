"""Regenerate the README's figures from real runs: ``python -m momcert.numerics.figures notebooks/figures``.

Each figure is the one ``momcert verify SCENARIO`` draws, on the CPU in float64 with seed 0 and the scenario's
default sizes, so that running this again gives the same curves. The runs happen in a temporary folder, or in
``--runs DIR`` to keep their reports (the numbers the README quotes); no checkpoints are written; only the PNG files
are copied into the target folder. The sweep figure is the ``figure-AXIS.png`` of the README's ``momcert sweep``
example (:data:`SWEEPS`, run in process); the margins figure is drawn from initial networks alone (:data:`MARGINS`,
:mod:`momcert.numerics.lk_margins`). ``--only`` redraws some of them (scenario names, ``sweep`` or ``margins``),
``--quick`` uses the scenarios' quick sizes (a smoke test, not the README's figures).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

#: The README's figures: file name -> (scenario, options of ``momcert verify`` besides the fixed CPU/seed ones).
FIGURES = {
    "additive.png": ("additive", {}),
    "relu_nesterov.png": ("relu-nesterov", {"threads": 2}),
    "sgd_family.png": ("sgd-family", {}),
    "artificial_critical.png": ("artificial-critical", {}),
}
#: The README's sweep figure: file name -> (scenario, grid, options of ``momcert sweep``); the figure is drawn against
#: the grid's first axis.
SWEEPS = {
    "sweep_kappa.png": ("additive", {"kappa": [10, 100, 1000], "seed": [0, 1]},
                        {"quick": True, "s_max_A2": 0.3, "metric": "rate-ratio[s_max(A2)=0.3]/observed/ratio"}),
}
#: The README's margins figure: file name -> (depths, hidden widths) of
#: :func:`momcert.numerics.lk_margins.margin_table`.
MARGINS = {"lk_margins.png": ((2, 3), (64, 128, 256, 512, 1024, 2048, 4096))}
#: What makes a run reproducible: the CPU (bit-identical reruns), float64, a fixed seed.
FIXED = {"device": "cpu", "dtype": "float64", "seed": 0}


def regenerate(out: str | Path, *, only: tuple[str, ...] | None = None, quick: bool = False,
               runs: str | Path | None = None, progress: bool = True, log=print) -> list[Path]:
    """Run the scenarios of :data:`FIGURES` (those named in ``only``, or all) into ``runs``/SCENARIO (default: a
    temporary folder) and copy their figures into ``out``; return the written paths. ``log`` receives one line per
    figure (what ran, its wall time and headline)."""
    from .verify import verify

    out = Path(out)
    written = []
    with tempfile.TemporaryDirectory(prefix="momcert-figures-") as scratch:
        for name, (scenario, options) in FIGURES.items():
            if only is not None and scenario not in only:
                continue
            report = verify(scenario, **FIXED, **options, quick=quick, out=Path(runs or scratch) / scenario,
                            no_checkpoints=True, no_progress=not progress)
            (source,) = [Path(figure) for figure in report.figures if Path(figure).name == name]
            out.mkdir(parents=True, exist_ok=True)
            written.append(Path(shutil.copyfile(source, out / name)))
            flags = " ".join(f"--{key.replace('_', '-')} {value}" for key, value in {**FIXED, **options}.items())
            log(f"{out / name}: momcert verify {scenario} {flags}{' --quick' if quick else ''} "
                f"({report.wall_time_s:.0f} s). {report.headline()}")
        if only is None or "sweep" in only:
            written += [_sweep_figure(out, name, *spec, Path(runs or scratch) / "sweep", progress, log)
                        for name, spec in SWEEPS.items()]
    if only is None or "margins" in only:
        written += [_margins_figure(out, name, depths, widths, log) for name, (depths, widths) in MARGINS.items()]
    return written


def _margins_figure(out: Path, name: str, depths: tuple[int, ...], widths: tuple[int, ...], log) -> Path:
    """Draw the margins figure ``name`` of :data:`MARGINS` into ``out``."""
    from . import lk_margins, plots

    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    written = plots.margins_figure(widths, lk_margins.margin_table(depths, widths), out / name)
    log(f"{written}: Theorem 15 hypothesis margins at depths {depths}, widths {widths} "
        f"({time.perf_counter() - start:.0f} s)")
    return written


def _sweep_figure(out: Path, name: str, scenario: str, grid: dict, options: dict, folder: Path, progress: bool,
                  log) -> Path:
    """Run the sweep of :data:`SWEEPS` ``name`` into ``folder`` and copy its figure of the first axis to ``out``."""
    from .sweep import sweep

    start = time.perf_counter()
    rows = sweep(scenario, grid, out=folder, progress=progress, **options)
    out.mkdir(parents=True, exist_ok=True)
    written = Path(shutil.copyfile(folder / f"figure-{next(iter(grid))}.png", out / name))
    log(f"{written}: momcert sweep {scenario} over {' x '.join(grid)} ({time.perf_counter() - start:.0f} s, "
        f"{len(rows)} points)")
    return written


def main(argv: list[str] | None = None) -> int:
    from momcert.theory.errors import InputError

    from .cli import OneLineParser

    scenarios = [scenario for scenario, _ in FIGURES.values()] + ["sweep", "margins"]
    parser = OneLineParser(prog="python -m momcert.numerics.figures", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, metavar="DIR",
                        help="where the PNG files go (the README's: notebooks/figures)")
    parser.add_argument("--only", default=None, metavar="SCENARIOS",
                        help=f"comma-separated scenarios to redraw (default: all of {', '.join(scenarios)})")
    parser.add_argument("--runs", type=Path, default=None, metavar="DIR",
                        help="keep each run's report.json and summary.md in DIR/SCENARIO (default: discard them)")
    parser.add_argument("--quick", action="store_true", help="the scenarios' quick sizes (not the README's figures)")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    args = parser.parse_args(argv)
    only = None
    if args.only is not None:
        only = tuple(name.strip() for name in args.only.split(","))
        unknown = [name for name in only if name not in scenarios]
        if unknown:
            parser.error(f"--only: unknown scenario {unknown[0]!r} (choose from {', '.join(scenarios)})")
    try:
        regenerate(args.out, only=only, quick=args.quick, runs=args.runs, progress=not args.no_progress)
    except (InputError, OSError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
