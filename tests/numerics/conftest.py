"""Shared fixtures of the numeric tests."""

import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def one_thread():
    """One intra-op thread for the numeric tests: they run many tiny (batched) operations, where on a shared 2-core
    machine extra threads only wait on each other (10x slower under load). The library itself never sets this."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
