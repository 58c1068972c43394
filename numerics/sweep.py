"""Sweeps: the Cartesian grid of a scenario's options, each point one independent, resumable ``verify`` run.

``sweep("additive", {"kappa": [10, 100], "seed": range(4)}, quick=True)`` runs ``verify`` once per point of
{10, 100} x {0, 1, 2, 3}, each in its own folder ``OUT/kappa=10__seed=0/`` (the same report.json, summary.md,
figures and checkpoints as ``momcert verify``), then merges the reports into one table (``OUT/sweep.csv``,
``OUT/sweep.json``, :mod:`momcert.numerics.sweep_table`) with one figure per swept axis.

A point is done when its folder holds ``point.json`` with status ``completed``: that record is created once (a hard
link of a finished temporary file, which fails when the record already exists), so a point finished twice (a worker
presumed dead that was not) is written once. Re-running a sweep skips done points and runs the others with
``resume=True`` when their folder exists (an interrupted point continues from its checkpoints). A point that raises
is recorded with its error (``status: failed``) while the others complete; it runs again on the next sweep.

Executors: ``local`` (in this process, one point after another; no Dask needed), ``dask`` (a
``distributed.LocalCluster`` of ``workers`` processes, or the existing scheduler at ``cluster``). On Dask every point
is submitted with ``retries=2`` and ``pure=False``; a point whose worker dies is re-run elsewhere by the scheduler,
from its checkpoints.

Everything this module knows of ``verify`` goes through the adapter functions under "verify adapter" below.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from momcert.theory.errors import InputError

from .reporting import atomic_write_text
from .verify import COMMON, configuration, option_names, run_options, verify

EXECUTORS = ("local", "dask")
POINT_RECORD = "point.json"
#: Options of ``verify`` that a sweep sets itself for every point.
RESERVED = ("out", "resume", "no_progress", "json")


# -- verify adapter: the one place that knows how verify is called and what it writes ---------------------------
def scenario_option_names(scenario: str) -> tuple[str, ...]:
    """The option names (underscores) of ``momcert verify SCENARIO``: the keywords of
    :func:`momcert.numerics.verify.verify`; an unknown scenario is an :class:`InputError` naming the nearest one."""
    return option_names(scenario)


def validate_point(scenario: str, options: Mapping[str, Any]) -> None:
    """Raise the scenario's own one-line :class:`InputError` when ``options`` are not valid (imports no torch): the
    run options and the configuration built as :func:`momcert.numerics.verify.verify` builds them."""
    common = {name: value for name, value in options.items() if name in COMMON and name != "quick"}
    run_options(scenario, **common)
    configuration(scenario, **{name: value for name, value in options.items() if name not in common})


def verify_point(scenario: str, options: Mapping[str, Any], folder: Path, resume: bool) -> dict[str, Any]:
    """Run ``verify`` for one point into ``folder``; return its report.json as a dict."""
    verify(scenario, **options, out=str(folder), resume=resume, no_progress=True)
    return read_report(folder)


def read_report(folder: Path) -> dict[str, Any]:
    return json.loads((Path(folder) / "report.json").read_text(encoding="utf-8"))


# -- the grid ----------------------------------------------------------------------------------------------------
def parse_grid(text: str) -> dict[str, list[str]]:
    """``"widths=64,256 seed=0:8"`` as ``{"widths": ["64", "256"], "seed": ["0", ..., "7"]}``: whitespace-separated
    ``NAME=V1,V2,...`` items, where ``a:b`` (integers, a < b) stands for a, a+1, ..., b-1."""
    grid: dict[str, list[str]] = {}
    for item in text.split():
        name, equals, values = item.partition("=")
        if not equals or not name or not values:
            raise InputError(f"--grid: {item!r} is not NAME=V1,V2,... or NAME=a:b (got {text!r})")
        if name in grid:
            raise InputError(f"--grid: {name} is given twice (got {text!r})")
        grid[name] = _integer_range(values, item) if ":" in values else [v for v in values.split(",")]
        if "" in grid[name]:
            raise InputError(f"--grid: {item!r} has an empty value (got {text!r})")
    if not grid:
        raise InputError(f"--grid: give at least one NAME=V1,V2,... (got {text!r})")
    return grid


def _integer_range(values: str, item: str) -> list[str]:
    match = re.fullmatch(r"(-?\d+):(-?\d+)", values)
    if match is None or int(match[1]) >= int(match[2]):
        raise InputError(f"--grid: {item!r}: a:b needs integers a < b (got {values!r})")
    return [str(value) for value in range(int(match[1]), int(match[2]))]


def grid_points(grid: Mapping[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """The Cartesian product of ``grid`` as a list of ``{name: value}``, the first name varying slowest."""
    names = list(grid)
    products = itertools.product(*(list(grid[name]) for name in names))
    return [dict(zip(names, values, strict=True)) for values in products]


def point_folder_name(point: Mapping[str, Any]) -> str:
    """A stable folder name from a point's options: ``kappa=10__seed=0``. Characters outside ``[A-Za-z0-9._=-]``
    become ``-`` and the name then ends with 8 hex digits of the SHA-1 of the exact text, so two points never share a
    folder."""
    text = "__".join(f"{name}={value}" for name, value in point.items())
    safe = re.sub(r"[^A-Za-z0-9._=-]", "-", text)
    return safe if safe == text else f"{safe}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def _nearest(word: str, known: Iterable[str]) -> str:
    nearest = difflib.get_close_matches(word, list(known), n=1)
    return f"did you mean {nearest[0]}?" if nearest else "known: " + ", ".join(known)


def checked_grid(scenario: str, grid: Mapping[str, Iterable[Any]], fixed: Mapping[str, Any]
                 ) -> dict[str, list[Any]]:
    """``grid`` with names in underscore form, every name an option of ``scenario`` and every point valid; bad input
    is an :class:`InputError` (an unknown name names the nearest option; a bad value gets the scenario's message)."""
    names = scenario_option_names(scenario)
    allowed = [name for name in names if name not in RESERVED]
    normal: dict[str, list[Any]] = {}
    for name, values in grid.items():
        dest = name.lstrip("-").replace("-", "_")
        if dest not in allowed:
            raise InputError(f"--grid: {name} is not an option of {scenario}; {_nearest(dest, allowed)}")
        normal[dest] = list(values)
        if not normal[dest]:
            raise InputError(f"--grid: {name} has no values")
    for name in fixed:
        if name not in allowed:
            raise InputError(f"{name} is not an option of {scenario} a sweep passes on; {_nearest(name, allowed)}")
        if name in normal:
            raise InputError(f"--grid: {name} is both swept and fixed")
    for point in grid_points(normal):
        validate_point(scenario, {**fixed, **point})
    return normal


# -- one point ---------------------------------------------------------------------------------------------------
def run_point(scenario: str, point: dict[str, Any], fixed: dict[str, Any], folder: str) -> dict[str, Any]:
    """Run one point (on whichever process calls it) and return its record ``{"point", "status", "error"}``.

    A point already done returns its record untouched; one whose folder exists resumes from its checkpoints. A
    failure (any exception but an interrupt) becomes ``status: failed`` with the one-line error."""
    path = Path(folder)
    record = read_record(path)
    if record is not None and record["status"] != "failed":
        return record
    resume = path.is_dir()
    try:
        report = verify_point(scenario, {**fixed, **point}, path, resume=resume)
    except Exception as error:  # a failing point is data of the sweep, not its end
        record = {"point": point, "status": "failed", "error": f"{type(error).__name__}: {error}".splitlines()[0]}
        path.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path / POINT_RECORD, json.dumps(record, indent=2))
        return record
    record = {"point": point, "status": report["status"], "error": None}
    write_once(path / POINT_RECORD, json.dumps(record, indent=2))
    return read_record(path)


