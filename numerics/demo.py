"""The main job on defaults (``momcert demo``): what momcert does, end to end, in under two minutes on the CPU.

1. Verdicts of the SGD-type theorems [XHT]/[SA] for common schedules, library defaults included.
2. The [LK] Theorem 7 parameters, rates and hypotheses for a default problem (``momcert explain lk-theorem-7``).
3. Quick ``additive`` and ``relu-nesterov`` verifications on real PyTorch runs.

Everything lands in one folder: ``report.json`` (all results), ``README.md`` (a Markdown report that links the rest)
and one folder per scenario with its own ``report.json``, ``summary.md`` and figure; no checkpoints.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from momcert.theory import check
from momcert.theory.nesterov import nesterov_analysis
from momcert.theory.translations import from_lion, from_torch_sgd

from .reporting import atomic_write_text, json_ready
from .run_options import RunOptions
from .verify import SCENARIOS, verify

#: (label, keyword arguments of momcert.theory.check or a library translation)
SCHEDULES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("SGD, eta = 0.1/sqrt(k+1)", {"eta": "0.1/sqrt(k+1)"}),
    ("SGD, eta = 1/(k+1)", {"eta": "1/(k+1)"}),
    ("SGD, constant eta = 0.01", {"eta": "0.01"}),
    ("SGD, step decay 0.1*0.5**floor(k/30)", {"eta": "0.1*0.5**floor(k/30)"}),
    ("signum, two timescales", {"eta": "0.1/(k+1)**0.75", "theta": "1/(k+1)**0.5", "method": "sign"}),
    ("normalized, single timescale", {"eta": "0.1/(k+1)**0.6", "theta": "0.5/(k+1)**0.6", "method": "normalized"}),
    ("clipped (gamma = 1), warmup then 1/sqrt(k)",
     {"eta": "0.1*Min((k+1)/100, 1)/sqrt(k+1)", "theta": "Min((k+1)/100, 1)/sqrt(k+1)", "method": "clip"}),
    ("torch SGD(momentum=0.9), lr = 0.1/(k+1)**0.7", {"from": "torch-sgd", "lr": "0.1/(k+1)**0.7", "momentum": 0.9}),
    ("lion-pytorch Lion defaults, lr = 1e-4", {"from": "lion", "lr": "1e-4", "betas": (0.9, 0.99)}),
)

#: The default [LK] problem: a mildly conditioned x-block, a weakly coupled u-block.
NESTEROV_PROBLEM = {"mu": "1", "L1": "100", "L2": "1", "G1": "1/1000", "G2": "1/100", "delta0": "1",
                    "Rx": "inf", "Ru": "inf", "target": "1e-6"}

#: The scenarios the demo runs (quick sizes), through the library's :func:`momcert.numerics.verify.verify`.
DEMO_SCENARIOS = ("additive", "relu-nesterov")


def schedule_verdicts() -> list[dict[str, Any]]:
    """``momcert.theory.check`` on every schedule of :data:`SCHEDULES`; one row each (the check's JSON object
    inside)."""
    rows = []
    for label, spec in SCHEDULES:
        spec = dict(spec)
        source = spec.pop("from", None)
        if source == "torch-sgd":
            translation = from_torch_sgd(spec["lr"], momentum=spec["momentum"])
        elif source == "lion":
            translation = from_lion(spec["lr"], betas=spec["betas"])
        else:
            translation = None
        if translation is not None:
            report = check(translation.eta, translation.theta, method=translation.method, rho=translation.rho,
                           translation=translation)
        else:
            report = check(spec["eta"], spec.get("theta"), method=spec.get("method", "heavy-ball"))
        rows.append({"label": label, "check": report.to_dict(),
                     "verdicts": {name: t.verdict for name, t in report.theorems.items()}})
    return rows


def verdict_table(rows: list[dict[str, Any]]) -> str:
    theorems = list(rows[0]["verdicts"])
    lines = ["| schedule | eta_k | theta_k | " + " | ".join(theorems) + " |", "|---" * (3 + len(theorems)) + "|"]
    for row in rows:
        lines.append(f"| {row['label']} | `{row['check']['eta']}` | `{row['check']['theta']}` | "
                     + " | ".join(row["verdicts"][name] for name in theorems) + " |")
    return "\n".join(lines)


def nesterov_problem():
    problem = dict(NESTEROV_PROBLEM)
    return nesterov_analysis(problem.pop("mu"), problem.pop("L1"), **problem)


def run_demo(out: str | Path = "momcert-demo", *, device: str = "cpu", progress: bool = True) -> str:
    """Run the demo into ``out``; return the Markdown report (also written to ``out/README.md``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    rows = schedule_verdicts()
    nesterov = nesterov_problem()
    reports = {}
    for name in DEMO_SCENARIOS:  # no checkpoints: the folder holds the reports and figures only
        reports[name] = verify(name, config=SCENARIOS[name].config(quick=True),
                               options=RunOptions(out=out / name, device=device, progress=progress,
                                                  write_checkpoints=False))
    figures = [f"{name}/{Path(figure).name}" for name, report in reports.items() for figure in report.figures]
    wall = time.perf_counter() - start

    sections = [
        "# momcert demo",
        "",
        f"Wall time {wall:.1f} s on {reports[DEMO_SCENARIOS[0]].device}. Everything below is also in `report.json`.",
        "",
        "## 1. Which theorems cover common schedules (`momcert explain ID` states each)",
        "",
        "`covered`: every hypothesis of the theorem holds, so its conclusion applies given what it assumes; it is not "
        "a proof that a run converges. `not_covered`: the theorem says nothing about the schedule.",
        "",
        verdict_table(rows),
        "",
        "## 2. Nesterov's momentum on a partially strongly convex problem ([LK] Theorem 7)",
        "",
        "```",
        str(nesterov),
        "```",
        "",
        "## 3. Real runs (quick sizes)",
    ]
    for name, report in reports.items():
        sections += ["", f"### `momcert verify {name} --quick`", "", report.headline(),
                     "", f"Full report: [{name}/summary.md]({name}/summary.md)", ""]
        sections += claim_table(report.claims)
        sections += [""] + [f"![{name}]({figure})" for figure in figures if figure.startswith(f"{name}/")]
    markdown = "\n".join(sections) + "\n"
    atomic_write_text(out / "README.md", markdown)
    payload = {"wall_time_s": wall, "schedules": rows, "nesterov": nesterov.to_dict(),
               "verify": {name: report.to_dict() for name, report in reports.items()}, "figures": figures}
    atomic_write_text(out / "report.json", _dumps(json_ready(payload)))
    return markdown


def claim_table(claims: list) -> list[str]:
    """Markdown rows of ``claims`` grouped by claim (the id before its ``[setting]``), in order of first appearance:
    kind, statement and the count of each status over the settings (the full list is in the scenario's summary)."""
    groups: dict[str, list] = {}
    for claim in claims:
        groups.setdefault(claim.id.split("[")[0], []).append(claim)
    rows = ["| claim | kind | statuses (count over settings) | statement |", "|---|---|---|---|"]
    for name, members in groups.items():
        counts = Counter(str(claim.status) for claim in members)
        kinds = ", ".join(dict.fromkeys(str(claim.kind) for claim in members))
        statuses = ", ".join(f"{status} {count}" for status, count in counts.items())
        rows.append(f"| `{name}` | {kinds} | {statuses} | {members[0].statement} |")
    return rows


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, allow_nan=False)
