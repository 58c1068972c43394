"""The specification a user reads: every condition, theorem, assumption, hypothesis, lemma, baseline and definition
momcert encodes, by id (``momcert explain [ID] [--json]``, :func:`explain` in Python).

Nothing is restated here: the entries are assembled from the sources of truth the checkers use, the conditions of
:mod:`momcert.theory.conditions` (their LaTeX statements, with the plain text read off the LaTeX), the theorems of
:mod:`momcert.theory.theorems` (their hypotheses exactly as ``momcert check`` reports them, under every noise model),
the statements of :mod:`momcert.theory.statements` (assumptions, and the hypotheses ``momcert nesterov`` decides), and
the words of :mod:`momcert.theory.literature`. Every new condition in ``CONDITIONS`` appears here by itself.

``python -m momcert.theory.registry --markdown`` prints the README section "What momcert encodes";
``--update README.md`` rewrites that section in place.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import textwrap
from functools import cache

from .conditions import CONDITIONS, DEFAULT_NOISE, NOISE_CONDITIONS, Condition
from .entries import KINDS, Entry, compose, wrap
from .errors import InputError
from .literature import (
    BASELINES,
    CONDITION_NOTES,
    CONDITION_TITLES,
    DEFINITIONS,
    HEADINGS,
    LK_RESULTS,
    SOURCES,
    THEOREM_NOTES,
    THEOREM_TITLES,
    UNNUMBERED,
)
from .statements import CLARKE_ASSUMPTIONS, FRAMEWORK_ASSUMPTIONS, LK_ASSUMPTIONS, LK_HYPOTHESES, Statement
from .theorems import THEOREMS, Theorem, hypotheses, reported_hypotheses

SECTION_TITLE = "## What momcert encodes"


# -- plain text from LaTeX ------------------------------------------------------------------------------------------
_WORDS = {"to": "->", "le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "leftarrow": "<-", "infty": "infinity",
          "sim": "~", "in": "in", "cdot": ".", "quad": " ", "Rightarrow": "=>", "mid": "|"}
_GROUP = re.compile(r"\\(?:text|mathrm|operatorname|mathbb|mathcal)\{([^{}]*)\}")
_FRACTION = re.compile(r"\\t?frac\{([^{}]*)\}\{([^{}]*)\}")


def plain(latex: str) -> str:
    """Readable text for a LaTeX statement: ``\\eta_k \\to 0`` reads ``eta_k -> 0``."""
    text = _GROUP.sub(r"\1", latex)
    text = _FRACTION.sub(r"(\1)/(\2)", text)
    text = re.sub(r"\\[,;!: ]", " ", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _WORDS.get(m.group(1), m.group(1)), text)
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


# -- provenance -----------------------------------------------------------------------------------------------------
_TAGS = re.compile(r"^((?:\[[A-Z]+\]/?)+)\s*(.*)$")


def _tag_and_numbering(provenance: str) -> tuple[str, str]:
    """``("[LK]", "[LK] Assumption 1 (PMLR numbering)")`` from ``"[LK] Assumption 1"``; an unnumbered tag is said
    to be unnumbered."""
    match = _TAGS.match(provenance)
    if match is None:
        raise ValueError(f"provenance must start with a tag such as [LK], got {provenance!r}")
    tag, rest = match.groups()
    if not rest:
        return tag, UNNUMBERED.get(tag, tag)
    return tag, f"{provenance} (PMLR numbering)" if tag == "[LK]" else provenance


# -- entries from the sources of truth ------------------------------------------------------------------------------
def _condition_entry(condition: Condition) -> Entry:
    text = plain(condition.statement)
    tag, numbering = _tag_and_numbering(condition.provenance)
    return Entry(condition.id, "condition", CONDITION_TITLES.get(condition.id, text), text, condition.statement, tag,
                 numbering, notes=CONDITION_NOTES.get(condition.id, ()))


def _theorem_parts(theorem: Theorem) -> list[tuple[str, str]]:
    """``(text, latex)`` of each hypothesis; a position that differs between noise models names each model's."""
    parts = []
    for column in zip(*(hypotheses(theorem, pair) for pair in NOISE_CONDITIONS.values()), strict=True):
        if len(set(column)) == 1:
            condition = CONDITIONS[column[0]]
            parts.append((plain(condition.statement), condition.statement))
            continue
        by_model = list(zip(NOISE_CONDITIONS, column, strict=True))
        parts.append((" or ".join(f"{plain(CONDITIONS[c].statement)} ({c}, {model} noise)" for model, c in by_model),
                      r" \text{ or } ".join(rf"{CONDITIONS[c].statement}\ (\text{{{model} noise}})"
                                            for model, c in by_model)))
    if theorem.any_of:
        covers = f"one of {', '.join(theorem.any_of)} covers the schedule"
        parts.append((covers, rf"\text{{{covers}}}"))
    return parts


