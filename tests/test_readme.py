"""The README's examples are real: they paste into a shell or an interpreter as they are and print what it shows.

- A ``console`` block is a shell session: each ``$ COMMAND`` line is followed by the lines it printed (stdout and
  stderr). The quick commands (:data:`QUICK`) are run here and must print exactly those lines (a shortened output is
  shortened by the command itself, e.g. ``| tail -n 14``); the long runs (:data:`SLOW`) are not run: their blocks
  show the first lines of a real run, and the text around them says so.
- A ``python`` block runs as a script; when a ``text`` block follows it directly, that is exactly what it prints.

``python tests/test_readme.py`` rewrites those outputs in README.md from fresh runs (after a change of wording);
``python tests/test_readme.py --runs DIR`` also rewrites the long runs' blocks and the table rows quoted after them
(of the scenarios that DIR holds)
from ``DIR/SCENARIO/summary.md`` (the runs that ``python -m momcert.numerics.figures notebooks/figures --runs DIR``
keeps).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
QUICK = ("momcert check", "momcert nesterov", "momcert --version")
SLOW = ("momcert verify", "momcert demo")


@dataclass
class Block:
    language: str
    first: int  # index of the first line inside the fence
    lines: list[str]


def blocks(text: str) -> list[Block]:
    found, lines, index = [], text.splitlines(), 0
    while index < len(lines):
        opening = re.fullmatch(r"```(\w*)", lines[index])
        if opening:
            end = lines.index("```", index + 1)
            found.append(Block(opening.group(1), index + 1, lines[index + 1:end]))
            index = end
        index += 1
    return found


def session(block: Block) -> list[tuple[str, list[str]]]:
    """The (command, shown output lines) of a console block."""
    assert block.lines and block.lines[0].startswith("$ "), f"console block at line {block.first} starts with '$ '"
    commands: list[tuple[str, list[str]]] = []
    for line in block.lines:
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line)
    return commands


def run_shell(command: str) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(["bash", "-c", command], cwd=scratch, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=300)
    return [line.rstrip() for line in result.stdout.splitlines()]


def run_python(lines: list[str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as scratch:
        return subprocess.run([sys.executable, "-c", "\n".join(lines)], cwd=scratch, capture_output=True, text=True,
                              timeout=300)


def quick(command: str) -> bool:
    if command.startswith(QUICK):
        return True
    assert command.startswith(SLOW), f"README command {command!r} is neither quick nor a known long run"
    return False


BLOCKS = blocks(README.read_text())
CONSOLE = [block for block in BLOCKS if block.language == "console"]
PYTHON = [(block, following if following.language == "text" and following.first - block.first - len(block.lines) <= 3
           else None) for block, following in zip(BLOCKS, [*BLOCKS[1:], Block("", -1, [])], strict=True)
          if block.language == "python"]


def test_every_code_block_names_its_language():
    assert all(block.language in ("bash", "console", "python", "text") for block in BLOCKS), \
        [block.first for block in BLOCKS if block.language not in ("bash", "console", "python", "text")]


@pytest.mark.parametrize("block", CONSOLE, ids=lambda block: f"line{block.first}")
def test_console_examples_print_what_the_readme_shows(block):
    for command, shown in session(block):
        if quick(command):
            real = run_shell(command)
            assert shown == real, f"$ {command}\n" + "\n".join(real)


@pytest.mark.parametrize(("block", "output"), PYTHON, ids=[f"line{block.first}" for block, _ in PYTHON])
def test_python_examples_run_and_print_what_the_readme_shows(block, output):
    result = run_python(block.lines)
    assert result.returncode == 0, result.stderr
    if output is not None:
        assert result.stdout.splitlines() == output.lines


def update(runs: Path | None = None) -> None:
    """Rewrite the outputs of the quick console commands and of the python blocks in README.md; with ``runs``, also
    the ``momcert verify SCENARIO`` blocks (their first lines) and every table row after such a block that starts
    like a row of ``runs/SCENARIO/summary.md`` (same first cell; a header's separator follows it)."""
    lines = README.read_text().splitlines()
    replacements = []  # (first, last, new lines), applied bottom-up
    for block in CONSOLE:
        new = []
        for command, shown in session(block):
            scenario = re.match(r"momcert verify ([\w-]+)", command)
            if quick(command):
                shown = run_shell(command)
            elif runs is not None and scenario and (runs / scenario.group(1)).is_dir():
                shown = summary(runs, scenario.group(1))[:len(shown)]
            new += [f"$ {command}", *shown]
        replacements.append((block.first, block.first + len(block.lines), new))
    for block, output in PYTHON:
        if output is not None:
            result = run_python(block.lines)
            if result.returncode:
                raise SystemExit(f"README python block at line {block.first + 1} fails:\n{result.stderr}")
            replacements.append((output.first, output.first + len(output.lines), result.stdout.splitlines()))
    if runs is not None:
        replacements += quoted_rows(lines, runs)
    for first, last, new in sorted(replacements, reverse=True):
        lines[first:last] = new
    README.write_text("\n".join(lines) + "\n")


def summary(runs: Path, scenario: str) -> list[str]:
    return (runs / scenario / "summary.md").read_text().splitlines()


def quoted_rows(lines: list[str], runs: Path) -> list[tuple[int, int, list[str]]]:
    """Replacements of the table rows quoted after each ``momcert verify SCENARIO`` block, from its summary.md."""
    source, found, fenced, previous = None, [], False, None
    for index, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif fenced and (scenario := re.match(r"\$ momcert verify ([\w-]+)", line)):
            source = summary(runs, scenario.group(1)) if (runs / scenario.group(1)).is_dir() else None
        elif not fenced and line.startswith("#"):  # a new section quotes no run
            source = None
        elif not fenced and source is not None and line.startswith("|"):
            first = line.split("|")[1]
            if set(first.strip()) <= {"-"} and previous is not None:  # the separator under a header
                row = source[previous + 1]
            else:
                matches = [i for i, candidate in enumerate(source) if candidate.split("|")[1:2] == [first]]
                if not matches:
                    raise SystemExit(f"README line {index + 1}: no row {first.strip()!r} in that run's summary.md")
                previous, row = matches[0], source[matches[0]]
            found.append((index, index + 1, [row]))
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python tests/test_readme.py", description=update.__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, default=None, metavar="DIR",
                        help="the runs kept by python -m momcert.numerics.figures ... --runs DIR")
    update(parser.parse_args().runs)
