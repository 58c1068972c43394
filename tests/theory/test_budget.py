"""momcert.theory.budget: time limits interrupt the calling thread itself, in any thread, leave no thread running,
never print an interrupt that Python dropped (a garbage-collection callback), and never reach the caller after the
limited call has returned."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from momcert.theory import check
from momcert.theory.budget import TimeLimitExceeded, run_with_time_limit, sharing_one_watchdog


def spin(seconds: float) -> None:
    """Pure-Python work for ``seconds`` (what SymPy does: no sleeping, no blocking C call)."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


def limit_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "momcert-time-limit"]


def test_the_limit_survives_code_that_swallows_exceptions_and_leaves_an_outer_timer_alone():
    def swallowing_loop():
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline:
            with contextlib.suppress(Exception):  # a library that catches everything must not stop the limit
                sum(range(1000))
        raise AssertionError("not interrupted")

    def outer(signum, frame):
        raise AssertionError("outer timer fired")

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        started = time.perf_counter()
        with pytest.raises(TimeLimitExceeded):
            run_with_time_limit(swallowing_loop, 0.1)
        assert time.perf_counter() - started < 1
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < remaining <= 30 and signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert limit_threads() == []


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_inside_a_gc_callback_is_neither_printed_nor_lost(monkeypatch):
    """The deadline passes inside a garbage-collection callback, where Python drops exceptions (the hypothesis
    plugin registers such a callback): nothing reaches sys.unraisablehook, and the limit still ends the work."""
    dropped = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)

    def callback(phase, info):
        if phase == "start":
            spin(0.3)

    def work():
        gc.collect()
        spin(3)
        raise AssertionError("not interrupted")

    gc.callbacks.append(callback)
    started = time.perf_counter()
    try:
        with pytest.raises(TimeLimitExceeded):
            run_with_time_limit(work, 0.1)
    finally:
        gc.callbacks.remove(callback)
    assert time.perf_counter() - started < 1.5
    assert dropped == []
    assert sys.unraisablehook == dropped.append  # restored


def test_limits_nest():
    def inner_times_out():
        with pytest.raises(TimeLimitExceeded):
            run_with_time_limit(lambda: spin(3), 0.1)
        return "outer went on"

    assert run_with_time_limit(inner_times_out, 5) == "outer went on"
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded, match=r"0\.2 s"):  # the outer limit passes through the longer inner one
        run_with_time_limit(lambda: run_with_time_limit(lambda: spin(3), 2), 0.2)
    assert time.perf_counter() - started < 1
    assert limit_threads() == []


def test_limited_steps_inside_one_call_share_one_watchdog_thread():
    def watchdog() -> threading.Thread:
        (thread,) = [t for t in threading.enumerate() if t.name == "momcert-time-limit"]
        return thread

    def steps() -> set:
        seen = {run_with_time_limit(watchdog, 1) for _ in range(5)}
        with pytest.raises(TimeLimitExceeded):  # the inner limits still interrupt
            run_with_time_limit(lambda: spin(3), 0.1)
        return seen | {run_with_time_limit(watchdog, 1)}

    assert len(steps()) == 6  # without sharing, each step starts (and joins) its own thread
    assert len(sharing_one_watchdog(steps)) == 1
    assert limit_threads() == []


def test_an_interrupt_never_reaches_the_caller_after_the_call_returned():
    """Calls that end right at their deadline: whatever each returns or raises, nothing is raised afterwards."""
    outcomes = set()
    for _ in range(60):
        try:
            outcomes.add(run_with_time_limit(lambda: spin(0.005), 0.005) is None)
        except TimeLimitExceeded:
            outcomes.add("timed out")
    spin(0.2)  # a stray interrupt would be raised here
    assert outcomes and limit_threads() == []


def test_check_from_a_thread_pool_returns_in_time_and_leaves_no_thread():
    before = threading.active_count()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:  # a training loop's worker, a Jupyter comm thread alike
        report = pool.submit(check, "c/(k+17)**a + e/(k+19)**a", "d/(k+23)**b + f/(k+29)**b", budget=0.001).result()
        assert limit_threads() == []
    assert time.perf_counter() - started < 15
    timed_out = [c for c in report.conditions.values() if "time budget" in c.reason]
    assert timed_out and all(c.status == "unknown" for c in timed_out)
    assert report.theorems["xht-two"].verdict == "inconclusive"
    assert threading.active_count() == before  # nothing keeps computing after the report
