"""Speed of ``momcert check`` over the decision table: warm time per check, SymPy's ``Sum(...).is_convergent()`` on the
same sequences, and a cold ``momcert check`` process. Every figure is printed next to a baseline measured in the same
process (ratios, not absolute pass/fail limits: the machine is shared and its speed varies).

The schedules are those of ``tests/theory/decision_table.py``, each run as a full :func:`momcert.theory.check` with its
parameters left symbolic (as ``momcert check`` gets them): every case a_k as eta_k (plain SGD) and as theta_k with
eta_k = 1/(k+1), and every two-timescale pair as (eta_k, theta_k). A check that rejects its input (a_k not positive,
theta_k above 1 for every parameter value) raises ``InputError`` after deciding its conditions; it is timed the same.
Each distinct schedule is measured once.

Warm: imports done and one check run first. Before EACH check every per-input cache is cleared: the ``lru_cache`` of
every ``momcert.theory`` module and SymPy's own cache (``sympy.core.cache.clear_cache``, which memoizes SymPy
functions on their arguments). So no result, nor any SymPy value, of an earlier schedule is reused, and a schedule
whose subexpressions appeared before pays for them again. What stays are process-wide constants: compiled regular
expressions, SymPy's class-level tables, imported modules. The measure is repeated with SymPy's cache kept (momcert's
cleared), as in a session where SymPy has worked on similar expressions before.

SymPy: ``Sum(a_k, (k, 0, oo)).is_convergent()`` on every case without parameters (SymPy cannot state a region in
them), with a time limit per case (``--sympy-limit``, default 2 s) and its exceptions caught; the ratio of medians is
taken on the cases it answers (True/False), each against momcert's full check of the same a_k as eta_k. A verdict of
SymPy that contradicts the table's truth is listed.

Cold: the wall time of ``momcert check --eta "0.1/(k+1)**0.6"`` as a fresh process (median of ``--runs``), next to
``python -c pass``, ``python -c "import sympy"`` and ``python -c "import sympy; sympy.Symbol('x') + 1"`` (the first
Add imports sympy.tensor: SymPy's own start cost that any use pays), interleaved run by run. The processes run with
bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed; one untimed run first writes the caches), as an installed
package has it.

Run: ``python bench/check_speed.py`` (``--quick``: every fourth schedule, 3 cold runs, no SymPy comparison).
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sympy
from sympy.core.cache import clear_cache

from momcert.theory import check
from momcert.theory.errors import InputError
from momcert.theory.parse import K, parse_expression

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "theory"))
from decision_table import CASES, RATIOS

#: eta_k of the runs that put a case in theta_k.
ETA_FOR_THETA = "1/(k+1)"


def schedules() -> list[tuple[str, str | None]]:
    """Every distinct (eta, theta) of the decision table, in table order."""
    runs = [(expression, None) for expression, _, _ in CASES]
    runs += [(ETA_FOR_THETA, expression) for expression, _, _ in CASES]
    runs += [(numerator, denominator) for numerator, denominator, *_ in RATIOS]
    return list(dict.fromkeys(runs))


def momcert_caches() -> list:
    """The lru caches of every loaded momcert.theory module."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("momcert.theory"):
            found += [v for v in vars(module).values() if isinstance(v, functools._lru_cache_wrapper)]
    return found


def clear(keep_sympy: bool) -> None:
    for cache in momcert_caches():
        cache.cache_clear()
    if not keep_sympy:
        clear_cache()


def run_check(eta: str, theta: str | None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of this process, "report" or "rejected") of one full check."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        check(eta, theta)
        outcome = "report"
    except InputError:
        outcome = "rejected"
    return time.perf_counter() - started, time.process_time() - cpu, outcome


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def warm(runs: list[tuple[str, str | None]], keep_sympy: bool) -> dict:
    check("0.2/(k+1)**0.55", "0.5/(k+1)**0.3")  # imports and first-call overheads
    baseline = []
    times, cpu, outcomes = {}, {}, {}
    for eta, theta in runs:
        clear(keep_sympy)
        baseline.append(_baseline())
        times[eta, theta], cpu[eta, theta], outcomes[eta, theta] = run_check(eta, theta)
    return {"times": times, "cpu": cpu, "outcomes": outcomes, "baseline": statistics.median(baseline)}


def _baseline() -> float:
    """A fixed piece of SymPy work, measured between the checks: expanding (x + y + 1)**6 with an empty cache."""
    clear_cache()
    x, y = sympy.symbols("x y")
    started = time.perf_counter()
    sympy.expand((x + y + 1) ** 6)
    elapsed = time.perf_counter() - started
    clear_cache()
    return elapsed


class Timeout(Exception):
    pass


def sympy_convergence(expression: sympy.Expr, limit: float):
    """(answer or None, seconds, note): SymPy's is_convergent on sum_{k >= 0} a_k, with a time limit."""
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
        answer, note = None, type(error).__name__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - started
    if answer in (sympy.true, sympy.false, True, False):
        return bool(answer), elapsed, ""
    return None, elapsed, note or f"answered {answer}"


