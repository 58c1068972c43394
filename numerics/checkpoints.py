"""Checkpoint files that verify themselves: a content hash and the run's fingerprint, checked before any use.

A checkpoint is a ``torch.save`` file holding ``{"format", "step", "fingerprint", "sha256", "payload"}``:
``payload`` is the ``torch.save`` bytes of the run's state (tensors, records, generator state; stored raw, as a
``uint8`` tensor), ``sha256`` their
SHA-256 digest, ``fingerprint`` the JSON text of what the run was started with (its options and seed, and the
versions of momcert and torch, :func:`fingerprint_text`). The file is written atomically
(:func:`momcert.numerics.reporting.atomic_write_bytes`: a temporary ``.NAME.*.tmp`` beside it, fsync, rename).

:func:`load` trusts nothing: a file that cannot be read, has another layout, or whose payload does not hash to its
digest (truncated, emptied, a flipped byte, a number overwritten) is named in one line on stderr, set aside as
``NAME.corrupt`` and treated as absent, so that its run is recomputed. A valid checkpoint of a run started with other
options is the user's mistake (an ``--out`` reused): :class:`InputError`. :func:`remove_stale_temporaries` deletes the
temporaries a kill between fsync and rename leaves behind.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import torch

from momcert.theory.errors import InputError

from .reporting import atomic_write_bytes

FORMAT = "momcert-checkpoint-1"


def fingerprint_text(fingerprint: Any) -> str:
    """The JSON text identifying a run: its ``fingerprint`` (options, seed) and the versions that computed it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        momcert_version = version("momcert")
    except PackageNotFoundError:  # a source tree that is not installed
        momcert_version = "unknown"
    return json.dumps({"run": fingerprint, "momcert": momcert_version, "torch": torch.__version__},
                      sort_keys=True, default=str)


def _to_cpu(tree):
    if isinstance(tree, torch.Tensor):
        return tree.detach().to("cpu")
    if isinstance(tree, dict):
        return {key: _to_cpu(value) for key, value in tree.items()}
    return tree


def _serialize(value: Any) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def save(path: Path, step: int, fingerprint: str, payload: dict[str, Any]) -> None:
    """Write ``payload`` (moved to the CPU) as the checkpoint of step ``step`` of the run ``fingerprint``."""
    data = _serialize(_to_cpu(payload))
    atomic_write_bytes(path, _serialize({"format": FORMAT, "step": int(step), "fingerprint": fingerprint,
                                         "sha256": hashlib.sha256(data).hexdigest(),
                                         "payload": torch.frombuffer(bytearray(data), dtype=torch.uint8)}))


def _verified(path: Path) -> tuple[dict[str, Any] | None, str]:
    """(the checkpoint's outer record, "") when it verifies, else (None, why not)."""
    try:
        outer = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # any unreadable file: torch raises RuntimeError, EOFError, pickle errors, ...
        return None, f"unreadable ({type(error).__name__})"
    if not isinstance(outer, dict) or outer.get("format") != FORMAT:
        return None, "not a momcert checkpoint"
    payload = outer.get("payload")
    if not isinstance(payload, torch.Tensor) or payload.dtype != torch.uint8:
        return None, "not a momcert checkpoint"
    data = payload.numpy().tobytes()
    if hashlib.sha256(data).hexdigest() != outer.get("sha256"):
        return None, "its content does not match its SHA-256 digest"
    return {**outer, "payload": data}, ""


def load(path: Path, fingerprint: str, note_prefix: str = "momcert") -> dict[str, Any] | None:
    """The payload of the checkpoint at ``path`` (None when there is none, or when it did not verify and was set
    aside); :class:`InputError` when it verifies but belongs to a run with another ``fingerprint``."""
    if not path.exists():
        return None
    outer, problem = _verified(path)
    if outer is None:
        aside = path.with_name(path.name + ".corrupt")
        path.replace(aside)
        print(f"{note_prefix}: note: checkpoint {path} {problem}: set aside as {aside.name}, its run is recomputed",
              file=sys.stderr)
        return None
    if outer["fingerprint"] != fingerprint:
        raise InputError(f"--resume: checkpoint {path} was written with different options; remove it or change --out")
    try:
        return torch.load(io.BytesIO(outer["payload"]), map_location="cpu", weights_only=True)
    except Exception as error:  # a digest that matches bytes torch cannot read: written by something else
        raise InputError(f"--resume: checkpoint {path} cannot be read ({type(error).__name__}); remove it") from None


def remove_stale_temporaries(path: Path) -> None:
    """Delete the temporaries of ``path`` left by a write that was killed before its rename."""
    if path.parent.is_dir():
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
