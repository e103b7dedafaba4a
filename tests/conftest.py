"""Fixtures shared by the test files."""

import pytest
import torch


@pytest.fixture
def one_thread():
    """Run on one torch thread, restoring the previous count afterwards.

    Tiny models train fastest on one thread (two threads on a busy 2-core machine were 10x slower), and the
    benchmark scripts set the count themselves: this puts it back for the tests that follow.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