def compare_sympy(times: dict, limit: float) -> None:
    ours, theirs, notes, disagree = [], [], {}, []
    for expression, truths, _ in CASES:
        a_k = parse_expression(expression)
        if a_k.free_symbols - {K} or (expression, None) not in times:
            continue
        clear_cache()
        answer, elapsed, note = sympy_convergence(a_k, limit)
        if answer is None:
            kind = note.split(" ")[0]
            notes[kind] = notes.get(kind, 0) + 1
            continue
        ours.append(times[expression, None])
        theirs.append(elapsed)
        diverges = truths.get("div")
        if diverges is not None and answer == diverges:  # is_convergent() True means the sum converges
            disagree.append((expression, "converges" if answer else "diverges"))
    if not ours:
        print("SymPy answered none of the cases")
        return
    print(f"\nSymPy Sum(a_k, (k, 0, oo)).is_convergent() on the cases without parameters: answered {len(ours)}, "
          f"not answered {sum(notes.values())} ({', '.join(f'{k} {v}' for k, v in sorted(notes.items()))}; "
          f"limit {limit:g} s)")
    print(f"  on the {len(ours)} it answers: median SymPy {1000 * statistics.median(theirs):.1f} ms, momcert full "
          f"check {1000 * statistics.median(ours):.1f} ms; SymPy / momcert = "
          f"{statistics.median(theirs) / statistics.median(ours):.1f}x (medians), "
          f"{sum(theirs) / sum(ours):.1f}x (totals)")
    for expression, said in disagree:
        print(f"  SymPy wrong: {expression}: says the sum {said}")


def cold(runs: int) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import sympy'": [sys.executable, "-c", "import sympy"],
        "import sympy + first Add": [sys.executable, "-c", "import sympy; sympy.Symbol('x') + 1"],
        "momcert check": [sys.executable, "-m", "momcert.numerics.cli", "check", "--eta", "0.1/(k+1)**0.6"],
    }
    for command in commands.values():  # writes the bytecode caches, warms the file cache
        subprocess.run(command, capture_output=True, check=True, env=environment)
    walls = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=environment)
            walls[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    print(f"\ncold processes, wall median of {runs} (interleaved):")
    for name, value in medians.items():
        print(f"  {name:26} {1000 * value:7.0f} ms")
    check_wall = medians["momcert check"]
    print(f"  momcert check / python -c pass = {check_wall / medians['python -c pass']:.1f}x; "
          f"/ import sympy = {check_wall / medians[next(iter(list(commands)[1:]))]:.2f}x; "
          f"momcert check minus import sympy + first Add = "
          f"{1000 * (check_wall - medians['import sympy + first Add']):.0f} ms")


def report_warm(runs: list, keep_sympy: bool, slowest: int) -> dict:
    started = time.perf_counter()
    result = warm(runs, keep_sympy)
    times, cpu = list(result["times"].values()), list(result["cpu"].values())
    rejected = sum(1 for outcome in result["outcomes"].values() if outcome == "rejected")
    cleared = "momcert's lru caches" + (" (SymPy's cache kept)" if keep_sympy else " and SymPy's cache")
    print(f"\nwarm, {cleared} cleared before each check: {len(runs)} distinct checks ({rejected} rejected as bad "
          f"input), {time.perf_counter() - started:.0f} s in all")
    print(f"  wall per check: median {1000 * statistics.median(times):.1f} ms, 95th percentile "
          f"{1000 * percentile(times, 0.95):.1f} ms, max {1000 * max(times):.0f} ms (targets: 10 ms, 200 ms)")
    print(f"  CPU per check (process time, less sensitive to the machine's load): median "
          f"{1000 * statistics.median(cpu):.1f} ms, 95th percentile {1000 * percentile(cpu, 0.95):.1f} ms")
    baseline = result["baseline"]
    print(f"  baseline, sympy.expand((x + y + 1)**6) with an empty cache, between the checks: median "
          f"{1000 * baseline:.2f} ms; check median / baseline = {statistics.median(times) / baseline:.1f}x, "
          f"95th percentile / baseline = {percentile(times, 0.95) / baseline:.1f}x")
    print("  slowest (wall):")
    for (eta, theta), seconds in sorted(result["times"].items(), key=lambda item: -item[1])[:slowest]:
        print(f"    {1000 * seconds:7.1f} ms  eta = {eta}" + ("" if theta is None else f", theta = {theta}"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="every fourth schedule, SymPy's cache cleared only, 3 cold runs, no SymPy comparison")
    parser.add_argument("--sympy-limit", type=float, default=2.0, help="seconds per SymPy is_convergent (default 2)")
    parser.add_argument("--runs", type=int, default=7, help="cold processes of each kind (default 7)")
    parser.add_argument("--slowest", type=int, default=5, help="slowest checks to list (default 5)")
    args = parser.parse_args()

    runs = schedules()[::4] if args.quick else schedules()
    print(f"{len(runs)} schedules from tests/theory/decision_table.py; load average at the start "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    result = report_warm(runs, False, args.slowest)
    if not args.quick:
        report_warm(runs, True, args.slowest)
        compare_sympy(result["times"], args.sympy_limit)
    cold(3 if args.quick else args.runs)
    print(f"load average at the end {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
