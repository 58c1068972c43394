"""The result of :func:`momcert.theory.nesterov.nesterov_analysis` ([LK]): text, JSON, Markdown and LaTeX forms.

Only data and rendering live here; every formula is in :mod:`momcert.theory.nesterov`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sympy

from .quantities import display, json_value
from .statements import Statement
from .vocabulary import ConditionStatus

_PARAMETER_NAMES = ("kappa", "eta", "beta", "rate", "gd_rate")


@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis of a theorem with its status.

    ``when`` is the region where it holds (a SymPy boolean: ``True``/``False`` for numbers, a relation for symbols,
    ``C1 >= value`` for an unspecified constant). ``implied_constant`` is ``(name, smallest value)`` for inequalities
    with an unspecified absolute constant; ``required`` is the smallest admissible radius for radius conditions;
    ``relation`` is the inequality itself as a SymPy relation (for LaTeX).
    """

    id: str
    statement: str
    provenance: str
    status: ConditionStatus
    when: sympy.Basic
    reason: str = ""
    implied_constant: tuple[str, sympy.Expr] | None = None
    required: sympy.Expr | None = None
    relation: sympy.Basic | None = None

    def __post_init__(self):
        object.__setattr__(self, "status", ConditionStatus(self.status))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "when": str(self.when), "statement": self.statement,
                                "provenance": self.provenance, "reason": self.reason}
        if self.implied_constant is not None:
            name, value = self.implied_constant
            data["implied"] = {name: json_value(value)}
        if self.required is not None:
            data["required"] = json_value(self.required)
        if self.relation is not None:
            data["latex"] = sympy.latex(self.relation)
        return data

    def detail(self) -> str:
        """What decides the hypothesis: the implied constant, the required radius, or the region."""
        if self.implied_constant is not None:
            name, value = self.implied_constant
            return f"implied {name} = {display(value)}"
        if self.required is not None:
            return f"required >= {display(self.required)}"
        return "" if self.when in (sympy.true, sympy.false) else f"when {self.when}"


