"""Rough edges of the ``momcert`` command line, through the real console script: broken pipes, flags that the chosen
command or ``--from`` source does not read, no command, plain help with examples, misspelt flags, ``--pep``."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import pytest

from momcert.numerics.cli import COMMANDS, NO_COMMAND_HINT, build_parser
from momcert.numerics.commands.verify import SCENARIOS
from momcert.theory.pep import MAX_STEPS


def momcert(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["momcert", *argv], capture_output=True, text=True, timeout=120, **kwargs)


def assert_one_line_error(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == "" and result.stderr == message + "\n", result.stderr


# --- a reader that leaves early ------------------------------------------------------------------------------------

WRITERS = [
    ["check", "--eta", "1/(k+1)"],
    ["check", "--eta", "1/(k+1)", "--json"],
    ["nesterov", "--mu", "1", "--L1", "100"],
    ["check", "--help"],
    *([["explain"]] if "explain" in COMMANDS else []),
]


@pytest.mark.parametrize("argv", WRITERS)
def test_head_reads_one_line_and_the_pipeline_succeeds(argv):
    script = f"set -o pipefail; momcert {shlex.join(argv)} | head -1"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result
    assert result.stdout.count("\n") == 1


@pytest.mark.parametrize("argv", WRITERS)
def test_a_pipe_without_reader_is_no_error(argv):
    """The reader is gone before momcert writes a byte (deterministic, unlike ``| head``, where the reader may still
    be there): exit 0, nothing on stderr, neither from the command nor from the flush at interpreter shutdown."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(["momcert", *argv], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == 0 and result.stderr == "", result


# --- flags that the chosen source does not read ---------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "message"), [
    (["--eta", "1/(k+1)", "--momentum", "0.9"], "--momentum does nothing without --from (it applies with --from "
                                                "torch-sgd)"),
    (["--eta", "1/(k+1)", "--momentum", "0"], "--momentum does nothing without --from (it applies with --from "
                                              "torch-sgd)"),
    (["--eta", "1/(k+1)", "--dampening", "0"], "--dampening does nothing without --from (it applies with --from "
                                               "torch-sgd)"),
    (["--eta", "1/(k+1)", "--nesterov"], "--nesterov does nothing without --from (it applies with --from torch-sgd)"),
    (["--from", "lion", "--lr", "1e-4", "--momentum", "0.9"], "--momentum does nothing with --from lion (it applies "
                                                              "with --from torch-sgd)"),
    (["--from", "torch-sgd", "--lr", "0.1", "--betas", "0.9,0.99"], "--betas does nothing with --from torch-sgd (it "
                                                                    "applies with --from lion)"),
    (["--eta", "1/(k+1)", "--betas", "0.9,0.99"], "--betas does nothing without --from (it applies with --from lion)"),
    (["--eta", "1/(k+1)", "--beta", "0.9"], "--beta does nothing without --from (it applies with --from "
                                            "xht-reference)"),
    (["--from", "lion", "--lr", "1e-4", "--s", "2"], "--s does nothing with --from lion (it applies with --from "
                                                     "xht-reference)"),
    (["--eta", "1/(k+1)", "--lr", "0.1"], "--lr does nothing without --from (it applies with --from torch-sgd, lion "
                                          "or xht-reference)"),
    (["--from", "torch-sgd", "--lr", "0.1", "--method", "heavy-ball"], "--method does nothing with --from torch-sgd "
                                                                       "(it applies without --from or with --from "
                                                                       "xht-reference)"),
    (["--from", "lion", "--lr", "1e-4", "--method", "sign"], "--method does nothing with --from lion (it applies "
                                                             "without --from or with --from xht-reference)"),
    (["--from", "lion", "--lr", "1e-4", "--eta", "0.1"], "--eta does nothing with --from lion (it applies without "
                                                         "--from)"),
    (["--from", "xht-reference", "--lr", "0.1", "--beta", "0.9", "--theta", "0.5"], "--theta does nothing with "
                                                                                    "--from xht-reference (it "
                                                                                    "applies without --from)"),
])
def test_a_flag_the_source_does_not_read_exits_2_naming_it(argv, message):
    assert_one_line_error(momcert("check", *argv), f"momcert check: error: {message}")


def test_the_library_defaults_are_the_translations():
    """Omitted library flags are not sent: the translation functions' defaults (torch's, lion-pytorch's) apply."""
    torch_sgd = momcert("check", "--from", "torch-sgd", "--lr", "0.1")
    lion = momcert("check", "--from", "lion", "--lr", "1e-4")
    xht = momcert("check", "--from", "xht-reference", "--lr", "0.1/(k+1)**0.8", "--beta", "0.9", "--method", "sign")
    assert torch_sgd.returncode == lion.returncode == xht.returncode == 0
    assert torch_sgd.stdout.startswith("torch.optim.SGD(lr=0.1, momentum=0, dampening=0) is")
    assert lion.stdout.startswith("lion_pytorch.Lion(lr=1e-4, betas=(0.9, 0.99)) is")
    assert "method  = sign" in xht.stdout


# --- no command, help texts, misspelt flags -------------------------------------------------------------------------

def test_no_command_prints_the_usage_and_a_hint():
    result = momcert()
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "usage: momcert [-h] [--version] COMMAND ...\n" + NO_COMMAND_HINT + "\n"