def _theorem_entry(theorem: Theorem) -> Entry:
    text, latex = compose(_theorem_parts(theorem), (theorem.conclusion, theorem.conclusion_latex), "almost surely")
    by_noise = {model: reported_hypotheses(theorem, pair) for model, pair in NOISE_CONDITIONS.items()}
    tag, numbering = _tag_and_numbering(theorem.provenance)
    return Entry(theorem.id, "theorem", THEOREM_TITLES.get(theorem.id, theorem.conclusion), text, latex, tag,
                 numbering, hypotheses=by_noise[DEFAULT_NOISE], conclusion=theorem.conclusion,
                 assumed=theorem.assumed, notes=THEOREM_NOTES.get(theorem.id, ()), noise_model=DEFAULT_NOISE,
                 hypotheses_by_noise=by_noise)


def _statement_entry(statement: Statement, kind: str) -> Entry:
    tag, numbering = _tag_and_numbering(statement.provenance)
    notes = (f"It defines the constant {statement.constant}.",) if statement.constant else ()
    if kind == "hypothesis":
        notes += ("momcert nesterov decides it: a status, and the implied constant or the required radius.",)
    return Entry(statement.id, kind, statement.statement, statement.statement, statement.latex, tag, numbering,
                 notes=notes)


def _one_line(entry: Entry) -> str:
    """How another entry refers to ``entry``: the statement of a short kind, else the title."""
    return entry.statement if entry.kind in ("condition", "assumption", "hypothesis") else entry.title


@cache
def entries() -> dict[str, Entry]:
    """Every entry by id, grouped by kind (in the order of :data:`momcert.theory.entries.KINDS`)."""
    found = [
        *(_condition_entry(c) for c in CONDITIONS.values()),
        *(_theorem_entry(t) for t in THEOREMS.values()),
        *(_statement_entry(s, "assumption") for s in (*FRAMEWORK_ASSUMPTIONS, *CLARKE_ASSUMPTIONS, *LK_ASSUMPTIONS)),
        *(_statement_entry(s, "hypothesis") for s in LK_HYPOTHESES.values()),
        *LK_RESULTS, *BASELINES, *DEFINITIONS,
    ]
    found.sort(key=lambda entry: KINDS.index(entry.kind))
    by_id: dict[str, Entry] = {}
    for entry in found:
        if entry.id in by_id:
            raise ValueError(f"two registry entries have the id {entry.id!r}")
        by_id[entry.id] = entry
    users: dict[str, list[str]] = {identifier: [] for identifier in by_id}
    for entry in found:
        for referenced in _referenced_ids(entry):
            if referenced not in by_id:
                raise ValueError(f"registry entry {entry.id!r} refers to the unknown id {referenced!r}")
            if entry.id not in users[referenced]:
                users[referenced].append(entry.id)
    return {identifier: dataclasses.replace(
        entry, used_by=tuple(users[identifier]),
        references={r: _one_line(by_id[r]) for r in _referenced_ids(entry)}) for identifier, entry in by_id.items()}


def _referenced_ids(entry: Entry) -> list[str]:
    ids = [*entry.hypotheses, *(i for ids in entry.hypotheses_by_noise.values() for i in ids), *entry.assumed]
    return list(dict.fromkeys(ids))


