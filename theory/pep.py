"""Exact worst cases of Nesterov's method on L-smooth mu-strongly convex functions with PEPit [TXT].

A performance-estimation problem (PEP) is the semidefinite program whose value is the largest f(x_n) - f* that the
method  x_{k+1} = y_k - eta grad f(y_k),  y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k),  y_0 = x_0  can reach after n steps
over all L-smooth mu-strongly convex f (every dimension) and all x_0 with a unit initial quantity:

- ``"lyapunov"``: f(x_0) - f* + mu/2 ||x_0 - x*||^2 <= 1, the quantity of the textbook bound
  f_n - f* <= (1 - 1/sqrt(kappa))^n (f_0 - f* + mu/2 ||x_0 - x*||^2);
- ``"gap"``: f(x_0) - f* <= 1, the quantity Delta0 of [LK] Theorem 7 (f_n - f* <= 2 rate^n Delta0; with
  G1 = G2 = 0 the [LK] class is exactly this function class, [LK] Theorem 3).

This is the tight reference a proven rate is compared with: proven bound / worst case >= 1, and the ratio measures
how loose the proof is. PEPit is an optional extra (``pip install 'momcert[pep]'``), imported only when a worst case
is computed; solves use the free Clarabel solver (SCS as a fallback) through CVXPY and are cached in the process.
"""

from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .errors import InputError

INSTALL_HINT = "PEPit is not installed: pip install 'momcert[pep]'"
INITIAL_CONDITIONS = ("lyapunov", "gap")
#: Largest number of steps a worst case is computed for (the SDP grows with n^2).
MAX_STEPS = 64


def pep_available() -> bool:
    """True when PEPit can be imported."""
    return importlib.util.find_spec("PEPit") is not None


def nesterov_worst_case(mu: float, L: float, eta: float, beta: float, n: int, initial: str = "lyapunov",
                        solver: str = "CLARABEL") -> float:
    """PEPit's worst-case f(x_n) - f* of Nesterov's method (eta, beta) after n steps, for a unit ``initial`` quantity.

    Raises :class:`InputError` when PEPit is missing or an argument is out of range.
    """
    if initial not in INITIAL_CONDITIONS:
        raise InputError(f"initial condition must be one of {INITIAL_CONDITIONS}, got {initial!r}")
    _check(mu, L, n)
    return _solve("nesterov", float(mu), float(L), float(eta), float(beta), n, initial, solver)[0]


def heavy_ball_worst_case(mu: float, L: float, alpha: float, beta: float, n: int, initial: str = "lyapunov",
                          solver: str = "CLARABEL") -> float:
    """PEPit's worst-case f(x_n) - f* of heavy ball x_{k+1} = x_k - alpha grad f(x_k) + beta (x_k - x_{k-1}),
    x_{-1} = x_0, after n steps, for a unit ``initial`` quantity (see :func:`nesterov_worst_case`)."""
    if initial not in INITIAL_CONDITIONS:
        raise InputError(f"initial condition must be one of {INITIAL_CONDITIONS}, got {initial!r}")
    _check(mu, L, n)
    return _solve("heavy-ball", float(mu), float(L), float(alpha), float(beta), n, initial, solver)[0]


def _check(mu: float, L: float, n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_STEPS:
        raise InputError(f"number of PEP steps must be an integer in [0, {MAX_STEPS}], got {n!r}")
    if not 0 < mu <= L:
        raise InputError(f"need 0 < mu <= L, got mu = {mu}, L = {L}")
    if not pep_available():
        raise InputError(INSTALL_HINT)


@lru_cache(maxsize=256)
def _solve(method: str, mu: float, L: float, step: float, beta: float, n: int, initial: str,
           solver: str) -> tuple[float, bool]:
    """(worst case, accurate): ``accurate`` is False when the solver warned that its solution may be inaccurate."""
    from PEPit import PEP
    from PEPit.functions import SmoothStronglyConvexFunction

    problem = PEP()
    f = problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)
    x_star = f.stationary_point()
    f_star = f(x_star)
    x0 = problem.set_initial_point()
    start = f(x0) - f_star
    if initial == "lyapunov":
        start = start + mu / 2 * (x0 - x_star) ** 2
    problem.set_initial_condition(start <= 1)
    x_previous, x, y = x0, x0, x0
    for _ in range(n):
        if method == "nesterov":
            x_next = y - step * f.gradient(y)
            y = x_next + beta * (x_next - x)
        else:
            x_next = x - step * f.gradient(x) + beta * (x - x_previous)
        x_previous, x = x, x_next
    problem.set_performance_metric(f(x) - f_star)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = float(problem.solve(wrapper="cvxpy", solver=solver, verbose=0))
        return value, not any("inaccurate" in str(warning.message) for warning in caught)
    except Exception:  # a solver failure: retry once with SCS, the other free solver
        if solver == "SCS":
            raise
        return _solve(method, mu, L, step, beta, n, initial, "SCS")


