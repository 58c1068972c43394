"""Garbage in every flag of ``momcert check``, ``nesterov``, ``explain`` and of ``momcert`` itself: exit 2 and exactly
one line on stderr, within seconds.

Most rows call :func:`momcert.numerics.cli.main` in-process with stderr captured: that is the exact code the console
script runs (its entry point is ``main``), and one process per row would cost ~1.5 s of imports each (over 150 rows,
minutes). A sample of rows, one per command, goes through the real console script to tie the two together.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import time

import pytest

from momcert.numerics.cli import main

EMPTY, NEGATIVE, NAN, INF, HUGE, DIGITS, TEXT = "", "-1", "nan", "inf", "1e308", "9" * 30, "x!"
GARBAGE = (EMPTY, NEGATIVE, NAN, INF, HUGE, DIGITS, TEXT)
EXPRESSION_GARBAGE = (EMPTY, NAN, INF, TEXT, "9" * 31, "cos(exp(10**10))", "floor(pi*10**200)", "--")

ETA = ("check", "--eta", "1/(k+1)")
LION = ("check", "--from", "lion", "--lr", "1e-4")
XHT = ("check", "--from", "xht-reference", "--lr", "1/(k+1)", "--beta", "0.9")
SGD = ("check", "--from", "torch-sgd", "--lr", "1/(k+1)")
NESTEROV = ("nesterov", "--mu", "1", "--L1", "100")

# (context, flag, values): each value after the flag in that context must be rejected. Values a flag may accept are
# left out of its row (1e308 is a fine constant stepsize; 9...9 with 30 digits a fine L1), never accepted silently.
ROWS = [
    (("check",), "--eta", (*EXPRESSION_GARBAGE, NEGATIVE)),
    (ETA, "--theta", (*EXPRESSION_GARBAGE, NEGATIVE, HUGE, DIGITS)),
    (ETA, "--method", GARBAGE),
    (ETA, "--noise", GARBAGE),
    (ETA, "--random-scale", (*GARBAGE, "2:1", "1:cos(exp(10**10))", "1:exp(exp(exp(exp(10))))")),
    (ETA, "--assume", (*GARBAGE, "a <= 1")),
    (("check",), "--from", GARBAGE),
    (("check", "--from", "torch-sgd"), "--lr", (*EXPRESSION_GARBAGE, NEGATIVE)),
    (SGD, "--momentum", (*EXPRESSION_GARBAGE, NEGATIVE, HUGE, DIGITS)),
    (SGD, "--dampening", (*EXPRESSION_GARBAGE, NEGATIVE, HUGE, DIGITS)),
    (LION, "--betas", (*GARBAGE, "0.9", "0.9,1.5")),
    (("check", "--from", "xht-reference", "--lr", "1/(k+1)"), "--beta", (*EXPRESSION_GARBAGE, NEGATIVE, HUGE)),
    (XHT, "--s", (*EXPRESSION_GARBAGE, NEGATIVE)),
    (ETA, "--json=", GARBAGE),
    (SGD, "--nesterov=", GARBAGE),
    (("nesterov", "--L1", "100"), "--mu", (*EXPRESSION_GARBAGE, NEGATIVE)),
    (("nesterov", "--mu", "1"), "--L1", (*EXPRESSION_GARBAGE, NEGATIVE, "exp(exp(exp(5)))")),
    *[(NESTEROV, flag, (*EXPRESSION_GARBAGE, NEGATIVE)) for flag in ("--L2", "--G1", "--G2", "--delta0")],
    (NESTEROV, "--c", (*EXPRESSION_GARBAGE, NEGATIVE, HUGE, DIGITS)),
    (NESTEROV, "--Rx", (EMPTY, NAN, TEXT, NEGATIVE, "cos(exp(10**10))")),
    (NESTEROV, "--Ru", (EMPTY, NAN, TEXT, NEGATIVE, "cos(exp(10**10))")),
    (NESTEROV, "--target", (*EXPRESSION_GARBAGE, NEGATIVE)),
    (NESTEROV, "--pep", GARBAGE),
    (NESTEROV, "--allow-c=", GARBAGE),
    (NESTEROV, "--json=", GARBAGE),
    (("explain",), "", (TEXT, NAN, DIGITS, "xht-two extra")),
    (("explain",), "--json=", GARBAGE),
    ((), "--version=", GARBAGE),
    ((), "", (TEXT, NEGATIVE, "--no-such-flag")),
]
# a row takes well under 2 s alone; nesterov rejects a late value (--target) only after its analysis (~5 s), and the
# suite shares 2 cores with other work, hence the slack
SECONDS = 20
CASES = [(context, flag, value) for context, flag, values in ROWS for value in values]


def argv(context: tuple[str, ...], flag: str, value: str) -> list[str]:
    if flag.endswith("="):
        return [*context, flag + value]
    if flag == "":
        return [*context, *value.split(" ")]
    return [*context, flag, value]


def run_in_process(arguments: list[str]) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(arguments)
        except SystemExit as exit_:
            code = exit_.code
    return code, stderr.getvalue()


@pytest.mark.parametrize(("context", "flag", "value"), CASES,
                         ids=[" ".join(argv(*case)) for case in CASES])
def test_garbage_is_one_line_and_exit_2(context, flag, value):
    started = time.monotonic()
    code, stderr = run_in_process(argv(context, flag, value))
    assert (code, len(stderr.splitlines())) == (2, 1), stderr
    assert "error" in stderr or "usage" in stderr
    assert time.monotonic() - started < SECONDS


SAMPLE = [(("check",), "--eta", "cos(exp(10**10))"), (LION, "--betas", "--"),
          (("nesterov", "--mu", "1"), "--L1", "exp(exp(exp(5)))"), (("explain",), "", TEXT), ((), "", TEXT)]


@pytest.mark.parametrize(("context", "flag", "value"), SAMPLE, ids=[" ".join(argv(*case)) for case in SAMPLE])
def test_console_script_sample(context, flag, value):
    started = time.monotonic()
    result = subprocess.run(["momcert", *argv(context, flag, value)], capture_output=True, text=True, timeout=30)
    assert (result.returncode, len(result.stderr.splitlines())) == (2, 1), result.stderr
    assert time.monotonic() - started < 10
