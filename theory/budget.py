"""Time limits for symbolic work: past the limit a computation is interrupted, never left to hang.

The work runs in the calling thread (the main thread, a worker thread, a thread pool, a Jupyter comm thread alike).
A watchdog thread, one per calling thread and only while a limit is active, waits for the deadline and then asks
the interpreter to raise an internal interrupt in the calling thread (``PyThreadState_SetAsyncExc``); the interrupt is
turned into :class:`TimeLimitExceeded` where the limited call returns. No signal and no timer of the process is touched
(an outer SIGALRM timer such as pytest-timeout's keeps running), and no thread outlives the call.

Rules that keep the interrupt sound:

- At most one interrupt is ever pending or in flight per thread: the watchdog sends the next one only after the last
  one was handled, or dropped.
- An interrupt that lands where Python drops exceptions (a garbage-collection callback, a ``__del__``, a weakref
  callback) reaches ``sys.unraisablehook``: while limits are active a hook marks it dropped (and prints nothing), and
  the watchdog sends it again, 50 ms later, until it lands in the limited computation.
- When the call ends first, the watchdog is stopped under its lock and a pending interrupt is withdrawn, so nothing
  reaches the caller's code. Limits nest: an inner limit never outlives an outer one, and an interrupt for an outer
  limit passes through the inner call.

Only code that catches BaseException and discards it could lose an interrupt (SymPy does not).
"""

from __future__ import annotations

import ctypes
import math
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Seconds between two sends of an interrupt that was dropped.
RESEND_SECONDS = 0.05


class TimeLimitExceeded(BaseException):
    """The computation ran past its time limit (a BaseException, so ``except Exception`` in a library cannot
    swallow it)."""


class _Interrupt(BaseException):
    """What the watchdog raises in the limited thread; becomes :class:`TimeLimitExceeded` at the limit it belongs to."""


# PyThreadState_SetAsyncExc(thread id, exception class) raises the class in that thread at its next bytecode check;
# with NULL it withdraws a pending one. Called with the GIL held (PYFUNCTYPE).
_ASYNC_EXC = ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
_send = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(_ASYNC_EXC)
_withdraw = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(_ASYNC_EXC)


