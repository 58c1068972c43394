"""The ``momcert`` command line (contract in DESIGN.md).

Each subcommand lives in its own module under :mod:`momcert.numerics.commands` with two functions:
``add_parser(subparsers)`` registers its arguments, and ``run(args) -> int`` does the work. Those modules import
only the standard library at import time; heavy imports (torch, numerics) happen inside ``run``, so that
``momcert check`` and ``momcert nesterov`` never import torch.

Bad input anywhere (argparse errors, :class:`momcert.theory.errors.InputError`) ends with one line on stderr and exit
code 2.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from momcert.theory.errors import InputError


def version() -> str:
    """The installed distribution's version (momcert is one namespace package: no ``__init__`` carries it)."""
    from importlib.metadata import version as distribution_version

    return distribution_version("momcert")

COMMANDS = ("check", "nesterov", "verify", "demo", "explain")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage dump) and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


class RaisingParser(argparse.ArgumentParser):
    """The same parser for the Python API: errors raise :class:`InputError` instead of exiting."""

    def error(self, message: str):
        raise InputError(f"{self.prog}: {message}")


def build_parser(*, raise_errors: bool = False) -> argparse.ArgumentParser:
    """The full ``momcert`` parser; with ``raise_errors`` bad arguments raise :class:`InputError`."""
    parser_class = RaisingParser if raise_errors else OneLineParser
    parser = parser_class(
        prog="momcert",
        description="Check optimizer schedules against convergence theorems, symbolically and on real runs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    subparsers.required = True
    for name in COMMANDS:
        import_module(f"momcert.numerics.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except InputError as error:
        print(f"momcert {args.command}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. --out names an existing file or a folder that cannot be written
        print(f"momcert {args.command}: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"momcert {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `momcert check ... --json | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
