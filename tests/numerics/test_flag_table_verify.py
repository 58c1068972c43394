"""Every flag of every ``momcert verify`` scenario and of ``momcert demo`` against garbage values: exit 2 and one line
on stderr, decided before any work (the run itself is replaced by a sentinel, so a value that is accepted is seen)."""

import argparse
import subprocess

import pytest

from momcert.numerics import cli, verify

GARBAGE = ["", "-1", "nan", "inf", "1e308", "9" * 30, "text"]
HUGE = {"1e308", "9" * 30}

#: The (flag, value) pairs that are legitimate: folder names, constants and radii that may be huge (a huge value ends
#: as a diverged run, tests/numerics/test_numeric_failures.py), a negative start, a checkpoint interval.
ACCEPTED = ({("--out", value) for value in GARBAGE if value}
            | {(name, value) for name in ("--s-max-A2", "--C1", "--C2", "--checkpoint-seconds", "--label-noise",
                                          "--eps", "--x0", "--x0-radius", "--tolerance") for value in HUGE}
            | {("--x0", "-1")})


class Accepted(Exception):
    pass


def value_flags(parser):
    return [action.option_strings[-1] for action in parser._actions if action.option_strings and action.nargs is None
            and not isinstance(action, (argparse._StoreTrueAction, argparse._HelpAction, argparse._VersionAction))]


def subcommands(parser):
    return next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction)).choices


def rows():
    commands = subcommands(cli.build_parser())
    table = [(("verify", name), flag) for name, parser in subcommands(commands["verify"]).items()
             for flag in value_flags(parser)]
    return table + [(("demo",), flag) for flag in value_flags(commands["demo"])]


def test_the_table_covers_every_value_flag():
    flags = {flag for _, flag in rows()}
    assert {"--dim-x", "--widths", "--d-out", "--ball-samples", "--draws", "--threads", "--step-delay"} <= flags


@pytest.mark.parametrize("command, flag", rows(), ids=lambda value: " ".join(value) if isinstance(value, tuple)
                         else value)
def test_garbage_values_exit_2_with_one_line(monkeypatch, capsys, tmp_path, command, flag):
    def accept(*args, **kwargs):
        raise Accepted

    monkeypatch.setattr(verify, "execute", accept)
    monkeypatch.setattr("momcert.numerics.demo.run_demo", accept)
    out = [] if flag == "--out" else ["--out", str(tmp_path / "out")]
    for value in GARBAGE:
        capsys.readouterr()
        try:
            code = cli.main([*command, *out, f"{flag}={value}"])
        except Accepted:
            code = "accepted"
        except SystemExit as stop:  # argparse's own choices (demo --device) exit 2 after one line
            code = stop.code
        lines = capsys.readouterr().err.strip().splitlines()
        if (flag, value) in ACCEPTED:
            assert code == "accepted", (flag, value)
        else:
            assert code == 2 and len(lines) == 1, (flag, value, code, lines)
            assert flag in lines[0] or flag.lstrip("-") in lines[0], lines[0]


@pytest.mark.parametrize("argv", [
    ["verify", "additive", "--quick", "--dim-x", "100000000"],
    ["verify", "additive", "--quick", "--threads", "9" * 30],
    ["verify", "sgd-family", "--quick", "--steps", "9" * 30],
    ["verify", "artificial-critical", "--steps", "9" * 30],
    ["verify", "relu-nesterov", "--quick", "--d0", "1000000000000"],
])
def test_sizes_beyond_the_machine_through_the_console_script(tmp_path, argv):
    result = subprocess.run(["momcert", *argv, "--out", str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=10)
    flag = next(token for token in reversed(argv) if token.startswith("--"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"momcert {' '.join(argv[:2])}: error: {flag}:")
