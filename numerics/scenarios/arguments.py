"""Command-line pieces shared by the ``momcert verify`` scenarios; imports only the standard library and the error type.

Parsers turn option text into validated values and raise :class:`momcert.theory.errors.InputError` with a one-line
message naming the flag and the offending token (exit code 2 on the command line).
"""

from __future__ import annotations

import argparse
import math

from momcert.theory.errors import InputError


def positive_numbers(text: str, flag: str, kind: type = float) -> list:
    """Comma-separated positive finite numbers (``kind=int``: positive integers), e.g. ``"0.01,0.3,5"``."""
    values = []
    for token in str(text).split(","):
        token = token.strip()
        try:
            value = kind(token)
        except ValueError:
            value = None
        if value is None or not (value > 0 and math.isfinite(value)):
            wanted = "positive integer" if kind is int else "positive finite number"
            raise InputError(f"{flag}: {token!r} is not a {wanted}")
        values.append(value)
    return values


def interval(text: str, flag: str) -> tuple[float, float]:
    """``"A:B"`` with numbers 0 < A < B."""
    parts = str(text).split(":")
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        low = high = math.nan
    if not 0 < low < high < math.inf:
        raise InputError(f"{flag} must be A:B with numbers 0 < A < B, got {text!r}")
    return low, high


def add_lk_options(parser: argparse.ArgumentParser) -> None:
    """``--C1``/``--C2`` (no default: [LK] Theorem 7 leaves them unspecified) and the hidden testing aids."""
    for name in ("C1", "C2"):
        parser.add_argument(f"--{name}", type=float, default=None,
                            help=f"[LK] leaves {name} unspecified; give a value to decide the hypothesis "
                                 "(default: report the implied constant only)")
    # testing aids (hidden): slow the steps down and checkpoint often, so that a test can kill a run mid-way
    parser.add_argument("--step-delay", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--checkpoint-seconds", type=float, default=30.0, help=argparse.SUPPRESS)
