"""The merged table of a sweep: one row per point, every scalar of its report a column; CSV, JSON and figures.

Columns: ``point`` (the point's folder), the swept options, ``status`` (the report's ``completed``/``diverged``, or
``failed``), ``error``, ``wall_time_s``, ``predictions pass`` / ``predictions fail`` (prediction claims by status),
then for every claim ``ID/status`` and each scalar of its ``predicted``/``observed`` (``ID/observed/KEY``, or
``ID/observed`` when the value itself is a scalar), and every measured constant (``constants/GROUP/KEY``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from momcert.theory.vocabulary import ClaimKind, ClaimStatus

from .reporting import atomic_write_text

DEFAULT_METRIC = "predictions pass"
#: Columns that differ between two runs of the same point (left out when tables are compared).
TIMING = ("wall_time_s",)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _scalars(prefix: str, value: Any, into: dict[str, Any]) -> None:
    """Every scalar inside ``value`` (nested dicts joined with ``/``; lists are not scalars) under ``prefix``."""
    if _scalar(value):
        into[prefix] = value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _scalars(f"{prefix}/{key}", item, into)


def flatten(record: Mapping[str, Any], report: Mapping[str, Any] | None, folder: str) -> dict[str, Any]:
    """One table row from a point's record and its report.json (``None`` for a failed point)."""
    row: dict[str, Any] = {"point": folder, **record["point"], "status": record["status"],
                           "error": record.get("error")}
    if report is None:
        return row
    row["wall_time_s"] = report.get("wall_time_s")
    predictions = [claim for claim in report["claims"] if claim.get("kind") == ClaimKind.PREDICTION]
    for status in (ClaimStatus.PASS, ClaimStatus.FAIL):
        row[f"predictions {status}"] = sum(claim["status"] == status for claim in predictions)
    for claim in report["claims"]:
        row[f"{claim['id']}/status"] = claim["status"]
        _scalars(f"{claim['id']}/predicted", claim.get("predicted"), row)
        _scalars(f"{claim['id']}/observed", claim.get("observed"), row)
    _scalars("constants", report.get("constants", {}), row)
    return row


def columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every column of ``rows`` in order of first appearance."""
    return list(dict.fromkeys(name for row in rows for name in row))


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write(rows: Sequence[Mapping[str, Any]], root: Path, axes: Sequence[str], metric: str | None = None
          ) -> list[Path]:
    """Write ``root``/sweep.csv, sweep.json and one figure per axis (``figure-AXIS.png``); return the paths."""
    atomic_write_text(root / "sweep.csv", to_csv(rows))
    atomic_write_text(root / "sweep.json", json.dumps(list(rows), indent=2, allow_nan=False))
    return [root / "sweep.csv", root / "sweep.json"] + [axis_figure(rows, axis, metric or DEFAULT_METRIC, root)
                                                        for axis in axes]


def axis_figure(rows: Sequence[Mapping[str, Any]], axis: str, metric: str, root: Path) -> Path:
    """``metric`` of every point against the swept option ``axis`` (points that lack it, e.g. failed ones, are left
    out); a numeric axis is drawn to scale (logarithmic when positive and spanning a factor 100), any other one as
    categories in grid order."""
    import matplotlib.pyplot as plt

    from .plots import save_figure

    values = list(dict.fromkeys(str(row[axis]) for row in rows))
    numeric = all(_is_number(value) for value in values)
    figure, plot = plt.subplots(figsize=(5, 3.2))
    kept = [row for row in rows if isinstance(row.get(metric), (int, float)) and not isinstance(row[metric], bool)]
    xs = [float(row[axis]) if numeric else values.index(str(row[axis])) for row in kept]
    plot.plot(xs, [row[metric] for row in kept], "o", alpha=0.7)
    if not numeric:
        plot.set_xticks(range(len(values)), values)
    elif min(map(float, values)) > 0 and max(map(float, values)) >= 100 * min(map(float, values)):
        plot.set_xscale("log")
    plot.set_xlabel(axis)
    plot.set_ylabel(metric)
    plot.set_title(f"{metric} vs {axis} ({len(kept)} of {len(rows)} points)", fontsize=9)
    figure.tight_layout()
    return save_figure(figure, root / f"figure-{axis}.png", dpi=100)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
