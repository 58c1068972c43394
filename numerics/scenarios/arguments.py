"""Option text of ``momcert verify`` turned into validated values; imports only the standard library and the error type.

The command line hands every option over as text, Python as values spelled the same way; the fields of every scenario's
configuration (:mod:`momcert.numerics.scenarios.configs`) read them with the parsers here before anything heavy
(torch) is imported, so a bad option costs nothing. Every parser raises
:class:`momcert.theory.errors.InputError` in one wording, ``--FLAG: <what is wrong> (got VALUE)``, printed on the
command line as ``momcert verify SCENARIO: error: --FLAG: ...`` with exit code 2. ``inf``, ``oo`` and ``nan`` are
never numbers here: no option of a verification run is a radius.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from momcert.theory.errors import InputError

#: Images in scikit-learn's bundled digits (the most ``--n`` can take with ``--data digits``).
DIGITS_SIZE = 1797


def invalid(flag: str, problem: str, value: Any) -> InputError:
    """The error of a bad option, in the one wording ``--FLAG: <what is wrong> (got VALUE)``."""
    shown = str(value)
    return InputError(f"{flag}: {problem} (got {shown if shown.strip() else repr(shown)})")


def integer(text: Any, flag: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An integer in [minimum, maximum] (no maximum: at least ``minimum``), e.g. ``--trials 5``."""
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        if maximum is not None:
            wanted = f"an integer in [{minimum}, {maximum}]"
        else:
            wanted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise invalid(flag, f"must be {wanted}", text)
    return value


def number(text: Any, flag: str, *, positive: bool = False, minimum: float | None = None,
           maximum: float | None = None) -> float:
    """A finite number; ``positive``: > 0; ``minimum``/``maximum``: bounds included (e.g. ``--kappa 100``)."""
    try:
        value = float(str(text).strip())
    except ValueError:
        value = math.nan
    below = (positive and not value > 0) or (minimum is not None and not value >= minimum)
    if not math.isfinite(value) or below or (maximum is not None and not value <= maximum):
        if minimum is not None and maximum is not None:
            wanted = f"a number in [{minimum:g}, {maximum:g}]"
        elif minimum is not None:
            wanted = f"a finite number >= {minimum:g}"
        else:
            wanted = "a positive finite number" if positive else "a finite number"
        raise invalid(flag, f"must be {wanted}", text)
    return value


def positive_numbers(text: Any, flag: str, kind: type = float) -> list:
    """Comma-separated positive finite numbers (``kind=int``: positive integers), e.g. ``"0.01,0.3,5"``."""
    values = []
    for token in str(text).split(","):
        try:
            value = kind(token.strip())
        except ValueError:
            value = None
        if value is None or not (value > 0 and math.isfinite(value)):
            wanted = "positive integer" if kind is int else "positive finite number"
            raise invalid(flag, f"{token.strip()!r} is not a {wanted}", text)
        values.append(value)
    return values


def interval(text: Any, flag: str) -> tuple[float, float]:
    """``"A:B"`` with numbers 0 < A < B."""
    parts = str(text).split(":")
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        low = high = math.nan
    if not 0 < low < high < math.inf:
        raise invalid(flag, "must be A:B with numbers 0 < A < B", text)
    return low, high


def choice(text: Any, flag: str, allowed: Sequence[str]) -> str:
    """One of ``allowed``, e.g. ``--device cpu``."""
    if text not in allowed:
        raise invalid(flag, f"must be one of {', '.join(allowed)}", text)
    return str(text)


def choices(text: Any, flag: str, allowed: Sequence[str]) -> list[str]:
    """Comma-separated names from ``allowed`` (at least one), e.g. ``--methods sign,lion``."""
    names = [name.strip() for name in str(text).split(",") if name.strip()]
    for name in names:
        if name not in allowed:
            raise invalid(flag, f"{name!r} is not one of {', '.join(allowed)}", text)
    if not names:
        raise invalid(flag, f"must name at least one of {', '.join(allowed)}", text)
    return names


def folder(text: Any, flag: str) -> Path:
    """An output folder: an existing writable folder, or one that can be created (its nearest existing ancestor is
    a writable folder), so that a run does not end without a place for its report."""
    if not str(text).strip():
        raise invalid(flag, "must name a folder", text)
    path = Path(str(text))
    existing = next(candidate for candidate in (path, *path.parents) if candidate.exists())
    if not existing.is_dir():
        raise invalid(flag, f"{existing} is a file, not a folder", text)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise invalid(flag, f"cannot write in {existing}", text)
    return path


def flag(dest: str) -> str:
    """The command-line flag of an option's attribute name, e.g. ``dim_x`` -> ``--dim-x``."""
    return "--" + dest.replace("_", "-")


#: The longest ``--step-delay`` (seconds slept after each step, a testing aid).
MAX_STEP_DELAY = 10.0

#: The fewest iterations of an [LK] run (its fitted rates use the second half of the run).
MIN_ITERATIONS = 6
