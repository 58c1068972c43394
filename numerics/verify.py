"""Python entry point of ``momcert verify``: run a scenario, get its :class:`momcert.numerics.reporting.Report`.

Keyword arguments are the command line's options with dashes written as underscores, so the command line and Python
share one set of defaults and one validation::

    from .verify import verify
    report = verify("additive", quick=True, out="runs/additive")
    report              # renders as Markdown in a notebook
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .cli import build_parser
from .commands.verify import execute


def scenario_argv(scenario: str, options: dict[str, Any]) -> list[str]:
    """The command-line words for ``momcert verify SCENARIO`` with ``options`` (True: a bare flag; None/False: left
    out; a list or tuple: comma-joined)."""
    argv = ["verify", scenario]
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            argv += [flag, ",".join(str(item) for item in value)]
        else:
            argv += [flag, str(value)]
    return argv


def verify(scenario: str, **options: Any):
    """Run ``momcert verify SCENARIO`` in this process and return the report (also written to ``out``).

    Bad options raise :class:`momcert.theory.errors.InputError` with the same one-line message as the command line.
    """
    options.setdefault("no_progress", False)
    args = build_parser(raise_errors=True).parse_args(scenario_argv(scenario, options))
    return execute(args)
