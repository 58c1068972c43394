"""Facts about single terms a_k of a sequence (k = 0, 1, 2, ...), found exactly: where a_k is undefined, and where
a parameter-free a_k is not positive.

Candidates for k come from exact arithmetic where it is complete (the real roots of a polynomial in k bound the
intervals where it has one sign, so the first integer of each interval is a candidate) and otherwise from a screened
evaluation of the first :data:`EARLY_TERMS` terms at 30 digits. Screening only proposes: every reported k is verified
by exact SymPy arithmetic, so a reported k is never a floating-point artefact.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import mpmath
import sympy

from .parse import K

#: How many early terms are screened when no exact argument applies.
EARLY_TERMS = 400
#: Screened values at most this are candidates (exact zeros evaluate to tiny numbers at 30 digits).
_SCREEN_TOLERANCE = 1e-20
#: At most this many screened candidates are examined exactly (each exact zero test may cost a simplification).
_EXACT_CHECKS = 12
#: Polynomials of higher degree in k are screened instead of solved.
_MAX_DEGREE = 12


def _undefined(value: sympy.Expr) -> bool:
    """An exact value that is not a finite real number (division by zero, log(0), a root of a negative number)."""
    return bool(value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)) or value.is_extended_real is False


def _nonpositive(value: sympy.Expr, strict: bool = False) -> bool:
    """An exact value proven <= 0 (< 0 when ``strict``): a real number by its 60-digit value where that is clearly
    away from 0 (|value| > 1e-40, the evaluation error being below 1e-55), else by an exact zero test
    (sin(2)**2 + cos(2)**2 - 1 simplifies to 0); otherwise by SymPy's assumptions (None from them proves nothing)."""
    if value.is_Rational:
        return bool(value < 0) if strict else bool(value <= 0)
    if value.is_number:
        approximation = value.evalf(60)
        if approximation.is_Number:  # an exact 0 evaluates to a number without digits, such as -0.e-191
            if abs(approximation) > sympy.Float("1e-40", 60):
                return bool(approximation < 0)
            if sympy.simplify(value).is_zero:
                return not strict
    return (value.is_zero is True and not strict) or value.is_extended_negative is True


def _screened(expression: sympy.Expr, count: int) -> list[int]:
    """k < count whose value at 30 digits is <= the tolerance, not real, or fails to evaluate."""
    function = sympy.lambdify(K, expression, "mpmath")
    found = []
    with mpmath.workdps(30):
        for k in range(count):
            try:
                value = function(mpmath.mpf(k))
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                found.append(k)
                continue
            if not isinstance(value, mpmath.mpf) or value <= _SCREEN_TOLERANCE:
                found.append(k)
    return found


def _sign_change_points(polynomial: sympy.Expr) -> list[int] | None:
    """0 and the first integers at and after each real root of a parameter-free polynomial in k: its sign is
    constant between consecutive roots, so the first k with p(k) <= 0 (or = 0) is among them. None when the
    expression is not such a polynomial."""
    if not polynomial.is_polynomial(K):
        return None
    poly = sympy.Poly(polynomial, K)
    if poly.degree() > _MAX_DEGREE or not all(c.is_number for c in poly.all_coeffs()):
        return None
    points = {0}
    for root in poly.real_roots():
        low = int(sympy.floor(root))
        points |= {k for k in (low, low + 1) if k >= 0}
    return sorted(points)


def _candidates(argument: sympy.Expr) -> Iterable[int]:
    if argument.free_symbols - {K}:
        return (0,)  # with parameters only k = 0 is examined
    if K not in argument.free_symbols:
        return (0,)
    points = _sign_change_points(argument)
    return points if points is not None else _screened(argument, EARLY_TERMS)


def _positive(value: sympy.Expr) -> bool:
    """``value`` > 0 at every k, by SymPy's assumptions or, for iterated logarithms, by log(u) > 0 where u > 1 and
    log(v) > 1 where v > 3 > e (``log(log(k+16))``); False proves nothing."""
    if value.is_positive:
        return True
    return isinstance(value, sympy.log) and _above_one(value.args[0])


def _above_one(value: sympy.Expr) -> bool:
    if (value - 1).is_positive:
        return True
    return isinstance(value, sympy.log) and bool((value.args[0] - 3).is_positive)


def _partial_nodes(expression: sympy.Expr):
    """(node, argument) for every node that is undefined for some values of its argument (log, powers that divide or
    take roots of a base not known to be positive), innermost first."""
    for node in sympy.postorder_traversal(expression):
        if isinstance(node, sympy.log):
            if not _positive(node.args[0]):
                yield node, node.args[0]
        elif node.is_Pow and not _positive(node.base):
            if K in node.exp.free_symbols:
                yield node, node  # k in the exponent: examine the whole power
            elif not (node.exp.is_integer and node.exp.is_nonnegative):
                yield node, node.base


def _reason(node: sympy.Expr, k: int) -> str:
    if isinstance(node, sympy.log):
        return f"log of {sympy.sstr(node.args[0].subs(K, k))}"
    base, exponent = (value.subs(K, k) for value in node.args)
    if base == 0:
        return "division by zero"
    root = "square root" if exponent == sympy.Rational(1, 2) else f"power {sympy.sstr(exponent)}"
    return f"{root} of {sympy.sstr(base)}"


@functools.lru_cache(maxsize=1024)
def first_undefined(expression: sympy.Expr) -> tuple[int, str] | None:
    """``(k, reason)`` for the first k >= 0 at which a term of ``expression`` is not a finite real number (exact for
    polynomial arguments, otherwise among the first :data:`EARLY_TERMS` terms; with parameters only k = 0), or None
    when none was found (which proves nothing)."""
    found: tuple[int, str] | None = None
    for node, argument in _partial_nodes(expression):
        for k in _candidates(argument):
            if found is not None and k >= found[0]:
                break
            if _undefined(node.subs(K, k)):
                found = (k, _reason(node, k))
                break
    return found


def first_nonpositive(expression: sympy.Expr, *, tail_negative: bool = False, nonincreasing: bool = False,
                      strict: bool = False) -> int | None:
    """A k with a_k <= 0 (a_k < 0 when ``strict``: for a_k > 1 pass 1 - a_k) for a parameter-free sequence, verified
    exactly: the first one among the early terms; else, when the caller proved the tail negative, one found by
    doubling k (the first one when a_k is nonincreasing). None when none was found."""
    for k in _screened(expression, EARLY_TERMS)[:_EXACT_CHECKS]:
        if _nonpositive(expression.subs(K, k), strict):
            return k
    if not tail_negative:
        return None
    low, high = EARLY_TERMS - 1, EARLY_TERMS
    while not _nonpositive(expression.subs(K, high)):
        low, high = high, 2 * high
        if high > 2**64:
            return None
    while nonincreasing and high - low > 1:  # a_low > 0 >= a_high
        middle = (low + high) // 2
        low, high = (low, middle) if _nonpositive(expression.subs(K, middle)) else (middle, high)
    return high
