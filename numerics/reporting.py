"""Reports of numeric verifications: claims, measured constants, atomic writes (DESIGN.md "Data flow").

A :class:`Report` is what every ``momcert verify`` scenario returns. It serializes to ``report.json`` (the DESIGN.md
contract: ``claims`` with ``id``, ``status``, ``predicted``, ``observed``; the measured constants; the device; the wall
time), to a readable Markdown summary (``summary.md``), and renders in notebooks. Files are written atomically
(a temporary file in the same folder, then ``os.replace``), so an interrupted process never leaves half a report.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CLAIM_STATUSES = ("pass", "fail", "not_applicable")
CLAIM_KINDS = ("prediction", "hypothesis")


@dataclass
class Claim:
    """One claim of a theorem compared with an observation.

    ``status`` is ``pass`` when the observation is consistent with the prediction, ``fail`` when it is not, and
    ``not_applicable`` when the claim's hypotheses are not met on this run (the theorem then says nothing).
    ``statistic`` states how ``observed`` was computed (e.g. "slope of a log-log fit over the second half").
    ``kind`` is ``prediction`` (a theorem's conclusion against the run) or ``hypothesis`` (whether a theorem's
    hypothesis holds for the instances: a failed hypothesis means the theorem says nothing, not that the run
    contradicts it, so its verdicts read holds / fails / undecided and it is counted apart).
    """

    id: str
    status: str
    predicted: Any
    observed: Any
    statement: str = ""
    statistic: str = ""
    provenance: str = ""
    kind: str = "prediction"

    def __post_init__(self):
        if self.status not in CLAIM_STATUSES:
            raise ValueError(f"claim status must be one of {CLAIM_STATUSES}, got {self.status!r}")
        if self.kind not in CLAIM_KINDS:
            raise ValueError(f"claim kind must be one of {CLAIM_KINDS}, got {self.kind!r}")

    @property
    def verdict(self) -> str:
        """The wording used in summaries: a numeric run is consistent with a theorem, it never proves it."""
        if self.kind == "hypothesis":
            return {"pass": "holds", "fail": "fails", "not_applicable": "undecided"}[self.status]
        return {"pass": "consistent", "fail": "inconsistent", "not_applicable": "not applicable"}[self.status]


@dataclass
class Report:
    """The result of one scenario run. ``status`` is ``completed`` or ``diverged`` (then ``diverged_at`` says where)."""

    scenario: str
    claims: list[Claim] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)
    device: str = "cpu"
    dtype: str = "float64"
    seed: int = 0
    wall_time_s: float = 0.0
    status: str = "completed"
    diverged_at: dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    # -- serialization -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for claim, raw in zip(self.claims, data["claims"], strict=True):
            raw["verdict"] = claim.verdict
        return json_ready(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def counts(self, kind: str = "prediction") -> dict[str, int]:
        """How many claims of ``kind`` have each status."""
        return {status: sum(c.status == status and c.kind == kind for c in self.claims) for status in CLAIM_STATUSES}

    def headline(self) -> str:
        """``Claims: 3 consistent, 0 inconsistent, 1 not applicable`` (and the hypotheses, when there are some)."""
        counts = self.counts()
        text = (f"Claims: {counts['pass']} consistent, {counts['fail']} inconsistent, "
                f"{counts['not_applicable']} not applicable.")
        hypotheses = self.counts("hypothesis")
        if any(hypotheses.values()):
            text += (f" Hypotheses on these instances: {hypotheses['pass']} hold, {hypotheses['fail']} fail, "
                     f"{hypotheses['not_applicable']} undecided.")
        return text

    def summary_markdown(self) -> str:
        lines = [
            f"# momcert verify {self.scenario}",
            "",
            f"Status: **{self.status}**"
            + (f" (at {_format(self.diverged_at)})" if self.diverged_at else "")
            + f". {self.headline()}",
            f"Device {self.device}, {self.dtype}, seed {self.seed}, wall time {self.wall_time_s:.1f} s.",
            "",
            "| claim | verdict | predicted | observed | statistic |",
            "|---|---|---|---|---|",
        ]
        for claim in self.claims:
            lines.append(f"| `{claim.id}` {claim.statement} | {claim.verdict} | {_format(claim.predicted)} | "
                         f"{_format(claim.observed)} | {claim.statistic} {claim.provenance}".rstrip() + " |")
        if self.constants:
            lines += ["", "| measured constant | value |", "|---|---|"]
            lines += [f"| {name} | {_format(value)} |" for name, value in self.constants.items()]
        for name, rows in self.tables.items():
            if rows:
                header = list(rows[0])
                lines += ["", f"**{name}**", "", "| " + " | ".join(header) + " |",
                          "|" + "---|" * len(header)]
                lines += ["| " + " | ".join(_format(row.get(h)) for h in header) + " |" for row in rows]
        if self.notes:
            lines += [""] + [f"- {note}" for note in self.notes]
        if self.figures:
            lines += [""] + [f"![{Path(f).stem}]({Path(f).name})" for f in self.figures]
        return "\n".join(lines) + "\n"

    def _repr_markdown_(self) -> str:
        return self.summary_markdown()

    def __str__(self) -> str:
        return self.summary_markdown()

    def write(self, out_dir: str | os.PathLike) -> Path:
        """Write ``report.json`` and ``summary.md`` atomically into ``out_dir``; return the JSON path."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "summary.md", self.summary_markdown())
        path = out / "report.json"
        atomic_write_text(path, self.to_json())
        return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def json_ready(value: Any) -> Any:
    """Convert numpy, torch and SymPy values (and non-finite floats) into plain JSON values.

    Non-finite floats become the strings ``"inf"``, ``"-inf"`` and ``"nan"`` (strict JSON has no such numbers).
    """
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        return json_ready(value.tolist())
    if hasattr(value, "is_number") and getattr(value, "is_number", False):  # SymPy numbers
        return json_ready(float(value))
    return str(value)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{key}={_format(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format(item) for item in value) + "]"
    return "" if value is None else str(value)
