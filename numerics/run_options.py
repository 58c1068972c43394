"""The options every ``momcert verify`` scenario shares (device, dtype, seed, output folder, resume, progress,
threads, checkpoints): a frozen dataclass whose construction validates them in the one wording of
:mod:`momcert.numerics.scenarios.arguments` (``--FLAG: <what is wrong> (got VALUE)``). Standard library only; torch
is imported by :meth:`RunOptions.resolve`, which turns the device and dtype names into torch's objects.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .limits import MAX_THREADS, Estimate, require_on_device
from .scenarios.arguments import choice, folder, integer, invalid

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("float64", "float32")


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """Options shared by every scenario. ``device``: ``auto`` (the GPU when one is present), ``cpu`` or ``cuda``;
    ``dtype``: ``float64``, ``float32`` or ``None`` (float64 on the CPU, float32 on a GPU); after :meth:`resolve`
    they are a ``torch.device`` and a ``torch.dtype``. ``write_checkpoints=False`` writes only the report and the
    figures (no later ``resume``)."""

    out: Path = Path("momcert-runs")
    device: Any = "auto"
    dtype: Any = None
    seed: int = 0
    resume: bool = False
    progress: bool = True
    threads: int = 1
    write_checkpoints: bool = True

    def __post_init__(self):
        if self.resume and not self.write_checkpoints:
            raise invalid("--resume", "needs the checkpoints that --no-checkpoints turns off", "--no-checkpoints")
        settled = {"seed": integer(self.seed, "--seed", minimum=0, maximum=2**63 - 1),
                   "out": folder(self.out, "--out"), "threads": integer(self.threads, "--threads", maximum=MAX_THREADS)}
        if isinstance(self.device, str):
            settled["device"] = choice(self.device, "--device", DEVICES)
        if isinstance(self.dtype, str):
            settled["dtype"] = choice(self.dtype, "--dtype", DTYPES)
        for name, value in settled.items():
            object.__setattr__(self, name, value)

    def checkpoint(self, run: str) -> Path | None:
        """The checkpoint file of the run named ``run``: ``out``/checkpoints/RUN.pt (None without checkpoints)."""
        return self.checkpoints / f"{run}.pt" if self.write_checkpoints else None

    @property
    def checkpoints(self) -> Path:
        """The folder of the scenario's checkpoints (what ``resume`` continues from)."""
        return self.out / "checkpoints"

    def resume_note(self) -> str | None:
        """What to tell the user before a ``resume`` run that has nothing to resume (else ``None``)."""
        if self.resume and not any(self.checkpoints.glob("*.pt")):
            return f"--resume: no checkpoint in {self.checkpoints}; starting from the beginning"
        return None

    def resolve(self, estimate: Estimate | None = None) -> RunOptions:
        """These options with a ``torch.device`` and a ``torch.dtype`` (imports torch); a CUDA run whose memory
        ``estimate`` exceeds the device's free memory is refused here, before any work."""
        import torch

        if self.device == "cuda" and not torch.cuda.is_available():
            raise invalid("--device", "no CUDA device is available", self.device)
        device = torch.device("cuda" if self.device == "cuda" or (self.device == "auto" and torch.cuda.is_available())
                              else "cpu")
        if device.type == "cuda" and estimate is not None:
            require_on_device(estimate, torch.cuda.mem_get_info(device)[0], str(device))
        dtype = self.dtype or ("float64" if device.type == "cpu" else "float32")
        return dataclasses.replace(self, device=device, dtype=getattr(torch, dtype))
