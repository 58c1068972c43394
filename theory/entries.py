"""One entry of the specification registry (:mod:`momcert.theory.registry`) and its forms: text, JSON, Markdown, LaTeX.

An entry states one condition, theorem, assumption, hypothesis, lemma, baseline or definition: a one-line ``title``,
the ``statement`` in plain text and in LaTeX (math mode), the ``hypotheses`` and what is ``assumed`` (ids of other
entries, each with its one-line statement in ``references``), the ``conclusion``, the provenance tag ([XHT], [SA],
[LK], [TXT]) and the paper's ``numbering``. Standard library only.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

#: The kinds of entries, in the order ``momcert explain`` lists them.
KINDS = ("condition", "theorem", "assumption", "hypothesis", "lemma", "baseline", "definition")


@dataclass(frozen=True)
class Entry:
    """One statement of the specification; ``momcert explain ID`` prints it, ``to_dict()`` is its ``--json``."""

    id: str
    kind: str
    title: str
    statement: str
    latex: str
    provenance: str
    numbering: str
    hypotheses: tuple[str, ...] = ()
    conclusion: str = ""
    assumed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: for the SGD-type theorems: the noise model of ``hypotheses`` and the hypotheses ``momcert check`` uses under
    #: each noise model
    noise_model: str = ""
    hypotheses_by_noise: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: ids of the entries that list this one among their hypotheses or assumptions
    used_by: tuple[str, ...] = ()
    #: one-line statements of the ids in ``hypotheses`` and ``assumed``
    references: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"entry kind must be one of {KINDS}, got {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "statement": self.statement,
                "latex": self.latex, "hypotheses": list(self.hypotheses),
                "noise_model": self.noise_model,
                "hypotheses_by_noise": {model: list(ids) for model, ids in self.hypotheses_by_noise.items()},
                "conclusion": self.conclusion, "assumed": list(self.assumed), "provenance": self.provenance,
                "numbering": self.numbering, "notes": list(self.notes), "used_by": list(self.used_by),
                "references": dict(self.references)}

    # -- text ----------------------------------------------------------------------------------------------------
    def _sections(self) -> list[tuple[str, list[str]]]:
        """(heading, lines) pairs after the statement, shared by the text and Markdown forms."""
        sections = []
        if self.hypotheses:
            heading = "hypotheses"
            if self.noise_model:
                heading += f" (as momcert check uses them; noise model {self.noise_model})"
            sections.append((heading, [self._referenced(i) for i in self.hypotheses] + self._noise_variants()))
        if self.conclusion:
            sections.append(("conclusion", [self.conclusion]))
        if self.assumed:
            sections.append(("assumed, not checkable from a schedule", [self._referenced(i) for i in self.assumed]))
        if self.used_by:
            sections.append(("used by", [", ".join(self.used_by)]))
        if self.notes:
            sections.append(("notes", list(self.notes)))
        return sections

    def _referenced(self, identifier: str) -> str:
        return f"{identifier}: {self.references[identifier]}" if identifier in self.references else identifier

    def _noise_variants(self) -> list[str]:
        lines = []
        for model, ids in self.hypotheses_by_noise.items():
            swapped = [(old, new) for old, new in zip(self.hypotheses, ids, strict=True) if old != new]
            if swapped:
                lines.append(f"with --noise {model}: " + ", ".join(f"{new} in place of {old}" for old, new in swapped))
        return lines

    def __str__(self) -> str:
        lines = [f"{self.id}: {self.title}", f"  {self.kind}, {self.numbering}"]
        statement = [] if self.statement == self.title else [("statement", [self.statement])]
        for heading, body in [*statement, ("LaTeX", [self.latex]), *self._sections()]:
            lines += ["", heading]
            # LaTeX stays on one line, to be copied as it is
            lines += [f"  {line}" if heading == "LaTeX" else wrap(line, "  ") for line in body]
        return "\n".join(lines)

    # -- notebooks -----------------------------------------------------------------------------------------------
    def _repr_markdown_(self) -> str:
        lines = [f"**`{self.id}`** ({self.kind}, {self.numbering}): {self.title}", "", f"$${self.latex}$$", ""]
        for heading, body in self._sections():
            lines += [f"*{heading}*", ""] + [f"- {line}" for line in body] + [""]
        return "\n".join(lines).rstrip()

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex}$"


def wrap(text: str, indent: str) -> str:
    """``text`` wrapped for a terminal, its first line indented by ``indent`` and the others two spaces more."""
    return textwrap.fill(text, 116, initial_indent=indent, subsequent_indent=indent + "  ", break_long_words=False,
                         break_on_hyphens=False)


def compose(parts: list[tuple[str, str]], conclusion: tuple[str, str], qualifier: str = "") -> tuple[str, str]:
    """``(text, latex)`` of the statement "if every part holds, then (qualifier) the conclusion" from the parts'
    and the conclusion's ``(text, latex)`` forms."""
    then = f"then {qualifier} " if qualifier else "then "
    text = "If " + "; ".join(p[0] for p in parts) + "; " + then + conclusion[0] + "."
    latex = (r"\text{If } " + r",\quad ".join(p[1] for p in parts) + rf",\quad \text{{{then}}}" + conclusion[1])
    return text, latex