@dataclass
class NesterovReport:
    """Parameters, rates and hypotheses of [LK] Theorems 6 and 7 for one problem (see ``nesterov_analysis``)."""

    params: Any  # momcert.theory.nesterov.LKParameters
    quantities: dict[str, sympy.Expr]
    assumptions: tuple[Statement, ...]  # [LK] Assumptions 1-6
    conditions: dict[str, Hypothesis]
    lemma10: Any  # momcert.theory.nesterov.Lemma10Bounds
    target: sympy.Expr | None = None
    target_relative: bool = True
    iterations: dict[str, sympy.Expr] = field(default_factory=dict)
    baselines: dict[str, sympy.Expr] = field(default_factory=dict)
    pep: Any = None  # momcert.theory.pep.PepComparison, or a str saying why it is missing
    notes: list[str] = field(default_factory=list)

    # -- values ---------------------------------------------------------------------------------------------------
    def parameters(self) -> dict[str, sympy.Expr]:
        """kappa, eta, beta, rate and gd_rate as SymPy expressions."""
        return {name: getattr(self.params, name) for name in _PARAMETER_NAMES}

    # -- JSON -----------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        p = self.params
        data: dict[str, Any] = {name: json_value(value) for name, value in self.parameters().items()}
        data.update({"mu": json_value(p.mu), "L1": json_value(p.L1), "c": json_value(p.c)})
        data["exact"] = {name: str(value) for name, value in self.parameters().items()}
        data["latex"] = {name: sympy.latex(value) for name, value in self.parameters().items()}
        data["quantities"] = {name: json_value(value) for name, value in self.quantities.items()}
        data["conditions"] = {key: hypothesis.to_dict() for key, hypothesis in self.conditions.items()}
        data["assumptions"] = {a.id: a.to_dict() for a in self.assumptions}
        data["lemma10"] = {"Q2": json_value(self.lemma10.Q2), "Q3": json_value(self.lemma10.Q3),
                           "phi0": json_value(self.lemma10.phi0)}
        data["target"] = None if self.target is None else json_value(self.target)
        data["target_relative"] = self.target_relative
        data["iterations"] = {name: json_value(value) for name, value in self.iterations.items()}
        data["baselines"] = {name: json_value(value) for name, value in self.baselines.items()}
        if self.pep is not None:
            data["pep"] = self.pep if isinstance(self.pep, str) else self.pep.to_dict()
        data["notes"] = list(self.notes)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    # -- text -----------------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        p = self.params
        lines = ["[LK] Nesterov's momentum (Liao & Kyrillidis, ALT 2024; momcert explain lk-theorem-7)",
                 f"  mu = {_show(p.mu)}   L1 = {_show(p.L1)}   c = {_show(p.c)}   "
                 + "   ".join(f"{name} = {_show(value)}" for name, value in self.quantities.items()),
                 "", "parameters and rates"]
        formulas = {"kappa": "L1/mu", "eta": "c/L1", "beta": "(4 sqrt(kappa) - sqrt(c))/(4 sqrt(kappa) + 7 sqrt(c))",
                    "rate": "1 - c/(4 sqrt(kappa))   Theorem 7: f_k - f* <= 2 rate^k Delta0",
                    "gd_rate": "1 - c/(4 kappa)        Theorem 6 (GD, step eta): f_k - f* <= gd_rate^k Delta0"}
        for name, value in self.parameters().items():
            lines.append(f"  {name:<8} {_show(value):<32} {formulas[name]}")
        if self.baselines:
            lines += ["", "baselines [TXT] (smooth strongly convex case, G1 = G2 = 0)"]
            lines += [f"  {name:<28} {_show(value)}" for name, value in self.baselines.items()]
        if self.iterations:
            what = "relative gap (f_k - f*)/Delta0" if self.target_relative else "gap f_k - f*"
            lines += ["", f"iterations to reach {what} <= {_show(self.target)}"]
            lines += [f"  {name:<10} {_show(value)}" for name, value in self.iterations.items()]
        lines += ["", "hypotheses"]
        for hypothesis in self.conditions.values():
            lines.append(f"  {hypothesis.id:<12} {hypothesis.status:<8} {hypothesis.statement}   "
                         f"({hypothesis.provenance})")
            detail = hypothesis.detail()
            if detail:
                lines.append(f"  {'':<12} {'':<8} {detail}")
        lines += ["", f"Lemma 10 (phi_0 = {_show(self.lemma10.phi0)}): ||x_k - x_(k-1)||^2 <= Q2 rate^k phi_0, "
                      "||u_k - u_(k-1)||^2 <= G1^2 Q3 rate^k phi_0",
                  f"  Q2 = {_show(self.lemma10.Q2)}", f"  Q3 = {_show(self.lemma10.Q3)}"]
        lines += ["", "assumed, not checkable from numbers"]
        lines += [f"  {a.id:<24} {a.statement}   ({a.provenance})" for a in self.assumptions]
        if self.pep is not None:
            lines += ["", str(self.pep)]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    # -- notebooks ------------------------------------------------------------------------------------------------
    def _repr_markdown_(self) -> str:
        p = self.params
        rows = ["**[LK] Nesterov's momentum** (`momcert explain lk-theorem-7`)", "",
                f"$\\mu = {sympy.latex(p.mu)}$, $L_1 = {sympy.latex(p.L1)}$, $c = {sympy.latex(p.c)}$", "",
                "| quantity | value |", "|---|---|"]
        rows += [f"| {name} | ${sympy.latex(value)}$ |" for name, value in self.parameters().items()]
        rows += ["", "| hypothesis | status | statement | detail | provenance |", "|---|---|---|---|---|"]
        rows += [f"| `{h.id}` | {h.status} | {h.statement} | {h.detail()} | {h.provenance} |"
                 for h in self.conditions.values()]
        return "\n".join(rows)

    def _repr_latex_(self) -> str:
        lines = [f"{_latex_name(name)} &= {sympy.latex(value)}" for name, value in self.parameters().items()]
        for h in self.conditions.values():
            if h.relation is not None:
                lines.append(f"\\text{{{h.id.replace('_', ' ')} ({h.status})}} &: {sympy.latex(h.relation)}")
        return "$\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}$"


def _latex_name(name: str) -> str:
    return {"kappa": "\\kappa", "eta": "\\eta", "beta": "\\beta", "rate": "\\rho",
            "gd_rate": "\\rho_{\\mathrm{GD}}"}[name]


def _show(value: sympy.Expr) -> str:
    """A number as a float, with the exact form when it is short and differs; a symbolic expression as is."""
    value = sympy.sympify(value, strict=True)
    if not value.is_number or value in (sympy.oo, -sympy.oo):
        return display(value)
    exact = str(value)
    shown = display(value, 8)
    if exact == shown or len(exact) > 16 or value.is_Float:
        return shown
    return f"{shown} ({exact})"
