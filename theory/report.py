"""Verdict objects of ``momcert check`` and their forms: a text table, the ``--json`` object, Markdown, LaTeX.

Reading a verdict: ``covered`` means every hypothesis of the theorem holds for the schedule (the theorem's conclusion
applies, given what it assumes: see ``assumed``); it is not a proof that a particular run converges. ``not_covered``
means a hypothesis fails: the theorem says nothing about this schedule, which is not a proof of divergence.
``depends``: covered exactly on the parameter region ``when``. ``inconclusive``: some hypothesis could not be decided.
Provenance tags ([XHT], [SA], [LK], [TXT]) say where each statement comes from; ``momcert explain ID``
states each condition and theorem in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .vocabulary import ConditionStatus, Coverage


@dataclass(frozen=True)
class ConditionVerdict:
    id: str
    status: ConditionStatus
    when: sympy.Basic  # region where it holds (for unknown: where it was proven to hold)
    reason: str
    statement: str  # LaTeX
    provenance: str

    def __post_init__(self):
        object.__setattr__(self, "status", ConditionStatus(self.status))

    def to_dict(self) -> dict:
        return {"status": self.status, "when": sympy.sstr(self.when), "reason": self.reason}


@dataclass(frozen=True)
class TheoremVerdict:
    id: str
    verdict: Coverage
    when: sympy.Basic
    failed: list[str]
    provenance: str
    hypotheses: tuple[str, ...]
    conclusion: str
    assumed: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "verdict", Coverage(self.verdict))

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "when": sympy.sstr(self.when), "failed": list(self.failed),
                "provenance": self.provenance, "hypotheses": list(self.hypotheses)}


@dataclass
class CheckReport:
    """The result of :func:`momcert.theory.check`: prints as the table, ``to_dict()`` is the CLI's JSON object."""

    eta: sympy.Expr
    theta: sympy.Expr
    parameters: list[str]
    method: str
    noise: str
    noise_conditions: dict[str, str]  # theorem id -> the noise condition it used
    conditions: dict[str, ConditionVerdict]
    theorems: dict[str, TheoremVerdict]
    assumptions: list[str] = field(default_factory=list)
    random_scale: tuple | None = None
    translation: list[str] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "eta": sympy.sstr(self.eta),
            "theta": sympy.sstr(self.theta),
            "parameters": list(self.parameters),
            "noise": self.noise,
            "method": self.method,
            "noise_conditions": dict(self.noise_conditions),
            "assume": list(self.assumptions),
            "random_scale": None if self.random_scale is None else [sympy.sstr(v) for v in self.random_scale],
            "translation": self.translation,
            "notes": list(self.notes),
            "conditions": {key: verdict.to_dict() for key, verdict in self.conditions.items()},
            "theorems": {key: verdict.to_dict() for key, verdict in self.theorems.items()},
        }

    # -- text ----------------------------------------------------------------------------------------------------
    def _header(self) -> list[str]:
        lines = list(self.translation or [])
        lines += [f"eta_k   = {sympy.sstr(self.eta)}", f"theta_k = {sympy.sstr(self.theta)}",
                  f"method  = {self.method}; noise model = {self.noise} (noise condition: "
                  + ", ".join(f"{c} for {t}" for t, c in self.noise_conditions.items()) + ")"]
        if self.parameters:
            lines.append(f"parameters (positive reals): {', '.join(self.parameters)}"
                         + (f"; assuming {', '.join(self.assumptions)}" if self.assumptions else ""))
        if self.random_scale is not None:
            lines.append(f"random scale: eta_k times a scalar with a density on "
                         f"[{sympy.sstr(self.random_scale[0])}, {sympy.sstr(self.random_scale[1])}]")
        return lines

    def __str__(self) -> str:
        lines = [*self._header(), ""]
        rows = [("condition", "status", "when", "reason")]
        rows += [(c.id, c.status, sympy.sstr(c.when), c.reason) for c in self.conditions.values()]
        lines += _table(rows)
        lines.append("")
        rows = [("theorem", "verdict", "when", "failed", "provenance")]
        rows += [(t.id, t.verdict, sympy.sstr(t.when), ", ".join(t.failed) or "-", t.provenance)
                 for t in self.theorems.values()]
        lines += _table(rows)
        lines += [f"note: {note}" for note in self.notes]
        lines.append("covered = every hypothesis holds (the theorem applies, given its assumptions); it is not a "
                     "proof that a run converges. not_covered = the theorem says nothing here. "
                     "momcert explain ID states any condition or theorem.")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        lines = [f"- {line}" for line in self._header()] + ["", "| condition | status | when | reason |",
                                                            "|---|---|---|---|"]
        lines += [f"| `{c.id}` ${c.statement}$ | {c.status} | `{sympy.sstr(c.when)}` | {c.reason} |"
                  for c in self.conditions.values()]
        lines += ["", "| theorem | verdict | when | failed | provenance |", "|---|---|---|---|---|"]
        lines += [f"| `{t.id}` | **{t.verdict}** | `{sympy.sstr(t.when)}` | {', '.join(t.failed) or '-'} | "
                  f"{t.provenance} |" for t in self.theorems.values()]
        lines += [f"\n*note:* {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = [rf"\texttt{{{_tex_id(c.id)}}} & ${c.statement}$ & \text{{{c.status}}} & ${sympy.latex(c.when)}$ \\"
                for c in self.conditions.values()]
        rows += [r"\hline"]
        rows += [rf"\texttt{{{_tex_id(t.id)}}} & \text{{{t.provenance}}} & \text{{{_tex_id(t.verdict)}}} & "
                 rf"${sympy.latex(t.when)}$ \\" for t in self.theorems.values()]
        head = rf"\eta_k = {sympy.latex(self.eta)},\quad \theta_k = {sympy.latex(self.theta)}"
        return ("$$" + head + r"$$" + "\n" + r"$$\begin{array}{llll}" + "\n" + "\n".join(rows)
                + "\n" + r"\end{array}$$")


def _tex_id(text: str) -> str:
    return text.replace("_", r"\_")


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)) + "  " + row[-1]
            for row in rows]
