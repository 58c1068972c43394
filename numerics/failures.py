"""Numeric failures of a verification run turned into ``diverged`` at a named step, never into a traceback.

A scenario computes each of its runs (a setting, a width) in a :func:`guard` block and says which step it is in
(``where.step = "claims"``). A numeric failure inside the block -- an overflow (``OverflowError``, also raised by
matplotlib's tick formatters), a float error, an eigensolver that does not converge (``torch.linalg.LinAlgError``),
or a measured value that is NaN or infinite where a finite one is needed (:func:`require_finite`) -- ends that run:
the report is marked ``diverged`` at ``{"run", "step", "error"}``, the block is left, and the scenario goes on with
its other runs, its report and whatever figures can be drawn. Bad user input is not a numeric failure: options are
validated before any run (:mod:`momcert.numerics.scenarios.arguments`), and an :class:`InputError` passes through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


class NumericFailure(ArithmeticError):
    """A value computed by a run is NaN or infinite where the next step needs a finite number."""


@dataclass
class Step:
    """Where a guarded run is: ``run`` (its name) and ``step`` (what it is computing now)."""

    run: str
    step: str


def require_finite(**values: Any) -> None:
    """Raise :class:`NumericFailure` naming the first of ``values`` (numbers or arrays) with a NaN or infinite entry."""
    import numpy as np

    for name, value in values.items():
        array = np.asarray(value, dtype=np.float64)
        if not np.isfinite(array).all():
            shown = float(array) if array.ndim == 0 else "non-finite entries"
            raise NumericFailure(f"{name} is {shown}" if array.ndim == 0 else f"{name} has {shown}")


def _numeric_errors() -> tuple[type[BaseException], ...]:
    import torch

    return ArithmeticError, torch.linalg.LinAlgError


def describe(error: BaseException) -> str:
    """One line naming what failed, e.g. ``OverflowError: (34, 'Numerical result out of range')``."""
    text, name = " ".join(str(error).split()), type(error).__name__.lstrip("_")
    return f"{name}: {text[:200]}" if text else name


@contextmanager
def guard(report, run: str, step: str) -> Iterator[Step]:
    """Run the block as the run ``run`` starting at ``step``; a numeric failure marks ``report`` diverged there.

    The first divergence of the report is kept (:meth:`momcert.numerics.reporting.Report.record_divergence`); every
    failure is also listed in ``report.notes``.
    """
    where = Step(run, step)
    try:
        yield where
    except _numeric_errors() as error:
        failure = {"run": where.run, "step": where.step, "error": describe(error)}
        report.record_divergence(failure)
        report.notes.append(f"{where.run}: numeric failure at step {where.step!r} ({failure['error']}); "
                            "this run is reported as diverged")
