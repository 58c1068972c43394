"""The ``momcert`` command line.

Each subcommand lives in its own module under :mod:`momcert.numerics.commands` with two functions:
``add_parser(subparsers)`` registers its arguments, and ``run(args) -> int`` does the work. Those modules import
only the standard library at import time; heavy imports (torch, numerics) happen inside ``run``, so that
``momcert check`` and ``momcert nesterov`` never import torch.

Bad input anywhere (argparse errors, :class:`momcert.theory.errors.InputError`) ends with one line on stderr and exit
code 2. Flags are never abbreviated (``allow_abbrev=False``): with prefix matching a misspelt flag such as ``--be``
or ``--s`` could silently stand for another one; an unknown flag instead names the (sub)command and the nearest flag.
Help texts are plain text and end with example lines (the ``examples`` argument of every parser).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import textwrap
from importlib import import_module

from momcert.theory.errors import InputError


def version() -> str:
    """The installed distribution's version (momcert is one namespace package: no ``__init__`` carries it)."""
    from importlib.metadata import version as distribution_version

    return distribution_version("momcert")

COMMANDS = ("check", "nesterov", "verify", "sweep", "demo", "explain")

NO_COMMAND_HINT = 'momcert: give a command, e.g. momcert check --eta "0.1/(k+1)**0.6"; see momcert --help'


class PlainHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that description and epilog lines starting with a space are kept as they are
    (the example lines); other lines are filled to the terminal width."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(line if line.startswith(" ") else textwrap.fill(line, width, initial_indent=indent,
                                                                         subsequent_indent=indent)
                         for line in text.splitlines())


class _MomcertParser(argparse.ArgumentParser):
    """What every momcert parser shares: no abbreviated flags, plain help ending with ``examples`` (whole command
    lines, as a user types them), and unknown arguments rejected by the parser they reach, so that the error names
    that (sub)command and suggests its nearest flag."""

    def __init__(self, *args, examples: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", PlainHelpFormatter)
        if examples:
            kwargs["epilog"] = "examples:\n" + "\n".join(f"  {line}" for line in examples)
        super().__init__(*args, **kwargs)
        self.examples = tuple(examples)

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(self._unrecognized(extras[0]))
        return namespace, extras

    def _get_values(self, action, arg_strings):
        # argparse drops a '--' value (``--betas=--``) and hands the action an empty list; a flag that takes one value
        # gets the text '--' itself, which its own check then names
        if action.nargs is None and action.option_strings and arg_strings == ["--"]:
            return self._get_value(action, "--")
        return super()._get_values(action, arg_strings)

    def _unrecognized(self, word: str) -> str:
        flag = word.split("=", 1)[0]
        if not flag.startswith("-"):
            return f"unrecognized argument {word!r}; see {self.prog} --help"
        known = {option[2:]: option for option in self._option_string_actions if option.startswith("--")}
        nearest = difflib.get_close_matches(flag.lstrip("-"), known, n=1)  # without dashes, which all flags share
        hint = f"did you mean {known[nearest[0]]}?" if nearest else f"see {self.prog} --help"
        return f"unrecognized argument {flag}; {hint}"


class OneLineParser(_MomcertParser):
    """An argument parser whose errors are one line (no usage dump) and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


class RaisingParser(_MomcertParser):
    """The same parser for the Python API: errors raise :class:`InputError` instead of exiting."""

    def error(self, message: str):
        raise InputError(f"{self.prog}: {message}")


class _VersionAction(argparse.Action):
    """``--version``: argparse's version action, except that the version is read (``importlib.metadata``, some tens
    of milliseconds) only when the flag is given, not each time the parser is built."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        parser._print_message(f"{parser.prog} {version()}\n", sys.stdout)
        parser.exit()


def build_parser(*, raise_errors: bool = False, only: str | None = None) -> argparse.ArgumentParser:
    """The full ``momcert`` parser; with ``raise_errors`` bad arguments raise :class:`InputError`. With ``only`` (a
    name of :data:`COMMANDS`) just that subcommand is registered: ``momcert check ...`` parses exactly as with the
    full parser without importing the modules of the other commands."""
    parser_class = RaisingParser if raise_errors else OneLineParser
    parser = parser_class(
        prog="momcert",
        description="Check optimizer schedules against convergence theorems, symbolically and on real runs.",
        examples=('momcert check --eta "0.1/(k+1)**0.6" --theta "1/(k+1)**0.5"',
                  "momcert nesterov --mu 1 --L1 100 --target 1e-6",
                  "momcert verify additive --quick"),
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for name in COMMANDS if only is None else (only,):
        import_module(f"momcert.numerics.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``momcert``; return the exit code. A reader that leaves early (``momcert check ... | head -1``) is no
    error: the output it did not read is dropped and the exit code is 0."""
    try:
        try:
            return _dispatch(argv)
        finally:
            sys.stdout.flush()  # a broken pipe surfaces here, not at interpreter shutdown
    except BrokenPipeError:
        # The Python docs' recipe (signal module, "Note on SIGPIPE"): point stdout at devnull, so that the flush at
        # shutdown finds no pipe to break.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(only=words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        print(parser.format_usage() + NO_COMMAND_HINT, file=sys.stderr)
        return 2
    prog = getattr(args, "prog", f"momcert {args.command}")  # a nested command (verify SCENARIO) names itself
    try:
        return int(args.run(args) or 0)
    except InputError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise
    except OSError as error:  # e.g. --out names an existing file or a folder that cannot be written
        print(f"{prog}: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