HELP_COMMANDS = [[], *([name] for name in COMMANDS), *(["verify", name] for name in SCENARIOS)]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda words: " ".join(words) or "momcert")
def test_help_is_plain_text_ending_with_examples(command):
    result = momcert(*command, "--help")
    assert result.returncode == 0 and result.stderr == ""
    text = result.stdout
    assert "``" not in text and not re.search(r":[a-z]+:`", text), text
    assert "THEORY.md" not in text and "DESIGN.md" not in text
    examples = text.rstrip("\n").rsplit("\nexamples:\n", 1)[1]
    lines = examples.split("\n")
    assert 2 <= len(lines) <= 3 and all(line.startswith("  momcert " + " ".join(command)) for line in lines), lines


def _parsers():
    """Every (sub)command parser, with its words after ``momcert``."""
    stack = [((), build_parser())]
    while stack:
        words, parser = stack.pop()
        yield words, parser
        for action in parser._subparsers._group_actions if parser._subparsers else ():
            stack += [((*words, name), sub) for name, sub in action.choices.items()]


def test_every_example_line_parses():
    examples = [line for _, parser in _parsers() for line in parser.examples]
    assert len(examples) >= 2 * (1 + len(COMMANDS) + len(SCENARIOS))
    for line in examples:
        words = shlex.split(line)
        assert words[0] == "momcert"
        build_parser(raise_errors=True).parse_args(words[1:])


def test_required_flags_are_marked():
    nesterov = momcert("nesterov", "--help").stdout
    required = nesterov.split("\nrequired arguments:\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in required.splitlines()] == ["--mu", "--L1"]
    check = " ".join(momcert("check", "--help").stdout.split())
    assert "--eta EXPR stepsize of the variables, e.g. '0.1/(k+1)**0.6' (required unless --from)" in check
    assert "--beta V --from xht-reference: momentum beta (required there)" in check


@pytest.mark.parametrize(("argv", "message"), [
    (["check", "--etta", "1/(k+1)"], "momcert check: error: unrecognized argument --etta; did you mean --eta?"),
    (["check", "--eta", "1/(k+1)", "--jsno"], "momcert check: error: unrecognized argument --jsno; did you mean "
                                              "--json?"),
    (["check", "--thetta=0.5", "--eta", "1"], "momcert check: error: unrecognized argument --thetta; did you mean "
                                              "--theta?"),
    (["nesterov", "--mu", "1", "--L1", "2", "--targt", "1e-3"], "momcert nesterov: error: unrecognized argument "
                                                                "--targt; did you mean --target?"),
    (["verify", "additive", "--quik"], "momcert verify additive: error: unrecognized argument --quik; did you mean "
                                       "--quick?"),
    (["check", "--zzzz"], "momcert check: error: unrecognized argument --zzzz; see momcert check --help"),
    (["check", "1/(k+1)"], "momcert check: error: unrecognized argument '1/(k+1)'; see momcert check --help"),
    (["--bogus"], "momcert: error: unrecognized argument --bogus; see momcert --help"),
])
def test_a_misspelt_flag_names_the_subcommand_and_the_nearest_flag(argv, message):
    assert_one_line_error(momcert(*argv), message)


@pytest.mark.parametrize(("argv", "flag"), [
    (["check", "--et", "1/(k+1)"], "--eta"),  # a prefix is not taken for the flag it starts (allow_abbrev=False)
    (["check", "--from", "lion", "--lr", "1e-4", "--bet", "0.9,0.99"], "--beta"),
    (["nesterov", "--mu", "1", "--L1", "2", "--tar", "1e-3"], "--target"),
])
def test_a_prefix_of_a_flag_is_not_the_flag(argv, flag):
    word = argv[-2]
    assert_one_line_error(momcert(*argv), f"momcert {argv[0]}: error: unrecognized argument {word}; did you mean "
                                          f"{flag}?")


# --- nesterov --pep ---------------------------------------------------------------------------------------------------

OUT_OF_RANGE = f"--pep: number of steps must be an integer in [1, {MAX_STEPS}], got"


@pytest.mark.parametrize(("argv", "message"), [
    (["--mu", "m", "--L1", "1", "--pep", "4"], "--pep needs numbers, got symbolic --mu m"),
    (["--mu", "m", "--L1", "L", "--pep", "4", "--json"], "--pep needs numbers, got symbolic --mu m, --L1 L"),
    (["--mu", "1", "--L1", "10", "--c", "c", "--pep", "4"], "--pep needs numbers, got symbolic --c c"),
    (["--mu", "1", "--L1", "10", "--pep", "0"], f"{OUT_OF_RANGE} 0"),
    (["--mu", "1", "--L1", "10", "--pep", "-3"], f"{OUT_OF_RANGE} -3"),
    (["--mu", "1", "--L1", "10", "--pep", "10" * 15], f"{OUT_OF_RANGE} {'10' * 15}"),
    (["--mu", "m", "--L1", "1", "--pep", str(MAX_STEPS + 1)], f"{OUT_OF_RANGE} {MAX_STEPS + 1}"),
])
def test_pep_needs_numeric_constants_and_a_sensible_horizon(argv, message):
    assert_one_line_error(momcert("nesterov", *argv), f"momcert nesterov: error: {message}")
