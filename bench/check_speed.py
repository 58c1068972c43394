"""Speed of ``momcert check``: warm time per schedule, a cold process, and SymPy's ``Sum(...).is_convergent()``.

Prints (1) the median warm time of a full ``momcert.theory.check`` per schedule over the reference set (imports done,
every cache of the decision engine cleared before each schedule, so nothing is reused between measurements), (2) the
median warm time of the sum-divergence decision alone against SymPy's ``Sum(a_k, (k, 0, oo)).is_convergent()`` on the
cases SymPy answers (its exceptions caught, 10 s limit each), with any disagreement, and (3) the wall time of a cold
``momcert check`` process. Targets: warm median < 50 ms per schedule; cold process < 2 s.

Run: ``python bench/check_speed.py``.
"""

from __future__ import annotations

import functools
import signal
import statistics
import subprocess
import sys
import time

import sympy

from momcert.theory import asymptotics, regions
from momcert.theory.checker import check
from momcert.theory.parse import K, parse_expression

REFERENCE = [
    ("c/(k+1)**a", None), ("c/(k+1)**a", "d/(k+1)**b"), ("0.1/(k+1)**0.6", None), ("0.1/(k+1)", None),
    ("0.1/(k+1)**1.5", None), ("0.3/((k+2)*log(k+2))", None), ("0.3/((k+2)*log(k+2)**2)", None),
    ("1/log(k+2)", None), ("0.05", None), ("0.1*0.9**k", None), ("0.1*0.5**floor(k/30)", None),
    ("0.01 + 0.09*(1 + cos(pi*k/100))/2", None), ("Min((k+1)/100, 1)/sqrt(k+1)", None),
    ("Min(0.1, 5/(k+1))", None), ("Max(0.1/(k+1)**0.3, 0.2/(k+1)**0.8)", None), ("1 - cos(1/(k+1))", None),
    ("0.1/(k+1)**0.9", "0.5/(k+1)**0.6"), ("0.1/(k+1)**0.7", "0.05/(k+1)**0.7"), ("(k+1)**(-0.7)", "0.1"),
    ("c*g**floor(k/s)", None), ("Min(c/(k+1)**a, d/(k+1)**b)", "0.5/log(k+2)"),
]


def clear_caches() -> None:
    for module in (asymptotics, regions):
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


class Timeout(Exception):
    pass


def sympy_convergence(expression: sympy.Expr, limit: float = 10.0):
    """(answer or None, seconds, note): SymPy's is_convergent on the series, with a time limit."""
    def alarm(signum, frame):
        raise Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    started = time.perf_counter()
    try:
        answer = sympy.Sum(expression, (K, 0, sympy.oo)).is_convergent()
        note = ""
    except Timeout:
        answer, note = None, f"timeout {limit:g} s"
    except Exception as error:  # SymPy raises many kinds here; each is reported
        answer, note = None, f"{type(error).__name__}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - started
    if answer in (sympy.true, sympy.false, True, False):
        answer = bool(answer)
    elif answer is not None:
        answer, note = None, f"answered {answer}"
    return answer, elapsed, note


def main() -> None:
    check("0.2/(k+1)**0.55")  # imports and first-call overheads
    clear_caches()
    per_check = []
    for eta, theta in REFERENCE:
        clear_caches()
        per_check.append(timed(lambda e=eta, t=theta: check(e, t)))
    slowest = max(range(len(per_check)), key=per_check.__getitem__)
    print(f"slowest: {REFERENCE[slowest]}")
    print(f"warm full check: median {1000 * statistics.median(per_check):.1f} ms, "
          f"max {1000 * max(per_check):.1f} ms over {len(per_check)} schedules (target < 50 ms)")

    ours_times, sympy_times, rows = [], [], []
    for eta, _ in REFERENCE:
        expression = parse_expression(eta)
        clear_caches()
        started = time.perf_counter()
        decision = asymptotics.sum_diverges(expression)
        ours = time.perf_counter() - started
        verdict = "diverges" if regions.covers(decision.holds) else "converges" if regions.covers(decision.fails) \
            else "region/unknown"
        answer, elapsed, note = sympy_convergence(expression)
        theirs = "-" if answer is None else ("converges" if answer else "diverges")
        rows.append((eta, verdict, theirs, note, ours, elapsed))
        if answer is not None:
            ours_times.append(ours)
            sympy_times.append(elapsed)
    print(f"\n{'schedule':40} {'momcert':15} {'sympy':10} {'ms ours':>8} {'ms sympy':>9}  note")
    for eta, verdict, theirs, note, ours, elapsed in rows:
        flag = "  DISAGREE" if theirs != "-" and verdict in ("diverges", "converges") and theirs != verdict else ""
        print(f"{eta:40} {verdict:15} {theirs:10} {1000 * ours:8.1f} {1000 * elapsed:9.1f}  {note}{flag}")
    if ours_times:
        ratio = statistics.median(sympy_times) / statistics.median(ours_times)
        print(f"\nsum-divergence decision on the {len(ours_times)} cases SymPy answers: median ours "
              f"{1000 * statistics.median(ours_times):.1f} ms, SymPy {1000 * statistics.median(sympy_times):.1f} ms "
              f"(SymPy / ours = {ratio:.1f}x)")

    command = [sys.executable, "-m", "momcert.numerics.cli", "check", "--eta", "0.1/(k+1)**0.6"]
    cold = sorted(timed(lambda: subprocess.run(command, capture_output=True, check=True)) for _ in range(3))
    print(f"cold `momcert check` process: median {cold[1]:.2f} s over 3 runs (target < 2 s)")


if __name__ == "__main__":
    main()