@dataclass(frozen=True)
class PepRow:
    """One horizon n: the proven bound (None without a guarantee), PEPit's worst case, their ratio."""

    method: str
    n: int
    initial: str
    bound: float | None
    worst_case: float
    accurate: bool = True

    @property
    def ratio(self) -> float | None:
        if self.bound is None:
            return None
        return self.bound / self.worst_case if self.worst_case > 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "n": self.n, "initial": self.initial, "bound": self.bound,
                "worst_case": self.worst_case, "ratio": self.ratio, "solver_accurate": self.accurate}


@dataclass
class PepComparison:
    """Proven bounds against exact worst cases for the [LK] and the textbook parameters (G1 = G2 = 0, L = L1)."""

    mu: float
    L: float
    rows: list[PepRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"mu": self.mu, "L": self.L, "rows": [row.to_dict() for row in self.rows]}

    def __str__(self) -> str:
        lines = [f"exact worst case (PEPit) on {self.L:g}-smooth {self.mu:g}-strongly convex functions (G1 = G2 = 0)",
                 f"  {'method':<10} {'n':>3}  {'initial quantity <= 1':<32} {'proven bound':>12} {'worst case':>12}"
                 f" {'bound/worst':>11}"]
        for row in self.rows:
            quantity = "f0 - f* + mu/2 ||x0 - x*||^2" if row.initial == "lyapunov" else "f0 - f* (Delta0)"
            bound = "none" if row.bound is None else f"{row.bound:.6g}"
            ratio = "-" if row.ratio is None else f"{row.ratio:.4g}"
            flag = "" if row.accurate else "  (solver: may be inaccurate)"
            lines.append(f"  {row.method:<10} {row.n:>3}  {quantity:<32} {bound:>12} {row.worst_case:>12.6g}"
                         f" {ratio:>11}{flag}")
        return "\n".join(lines)


def horizons(n: int) -> list[int]:
    """The horizons reported for ``--pep n``: powers of two below n, and n."""
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_STEPS:
        raise InputError(f"--pep: number of steps must be an integer in [1, {MAX_STEPS}], got {n!r}")
    steps, power = [], 1
    while power < n:
        steps.append(power)
        power *= 2
    return [*steps, n]


def compare_with_pep(mu: float, L: float, lk_eta: float, lk_beta: float, lk_rate: float,
                     steps: list[int]) -> PepComparison:
    """Rows for the textbook parameters (bound (1 - 1/sqrt(kappa))^n, Lyapunov initial quantity), the [LK]
    parameters (bound 2 rate^n, initial gap Delta0) and heavy ball tuned for quadratics (no bound, Lyapunov initial
    quantity) at each horizon in ``steps``."""
    from .baselines import heavy_ball_quadratic, textbook_nesterov

    textbook, heavy = textbook_nesterov(mu, L), heavy_ball_quadratic(mu, L)
    methods = (
        ("textbook", "nesterov", float(textbook.eta), float(textbook.beta), "lyapunov",
         lambda n: float(textbook.rate) ** n),
        ("[LK]", "nesterov", lk_eta, lk_beta, "gap", lambda n: 2 * lk_rate**n),
        ("heavy ball", "heavy-ball", float(heavy.eta), float(heavy.beta), "lyapunov", lambda n: None),
    )
    comparison = PepComparison(mu=float(mu), L=float(L))
    for name, method, step, beta, initial, bound in methods:
        for n in steps:
            _check(mu, L, n)
            value, accurate = _solve(method, float(mu), float(L), step, beta, n, initial, "CLARABEL")
            comparison.rows.append(PepRow(name, n, initial, bound(n), value, accurate))
    return comparison