def explain(identifier: str) -> Entry:
    """The entry ``identifier`` (``str()`` is its text, ``to_dict()`` its JSON; notebooks render Markdown or LaTeX).

    Raises :class:`InputError` for an unknown id, naming the nearest one."""
    known = entries()
    if identifier in known:
        return known[identifier]
    nearest = max(known, key=lambda candidate: difflib.SequenceMatcher(None, identifier, candidate).ratio())
    raise InputError(f"unknown id {identifier!r}; did you mean {nearest!r}? (momcert explain lists every id)")


# -- listings -------------------------------------------------------------------------------------------------------
def listing() -> str:
    """Every id with its provenance tag and title, grouped by kind (``momcert explain`` without an id)."""
    width = max(len(identifier) for identifier in entries()) + 2
    lines = []
    for kind in KINDS:
        group = [entry for entry in entries().values() if entry.kind == kind]
        lines += ["", HEADINGS[kind]] + [f"  {e.id:<{width}}{e.provenance:<12}{e.title}" for e in group]
    lines += ["", "provenance"] + [wrap(f"{tag} {source}", "  ") for tag, source in SOURCES.items()]
    lines += ["", "momcert explain ID prints one entry in full (--json: one JSON object)."]
    return "\n".join(lines[1:])


_INTRODUCTION = (
    "Everything momcert checks or relies on has an id. `momcert explain ID` prints the entry in full: the statement in "
    "plain text and in LaTeX, the hypotheses (for a theorem, exactly those `momcert check` or `momcert nesterov` "
    "decides), the conclusion, what is assumed and cannot be checked from a schedule, and the provenance with the "
    "paper's numbering; `--json` prints it as one object, `momcert explain` alone lists every id, and "
    "`momcert.theory.explain(ID)` returns the entry in Python (it renders in notebooks). The tables below are "
    "generated from that registry.")


def _cell(text: str, *, code: bool) -> str:
    """Table-cell Markdown for ``text``: a code span for formulas, else prose with Markdown's ``*`` escaped."""
    text = text.replace("|", r"\|")
    return f"`{text}`" if code else text.replace("*", r"\*")


def markdown_section() -> str:
    """The README section "What momcert encodes", generated from the registry (ends with a newline)."""
    lines = [SECTION_TITLE, "", textwrap.fill(_INTRODUCTION, 120, break_on_hyphens=False), "", "Provenance tags:", ""]
    lines += [textwrap.fill(f"**{tag}** {source}", 120, initial_indent="- ", subsequent_indent="  ",
                            break_on_hyphens=False) for tag, source in SOURCES.items()]
    for kind in KINDS:
        lines += ["", f"### {HEADINGS[kind]}", "", "| id | provenance | statement |", "|---|---|---|"]
        for entry in (e for e in entries().values() if e.kind == kind):
            shown = _cell(_one_line(entry), code=kind in ("condition", "hypothesis"))
            lines.append(f"| `{entry.id}` | {_cell(entry.numbering, code=False)} | {shown} |")
    return "\n".join(lines) + "\n"


def readme_section(readme: str) -> str:
    """The section "What momcert encodes" of a README's text, up to the next section (``""`` when absent)."""
    start = readme.find(SECTION_TITLE + "\n")
    if start < 0:
        return ""
    end = readme.find("\n## ", start + len(SECTION_TITLE))
    return readme[start:] if end < 0 else readme[start:end]


def _update(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        readme = handle.read()
    old = readme_section(readme)
    if not old:
        raise InputError(f"{path} has no section {SECTION_TITLE!r} to update")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(readme.replace(old, markdown_section(), 1))


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m momcert.theory.registry",
                                     description="Print or update the README section generated from the registry.")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--markdown", action="store_true", help="print the section 'What momcert encodes'")
    group.add_argument("--update", metavar="README", help="rewrite that section of README in place")
    args = parser.parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown_section())
        return 0
    try:
        _update(args.update)
    except (InputError, OSError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
