"""Tests for momcert.numerics.checkpoints: a checkpoint that does not verify is named, set aside and recomputed."""

import struct

import pytest
import torch

from momcert.numerics import runs
from momcert.theory.errors import InputError

STEPS = 12


def step(state, k):
    x = 0.9 * state["x"] + 0.01 * (k + 1)
    return {"x": x}, {"loss": 0.5 * (x ** 2).sum(-1)}


def run(path, resume, fingerprint=None):
    x0 = torch.arange(1.0, 7.0, dtype=torch.float64).reshape(3, 2)
    return runs.run_ensemble("run", {"x": x0}, step, steps=STEPS, initial={"loss": 0.5 * (x0 ** 2).sum(-1)},
                             checkpoint=path, resume=resume, fingerprint=fingerprint or {"a": 1}, progress=False)


def truncate(data):
    return data[: len(data) // 2]


def empty(data):
    return b""


def flip_a_byte(data):
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def overwrite_a_float(data, value):
    """One recorded float64 replaced by a nearby, valid-looking one (the file stays readable)."""
    raw = struct.pack("<d", value)
    assert data.count(raw) >= 1, "the recorded value is stored as raw float64 bytes"
    return data.replace(raw, struct.pack("<d", value * (1 + 1e-9)), 1)


@pytest.mark.parametrize("corrupt", ["truncated", "empty", "byte flip", "one float overwritten"])
def test_a_corrupted_checkpoint_is_named_set_aside_and_recomputed(tmp_path, capsys, corrupt):
    reference = run(tmp_path / "reference.pt", resume=False)
    path = tmp_path / "run.pt"
    run(path, resume=False)
    data = path.read_bytes()
    changed = {"truncated": truncate, "empty": empty, "byte flip": flip_a_byte,
               "one float overwritten": lambda d: overwrite_a_float(d, float(reference.records["loss"][STEPS, 0]))}
    path.write_bytes(changed[corrupt](data))
    capsys.readouterr()
    resumed = run(path, resume=True)
    note = capsys.readouterr().err.strip().splitlines()
    assert len(note) == 1 and note[0].startswith(f"momcert: note: checkpoint {path} ")
    assert note[0].endswith("set aside as run.pt.corrupt, its run is recomputed")
    assert (tmp_path / "run.pt.corrupt").read_bytes() == changed[corrupt](data)
    assert resumed.resumed_from is None  # recomputed from the start, to the same numbers
    assert torch.equal(resumed.records["loss"], reference.records["loss"])
    assert run(path, resume=True).resumed_from == STEPS  # the rewritten checkpoint verifies


def test_a_valid_checkpoint_of_other_options_is_an_input_error(tmp_path):
    path = tmp_path / "run.pt"
    run(path, resume=False)
    with pytest.raises(InputError, match="was written with different options"):
        run(path, resume=True, fingerprint={"a": 2})


def test_stray_temporaries_of_a_killed_write_are_removed(tmp_path):
    path = tmp_path / "run.pt"
    stray = tmp_path / ".run.pt.k1ll3d.tmp"
    other = tmp_path / ".other.pt.k1ll3d.tmp"  # another run's temporary is left alone
    stray.write_bytes(b"half a checkpoint")
    other.write_bytes(b"half a checkpoint")
    run(path, resume=True)
    assert not stray.exists() and other.exists() and path.exists()
