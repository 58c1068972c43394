"""Size and work estimates of a verification run, checked before any work (standard library only).

Every scenario's ``validate`` hands its sizes to :func:`require` with two estimates, both upper-bound style and
deliberately coarse (a factor of a few):

- memory in bytes: the largest tensors a run holds at once (the ensemble's parameters, iterates, momentum and
  gradients, the data, the recorded trajectories), times :data:`MEMORY_SAFETY` for the temporaries of autodiff and
  vmap. It is compared with the memory the machine has available now (:func:`available_memory`: ``MemAvailable`` of
  /proc/meminfo on Linux, else the available physical pages from ``os.sysconf``, else :data:`FALLBACK_MEMORY`).
  A GPU run is compared with host memory too (the instances are drawn on the CPU before they move to the device), and
  once torch is imported, with the free memory of the device (:func:`require_on_device`);
- work in floating-point operations (multiply-adds of the products, gradients and measurements of every step of
  every run), compared with :data:`MAX_WORK`, about three hours of a CPU core at 1e9 useful flop/s. A run beyond it
  is refused rather than left to run for days or never end (30-digit ``--iterations``).

A refusal is one :class:`InputError` line naming the flag whose value is the largest factor of the estimate, in the
wording of :func:`momcert.numerics.scenarios.arguments.invalid`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .scenarios.arguments import invalid

#: Bytes assumed available when the platform says nothing (8 GiB).
FALLBACK_MEMORY = 8 * 2 ** 30
#: Factor on the tensors counted for the temporaries of autodiff and vmap.
MEMORY_SAFETY = 4
#: The most floating-point operations a run may take: 1e13, about three hours at 1e9 flop/s.
MAX_WORK = 1e13
#: The most intra-op threads ``--threads`` accepts.
MAX_THREADS = 1024


@dataclass(frozen=True)
class Estimate:
    """What :func:`require` accepted: the flag that drives the estimate, its value, and the bytes the run needs
    (with :data:`MEMORY_SAFETY`)."""

    flag: str
    value: int
    memory: float


def available_memory() -> int:
    """Bytes of memory available now (see the module docstring)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return FALLBACK_MEMORY


def _shown(value: float, unit: float = 1.0) -> str:
    """``value / unit`` in 3 digits, also for integers too large for a float."""
    try:
        return f"{value / unit:.3g}"
    except OverflowError:
        return "more than 1e300"


def require(flags: Mapping[str, int], *, memory: float, work: float) -> Estimate:
    """Refuse a run whose ``memory`` (bytes, before :data:`MEMORY_SAFETY`) or ``work`` (flop) is too large; return
    the accepted :class:`Estimate` (for :func:`require_on_device`).

    ``flags`` maps each flag of the estimate to its (largest) value; the refusal names the one with the largest
    value (the size that drives the estimate), e.g. ``--dim-x: the run needs about 3.7e+08 GiB of memory, 12 GiB are
    available (got 100000000)``. Integers of any size are compared exactly (no float overflow).
    """
    culprit, value = max(flags.items(), key=lambda item: item[1])
    estimate = Estimate(culprit, value, MEMORY_SAFETY * memory)
    _require_memory(estimate, available_memory(), "available")
    if work > MAX_WORK:
        raise invalid(culprit, f"the run needs about {_shown(work)} floating-point operations, more than the "
                               f"{MAX_WORK:.0e} (a few hours) momcert runs", value)
    return estimate


def require_on_device(estimate: Estimate, free: int, device: str) -> None:
    """Refuse a run whose :class:`Estimate` exceeds the ``free`` bytes of the accelerator ``device`` (for CUDA,
    ``torch.cuda.mem_get_info(device)[0]``), in the wording of :func:`require`."""
    _require_memory(estimate, free, f"free on {device}")


def _require_memory(estimate: Estimate, have: float, where: str) -> None:
    """Refuse ``estimate`` when it needs more than ``have`` bytes, e.g. "..., 12 GiB are available"."""
    if estimate.memory > have:
        raise invalid(estimate.flag, f"the run needs about {_shown(estimate.memory, 2 ** 30)} GiB of memory, "
                                     f"{_shown(have, 2 ** 30)} GiB are {where}", estimate.value)
