"""PNG figures of the verification runs (matplotlib, Agg backend;).

Each function takes records (float64 CPU tensors of shape (steps + 1, trials), see :mod:`momcert.numerics.runs`) and
writes one PNG atomically, returning its path. Bands are the 10%-90% quantiles across trials around the median.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from .reporting import atomic_write_bytes

COLORS = {"gd": "tab:blue", "nesterov": "tab:red", "textbook": "tab:green", "bound": "black"}


def _band(axis, values, label: str, color: str, linestyle: str = "-") -> None:
    array = np.asarray(values, dtype=np.float64)
    steps = np.arange(array.shape[0])
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # a step where every trial diverged is all NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        low, median, high = np.nanquantile(array, [0.1, 0.5, 0.9], axis=1)
    axis.plot(steps, median, color=color, linestyle=linestyle, label=label, linewidth=1.4)
    if array.shape[1] > 1:
        axis.fill_between(steps, low, high, color=color, alpha=0.2, linewidth=0)


def save_figure(figure, path: Path, dpi: int) -> Path:
    """Render ``figure`` to PNG in memory, close it, and write the file atomically."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def additive_figure(settings: Mapping[str, Mapping[str, Mapping[str, np.ndarray]]], path: Path,
                    bounds: Mapping[str, np.ndarray] | None = None, dpi: int = 80) -> Path:
    """Per setting (column): the loss f_k - f* on a log scale (top) and the iterate moves in x and u (bottom).

    ``settings[label][run_name]`` holds the records ``loss``, ``dx``, ``du`` of a run; ``bounds[label]`` an optional
    Theorem 7 bound curve drawn in black.
    """
    columns = len(settings)
    figure, axes = plt.subplots(2, columns, figsize=(3.6 * columns, 5.4), squeeze=False, sharex=True)
    for column, (label, runs) in enumerate(settings.items()):
        top, bottom = axes[0][column], axes[1][column]
        for run_name, records in runs.items():
            method = run_name.split("-")[0]
            color = COLORS["textbook"] if run_name.endswith("textbook") else COLORS[method]
            style = ":" if run_name.endswith("theorem") else "-"
            _band(top, records["loss"], run_name, color, style)
            if run_name.endswith("practical"):
                _band(bottom, records["dx"][1:], f"{method} ||dx||", color, "-")
                _band(bottom, records["du"][1:], f"{method} ||du||", color, "--")
        if bounds and label in bounds:
            top.plot(np.arange(len(bounds[label])), bounds[label], color=COLORS["bound"], linewidth=0.8,
                     label="Thm 7 bound")
        top.set_yscale("log")
        bottom.set_yscale("log")
        top.set_title(label, fontsize=9)
        bottom.set_xlabel("iteration k")
    axes[0][0].set_ylabel("f_k - f*")
    axes[1][0].set_ylabel("iterate move")
    axes[0][0].legend(fontsize=8)
    axes[1][0].legend(fontsize=8)
    figure.tight_layout()
    return save_figure(figure, path, dpi)