def read_record(folder: Path) -> dict[str, Any] | None:
    path = Path(folder) / POINT_RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def write_once(path: Path, text: str) -> bool:
    """Create ``path`` with ``text`` unless a finished record is already there (a failed one is replaced); the file
    appears whole or not at all. Returns whether this call wrote it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        previous = read_record(path.parent)
        if previous is not None and previous["status"] == "failed":
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)


# -- the sweep ---------------------------------------------------------------------------------------------------
def sweep(scenario: str, grid: Mapping[str, Iterable[Any]], executor: str = "local", cluster: str | None = None,
          out: str | os.PathLike | None = None, *, workers: int = 2, threads_per_worker: int = 1,
          progress: bool = True, metric: str | None = None, resources: Mapping[str, float] | None = None,
          **fixed_options: Any) -> list[dict[str, Any]]:
    """Run ``verify(scenario, **fixed_options, **point)`` for every point of the Cartesian ``grid`` (a dict of
    lists) and return the merged table (one row per point, :func:`momcert.numerics.sweep_table.flatten`), also
    written to ``out``/sweep.csv and sweep.json with one figure per swept axis (``metric`` against the axis).

    ``executor``: ``"local"`` (this process) or ``"dask"`` (a LocalCluster of ``workers`` processes with
    ``threads_per_worker`` threads; with ``cluster``, the scheduler at that address instead); ``resources`` (Dask
    worker resources, e.g. ``{"GPU": 1}``) is what every point holds while it runs. Bad input raises
    :class:`InputError` before any point runs.
    """
    from . import sweep_table

    if executor not in EXECUTORS:
        raise InputError(f"--executor: must be one of {', '.join(EXECUTORS)} (got {executor})")
    if cluster is not None:
        executor = "dask"
    grid = checked_grid(scenario, grid, fixed_options)
    root = Path(out if out is not None else f"momcert-sweeps/{scenario}")
    root.mkdir(parents=True, exist_ok=True)
    points = grid_points(grid)
    tasks = [(scenario, point, dict(fixed_options), str(root / point_folder_name(point))) for point in points]
    run = _run_local if executor == "local" else _run_dask
    records = run(tasks, progress=progress, cluster=cluster, workers=workers, threads_per_worker=threads_per_worker,
                  resources=resources)
    rows = [sweep_table.flatten(record, _report_or_none(Path(task[3]), record), Path(task[3]).name)
            for task, record in zip(tasks, records, strict=True)]
    sweep_table.write(rows, root, axes=list(grid), metric=metric)
    return rows


def _report_or_none(folder: Path, record: Mapping[str, Any]) -> dict[str, Any] | None:
    return None if record["status"] == "failed" else read_report(folder)


def _bar(total: int, progress: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="points", unit="point", disable=not progress, file=sys.stderr)


def _run_local(tasks, *, progress: bool, **_: Any) -> list[dict[str, Any]]:
    records = []
    with _bar(len(tasks), progress) as bar:
        for task in tasks:
            records.append(run_point(*task))
            bar.update()
    return records


def _run_dask(tasks, *, progress: bool, cluster: str | None, workers: int, threads_per_worker: int,
              resources: Mapping[str, float] | None) -> list[dict[str, Any]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as error:
        raise InputError("--executor dask: needs dask.distributed (pip install 'momcert[dask]')") from error
    local = None
    if cluster is None:
        local = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                             dashboard_address=None)
    try:
        with Client(cluster if local is None else local) as client:
            futures = [client.submit(run_point, *task, retries=2, pure=False, resources=resources) for task in tasks]
            with _bar(len(tasks), progress) as bar:
                for _future in as_completed(futures):
                    bar.update()
            return client.gather(futures)
    finally:
        if local is not None:
            local.close()
