"""Command-line options shared by the [LK] scenarios (``additive``, ``relu-nesterov``); standard library only."""

from __future__ import annotations

import argparse


def add_lk_options(parser: argparse.ArgumentParser) -> None:
    """``--C1``/``--C2`` (no default: [LK] leaves them unspecified, THEORY.md 2) and the hidden testing aids."""
    for name in ("C1", "C2"):
        parser.add_argument(f"--{name}", type=float, default=None,
                            help=f"[LK] leaves {name} unspecified; give a value to decide the hypothesis "
                                 "(default: report the implied constant only)")
    # testing aids (hidden): slow the steps down and checkpoint often, so that a test can kill a run mid-way
    parser.add_argument("--step-delay", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--checkpoint-seconds", type=float, default=30.0, help=argparse.SUPPRESS)