def width_figure(widths: Sequence[int], runs: Mapping[int, Mapping[str, Mapping[str, np.ndarray]]], path: Path,
                 dpi: int = 80) -> Path:
    """Width sweep: loss curves per width (left: c = 1 Nesterov solid, GD dashed; Theorem 15's c = 1/51 Nesterov
    dotted, where run) and the measured kappa_k of the c = 1 Nesterov run (right)."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    palette = plt.get_cmap("viridis")
    for index, width in enumerate(widths):
        color = palette(index / max(1, len(widths) - 1))
        for run_name, records in runs[width].items():
            if run_name == "nesterov-practical":
                _band(left, records["loss"], f"m={width} Nesterov", color)
                _band(right, records["kappa"], f"m={width}", color)
            elif run_name == "gd-practical":
                _band(left, records["loss"], f"m={width} GD", color, "--")
            elif run_name == "nesterov-theorem":
                _band(left, records["loss"], f"m={width} Nesterov c=1/51", color, ":")
    left.set_yscale("log")
    right.set_yscale("log")
    left.set_xlabel("iteration k")
    right.set_xlabel("iteration k")
    left.set_ylabel("f_k - f*")
    right.set_ylabel("measured kappa_k (Nesterov, c = 1)")
    left.legend(fontsize=7, ncol=2)
    right.legend(fontsize=8)
    figure.tight_layout()
    return save_figure(figure, path, dpi)


def sgd_family_figure(values: Mapping[tuple[str, str], Mapping[str, np.ndarray]], steps: Sequence[int],
                      quantities: Mapping[str, str], pairs: Mapping[str, str],
                      covered: Mapping[tuple[str, str], bool]):
    """One row per quantity, one column per method: the median over seeds against k + 1 on log-log axes.

    ``values[method, pair][quantity]`` is a (seeds, checkpoints) array observed at ``steps``; ``quantities`` maps a
    quantity to its axis label, ``pairs`` a schedule pair to its legend text; a pair is drawn solid where
    ``covered[method, pair]`` (some theorem covers it), dashed elsewhere. Rows share their y axis, so the methods
    compare at a glance; one legend above the grid. Returns the figure (save it with :func:`save_figure`).
    """
    methods = list(dict.fromkeys(method for method, _ in values))
    size = (2.5 * len(methods), 2.2 * len(quantities) + 0.8)
    figure, axes = plt.subplots(len(quantities), len(methods), figsize=size, squeeze=False, sharex=True, sharey="row",
                                layout="constrained")
    k = np.asarray(steps, dtype=float) + 1
    colors = {pair: f"C{index}" for index, pair in enumerate(pairs)}
    for column, method in enumerate(methods):
        for row, (name, label) in enumerate(quantities.items()):
            axis = axes[row][column]
            for pair in pairs:
                if (method, pair) not in values:
                    continue
                shown, median = _finite_positive_median(k, values[method, pair][name])
                axis.loglog(shown, median, color=colors[pair], linestyle="-" if covered[method, pair] else "--",
                            linewidth=1.4)
            axis.grid(True, which="major", alpha=0.3)
            if row == 0:
                axis.set_title(method, fontsize=13)
            if column == 0:
                axis.set_ylabel(label, fontsize=12)
            if row == len(quantities) - 1:
                axis.set_xlabel("k + 1", fontsize=12)
            axis.tick_params(labelsize=10)
    handles = [Line2D([], [], color=colors[pair], linewidth=2, label=text) for pair, text in pairs.items()]
    handles += [Line2D([], [], color="black", linestyle="-", label="solid: covered by a theorem"),
                Line2D([], [], color="black", linestyle="--", label="dashed: covered by none")]
    figure.legend(handles=handles, loc="outside upper center", ncol=2, fontsize=11, frameon=False)
    return figure


def _finite_positive_median(k: np.ndarray, array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points (k, median over seeds) where every seed is finite (a measure taken at some checkpoints only is NaN
    at the others) and the median is positive (a log axis cannot show 0, e.g. the momentum m_0 = 0)."""
    array = np.asarray(array, dtype=np.float64)
    keep = np.all(np.isfinite(array), axis=0)
    median = np.median(array[:, keep], axis=0)
    return k[keep][median > 0], median[median > 0]


def margins_figure(widths: Sequence[int], margins: Mapping[int, Sequence[Mapping[str, float]]], path: Path,
                   dpi: int = 80) -> Path:
    """[LK] Theorem 15's hypothesis margins against the hidden width, one panel per depth (log-log; a margin >= 1,
    above the dashed line, means the hypothesis holds; :mod:`momcert.numerics.lk_margins`)."""
    figure, axes = plt.subplots(1, len(margins), figsize=(4.6 * len(margins), 3.8), sharey=True, squeeze=False)
    for axis, (depth, per_width) in zip(axes[0], margins.items(), strict=True):
        for name in per_width[0]:
            axis.loglog(widths, [margin[name] for margin in per_width], "o-", label=name)
        axis.axhline(1, color=COLORS["bound"], linewidth=1, linestyle="--")
        axis.set_title(f"depth {depth}")
        axis.set_xlabel("hidden width m")
    axes[0][0].set_ylabel("margin (>= 1: the hypothesis holds)")
    axes[0][0].legend(fontsize=8)
    figure.tight_layout()
    return save_figure(figure, path, dpi)
