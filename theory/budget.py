"""Time limits for symbolic work: past the limit a computation is abandoned, never left to hang.

In the main thread a real-time alarm (SIGALRM) interrupts the computation; a timer that was already running (for
example pytest-timeout's) is restored afterwards with the time it had left. Elsewhere the work runs in a daemon
thread that is abandoned when the limit is reached.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class TimeLimitExceeded(BaseException):
    """The computation ran past its time limit (a BaseException, so ``except Exception`` in a library cannot
    swallow it)."""


def run_with_time_limit(function: Callable[[], T], seconds: float) -> T:
    """``function()``, or :class:`TimeLimitExceeded` after ``seconds``."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_alarm(function, seconds)
    return _with_thread(function, seconds)


def _with_alarm(function: Callable[[], T], seconds: float) -> T:
    """The alarm repeats every 50 ms until the computation has stopped: an interrupt that lands where Python drops
    exceptions (a garbage-collection callback, a __del__) is raised again."""
    state = {"active": True}

    def interrupt(signum, frame):
        if state["active"]:
            raise TimeLimitExceeded

    previous_handler = signal.signal(signal.SIGALRM, interrupt)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    if previous_delay and previous_delay < seconds:  # an outer timer fires first: keep it first
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, previous_delay, previous_interval)
        signal.signal(signal.SIGALRM, previous_handler)
        previous_handler = None
    started = time.monotonic()
    try:
        return function()
    finally:
        state["active"] = False
        if previous_handler is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_delay:
                left = max(previous_delay - (time.monotonic() - started), 1e-3)
                signal.setitimer(signal.ITIMER_REAL, left, previous_interval)


def _with_thread(function: Callable[[], T], seconds: float) -> T:
    result: list = []
    errors: list[BaseException] = []

    def work():
        try:
            result.append(function())
        except BaseException as error:  # handed to the caller's thread
            errors.append(error)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if errors:
        raise errors[0]
    if not result:
        raise TimeLimitExceeded
    return result[0]
