"""Memory estimates against the accelerator: a CUDA run that needs more than the device has free is refused in one
line naming the flag, before any work (no GPU needed: the device's answer is replaced)."""

import pytest
import torch

from momcert.numerics import cli, limits, verify
from momcert.theory.errors import InputError


def test_require_returns_what_it_accepted():
    estimate = limits.require({"--dim-x": 50, "--trials": 5}, memory=1000, work=10)
    assert estimate == limits.Estimate("--dim-x", 50, limits.MEMORY_SAFETY * 1000)


def test_an_estimate_beyond_the_free_device_memory_is_refused():
    estimate = limits.Estimate("--widths", 4096, 3 * 2 ** 30)
    limits.require_on_device(estimate, 3 * 2 ** 30, "cuda:0")
    with pytest.raises(InputError, match=r"^--widths: the run needs about 3 GiB of memory, 2 GiB are free on cuda:0"):
        limits.require_on_device(estimate, 2 * 2 ** 30, "cuda:0")


class Started(Exception):
    pass


@pytest.mark.parametrize(("free", "refused"), [(2 ** 10, True), (2 ** 40, False)])
def test_a_cuda_run_is_checked_against_the_devices_free_memory(monkeypatch, capsys, tmp_path, free, refused):
    """Through the console entry point: with 1 KiB free the quick additive run (about a MiB) is refused naming its
    largest size; with 1 TiB free it starts (the scenario is replaced by a sentinel)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (free, 2 * free))
    monkeypatch.setattr(verify, "intra_op_threads", lambda count: (_ for _ in ()).throw(Started()))
    argv = ["verify", "additive", "--quick", "--device", "cuda", "--out", str(tmp_path)]
    if refused:
        assert cli.main(argv) == 2
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and "error: --" in error[0] and "GiB are free on cuda" in error[0]
    else:
        with pytest.raises(Started):
            cli.main(argv)
