"""Reports of numeric verifications: claims, measured constants, atomic writes.

A :class:`Report` is what every ``momcert verify`` scenario returns. It serializes to ``report.json`` (the documented
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

from momcert.theory.vocabulary import ClaimKind, ClaimStatus, RunStatus


@dataclass
class Claim:
    """One statement of a theorem compared with a run.

    ``kind`` (:class:`momcert.theory.vocabulary.ClaimKind`): a ``hypothesis`` checked on the run, a ``prediction``
    (a theorem's conclusion) or a ``conditional`` statement (resting on a constant the paper leaves unspecified).
    ``status`` is one of the kind's words (:attr:`~momcert.theory.vocabulary.ClaimKind.statuses`): ``holds`` /
    ``fails`` / ``undecided``, ``pass`` / ``fail`` / ``not_applicable``, ``pass_if`` / ``fail``; another word raises
    ``ValueError``. ``statistic`` states how ``observed`` was computed (e.g. "slope of a log-log fit over the second
    half"). The constructors and their adjudication are :mod:`momcert.numerics.claims`.
    """

    id: str
    status: ClaimStatus
    predicted: Any
    observed: Any
    statement: str = ""
    statistic: str = ""
    provenance: str = ""
    kind: ClaimKind = ClaimKind.PREDICTION

    def __post_init__(self):
        self.status = ClaimStatus(self.status)
        self.kind = ClaimKind(self.kind)
        if self.status not in self.kind.statuses:
            raise ValueError(f"{self.status.value!r} is not a status of a {self.kind}: one of "
                             f"{', '.join(self.kind.statuses)}")


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
    status: RunStatus = RunStatus.COMPLETED
    diverged_at: dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.status = RunStatus(self.status)

    @classmethod
    def of_run(cls, scenario: str, options, recorded: dict[str, Any]) -> Report:
        """The empty report of a run of ``scenario`` with the resolved ``options`` (a
        :class:`~momcert.numerics.run_options.RunOptions`: device, dtype, seed) and the ``recorded`` options."""
        return cls(scenario=scenario, device=str(options.device), dtype=str(options.dtype).replace("torch.", ""),
                   seed=options.seed, options=recorded)

    def record_divergence(self, where: dict[str, Any] | None) -> None:
        """Mark the report ``diverged`` at ``where`` (a run's :meth:`~momcert.numerics.runs.Trajectory.divergence`);
        the first divergence recorded is kept, ``None`` (a run that did not diverge) changes nothing."""
        if where is not None and self.status != RunStatus.DIVERGED:
            self.status, self.diverged_at = RunStatus.DIVERGED, where

    # -- serialization -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON values, with ``counts``: per kind of claim, how many have each status."""
        return json_ready({**asdict(self), "counts": {kind: self.counts(kind) for kind in ClaimKind}})

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def counts(self, kind: ClaimKind = ClaimKind.PREDICTION) -> dict[ClaimStatus, int]:
        """How many claims of ``kind`` have each of its statuses."""
        return {status: sum(c.status == status and c.kind == kind for c in self.claims) for status in kind.statuses}

    def headline(self) -> str:
        """``Predictions: 3 pass, 0 fail, 1 not_applicable.``, then the hypotheses and the conditional statements,
        each counted apart, when the report has some."""
        def tally(kind: ClaimKind) -> str:
            return ", ".join(f"{count} {status}" for status, count in self.counts(kind).items())

        text = f"Predictions: {tally(ClaimKind.PREDICTION)}."
        if any(claim.kind == ClaimKind.HYPOTHESIS for claim in self.claims):
            text += f" Hypotheses: {tally(ClaimKind.HYPOTHESIS)}."
        if any(claim.kind == ClaimKind.CONDITIONAL for claim in self.claims):
            text += f" Conditional statements (on constants [LK] leaves unspecified): {tally(ClaimKind.CONDITIONAL)}."
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
            "| claim | kind | status | predicted | observed | statistic |",
            "|---|---|---|---|---|---|",
        ]
        for claim in self.claims:
            lines.append(f"| `{claim.id}` {claim.statement} | {claim.kind} | {claim.status} | "
                         f"{_format(claim.predicted)} | {_format(claim.observed)} | "
                         f"{claim.statistic} {claim.provenance}".rstrip() + " |")
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