class _Watchdog:
    """The active limits of one thread (effective deadlines, innermost last) and the thread that enforces them."""

    def __init__(self) -> None:
        self.target = threading.get_ident()
        self.deadlines: list[float] = []
        self.condition = threading.Condition()  # reentrant: the hook may run inside a critical section of this thread
        self.outstanding = False  # an interrupt was sent and not yet handled
        self.dropped = False  # ... and Python dropped it (set by the unraisable hook)
        self.closed = False
        self.thread = threading.Thread(target=self._watch, name="momcert-time-limit", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        with self.condition:
            while not self.closed:
                now = time.monotonic()
                if self.deadlines and now >= self.deadlines[-1] and (not self.outstanding or self.dropped):
                    _send(self.target, _Interrupt)
                    self.outstanding, self.dropped = True, False
                    continue
                if self.outstanding:
                    timeout = RESEND_SECONDS
                else:
                    timeout = self.deadlines[-1] - now if self.deadlines and math.isfinite(self.deadlines[-1]) else None
                self.condition.wait(timeout)

    def enter(self, deadline: float) -> None:
        with self.condition:
            self.deadlines.append(min([deadline, *self.deadlines[-1:]]))
            self.condition.notify()

    def leave(self, depth: int) -> bool:
        """Remove the limits from ``depth`` inward (idempotent) and say whether an enclosing limit has expired. An
        interrupt that no remaining limit claims is withdrawn; with no limit left the watchdog thread ends."""
        with self.condition:
            del self.deadlines[depth:]
            enclosing_expired = bool(self.deadlines) and time.monotonic() >= self.deadlines[-1]
            if self.outstanding and not enclosing_expired:
                _withdraw(self.target, None)
                self.outstanding = self.dropped = False
            self.closed = not self.deadlines
            self.condition.notify()
        if self.closed:
            self.thread.join()
            if _local.__dict__.get("watchdog") is self:
                _local.watchdog = None
                _release_hook()
        return enclosing_expired


_local = threading.local()


def run_with_time_limit(function: Callable[[], T], seconds: float) -> T:
    """``function()`` in the calling thread, or :class:`TimeLimitExceeded` once it has run ``seconds``."""
    watchdog = _local.__dict__.get("watchdog")
    if watchdog is None or watchdog.closed:  # closed: its last call was cut short by another exception (Ctrl-C)
        _hold_hook()
        watchdog = _local.watchdog = _Watchdog()
    depth = len(watchdog.deadlines)
    try:
        try:
            watchdog.enter(time.monotonic() + seconds)
            return function()
        finally:
            watchdog.leave(depth)
    except _Interrupt:
        # the only interrupt of this thread is here, so nothing can interrupt the bookkeeping below
        if watchdog.leave(depth):
            raise  # an enclosing limit has expired: the interrupt is for it
        raise TimeLimitExceeded(f"time limit of {seconds:g} s exceeded") from None


def sharing_one_watchdog(function: Callable[[], T]) -> T:
    """``function()`` with one watchdog thread for all the limited steps inside it, instead of one started and joined
    per outermost step (a ``check`` runs some twenty limited steps): an enclosing limit without a deadline keeps the
    thread of this call alive until ``function`` returns. It never interrupts anything itself."""
    return run_with_time_limit(function, math.inf)


# -- interrupts that Python drops ----------------------------------------------------------------------------------
_hook_lock = threading.Lock()
_hook_users = 0
_previous_hook = sys.unraisablehook


def _unraisable(unraisable) -> None:
    """Mark a dropped interrupt for the watchdog to send again; pass everything else on. Nothing after the mark can
    give the watchdog a chance to interrupt this hook (the mark is its last statement)."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, _Interrupt):
        watchdog = _local.__dict__.get("watchdog")
        if watchdog is not None:
            watchdog.dropped = True
        return
    _previous_hook(unraisable)


def _hold_hook() -> None:
    global _hook_users, _previous_hook
    with _hook_lock:
        if sys.unraisablehook is not _unraisable:
            _previous_hook, sys.unraisablehook = sys.unraisablehook, _unraisable
        _hook_users += 1


def _release_hook() -> None:
    global _hook_users
    with _hook_lock:
        _hook_users -= 1
        if _hook_users == 0 and sys.unraisablehook is _unraisable:
            sys.unraisablehook = _previous_hook


#: The reason given for every step a :class:`Deadline` left no time for.
EXHAUSTED = "time budget of the check exhausted"


class Deadline:
    """One time ceiling for a whole call (a ``check``, a ``nesterov`` analysis): every limited step of the call runs
    for at most ``min(its own limit, time left)``, so the call as a whole ends within ``seconds`` plus the unlimited
    bookkeeping between steps."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds until the ceiling (0 once it has passed)."""
        return max(0.0, self.end - time.monotonic())

    def share(self, seconds: float) -> tuple[float, bool]:
        """``(limit, capped)``: the time a step of limit ``seconds`` may take now, and whether the ceiling (not the
        step's own limit) set it."""
        left = self.left()
        return (left, True) if left < seconds else (seconds, False)


def within_ceiling(function: Callable[[], T], seconds: float, what: str) -> T:
    """``function()``, or :class:`momcert.theory.errors.InputError` "``what``: time budget of ``seconds`` s
    exhausted" once it has run ``seconds`` (for steps whose partial result means nothing, such as printing)."""
    from .errors import InputError

    try:
        return run_with_time_limit(function, seconds)
    except TimeLimitExceeded:
        raise InputError(f"{what}: time budget of {seconds:g} s exhausted (simplify the values)") from None
