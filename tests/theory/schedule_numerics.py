"""Numerical evidence about a sequence a_k, independent of momcert.theory.asymptotics (used to cross-check its
verdicts).

- Tail exponents from values at huge k (mpmath, 90 digits): the exponential rate lam from log a_k at k = 10^4 and
  2*10^4; otherwise the local log-log slope s(k) = log2(a_{2k}/a_k) at k = 10^8, 10^16, 10^32, fitted as
  s = p + q/L + r/L^2 (L = log k): a_k ~ k^p (log k)^q.
- Oscillation: relative spread of a_k over 60 consecutive k near 10^8 (smooth sequences vary by ~1e-6 there).
- Partial sums with numpy at k = 10^3 .. 10^6 (increments per decade), for the clear-cut cases.
- Whole-sequence properties: exact values at k = 0 .. 399 and at powers of 10 up to 10^32.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy

from momcert.theory.parse import K

mpmath.mp.dps = 90


@dataclass(frozen=True)
class Tail:
    oscillating: bool
    lam: float
    p: float
    q: float
    late_max: float  # max |a_k| over a window near 10^8
    early_max: float  # max |a_k| over a window near 10^3
    mean: float  # average of a_k over 800 consecutive k from 10^6


def _function(expression: sympy.Expr, values: dict):
    substituted = expression.subs({sympy.Symbol(n, positive=True): sympy.nsimplify(v) for n, v in values.items()})
    assert substituted.free_symbols <= {K}, substituted
    return sympy.lambdify(K, substituted, "mpmath"), substituted


def tail(expression: sympy.Expr, values: dict | None = None) -> Tail:
    f, _ = _function(expression, values or {})

    def log_abs(k):
        return mpmath.log(abs(f(mpmath.mpf(k))))

    late = [abs(f(mpmath.mpf(10**8 + j))) for j in range(60)]
    early = [abs(f(mpmath.mpf(10**3 + j))) for j in range(60)]
    spread = (max(late) - min(late)) / max(max(late), mpmath.mpf(10) ** -140)
    window = [f(mpmath.mpf(10**6 + j)) for j in range(0, 800)]
    mean = float(sum(window) / len(window))
    lam = float((log_abs(2 * 10**4) - log_abs(10**4)) / 10**4)
    if spread > 1e-3 or abs(lam) > 1e-3:
        return Tail(spread > 1e-3, lam, float("nan"), float("nan"), float(max(late)), float(max(early)), mean)
    slopes, inverse_logs = [], []
    for exponent in (8, 16, 32):
        k = mpmath.mpf(10) ** exponent
        slopes.append((log_abs(2 * k) - log_abs(k)) / mpmath.log(2))
        inverse_logs.append(1 / mpmath.log(k * mpmath.sqrt(2)))
    matrix = mpmath.matrix([[1, x, x * x] for x in inverse_logs])
    p, q, _ = mpmath.lu_solve(matrix, mpmath.matrix(slopes))
    return Tail(False, 0.0, float(p), float(q), float(max(late)), float(max(early)), mean)


def _lex(lam: float, p: float, q: float) -> tuple[int, int, int]:
    """Signs of (lam, p, q) with tolerances suited to the estimates above."""
    def sign(x, tol):
        return 0 if abs(x) < tol else (1 if x > 0 else -1)

    return sign(lam, 1e-3), sign(p, 1e-3), sign(q, 0.05)


def _to_zero(lam, p, q) -> bool:
    return _lex(lam, p, q) < (0, 0, 0)


def properties(expression: sympy.Expr, values: dict | None = None) -> dict[str, bool]:
    """Numerical verdicts on tail properties: to_zero, sum_diverges, square_summable, log_to_zero."""
    t = tail(expression, values)
    if t.oscillating:
        stays = t.late_max > 0.5 * t.early_max
        return {"to_zero": not stays, "sum_diverges": t.mean > 1e-6, "square_summable": not stays,
                "log_to_zero": not stays}
    if t.lam != 0.0 and abs(t.lam) > 1e-3:
        grows = t.lam > 0
        return {"to_zero": not grows, "sum_diverges": grows, "square_summable": not grows, "log_to_zero": not grows}
    p, q = t.p, t.q
    return {
        "to_zero": _to_zero(0.0, p, q),
        "sum_diverges": _lex(0.0, p + 1, q + 1) >= (0, 0, 0),
        "square_summable": _lex(0.0, 2 * p + 1, 2 * q + 1) < (0, 0, 0),
        "log_to_zero": _to_zero(0.0, p, q + 1),
    }


def ratio_properties(numerator: sympy.Expr, denominator: sympy.Expr, values: dict | None = None) -> dict[str, bool]:
    """ratio_to_zero and ratio_to_constant for numerator/denominator, numerically."""
    f, _ = _function(numerator / denominator, values or {})
    samples = [f(mpmath.mpf(10) ** e + j) for e in (8, 12, 16) for j in range(0, 40, 7)]
    late, previous = samples[-6:], samples[:6]
    spread = (max(late) - min(late)) / abs(max(late))
    drift = abs(max(late) / max(previous) - 1)
    to_zero = properties(numerator / denominator, values)["to_zero"]
    constant = float(spread) < 1e-6 and float(drift) < 1e-3 and float(min(late)) > 0
    return {"ratio_to_zero": to_zero, "ratio_to_constant": constant}


def partial_sum_increments(expression: sympy.Expr, values: dict | None = None) -> np.ndarray:
    """S(10^(j+1)) - S(10^j) for j = 3, 4, 5 with numpy (float64)."""
    _, substituted = _function(expression, values or {})
    g = sympy.lambdify(K, substituted, "numpy")
    k = np.arange(0, 10**6, dtype=np.float64)
    terms = np.asarray(g(k), dtype=np.float64) * np.ones_like(k)
    sums = np.cumsum(terms)
    return np.array([sums[10 ** (j + 1) - 1] - sums[10**j - 1] for j in range(3, 6)])


def whole_sequence(expression: sympy.Expr, values: dict | None = None) -> dict[str, bool]:
    """positive and at_most_one on k = 0..3000 and k = 10^j (j <= 40): can refute, and supports a 'holds'."""
    f, _ = _function(expression, values or {})
    ks = list(range(0, 400)) + [10**j for j in range(3, 33)]
    values_k = [f(mpmath.mpf(k)) for k in ks]
    return {"positive": all(v > 0 for v in values_k), "at_most_one": all(v <= 1 for v in values_k)}
