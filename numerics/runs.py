"""Trajectories of batched ensembles, with checkpoints, bit-identical resume and divergence detection.

The machinery is problem- and method-agnostic (used by the ``additive`` and ``relu-nesterov`` scenarios, reusable for
any other). A run is described by

- ``state``: a dict of tensors whose leading axis is the trial axis (T independent trials computed as one batch,
  typically with ``torch.func.vmap``). Anything the next step needs goes here (iterates, momentum, cached features);
- ``step(state, k) -> (new_state, measurements)``: one iteration k -> k+1; ``measurements`` is a dict of tensors of
  shape ``(T,)`` observed at the new iterate k+1 (a pure function of the state and k: any randomness must come from a
  ``torch.Generator`` passed as ``generator=``, whose state is checkpointed too);
- ``initial``: the measurements at k = 0 (same keys).

:func:`run_ensemble` iterates ``steps`` times and returns a :class:`Trajectory` whose ``records[name]`` is a float64 CPU
tensor of shape ``(steps + 1, T)``. With ``checkpoint`` (a file path) the state, the records so far and the generator
state are saved atomically at the end and at every ``checkpoint_every``-th step that comes at least
``checkpoint_seconds`` after the previous save (so that large states are not written too often); ``resume=True``
continues from that file
(it must have been written with the same ``fingerprint``, a JSON-able description of the run; a file that does not
verify is set aside and the run recomputed, :mod:`momcert.numerics.checkpoints`). On the CPU the resumed
run is bit-identical to an uninterrupted one: the saved tensors are exact and each step depends only on (state, k).
The final checkpoint of a finished run holds its records only (``Trajectory.state`` is then ``{}`` on resume).

Divergence: after every step the ``watch`` measurement (default ``"loss"``) is checked; the first step at which a trial
becomes NaN or infinite (overflow) is recorded per trial, and the run stops early once every trial has diverged
(later rows are NaN). ``Trajectory.status`` is then ``"diverged"`` and ``diverged_at`` names the first such step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from momcert.theory.vocabulary import RunStatus

from . import checkpoints

StepFunction = Callable[[dict[str, torch.Tensor], int], tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]]


@dataclass
class Trajectory:
    """The records of one batched run. ``records[name]``: float64 CPU tensor (steps + 1, trials); row k is step k."""

    name: str
    records: dict[str, torch.Tensor]
    state: dict[str, torch.Tensor]
    steps: int
    status: RunStatus = RunStatus.COMPLETED
    diverged_at: int | None = None
    diverged_trials: list[int] = field(default_factory=list)
    resumed_from: int | None = None

    @property
    def trials(self) -> int:
        return next(iter(self.records.values())).shape[1]

    def divergence(self) -> dict[str, Any] | None:
        """``{"run", "step", "trials"}`` for a diverged run (the report's ``diverged_at``), else None."""
        if self.status != RunStatus.DIVERGED:
            return None
        return {"run": self.name, "step": self.diverged_at, "trials": self.diverged_trials}


def _to_device(tree, device):
    if isinstance(tree, torch.Tensor):
        return tree.to(device)
    if isinstance(tree, dict):
        return {key: _to_device(value, device) for key, value in tree.items()}
    return tree


def _record_row(measurements: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {name: value.detach().to("cpu", torch.float64).reshape(-1) for name, value in measurements.items()}


def run_ensemble(name: str, state: dict[str, torch.Tensor], step: StepFunction, *, steps: int,
                 initial: dict[str, torch.Tensor], checkpoint: Path | None = None, checkpoint_every: int = 10,
                 checkpoint_seconds: float = 30.0, resume: bool = False, fingerprint: Any = None,
                 generator: torch.Generator | None = None,
                 watch: str = "loss", progress: bool = True, step_delay: float = 0.0) -> Trajectory:
    """Run ``steps`` iterations of ``step`` on a batched ``state`` (see the module docstring).

    ``step_delay`` (seconds slept after each step) exists only so that tests can interrupt a run mid-way.
    """
    from tqdm.auto import tqdm

    device = next(iter(state.values())).device
    rows = [_record_row(initial)]
    trials = rows[0][watch].numel()
    first_bad = torch.full((trials,), -1, dtype=torch.long)
    start, resumed_from = 0, None
    fingerprint_text = checkpoints.fingerprint_text(fingerprint)
    if checkpoint is not None:
        checkpoints.remove_stale_temporaries(Path(checkpoint))
    if resume and checkpoint is not None:
        payload = checkpoints.load(Path(checkpoint), fingerprint_text)
        if payload is not None:
            start = resumed_from = int(payload["step"])
            state = _to_device(payload["state"], device) if start < steps else {}
            saved = payload["records"]
            rows = [{key: saved[key][i] for key in saved} for i in range(saved[watch].shape[0])]
            first_bad = payload["first_bad"]
            if generator is not None and payload.get("generator") is not None:
                generator.set_state(payload["generator"])
    if start == 0:
        _mark_bad(first_bad, rows[0][watch], 0)

    def stacked() -> dict[str, torch.Tensor]:
        return {key: torch.stack([row[key] for row in rows]) for key in rows[0]}

    def save(k: int, records: dict[str, torch.Tensor]) -> None:
        if checkpoint is not None:  # a finished run keeps its records only: its state is not needed to resume
            checkpoints.save(Path(checkpoint), k, fingerprint_text, {
                "step": k, "state": state if k < steps else {}, "records": records, "first_bad": first_bad,
                "generator": None if generator is None else generator.get_state()})

    bar = tqdm(total=steps, initial=start, desc=name, disable=not progress, leave=False)
    k, last_save = start, time.monotonic()
    while k < steps and not bool((first_bad >= 0).all()):
        state, measurements = step(state, k)
        k += 1
        row = _record_row(measurements)
        rows.append(row)
        _mark_bad(first_bad, row[watch], k)
        bar.update(1)
        if step_delay:
            time.sleep(step_delay)
        if k % checkpoint_every == 0 and k < steps and time.monotonic() - last_save >= checkpoint_seconds:
            save(k, stacked())
            last_save = time.monotonic()
    bar.close()
    records = stacked()
    if k < steps:  # every trial diverged: pad with NaN rows
        records = {key: torch.cat([value, value.new_full((steps - k, trials), float("nan"))])
                   for key, value in records.items()}
    if resumed_from != steps:
        save(steps, records)
    bad = [int(t) for t in torch.nonzero(first_bad >= 0).flatten()]
    trajectory = Trajectory(name=name, records=records, state=state, steps=steps, resumed_from=resumed_from)
    if bad:
        trajectory.status = RunStatus.DIVERGED
        trajectory.diverged_at = int(first_bad[first_bad >= 0].min())
        trajectory.diverged_trials = bad
    return trajectory


def _mark_bad(first_bad: torch.Tensor, values: torch.Tensor, k: int) -> None:
    newly = (~torch.isfinite(values)) & (first_bad < 0)
    first_bad[newly] = k


def finite_prefix(values: torch.Tensor) -> torch.Tensor:
    """Rows of a (steps + 1, T) record up to (excluding) the first row with a non-finite entry."""
    finite = torch.isfinite(values).all(dim=1)
    stop = int(finite.long().cumprod(0).sum())
    return values[:stop]
