"""Exact decisions about sequences a_k (k = 0, 1, 2, ...) built from the schedule catalogue, with parameter regions.

Method. Every expression is reduced to its *asymptotic class*, a list of (region, shape) pieces, where the region is
an exact set of parameter values (:mod:`momcert.theory.regions`) and the shape is one of

- :class:`Tight`: |a_k| = Theta(exp(lam k) k^p (log k)^q (log log k)^r) with eventual sign of C; when ``exact``
  also a_k ~ C exp(lam k) k^p (log k)^q (log log k)^r. Floor-based step decay gamma^floor(k/s) lies between
  gamma^(k/s) and gamma^(k/s - 1), so it is Theta(gamma^(k/s)) but not exact; so is any c*floor(u) in an exponent.
- :class:`Rapid`: log|a_k| = coeff m_k (1 + o(1)) for a scale m_k -> oo of the same form (sqrt(k), k log k, 2^k,
  log(k)^2, sqrt(log k), ...), from an exponent that is not linear in k, log k and log log k (exp(-2*sqrt(k+1)),
  (k+2)**(-k), 3**(-2**k)). Products add log-magnitudes and sums keep the larger one, both decided by the first
  nonzero coefficient of log|a_k| - log|b_k| down to the coarsest error scale (a Gruntz-style comparison of the
  most rapidly varying terms); where that is not decided the class is :class:`Unknown`.
- :class:`Periodic`: a_k = P_k + o(1) with P a non-constant periodic or almost periodic sequence (cosine schedules)
  with mean ``mean`` (None if unknown) and bounds lo <= liminf, limsup <= hi; such a_k has no limit.
- :class:`Unknown`: not recognised (with the reason).

Sums take the dominant class (lexicographic in (lam, p, q)); equal classes add their constants, and an exact
cancellation falls back to SymPy's leading term at k = oo (e.g. 1 - cos(1/k) ~ 1/(2 k^2)). Min and Max of classes
compare exponents piecewise, so ``Min(c/(k+1)**a, d/(k+1)**b)`` has the piecewise class of the smaller exponent.

Tail properties are exact conditions on (lam, p, q, r): a_k -> 0 iff (lam, p, q, r) < 0 lexicographically;
sum a_k = oo iff (lam, p + 1, q + 1, r + 1) >= 0 lexicographically (the Bertrand series, by Cauchy condensation);
and so on. A Rapid term tends to 0 iff coeff < 0; its sum diverges where coeff > 0 or m_k = o(log k) (it is then
above 1/k eventually), converges where coeff < 0 and log k = o(m_k) (below 1/k^2), and at m_k = log k compares
coeff with -1.

Whole-sequence properties (a_k > 0 and a_k <= 1 for every k >= 0) are decided by proofs that cover all k: structural
positivity (every operation keeps positivity), monotonicity in k (a nonincreasing sequence is at most a_0 and at least
its positive tail; a nondecreasing one is at least a_0), Max/Min rules, the exact peak of a parameter-free warmup
c*Min(rising, falling) at the crossing, an exact scan of one period for periodic parameter-free schedules, a
certified tail for a parameter-free smooth a_k (:func:`certified_tail`: the derivative of the continuous extension
has one sign on [K, oo), proven factor by factor, and a_0, ..., a_K are evaluated exactly, which finds the largest
term of a sequence that rises before it falls), and witnesses for failure (k = 0, an early term, or the tail). What
no proof covers stays ``unknown``.

Each decision returns a :class:`Decision` with the region where the property holds and the region where it fails;
where they do not cover every parameter value the rest is unknown. Every decision runs under a time budget.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import mpmath
import sympy

from .budget import EXHAUSTED, Deadline, TimeLimitExceeded, run_with_time_limit
from .parse import K, min_max
from .regions import (
    FALSE,
    TRUE,
    Region,
    covers,
    equal,
    fixed_values,
    greater,
    greater_equal,
    less,
    less_equal,
    sign_regions,
)
from .terms import first_nonpositive, first_undefined

#: Default time budget of one decision, in seconds.
BUDGET_SECONDS = 2.0
#: The rules behind a positivity or a_k <= 1 verdict that names no particular argument.
_POSITIVITY_RULES = "term signs, monotonicity, a_0, tail"
_AT_MOST_ONE_RULES = "monotonicity, Min/Max, products, a_0, limit"
#: With parameters and a periodic factor, a_k at k < this is examined for a value <= 0 whatever the parameters are.
_EARLY_PARAMETRIC = 8
_ZERO = sympy.Integer(0)
_X = sympy.Symbol("x_", positive=True)
_REAL_K = sympy.Symbol("x_k", nonnegative=True)  # k as a real variable


@dataclass(frozen=True)
class Tight:
    C: sympy.Expr
    lam: sympy.Expr
    p: sympy.Expr
    q: sympy.Expr
    exact: bool
    r: sympy.Expr = sympy.S.Zero  # the power of log(log(k))

    def describe(self) -> str:
        if self.C == 0:
            return "= 0 for every k"
        body = _rate_text(self)
        if not body:
            return f"-> {sympy.sstr(self.C)}" if self.exact else "Theta(1), bounded away from 0"
        products_of_sums = self.C.is_Mul and sum(f.as_base_exp()[0].is_Add for f in self.C.args) > 1 \
            and not self.C.has(sympy.Min, sympy.Max)
        shown = sympy.sstr(sympy.factor(self.C) if products_of_sums else self.C)  # (1 - m)*(m - 1) as -(m - 1)**2
        shown = f"({shown})" if self.C.is_Add else shown  # (c - d)*k**(1/2), not c - d*k**(1/2)
        return (f"~ {shown}*{body}" if self.C != 1 else f"~ {body}") if self.exact else f"Theta({body})"


def _rate_text(t: Tight, plain: bool = False) -> str:
    """exp(lam*k)*k**(p)*log(k)**(q)*log(log(k))**(r) without the factors equal to 1 ("" for the rate 1); ``plain``
    also writes a power 1 as the bare factor."""
    factors = [f"exp({sympy.sstr(t.lam)}*k)"] if t.lam != 0 else []
    for exponent, base in ((t.p, "k"), (t.q, "log(k)"), (t.r, "log(log(k))")):
        if exponent != 0:
            factors.append(base if plain and exponent == 1 else f"{base}**({sympy.sstr(exponent)})")
    return "*".join(factors)


@dataclass(frozen=True)
class Dominated:
    """|a_k| = O(b_k) for b = ``bound`` (a :class:`Tight`): a vanishing or sign-changing periodic factor times a
    varying term, such as (1 + (-1)**k)/(k+1). When ``oscillating``, also a_k = (P_k + o(1)) b_k with P a non-constant
    periodic or almost periodic sequence, so |a_k| >= delta b_k for infinitely many k (some delta > 0) and, where b is
    exact, a_k/b_k has no limit."""

    bound: Tight
    oscillating: bool
    #: The periodic factor P when a_k = P_k b_k with |b_k| = Theta(bound) (None once that form is lost)
    factor: Periodic | None = None

    def describe(self) -> str:
        body = _rate_text(self.bound) or "1"
        return f"= O({body})" + (", oscillating without a limit relative to it" if self.oscillating else "")


@dataclass(frozen=True)
class Periodic:
    mean: sympy.Expr | None
    lo: sympy.Expr
    hi: sympy.Expr

    def describe(self) -> str:
        return f"oscillating in [{sympy.sstr(self.lo)}, {sympy.sstr(self.hi)}] without a limit"


@dataclass(frozen=True)
class Unknown:
    reason: str

    def describe(self) -> str:
        return f"not recognised ({self.reason})"


@dataclass(frozen=True)
class Rapid:
    """log|a_k| = coeff * m_k * (1 + o(1)) with eventual sign of C, for a scale m_k = exp(lam k) k^p (log k)^q
    (log log k)^r -> oo given by ``scale`` = (lam, p, q, r) (numbers) and coeff != 0: exp(-2*sqrt(k+1)) (coeff -2,
    m = k^(1/2)), (k+2)**(-k) (coeff -1, m = k log k), 3**(-2**k) (coeff -log 3, m = 2^k), exp(-sqrt(log(k+2)))
    (m = (log k)^(1/2)). Where m grows faster than log k, a_k decays (coeff < 0) or grows (coeff > 0) faster than
    every power of k; where m = o(log k), slower than every power."""

    C: sympy.Expr
    coeff: sympy.Expr
    scale: tuple

    def describe(self) -> str:
        rate = _rate_text(Tight(sympy.Integer(1), *self.scale[:3], True, self.scale[3]), plain=True)
        shown = sympy.sstr(self.coeff)
        shown = f"({shown})" if self.coeff.is_Add else shown
        body = f"exp({shown}*{rate}*(1 + o(1)))".replace("exp(-1*", "exp(-").replace("exp(1*", "exp(")
        return f"= {'-' if self.C.is_negative else ''}{body}"


Shape = Tight | Periodic | Dominated | Rapid | Unknown
Pieces = tuple[tuple[Region, Shape], ...]
_CANCELLATION = "exact cancellation of leading terms"


@dataclass(frozen=True)
class Decision:
    """Where a property holds and where it fails (both exact); elsewhere it is unknown, for ``reason``."""

    holds: Region
    fails: Region
    reason: str


# -- time budget ---------------------------------------------------------------------------------------------------
T = TypeVar("T")


def undecided(reason: str) -> Decision:
    """The decision that proves nothing: neither where it holds nor where it fails."""
    return Decision(FALSE, FALSE, reason)


def within_budget(function: Callable[[], T], seconds: float = BUDGET_SECONDS, what: str = "decision",
                  fallback: Callable[[str], T] = undecided, deadline: Deadline | None = None) -> T:
    """Run ``function``; past ``seconds`` (or past the ``deadline`` of the whole call, if that comes first), or when
    SymPy fails on the expression, return ``fallback(reason)`` instead (by default an undecided :class:`Decision`):
    never hang, never a traceback."""
    seconds, capped = (seconds, False) if deadline is None else deadline.share(seconds)
    if capped and seconds <= 0:
        return fallback(f"{what}: {EXHAUSTED}")
    try:
        return run_with_time_limit(function, seconds)
    except TimeLimitExceeded:
        return fallback(f"{what}: {EXHAUSTED}" if capped else f"{what}: time budget of {seconds:g} s exceeded")
    except (TypeError, ValueError, ArithmeticError, NotImplementedError, RecursionError) as error:
        return fallback(f"{what}: SymPy could not decide ({type(error).__name__})")


# -- piece algebra -------------------------------------------------------------------------------------------------
def _lex(differences) -> tuple[Region, Region]:
    """(region where the first nonzero of ``differences`` is > 0, region where it is < 0)."""
    above, below, equal_so_far = FALSE, FALSE, TRUE
    for difference in differences:
        above = above | (equal_so_far & greater(difference, 0))
        below = below | (equal_so_far & less(difference, 0))
        equal_so_far = equal_so_far & equal(difference, 0)
        if equal_so_far.is_false():
            break
    return above, below


def _exponents(t: Tight) -> tuple[sympy.Expr, ...]:
    return t.lam, t.p, t.q, t.r


def _lex_greater(a: Tight, b: Tight) -> Region:
    """(lam, p, q, r) of a is lexicographically larger than that of b: a_k / b_k -> oo."""
    return _lex([x - y for x, y in zip(_exponents(a), _exponents(b), strict=True)])[0]


def _same_rate(a: Tight, b: Tight) -> Region:
    region = TRUE
    for x, y in zip(_exponents(a), _exponents(b), strict=True):
        region = region & equal(x, y)
    return region


def _tends_to_zero(t: Tight) -> Region:
    return _lex(_exponents(t))[1]


def _tends_to_infinity(t: Tight) -> Region:
    return _lex(_exponents(t))[0]


def _bounded_rate(t: Tight) -> Region:
    return equal(t.lam, 0) & equal(t.p, 0) & equal(t.q, 0) & equal(t.r, 0)


def _combine(left: Pieces, right: Pieces, rule: Callable[[Shape, Shape], Pieces]) -> Pieces:
    out = []
    for region_a, a in left:
        for region_b, b in right:
            region = region_a & region_b
            if region.is_false():
                continue
            for sub_region, shape in rule(a, b):
                both = region & sub_region
                if not both.is_false():
                    out.append((both, shape))
    return tuple(out)


def _map(pieces: Pieces, rule: Callable[[Shape], Pieces]) -> Pieces:
    return _combine(pieces, ((TRUE, None),), lambda a, _: rule(a))


def _signed_constant(c: sympy.Expr, make: Callable[[sympy.Expr], Shape]) -> Pieces:
    positive, zero, negative = sign_regions(c)
    pieces = [(positive, make(c)), (negative, make(c))]
    if not zero.is_false():
        pieces.append((zero, Unknown(_CANCELLATION)))
    return tuple((r, s) for r, s in pieces if not r.is_false())


# -- terms of exponential order (Rapid): log|a_k| compared in the scale k, log k, log log k, m_k ---------------------
_ONE, _HALF = sympy.Integer(1), sympy.Rational(1, 2)
#: the scale of log|a_k| for a Tight a_k = C exp(lam k) k^p (log k)^q ...: lam * k + p * log k + q * log log k + O(1)
_LEVEL_K, _LEVEL_LOG, _LEVEL_LOGLOG = (_ZERO, _ONE, _ZERO, _ZERO), (_ZERO, _ZERO, _ONE, _ZERO), \
    (_ZERO, _ZERO, _ZERO, _ONE)


def _log_terms(shape: Tight | Rapid) -> dict:
    """log|a_k| as {scale: coefficient} (for a Tight up to O(1) and r * log log log k, below every Rapid scale)."""
    if isinstance(shape, Rapid):
        return {shape.scale: shape.coeff}
    return {_LEVEL_K: shape.lam, _LEVEL_LOG: shape.p, _LEVEL_LOGLOG: shape.q}


def _floor_scale(*shapes: Tight | Rapid) -> tuple:
    """The largest error scale: log|a_k| of a Rapid is known up to o(m_k)."""
    return max(s.scale for s in shapes if isinstance(s, Rapid))


def _log_sum(a: Tight | Rapid, b: Tight | Rapid, sign: int) -> tuple[list, list]:
    """(scales >= the error scale, descending; the coefficients of log|a_k| + sign * log|b_k| there)."""
    floor = _floor_scale(a, b)
    terms_a, terms_b = _log_terms(a), _log_terms(b)
    scales = sorted({m for m in (*terms_a, *terms_b) if m >= floor}, reverse=True)
    return scales, [terms_a.get(m, _ZERO) + sign * terms_b.get(m, _ZERO) for m in scales]


def _rapid_vs(a: Tight | Rapid, b: Tight | Rapid) -> tuple[Region, Region]:
    """(region where |a_k|/|b_k| -> oo, region where it -> 0), one of them a Rapid: the first nonzero coefficient of
    log|a_k| - log|b_k| at the scales down to the error scale decides."""
    return _lex(_log_sum(a, b, -1)[1])


def _rapid(C: sympy.Expr, scales: list, coefficients: list) -> Pieces:
    """log|a_k| = sum coefficients[i] * scales[i] + o(scales[-1]) (descending): a Rapid at the first nonzero one."""
    pieces, zero_so_far = [], TRUE
    for scale, coefficient in zip(scales, coefficients, strict=True):
        pieces.append((zero_so_far & ~equal(coefficient, 0), Rapid(C, coefficient, scale)))
        zero_so_far = zero_so_far & equal(coefficient, 0)
    pieces.append((zero_so_far, Unknown(f"{_CANCELLATION} in the exponent")))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _rapid_mul(a: Shape, b: Shape) -> Pieces:
    rapid, other = (a, b) if isinstance(a, Rapid) else (b, a)
    if isinstance(other, (Tight, Rapid)):
        return _rapid(rapid.C * other.C, *_log_sum(rapid, other, 1))
    if isinstance(other, Periodic):  # a factor bounded away from 0 keeps log|a_k| up to O(1)
        definite = greater(other.lo, 0) | less(other.hi, 0)
        return tuple((r, s) for r, s in ((definite, replace(rapid, C=rapid.C * sympy.sign(other.hi))),
                                         (~definite, Unknown("an oscillating factor that vanishes or changes sign "
                                                             "times a term of exponential order")))
                     if not r.is_false())
    return ((TRUE, Unknown("a term that changes sign or vanishes times a term of exponential order")),)


def _rapid_add(a: Shape, b: Shape) -> Pieces:
    rapid, other = (a, b) if isinstance(a, Rapid) else (b, a)
    if isinstance(other, Periodic):
        return tuple((r, s) for r, s in ((greater(rapid.coeff, 0), rapid), (less(rapid.coeff, 0), other))
                     if not r.is_false())
    compared = other.bound if isinstance(other, Dominated) else other
    larger, smaller = _rapid_vs(rapid, compared)
    undecided = ~(larger | smaller)
    same = isinstance(other, Rapid) and other.scale == rapid.scale and sympy.simplify(other.coeff - rapid.coeff) == 0
    agree = (sign_regions(rapid.C)[0] & sign_regions(other.C)[0]) | (sign_regions(rapid.C)[2]
                                                                     & sign_regions(other.C)[2]) if same else FALSE
    pieces = ((larger, rapid), (smaller, other), (undecided & agree, rapid),
              (undecided & ~agree, Unknown("possible cancellation of terms of the same exponential order")))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _rapid_power(a: Rapid, e: sympy.Expr) -> Pieces:
    if not (a.C.is_positive or e.is_integer):
        return ((TRUE, Unknown("non-integer power of a negative term")),)
    e_pos, e_zero, e_neg = sign_regions(e)
    powered = Rapid(a.C ** e, a.coeff * e, a.scale)
    return tuple((r, s) for r, s in ((e_pos | e_neg, powered), (e_zero, Tight(_ONE, _ZERO, _ZERO, _ZERO, True)))
                 if not r.is_false())


def _rapid_min_max(a: Shape, b: Shape, smaller: bool) -> Pieces:
    if not (isinstance(a, (Tight, Rapid)) and isinstance(b, (Tight, Rapid))):
        return ((TRUE, Unknown("Min/Max with an oscillating argument")),)
    if not (a.C.is_positive and b.C.is_positive):
        return ((TRUE, Unknown("Min/Max of terms that are not eventually positive")),)
    a_larger, b_larger = _rapid_vs(a, b)
    pieces = ((a_larger, b if smaller else a), (b_larger, a if smaller else b),
              (~(a_larger | b_larger), Unknown("Min/Max of terms of the same exponential order")))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _add(a: Shape, b: Shape) -> Pieces:
    if isinstance(a, Unknown):
        return ((TRUE, a),)
    if isinstance(b, Unknown):
        return ((TRUE, b),)
    if isinstance(a, Rapid) or isinstance(b, Rapid):
        return _rapid_add(a, b)
    if isinstance(a, Dominated) or isinstance(b, Dominated):
        return _add_dominated(*((a, b) if isinstance(a, Dominated) else (b, a)))
    if isinstance(a, Periodic) and isinstance(b, Periodic):
        mean = None if a.mean is None or b.mean is None else a.mean + b.mean
        return ((TRUE, Periodic(mean, a.lo + b.lo, a.hi + b.hi)),)
    if isinstance(a, Periodic) or isinstance(b, Periodic):
        periodic, tight = (a, b) if isinstance(a, Periodic) else (b, a)
        shifted = Unknown("a periodic term plus a bounded term without a limit")
        if tight.exact:
            mean = None if periodic.mean is None else periodic.mean + tight.C
            shifted = Periodic(mean, periodic.lo + tight.C, periodic.hi + tight.C)
        return ((_tends_to_zero(tight), periodic), (_tends_to_infinity(tight), tight), (_bounded_rate(tight), shifted))
    pieces = [(_lex_greater(a, b), a), (_lex_greater(b, a), b)]
    same = _same_rate(a, b)
    if not same.is_false():
        total = a.C + b.C
        if not total.is_number and total.is_zero is None:
            total = sympy.factor_terms(total)
        if a.exact and b.exact:
            if total == 0:
                pieces.append((same, Unknown(_CANCELLATION)))
            else:
                pieces += [(same & r, s) for r, s in _signed_constant(total, lambda c: replace(a, C=c, exact=True))]
        else:
            pos_a, _, neg_a = sign_regions(a.C)
            pos_b, _, neg_b = sign_regions(b.C)
            agree = (pos_a & pos_b) | (neg_a & neg_b)
            pieces.append((same & agree, replace(a, C=total, exact=False)))
            pieces.append((same & ~agree, Unknown("possible cancellation of terms of the same order")))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _add_dominated(dominated: Dominated, other: Shape) -> Pieces:
    """O(b) plus another class: the faster one wins; at the same rate only O(b) is known."""
    bound = dominated.bound
    if isinstance(other, Periodic):  # P'_k + O(b_k): periodic where b -> 0, O(b) (still oscillating) where b -> oo
        pieces = ((_tends_to_zero(bound), other), (_tends_to_infinity(bound), dominated),
                  (_bounded_rate(bound), Unknown("a periodic term plus a bounded oscillating term")))
    else:
        faster = other.bound if isinstance(other, Dominated) else other
        same = Dominated(replace(bound, exact=False), False)
        pieces = ((_lex_greater(faster, bound), other), (_lex_greater(bound, faster), dominated),
                  (_same_rate(faster, bound), same))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _mul(a: Shape, b: Shape) -> Pieces:
    if isinstance(a, Unknown):
        return ((TRUE, a),)
    if isinstance(b, Unknown):
        return ((TRUE, b),)
    if isinstance(a, Rapid) or isinstance(b, Rapid):
        return _rapid_mul(a, b)
    if isinstance(a, Tight) and isinstance(b, Tight):
        return ((TRUE, _product(a, b)),)
    if isinstance(a, Dominated) or isinstance(b, Dominated):
        dominated, other = (a, b) if isinstance(a, Dominated) else (b, a)
        if isinstance(other, Periodic):  # a bounded factor: still O(b), but P_k P'_k may be constant
            return ((TRUE, Dominated(dominated.bound, False)),)
        if isinstance(other, Dominated):
            return ((TRUE, Dominated(_product(dominated.bound, other.bound), False)),)
        return ((TRUE, Dominated(_product(dominated.bound, other), dominated.oscillating, dominated.factor)),)
    if isinstance(a, Periodic) and isinstance(b, Periodic):
        return ((TRUE, Unknown("product of two oscillating terms")),)
    periodic, tight = (a, b) if isinstance(a, Periodic) else (b, a)
    constant = _bounded_rate(tight)
    pieces = []
    if tight.exact:
        c_pos, _, c_neg = sign_regions(tight.C)
        scale = tight.C
        mean = None if periodic.mean is None else periodic.mean * scale
        pieces += [(constant & c_pos, Periodic(mean, periodic.lo * scale, periodic.hi * scale)),
                   (constant & c_neg, Periodic(mean, periodic.hi * scale, periodic.lo * scale))]
    else:
        pieces.append((constant, Unknown("oscillating term times a bounded term without a limit")))
    varying = ~constant
    definite = greater(periodic.lo, 0) | less(periodic.hi, 0)
    pieces.append((varying & definite, replace(tight, C=tight.C * sympy.sign(periodic.hi), exact=False)))
    pieces.append((varying & ~definite, Dominated(tight, True, periodic)))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _product(a: Tight, b: Tight) -> Tight:
    return Tight(a.C * b.C, a.lam + b.lam, a.p + b.p, a.q + b.q, a.exact and b.exact, a.r + b.r)


def _power(a: Shape, e: sympy.Expr) -> Pieces:
    if isinstance(a, Unknown):
        return ((TRUE, a),)
    if isinstance(a, Rapid):
        return _rapid_power(a, e)
    if isinstance(a, Dominated):  # |a_k|^e = O(b_k^e) for e > 0; (P_k)^e may be constant
        if e.is_positive:
            bound = a.bound
            return ((TRUE, Dominated(Tight(abs(bound.C) ** e, bound.lam * e, bound.p * e, bound.q * e, False,
                                           bound.r * e), False)),)
        return ((TRUE, Unknown("negative power of a term that changes sign or vanishes")),)
    if isinstance(a, Periodic):
        positive = greater(a.lo, 0)
        e_pos, e_zero, e_neg = sign_regions(e)
        pieces = [(positive & e_pos, Periodic(None, a.lo ** e, a.hi ** e)),
                  (positive & e_neg, Periodic(None, a.hi ** e, a.lo ** e)),
                  (e_zero, Tight(sympy.Integer(1), _ZERO, _ZERO, _ZERO, True)),
                  (~positive & ~e_zero, Unknown("power of an oscillating term that is not positive"))]
        return tuple((r, s) for r, s in pieces if not r.is_false())
    if not (a.C.is_positive or e.is_integer):
        c_pos, _, _ = sign_regions(a.C)
        return tuple((r, s) for r, s in ((c_pos, Tight(a.C ** e, a.lam * e, a.p * e, a.q * e, a.exact, a.r * e)),
                                         (~c_pos, Unknown("non-integer power of a negative term"))) if not r.is_false())
    return ((TRUE, Tight(a.C ** e, a.lam * e, a.p * e, a.q * e, a.exact, a.r * e)),)


def _min_max(a: Shape, b: Shape, smaller: bool) -> Pieces:
    if isinstance(a, Unknown):
        return ((TRUE, a),)
    if isinstance(b, Unknown):
        return ((TRUE, b),)
    if isinstance(a, Rapid) or isinstance(b, Rapid):
        return _rapid_min_max(a, b, smaller)
    if not (isinstance(a, Tight) and isinstance(b, Tight)):
        return ((TRUE, Unknown("Min/Max with an oscillating argument")),)
    if not (a.C.is_positive and b.C.is_positive):
        return ((TRUE, Unknown("Min/Max of terms that are not eventually positive")),)
    a_faster, b_faster = (b, a) if smaller else (a, b)  # the class chosen where a grows faster, and where b does
    c = min_max(sympy.Min if smaller else sympy.Max, a.C, b.C)
    return tuple((r, s) for r, s in ((_lex_greater(a, b), a_faster), (_lex_greater(b, a), b_faster),
                                     (_same_rate(a, b), Tight(c, a.lam, a.p, a.q, a.exact and b.exact, a.r)))
                 if not r.is_false())


def _tends_to_zero_pieces(shape: Shape) -> Region:
    if isinstance(shape, Rapid):
        return less(shape.coeff, 0)
    if isinstance(shape, Dominated):
        return _tends_to_zero(shape.bound)
    return _tends_to_zero(shape) if isinstance(shape, Tight) else FALSE


def _oscillating(shape: Dominated) -> Region:
    return TRUE if shape.oscillating else FALSE


# -- classes of expressions ----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def asymptotic_class(expression: sympy.Expr) -> Pieces:
    """The asymptotic class of the sequence ``expression`` (in :data:`K`) as k -> oo, piecewise in the parameters."""
    expression = _eventual_branches(sympy.sympify(expression, strict=True))
    if K not in expression.free_symbols:
        if expression.has(sympy.zoo, sympy.oo, sympy.nan):
            return ((TRUE, Unknown("not a finite number")),)
        return _signed_constant(expression, lambda c: Tight(c, _ZERO, _ZERO, _ZERO, True))
    if expression == K:
        return ((TRUE, Tight(sympy.Integer(1), _ZERO, sympy.Integer(1), _ZERO, True)),)
    if expression.is_Add:
        pieces = _with_series_fallback(expression, _fold(expression.args, _add))
        constant, varying = expression.as_independent(K, as_Add=True)
        zero = sign_regions(constant)[1] if constant.free_symbols else FALSE
        if zero.is_false():
            return pieces
        # where the constant term is 0 ((c - 2)**2 + 1/(k+2) at c = 2) the sum is its varying part
        outside = tuple((r & ~zero, s) for r, s in pieces)
        inside = tuple((r & zero, s) for r, s in asymptotic_class(varying))
        return tuple((r, s) for r, s in outside + inside if not r.is_false())
    if expression.is_Mul:
        return _fold(expression.args, _mul)
    if expression.is_Pow:
        base, exponent = expression.args
        if K not in exponent.free_symbols:
            return _map(asymptotic_class(base), lambda a: _power(a, exponent))
        if _alternating(expression):
            return ((TRUE, Periodic(_ZERO, sympy.Integer(-1), sympy.Integer(1))),)
        return _exponential_class(exponent * sympy.log(base))
    if isinstance(expression, sympy.exp):
        return _exponential_class(expression.args[0])
    if isinstance(expression, sympy.log):
        return _with_series_fallback(expression, _map(asymptotic_class(expression.args[0]), _log_of))
    if isinstance(expression, (sympy.floor, sympy.ceiling)):
        return _map(asymptotic_class(expression.args[0]), _floor_of)
    if isinstance(expression, (sympy.Min, sympy.Max)):
        smaller = isinstance(expression, sympy.Min)
        return _fold(expression.args, lambda a, b: _min_max(a, b, smaller))
    if isinstance(expression, (sympy.cos, sympy.sin)):
        return _trig_class(expression)
    return ((TRUE, Unknown(f"{type(expression).__name__} is not in the schedule catalogue")),)


def _unbounded_polynomial(expression: sympy.Expr) -> bool:
    """A polynomial in k of degree >= 1 with a positive leading coefficient (so it tends to +oo)."""
    if K not in expression.free_symbols or not expression.is_polynomial(K):
        return False
    polynomial = sympy.Poly(expression, K)
    return polynomial.degree() >= 1 and polynomial.LC().is_positive is True


def _eventual_branches(expression: sympy.Expr) -> sympy.Expr:
    """``expression`` for all large k: a Min (Max) of k-free numbers and polynomials tending to +oo or -oo is, from
    some k on, its smallest (largest) number, or its one argument tending to -oo (+oo), e.g. the clamp
    ``Max(8, Min(30, k))`` of a scheduler that ends at step 30 is 30 for k >= 30, and the linear decay with a floor
    ``Max(1 - k/10, 0.01)`` is 0.01 for k >= 10. Min/Max of other arguments are left to the piecewise rules."""

    def eventual(node: sympy.Expr) -> sympy.Expr:
        numbers = [a for a in node.args if K not in a.free_symbols and a.is_extended_real and a.is_finite]
        growing = [a for a in node.args if _unbounded_polynomial(a)]
        falling = [a for a in node.args if _unbounded_polynomial(-a)]
        if not numbers or len(numbers) + len(growing) + len(falling) != len(node.args):
            return node
        winning = falling if isinstance(node, sympy.Min) else growing
        if not winning:
            return min_max(type(node), *numbers)
        return winning[0] if len(winning) == 1 else node

    if not expression.has(sympy.Min, sympy.Max):
        return expression
    return expression.replace(lambda node: isinstance(node, (sympy.Min, sympy.Max)), eventual)


def _zero_at(expression: sympy.Expr, region: Region) -> bool:
    """The sequence is 0 for every k on a region that fixes each parameter to one value."""
    values = fixed_values(region)
    if values is None:
        return False
    value = expression.xreplace(values)
    return value == 0 or (K not in value.free_symbols and sympy.simplify(value) == 0)


@functools.lru_cache(maxsize=1024)
def _sequence_class(expression: sympy.Expr) -> Pieces:
    """:func:`asymptotic_class` of a whole sequence: where a constant factor C of a_k = C * b_k (C free of k, b_k
    defined) is 0, a_k = 0 for every k, recorded as Tight(0, -1, 0, 0, inexact): below every positive rate, so it
    tends to 0, its sum and square sum converge and no ratio with it tends to a positive constant (theta_k = 1 - b at
    b = 1, theta_k/eta_k = (1 - b)(k+1)/c there). Only for the sequence itself: inside a product 0 * exp(k) the same
    stand-in would be wrong."""
    expression = _pythagoras(sympy.sympify(expression, strict=True))
    pieces = asymptotic_class(expression)
    vanishing = Tight(_ZERO, -sympy.Integer(1), _ZERO, _ZERO, False)
    if K not in expression.free_symbols:
        return tuple((r, vanishing if isinstance(s, Unknown) and s.reason == _CANCELLATION else s) for r, s in pieces)
    pieces = tuple((r, vanishing if isinstance(s, Unknown) and s.reason == _CANCELLATION and _zero_at(expression, r)
                    else s) for r, s in pieces)  # exp(-1/(k+2)) - exp(-c/(k+2)) is 0 for every k where c = 1
    constant = expression.as_independent(K, as_Add=False)[0] if expression.is_Mul else sympy.Integer(1)
    zero = sign_regions(constant)[1] if constant.free_symbols else FALSE
    if zero.is_false():
        return pieces
    rest = tuple((r & ~zero, s) for r, s in pieces)
    return (*((r, s) for r, s in rest if not r.is_false()), (zero, vanishing))


@functools.lru_cache(maxsize=1024)
def undefined_where(expression: sympy.Expr) -> Region:
    """The parameter values where a_k is undefined at every k: a division by a factor free of k that is 0 there
    (eta_k = c/((k+1)(1 - m)) at m = 1). Every property of an undefined sequence fails."""
    region = FALSE
    for node in sympy.preorder_traversal(sympy.sympify(expression, strict=True)):
        if node.is_Pow and node.exp.is_negative and node.base.free_symbols and K not in node.base.free_symbols:
            region = region | sign_regions(node.base)[1]
    return region


def _defined_only(decision: Decision, *expressions: sympy.Expr) -> Decision:
    """``decision`` with the parameter values where one of ``expressions`` is undefined moved to where it fails."""
    undefined = FALSE
    for expression in expressions:
        undefined = undefined | undefined_where(expression)
    if undefined.is_false():
        return decision
    note = f"a_k is undefined where {sympy.sstr(undefined.to_sympy())}"
    reason = decision.reason if note in decision.reason else f"{decision.reason}; {note}"
    return Decision(decision.holds & ~undefined, decision.fails | undefined, reason)


def _fold(arguments, rule) -> Pieces:
    pieces = asymptotic_class(arguments[0])
    for argument in arguments[1:]:
        pieces = _combine(pieces, asymptotic_class(argument), rule)
    return pieces


def _log_of(a: Shape) -> Pieces:
    if isinstance(a, Unknown):
        return ((TRUE, a),)
    if isinstance(a, Dominated):
        return ((TRUE, Unknown("log of a term that changes sign or vanishes")),)
    if isinstance(a, Periodic):
        positive = greater(a.lo, 0)
        return tuple((r, s) for r, s in ((positive, Periodic(None, sympy.log(a.lo), sympy.log(a.hi))),
                                         (~positive, Unknown("log of an oscillating term that is not positive")))
                     if not r.is_false())
    if not a.C.is_positive:
        return ((TRUE, Unknown("log of a term that is not eventually positive")),)
    if isinstance(a, Rapid):  # log(a_k) ~ coeff * m_k
        return ((TRUE, Tight(a.coeff, *a.scale[:3], True, a.scale[3])),)
    one = sympy.Integer(1)
    lam_nonzero = ~equal(a.lam, 0)
    p_nonzero = equal(a.lam, 0) & ~equal(a.p, 0)
    bounded = _bounded_rate(a)
    pieces = [(lam_nonzero, Tight(a.lam, _ZERO, one, _ZERO, True)),
              (p_nonzero, Tight(a.p, _ZERO, _ZERO, one, True)),
              (equal(a.lam, 0) & equal(a.p, 0) & ~equal(a.q, 0), Tight(a.q, _ZERO, _ZERO, _ZERO, True, one)),
              (equal(a.lam, 0) & equal(a.p, 0) & equal(a.q, 0) & ~equal(a.r, 0),
               Unknown("log(log(log(k))) is not in the catalogue"))]
    if a.exact:
        log_c = sympy.log(a.C)
        pieces += [(bounded & r, s) for r, s in _signed_constant(log_c, lambda c: Tight(c, _ZERO, _ZERO, _ZERO, True))]
    else:
        pieces.append((bounded, Unknown("log of a bounded term without a limit")))
    return tuple((r, s) for r, s in pieces if not r.is_false())


def _floor_of(a: Shape) -> Pieces:
    if isinstance(a, Rapid):  # floor(x) = x (1 + o(1)) as x -> oo
        return tuple((r, s) for r, s in ((greater(a.coeff, 0), a),
                                         (less(a.coeff, 0), Unknown("floor of a bounded term"))) if not r.is_false())
    if isinstance(a, Tight):
        return tuple((r, s) for r, s in ((_tends_to_infinity(a), a),
                                         (~_tends_to_infinity(a), Unknown("floor of a bounded term")))
                     if not r.is_false())
    return ((TRUE, Unknown("floor of an oscillating term")),)


def _alternating(expression: sympy.Expr) -> bool:
    """(-1)**(n*k + m) with integers n, m (cos(pi*k) is read as (-1)**k): +-1 with period 2."""
    if not (expression.is_Pow and expression.base == -1):
        return False
    affine = _affine_in_k(expression.exp)
    return affine is not None and all(c.is_integer for c in affine)


def _affine_in_k(argument: sympy.Expr):
    """(slope, offset) when ``argument`` = slope*k + offset exactly, else None."""
    if argument.is_polynomial(K):
        polynomial = sympy.Poly(argument, K)
        if polynomial.degree() == 1:
            slope, offset = polynomial.all_coeffs()
            return slope, offset
    return None


def _trig_class(expression: sympy.Expr) -> Pieces:
    argument = expression.args[0]
    affine = _affine_in_k(argument)
    if affine is not None:
        return ((TRUE, Periodic(_ZERO, sympy.Integer(-1), sympy.Integer(1))),)

    def vanishing_argument(a: Shape) -> Pieces:
        if isinstance(a, Rapid):  # sin(x) ~ x, cos(x) -> 1 as x -> 0
            near = Tight(sympy.Integer(1), _ZERO, _ZERO, _ZERO, True) if isinstance(expression, sympy.cos) else a
            return tuple((r, s) for r, s in ((less(a.coeff, 0), near), (greater(a.coeff, 0), Unknown(
                "trigonometric function of a term that does not tend to 0"))) if not r.is_false())
        if not isinstance(a, Tight):
            return ((TRUE, Unknown("trigonometric function of a term that does not tend to 0")),)
        small = _tends_to_zero(a)
        near = Tight(sympy.Integer(1), _ZERO, _ZERO, _ZERO, True) if isinstance(expression, sympy.cos) else a
        return tuple((r, s) for r, s in ((small, near),
                                         (~small, Unknown("trigonometric function of a term that does not tend to 0")))
                     if not r.is_false())

    return _with_series_fallback(expression, _map(asymptotic_class(argument), vanishing_argument))


def _exponential_class(exponent: sympy.Expr) -> Pieces:
    """Class of exp(E): E = lam*k + p*log(k) + q*log(log(k)) + r*log(log(log(k))) + c + o(1) (exact), with a
    bounded error where c*floor(u) is read as c*u (floor(u) = u - {u}), plus terms E_i ~ C_i m_i -> oo of another
    scale (sqrt(k+1), k*log(k+2), 2**k, log(k+2)**2, sqrt(log(k+2))), each a factor :class:`Rapid` of
    log-magnitude C_i m_i (1 + o(1)); the product is then ordered by the first nonzero coefficient of log|a_k|."""
    lam, p, q, r, constant, exact = _ZERO, _ZERO, _ZERO, _ZERO, _ZERO, True
    rapid: list[tuple[sympy.Expr, tuple]] = []
    terms = list(sympy.Add.make_args(sympy.expand(exponent)))
    while terms:
        term = terms.pop()
        if K not in term.free_symbols:
            constant += term
            continue
        coefficient, rest = term.as_independent(K, as_Add=False)
        if isinstance(rest, (sympy.floor, sympy.ceiling)) and coefficient.is_extended_real:
            terms += sympy.Add.make_args(sympy.expand(coefficient * rest.args[0]))
            exact = False
            continue
        if rest == K:
            lam += coefficient
            continue
        if isinstance(rest, sympy.log) and coefficient.is_extended_real:
            inner = asymptotic_class(rest.args[0])
            shape = inner[0][1] if len(inner) == 1 and inner[0][0] == TRUE else None
            if isinstance(shape, Tight) and shape.C.is_positive:
                # log(u) = log(C) + lam*k + p*log(k) + q*log(log(k)) + r*log(log(log(k))) + o(1) (O(1) if inexact)
                lam, p, q, r = (x + coefficient * y for x, y in zip((lam, p, q, r), _exponents(shape), strict=True))
                constant += coefficient * sympy.log(shape.C)
                exact = exact and shape.exact
                continue
        term_class = asymptotic_class(term)
        if len(term_class) == 1 and isinstance(term_class[0][1], Tight) and term_class[0][0] == TRUE:
            shape = term_class[0][1]
            if _tends_to_zero(shape) == TRUE:
                continue
            if shape.exact and _bounded_rate(shape) == TRUE:  # the term tends to its constant C
                constant += shape.C
                continue
            if shape.exact and all(x.is_number for x in _exponents(shape)) and _tends_to_infinity(shape) == TRUE:
                rapid.append((shape.C, _exponents(shape)))
                continue
        return ((TRUE, Unknown(f"exponent {sympy.sstr(term)} is not in the scale of k, log k, floor or o(1)")),)
    if not all(x.is_extended_real for x in (lam, p, q, r)):  # (-1)**k = exp(i*pi*k): a sign that alternates
        return ((TRUE, Unknown(f"exp({sympy.sstr(exponent)}) oscillates in sign")),)
    pieces: Pieces = ((TRUE, Tight(sympy.exp(constant), lam, p, q, exact, r)),)
    for coefficient, scale in rapid:
        if not coefficient.is_extended_real:
            return ((TRUE, Unknown(f"exp({sympy.sstr(exponent)}) oscillates")),)
        pieces = _combine(pieces, _rapid(_ONE, [scale], [coefficient]), _mul)
    return pieces


def _smooth(expression: sympy.Expr) -> bool:
    """No floor, Min/Max or oscillating trigonometric terms: SymPy's series at k = oo applies."""
    if expression.has(sympy.floor, sympy.ceiling, sympy.Min, sympy.Max):
        return False
    return all(_affine_in_k(t.args[0]) is None for t in expression.atoms(sympy.cos, sympy.sin))


def _with_series_fallback(expression: sympy.Expr, pieces: Pieces) -> Pieces:
    """Replace pieces lost to an exact cancellation by SymPy's leading term of the expression at k = oo."""
    if not any(isinstance(s, Unknown) and s.reason == _CANCELLATION for _, s in pieces) or not _smooth(expression):
        return pieces
    leading = _leading_term(expression)
    if leading is None:
        return pieces
    # SymPy's leading term is that of generic parameter values: where its coefficient is 0 (c*sqrt(k+2) -
    # d*sqrt(k+1) ~ (c - d)*sqrt(k) at c = d) it says nothing
    vanishing = sign_regions(leading.C)[1]
    inside = _leading_term_where_zero(expression, leading.C) if not vanishing.is_false() else None
    deeper = FALSE if inside is None else vanishing & ~sign_regions(inside.C)[1]
    out = []
    for region, shape in pieces:
        if isinstance(shape, Unknown) and shape.reason == _CANCELLATION:
            out += [(region & ~vanishing, leading), (region & deeper, inside),
                    (region & vanishing & ~deeper, shape)]
        else:
            out.append((region, shape))
    return tuple((r, s) for r, s in out if not r.is_false())


def _leading_term_where_zero(expression: sympy.Expr, coefficient: sympy.Expr) -> Tight | None:
    """The leading term of the expression where the generic leading coefficient is 0, when that coefficient is
    linear in one parameter (solved for it exactly): c/(k+2) - d/(k+3) ~ (c - d)/k, and at c = d it is
    d/((k+2)(k+3)) ~ d/k**2."""
    for symbol in sorted(coefficient.free_symbols, key=lambda x: x.name):
        polynomial = sympy.Poly(coefficient, symbol)
        # alpha*s + beta = 0 exactly where s = -beta/alpha only if alpha is never 0 ((c - d)*a is 0 where c = d)
        if polynomial.degree() == 1 and sign_regions(polynomial.LC())[1].is_false():
            solution = sympy.solve(coefficient, symbol)
            substituted = sympy.simplify(expression.subs(symbol, solution[0]))
            return _leading_term(substituted) if K in substituted.free_symbols else None
    return None


def _leading_term(expression: sympy.Expr) -> Tight | None:
    """C k^p (log k)^q from the leading term of the expression in x = 1/k at x = 0+."""
    try:
        term = sympy.factor_terms(expression.subs(K, 1 / _X).as_leading_term(_X))  # c*x - d*x as (c - d)*x
    except (NotImplementedError, ValueError, TypeError, sympy.PoleError):
        return None
    coefficient, rest = term.as_independent(_X, as_Add=False)
    power, log_power = _ZERO, _ZERO
    for factor in sympy.Mul.make_args(rest):
        base, exponent = factor.as_base_exp()
        if base == _X and K not in exponent.free_symbols:
            power += exponent
        elif base == sympy.log(_X) and exponent.is_number:
            log_power += exponent
            coefficient *= (-1) ** exponent
        else:
            return None
    if coefficient == 0 or _X in coefficient.free_symbols or coefficient.has(sympy.Order):
        return None
    return Tight(coefficient, _ZERO, -power, log_power, True)


# -- tail properties -----------------------------------------------------------------------------------------------
def _decide(pieces: Pieces, holds: Callable[[Shape], Region], fails: Callable[[Shape], Region]) -> Decision:
    holds_region, fails_region, reasons = FALSE, FALSE, []
    for region, shape in pieces:
        if isinstance(shape, Unknown):
            reasons.append(shape.reason)
            continue
        holds_region = holds_region | (region & holds(shape))
        fails_region = fails_region | (region & fails(shape))
    return Decision(holds_region, fails_region, _summary(pieces, reasons))


def _summary(pieces: Pieces, reasons: list[str]) -> str:
    if reasons:
        return "; ".join(sorted(set(reasons)))
    grouped: dict[str, Region] = {}
    for region, shape in pieces:  # pieces with the same description are shown once, on the union of their regions
        text = shape.describe()
        grouped[text] = grouped[text] | region if text in grouped else region
    if len(grouped) == 1:
        return f"a_k {next(iter(grouped))}"
    return "a_k " + "; ".join(f"{text} where {region}" for text, region in grouped.items())


def tends_to_zero(expression: sympy.Expr, without: Region = FALSE) -> Decision:
    """a_k -> 0 (decided outside the region ``without``)."""
    def fails(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return greater(s.coeff, 0)
        if isinstance(s, Dominated):  # |a_k| >= delta b_k infinitely often
            return _oscillating(s) & ~_tends_to_zero(s.bound)
        return ~_tends_to_zero(s) if isinstance(s, Tight) else TRUE

    return _defined_only(_decide(_outside(_sequence_class(expression), without), _tends_to_zero_pieces, fails),
                         expression)


def _outside(pieces: Pieces, region: Region) -> Pieces:
    if region.is_false():
        return pieces
    return tuple((r & ~region, s) for r, s in pieces if not (r & ~region).is_false())


def _sum_diverges(t: Tight) -> Region:
    """Bertrand series: sum exp(lam k) k^p (log k)^q (log log k)^r = oo iff (lam, p + 1, q + 1, r + 1) >= 0
    lexicographically (Cauchy condensation, twice)."""
    above, _ = _lex((t.lam, t.p + 1, t.q + 1, t.r + 1))
    return above | (equal(t.lam, 0) & equal(t.p, -1) & equal(t.q, -1) & equal(t.r, -1))


def _rapid_sum_diverges(s: Rapid) -> tuple[Region, Region]:
    """(diverges, converges) for a_k = exp(coeff m_k (1 + o(1))): a_k -> oo where coeff > 0; where coeff < 0 and m
    grows faster than log k, a_k <= k^-2 eventually; slower than log k, a_k >= k^-1 eventually; at m = log k,
    a_k = k^(coeff (1 + o(1))) converges for coeff < -1 and diverges for coeff > -1 (undecided at -1)."""
    if s.scale > _LEVEL_LOG:
        return greater(s.coeff, 0), less(s.coeff, 0)
    if s.scale < _LEVEL_LOG:
        return TRUE, FALSE
    return greater(s.coeff, -1), less(s.coeff, -1)


def sum_diverges(expression: sympy.Expr) -> Decision:
    """sum_k a_k = oo (for eventually positive a_k; a Periodic term diverges when its mean or lower bound is > 0; an
    O(b_k) term converges absolutely where sum b_k does; a Rapid term by :func:`_rapid_sum_diverges`)."""
    def holds(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return _rapid_sum_diverges(s)[0]
        if isinstance(s, Tight):
            return _sum_diverges(s)
        if isinstance(s, Dominated):
            return _averaged_sum_diverges(s)
        return greater(s.lo, 0) | (greater(s.mean, 0) if s.mean is not None else FALSE)

    def fails(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return _rapid_sum_diverges(s)[1]
        if isinstance(s, Tight):
            return ~_sum_diverges(s)
        if isinstance(s, Dominated):
            return ~_sum_diverges(s.bound)
        return less(s.hi, 0) | (less(s.mean, 0) if s.mean is not None else FALSE)

    pieces = _sequence_class(expression)
    return _defined_only(_compared_with_series(_decide(pieces, holds, fails), pieces, "a_k"), expression)


def _averaged_sum_diverges(s: Dominated) -> Region:
    """sum P_k b_k = oo for a periodic or almost periodic P_k >= 0 with mean m > 0 and b_k > 0 eventually with
    b_k = Theta(B_k), B_k = exp(lam k) k^p (log k)^q (log log k)^r, wherever sum B_k = oo: the terms are nonnegative,
    so sum P_k b_k diverges with sum P_k B_k (limit comparison), and with S_n = P_0 + ... + P_n = m n + o(n) and B
    eventually monotone, summation by parts gives sum_{k <= n} P_k B_k ~ m sum_{k <= n} B_k (Stolz-Cesaro):
    (1 + (-1)**k)/(k+1), with P = 2, 0, 2, 0, ... of mean 1, diverges as sum 1/k does."""
    periodic = s.factor
    if periodic is None or periodic.mean is None:
        return FALSE
    return greater_equal(periodic.lo, 0) & greater(periodic.mean, 0) & greater(s.bound.C, 0) & \
        _sum_diverges(s.bound)


def _compared_with_series(decision: Decision, pieces: Pieces, name: str) -> Decision:
    """The decision with its comparison series named, for the classes beyond plain powers: a Bertrand series for a
    factor log(log(k)), the bounds k^-2 and k^-1 for a term of exponential order."""
    said = []
    for _, shape in pieces:
        if isinstance(shape, Tight) and shape.r != 0:
            said.append(f"sum {name} compared with the Bertrand series: sum k**p*log(k)**q*log(log(k))**r = oo "
                        "exactly when (p, q, r) >= (-1, -1, -1) lexicographically")
        elif isinstance(shape, Dominated) and shape.factor is not None and shape.factor.mean is not None:
            said.append(f"{name} = P_k*Theta({_rate_text(shape.bound) or '1'}) with P periodic of mean "
                        f"{sympy.sstr(shape.factor.mean)}: where P >= 0 and its mean is > 0, sum {name} diverges "
                        f"exactly when sum {_rate_text(shape.bound, plain=True) or '1'} does")
        elif isinstance(shape, Rapid):
            side = "below k**(-2)" if shape.scale > _LEVEL_LOG else "above k**(-1)"
            said.append(f"{name} is eventually {side} where it tends to 0" if shape.scale != _LEVEL_LOG else
                        f"{name} = k**(c*(1 + o(1))) compared with k**(-1)")
    if not said or (decision.holds | decision.fails).is_false():
        return decision
    return Decision(decision.holds, decision.fails, f"{decision.reason} ({'; '.join(dict.fromkeys(said))})")


def square_summable(expression: sympy.Expr) -> Decision:
    """sum_k a_k^2 < oo (for an O(b_k) term: where sum b_k^2 < oo; it fails where a_k does not tend to 0)."""
    def squared(s: Tight) -> Tight:
        return replace(s, lam=2 * s.lam, p=2 * s.p, q=2 * s.q, r=2 * s.r)

    def holds(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return _rapid_sum_diverges(replace(s, coeff=2 * s.coeff))[1]
        if isinstance(s, Dominated):
            return ~_sum_diverges(squared(s.bound))
        return ~_sum_diverges(squared(s)) if isinstance(s, Tight) else FALSE

    def fails(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return _rapid_sum_diverges(replace(s, coeff=2 * s.coeff))[0]
        if isinstance(s, Dominated):
            return _oscillating(s) & ~_tends_to_zero(s.bound)
        return _sum_diverges(squared(s)) if isinstance(s, Tight) else TRUE

    pieces = _sequence_class(expression)
    return _defined_only(_compared_with_series(_decide(pieces, holds, fails), pieces, "a_k**2"), expression)


def log_weighted_to_zero(expression: sympy.Expr) -> Decision:
    """a_k log k -> 0, i.e. a_k = o(1/log k)."""
    def weighted(s: Tight) -> Tight:
        return replace(s, q=s.q + 1)

    def rapid(s: Rapid) -> Rapid:  # log(a_k log k) = coeff m_k (1 + o(1)) + log log k
        if s.scale < _LEVEL_LOGLOG:  # exp(-sqrt(log(log(k)))) log k -> oo
            return Rapid(s.C, _ONE, _LEVEL_LOGLOG)
        return replace(s, coeff=s.coeff + 1) if s.scale == _LEVEL_LOGLOG else s

    def holds(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return less(rapid(s).coeff, 0)
        if isinstance(s, Dominated):
            return _tends_to_zero(weighted(s.bound))
        return _tends_to_zero(weighted(s)) if isinstance(s, Tight) else FALSE

    def fails(s: Shape) -> Region:
        if isinstance(s, Rapid):
            return greater(rapid(s).coeff, 0)
        if isinstance(s, Dominated):
            return _oscillating(s) & ~_tends_to_zero(weighted(s.bound))
        return ~_tends_to_zero(weighted(s)) if isinstance(s, Tight) else TRUE

    return _defined_only(_decide(_sequence_class(expression), holds, fails), expression)


def ratio_to_zero(numerator: sympy.Expr, denominator: sympy.Expr) -> Decision:
    """numerator_k / denominator_k -> 0 (fails where either sequence is undefined, or the denominator is 0)."""
    zero = _zero_where(denominator)
    decision = _defined_only(tends_to_zero(numerator / denominator, zero), numerator, denominator)
    return _failing_where_zero(decision, zero)


def _zero_where(expression: sympy.Expr) -> Region:
    """Where the sequence is 0 for every k (exp(-1/(k+2)) - exp(-c/(k+2)) at c = 1): a ratio over it is undefined."""
    zero = FALSE
    for region, shape in _sequence_class(expression):
        if isinstance(shape, Tight) and shape.C == 0:
            zero = zero | region
    return zero


def _failing_where_zero(decision: Decision, zero: Region) -> Decision:
    if (zero & ~decision.fails).is_false():  # nothing new (1 - b at b = 1: already undefined there)
        return decision
    note = f"the denominator is 0 for every k where {sympy.sstr(zero.to_sympy())}"
    return Decision(decision.holds & ~zero, decision.fails | zero, f"{decision.reason}; {note}")


def ratio_to_constant(numerator: sympy.Expr, denominator: sympy.Expr) -> Decision:
    """numerator_k / denominator_k -> tau with 0 < tau < oo (fails where either sequence is undefined, or the
    denominator is 0)."""
    quotient = numerator / denominator

    def holds(s: Shape) -> Region:
        return _bounded_rate(s) & greater(s.C, 0) if isinstance(s, Tight) and s.exact else FALSE

    def fails(s: Shape) -> Region:
        if isinstance(s, Dominated):  # -> 0 where b_k -> 0; unbounded, or without a limit, where it oscillates
            bound = s.bound
            no_limit = _tends_to_infinity(bound) | (_bounded_rate(bound) if bound.exact else FALSE)
            return _tends_to_zero(bound) | (_oscillating(s) & no_limit)
        return (~_bounded_rate(s) | less(s.C, 0)) if isinstance(s, Tight) else TRUE

    zero = _zero_where(denominator)
    decision = _decide(_outside(_sequence_class(quotient), zero), holds, fails)
    inexact = [s for _, s in asymptotic_class(quotient) if isinstance(s, Tight) and not s.exact]
    if inexact:
        reason = "the ratio is bounded above and below but its limit is not decided (floor terms)"
        decision = Decision(decision.holds, decision.fails, f"{decision.reason}; {reason}")
    return _failing_where_zero(_defined_only(decision, quotient, numerator, denominator), zero)


# -- whole-sequence properties -------------------------------------------------------------------------------------
def _direction(expression: sympy.Expr) -> tuple[Region, Region]:
    """Regions where the sequence is proven nonincreasing and nondecreasing in k (for all k >= 0)."""
    if K not in expression.free_symbols:
        return TRUE, TRUE
    if expression == K:
        return FALSE, TRUE
    if expression.is_Add or isinstance(expression, (sympy.Min, sympy.Max)):
        down, up = TRUE, TRUE
        for term in expression.args:
            term_down, term_up = _direction(term)
            down, up = down & term_down, up & term_up
        return down, up
    if expression.is_Mul:
        constant, varying = expression.as_independent(K, as_Add=False)
        down, up = _product_direction(sympy.Mul.make_args(varying))
        if down == FALSE and up == FALSE and varying.free_symbols == {K} and constant.free_symbols:
            tail = certified_tail(varying)  # c*(sqrt(k+2) - sqrt(k+1)): the parameter-free part by its derivative
            if tail is not None and tail.start == 0:
                down, up = (TRUE, FALSE) if tail.down else (FALSE, TRUE)
        c_pos, c_zero, c_neg = sign_regions(constant)
        return (c_pos & down) | (c_neg & up) | c_zero, (c_pos & up) | (c_neg & down) | c_zero
    if expression.is_Pow:
        base, exponent = expression.args
        positive = TRUE if base.is_positive or (base.is_nonnegative and exponent.is_positive) \
            else _structurally_positive(base)  # k**(1/2) is nondecreasing from 0
        if K not in exponent.free_symbols:
            base_down, base_up = _direction(base)
            e_pos, e_zero, e_neg = sign_regions(exponent)
            return (positive & ((e_pos & base_down) | (e_neg & base_up) | e_zero),
                    positive & ((e_pos & base_up) | (e_neg & base_down) | e_zero))
        if positive == TRUE:  # u**v = exp(v log u): (k+2)**(-k)
            return _direction(exponent * sympy.log(base))
        return FALSE, FALSE
    if isinstance(expression, sympy.exp):
        return _direction(expression.args[0])
    if isinstance(expression, (sympy.log, sympy.floor, sympy.ceiling)):
        if isinstance(expression, sympy.log) and not (expression.args[0].is_positive
                                                       or _structurally_positive(expression.args[0]) == TRUE):
            return FALSE, FALSE
        return _direction(expression.args[0])
    return FALSE, FALSE


def _product_direction(factors) -> tuple[Region, Region]:
    """(nonincreasing, nondecreasing) regions of a product: every factor so, and nonnegative if there are several."""
    down, up = TRUE, TRUE
    for factor in factors:
        factor_down, factor_up = _direction(factor)
        nonnegative = TRUE if len(factors) == 1 else _nonnegative_factor(factor)
        down, up = down & factor_down & nonnegative, up & factor_up & nonnegative
    return down, up


def _nonnegative_factor(factor: sympy.Expr) -> Region:
    """A region where the factor is >= 0 at every k: by the positivity rules, else by SymPy's assumptions (asked only
    then: they cost milliseconds on a large sum)."""
    region = _positive_by_rules(factor)
    return TRUE if region == TRUE or factor.is_nonnegative else region


def _at_zero(expression: sympy.Expr) -> sympy.Expr:
    return expression.xreplace({K: _ZERO})


def _tail_positive(expression: sympy.Expr) -> Region:
    region = FALSE
    for piece_region, shape in asymptotic_class(expression):
        if isinstance(shape, (Tight, Rapid)):
            region = region | (piece_region & sign_regions(shape.C)[0])
        elif isinstance(shape, Periodic):
            region = region | (piece_region & greater(shape.lo, 0))
    return region


def _tail_negative(expression: sympy.Expr) -> Region:
    region = FALSE
    for piece_region, shape in asymptotic_class(expression):
        if isinstance(shape, (Tight, Rapid)):
            region = region | (piece_region & sign_regions(shape.C)[2])
    return region


def _structurally_positive(expression: sympy.Expr) -> Region:
    """A region where every k >= 0 gives a positive term, by rules that keep positivity (sufficient only); SymPy's
    assumptions (``k + 1/2`` is positive) are asked only where the rules do not prove it everywhere: they cost
    milliseconds on a large sum."""
    region = _positive_by_rules(expression)
    if region == TRUE or (expression.is_Add and any(t.could_extract_minus_sign() for t in expression.args)):
        return region  # a difference is left to the sign certificates, which prove more of them, faster
    return TRUE if expression.is_positive else region


def _positive_by_rules(expression: sympy.Expr) -> Region:
    if K not in expression.free_symbols:
        return sign_regions(expression)[0]
    bounds = _pure_periodic_bounds(expression)
    if bounds is not None:  # 2 + (-1)**k >= 1 at every k
        return greater(bounds[0], 0)
    if expression.is_Mul or isinstance(expression, sympy.Min):
        region = TRUE
        for factor in expression.args:
            region = region & _structurally_positive(factor)
        return region
    if isinstance(expression, sympy.Max):
        region = FALSE
        for argument in expression.args:
            region = region | _structurally_positive(argument)
        return region
    if expression.is_Add:
        region = TRUE
        for term in expression.args:
            region = region & _structurally_positive(term)
        return region
    if expression.is_Pow:
        return _structurally_positive(expression.base)
    if isinstance(expression, sympy.exp):
        return TRUE
    if isinstance(expression, sympy.log):  # log(u) > 0 for u nondecreasing from u_0 > 1: log(log(k+3))
        argument = expression.args[0]
        return _direction(argument)[1] & greater(_at_zero(argument), 1)
    if isinstance(expression, (sympy.sin, sympy.cos)) and _affine_in_k(expression.args[0]) is None:
        # sin(u) > 0 for 0 < u < pi, cos(u) > 0 for 0 < u < pi/2: u > 0 nonincreasing from u_0 below the bound
        argument = expression.args[0]
        bound = sympy.pi if isinstance(expression, sympy.sin) else sympy.pi / 2
        return _structurally_positive(argument) & _direction(argument)[0] & less(_at_zero(argument), bound)
    return FALSE


_INCREASING = (sympy.log, sympy.exp)


def _monotone_parts(term: sympy.Expr):
    """(coefficient, kind, u) with term = coefficient * g(u), g one of log, exp and the power u**e (e a number, u > 0
    for every k): kind is "log", "exp" or the exponent e; None otherwise."""
    coefficient, rest = term.as_independent(K, as_Add=False)
    if isinstance(rest, _INCREASING):
        return coefficient, type(rest).__name__, rest.args[0]
    if rest.is_Pow and K not in rest.exp.free_symbols and rest.exp.is_number and rest.base.is_Add \
            and _structurally_positive(rest.base) == TRUE:
        return coefficient, rest.exp, rest.base
    return None


def _compared(expression: sympy.Expr) -> tuple[sympy.Expr, str] | None:
    """For a difference c*g(u) - d*g(v) of one strictly monotone g (log, exp, u**e with e a number), an expression
    of the same sign at every k, with its unsimplified text: c*(u - v) for log and exp when c = d, and
    sign(e)*(c**(1/e)*u - d**(1/e)*v) for powers (sqrt(k+3) - sqrt(k+2) has the sign of (k+3) - (k+2)); None when
    the expression is not of this form."""
    if not expression.is_Add or len(expression.args) != 2:
        return None
    parts = [_monotone_parts(term) for term in expression.args]
    if None in parts or parts[0][1] != parts[1][1]:
        return None
    (c, kind, u), (d, _, v) = sorted(parts, key=lambda part: not part[0].is_positive)  # the positive term first
    if kind in ("log", "exp"):
        larger, smaller = c * u, c * v
        if not (c == -d and c.is_positive):
            return None
    elif not (c.is_positive and d.is_negative) and not (c.is_negative and d.is_positive):
        return None
    else:
        root = 1 / kind
        first, second = abs(c) ** root * u, abs(d) ** root * v
        larger, smaller = (first, second) if (c.is_positive == (kind > 0)) else (second, first)
    left = sympy.sstr(larger)
    return larger - smaller, f"{f'({left})' if larger.is_Add else left} - {_operand(smaller, sums_only=True)}"


def _operand(expression: sympy.Expr, sums_only: bool = False) -> str:
    """The expression as an operand of / or of a subtraction: in parentheses unless it is a symbol or a whole
    number (with ``sums_only``, unless it is not a sum)."""
    text = sympy.sstr(expression)
    bare = not expression.is_Add if sums_only else \
        (expression.is_Atom and not (expression.is_Rational and not expression.is_Integer))
    return text if bare and not text.startswith("-") else f"({text})"


def _polynomial_sign(polynomial: sympy.Expr, strict: bool) -> tuple[Region, Region]:
    """(region where p(k) > 0 (>= 0 unless ``strict``) for every k >= 0, region where p(k) <= 0 (< 0) at some
    k >= 0) for a polynomial in k: exact for degree <= 1 (b + a k: b > 0 and a >= 0); otherwise nonnegative
    coefficients with a positive constant term suffice, and a negative constant or leading term fails."""
    poly = sympy.Poly(polynomial, K)
    coefficients = poly.all_coeffs()[::-1]  # constant term first
    at_zero = (greater if strict else greater_equal)(coefficients[0], 0)
    if poly.degree() <= 1:
        slope = coefficients[1] if poly.degree() == 1 else _ZERO
        return at_zero & greater_equal(slope, 0), ~at_zero | less(slope, 0)
    if not polynomial.free_symbols - {K}:
        roots = [r for r in poly.real_roots() if r >= 0]
        holds = at_zero == TRUE and not roots
        return (TRUE if holds else FALSE), ~at_zero
    holds = at_zero
    for coefficient in coefficients[1:]:
        holds = holds & greater_equal(coefficient, 0)
    return holds, ~at_zero | less(coefficients[-1], 0)


def _sign_certificate(expression: sympy.Expr, strict: bool = True, depth: int = 0) -> tuple[Region, Region, str]:
    """(region where a_k > 0 (>= 0 unless ``strict``) for every k >= 0, region where a_k <= 0 (< 0) at some k >= 0)
    for a difference whose leading terms may cancel, by exact algebra: a difference of one monotone function is
    compared through its arguments (:func:`_compared`), and a rational function is combined into one fraction
    N/D whose numerator and denominator are polynomials in k or structurally positive (1/(k+2) - 1/(k+3) =
    1/((k+2)(k+3)); c/(k+2) - d/(k+3) = ((c - d) k + 3c - 2d)/((k+2)(k+3))). Both regions are proven (sufficient
    only: elsewhere nothing is claimed); the text states the argument. A product c*(1/(k+1) - 1/(k+2)) is positive
    where c > 0 and each factor is structurally positive or has such a certificate."""
    if K not in expression.free_symbols:  # theta_k = 1 - b
        positive, zero, negative = sign_regions(expression)
        holds, fails = (positive, zero | negative) if strict else (positive | zero, negative)
        return holds, fails, f"{sympy.sstr(expression)} does not depend on k"
    if depth <= 2 and expression.is_Mul and _smooth(expression):
        constant, varying = expression.as_independent(K, as_Add=False)
        holds, said = sign_regions(constant)[0], []
        for factor in sympy.Mul.make_args(varying):
            positive = _structurally_positive(factor)
            if positive != TRUE:
                certified, _, argument = _sign_certificate(factor, strict, depth + 1)
                positive, said = positive | certified, [*said, argument] if argument else said
            holds = holds & positive
        return holds, FALSE, "; ".join(said)
    if depth > 2 or not _smooth(expression) or not expression.is_Add:
        return FALSE, FALSE, ""
    found = _compared(expression)
    if found is not None:
        compared, shown = found
        expanded = sympy.expand(compared)
        compared = compared if expanded.is_Add else expanded  # (k+2)/c - (k+1)/c = 1/c
        said = f"{sympy.sstr(expression)} has the sign of {shown}" + \
            (f" = {sympy.sstr(compared)}" if shown != sympy.sstr(compared) else "")
        if not compared.is_Add:
            return _structurally_positive(compared), FALSE, said
        holds, fails, argument = _sign_certificate(compared, strict, depth + 1)
        restated = f"{sympy.sstr(compared)} = "
        if argument.startswith(restated):  # X has the sign of Y = N/D, Y written once
            return holds, fails, f"{said} = {argument[len(restated):]}"
        return holds, fails, f"{said}{', ' + argument if argument else ''}"
    numerator, denominator = sympy.fraction(sympy.together(expression))
    if not numerator.is_polynomial(K):
        return FALSE, FALSE, ""
    denominator_positive = _polynomial_sign(denominator, True)[0] if denominator.is_polynomial(K) else \
        _structurally_positive(denominator)
    numerator = sympy.expand(numerator)
    holds, fails = _polynomial_sign(numerator, strict)
    said = f"{sympy.sstr(expression)} = " + (sympy.sstr(numerator) if denominator == 1 else
                                              f"{_operand(numerator)}/{_operand(denominator)}")
    return denominator_positive & holds, denominator_positive & fails, said


def _periodic_scan(expression: sympy.Expr, margin: sympy.Expr, strict: bool) -> tuple[bool, int | None] | None:
    """For a parameter-free expression where k occurs only in cos/sin(omega*k + phi) with omega/pi rational:
    check margin_k > 0 (``strict``) or >= 0 at every k of one full period. Values are screened at 40 digits and
    decided exactly (SymPy) when they are within 1e-25 of 0. Returns (all passed, first failing k), or None when
    the expression is not of that form."""
    if expression.free_symbols != {K}:
        return None
    period = _period(expression)
    if period is None or period > 4000:
        return None
    numeric = sympy.lambdify(K, margin, "mpmath")
    with mpmath.workdps(40):
        for k in range(period):
            value = numeric(k)
            if value > 1e-25:
                continue
            if value < -1e-25 or not _exact_margin_ok(margin.subs(K, k), strict):
                return False, k
    return True, None


def _oscillators(expression: sympy.Expr) -> set:
    """The cos/sin terms and the signs (-1)**(n*k + m) of the expression."""
    return expression.atoms(sympy.cos, sympy.sin) | {p for p in expression.atoms(sympy.Pow) if _alternating(p)}


def _period(expression: sympy.Expr) -> int | None:
    """The period in k of an expression where k occurs only in (-1)**(n*k + m) and cos/sin(omega*k + phi) with
    omega/pi rational; None when it is not of that form."""
    oscillators = _oscillators(expression)
    if not oscillators or K in expression.subs({t: sympy.Dummy() for t in oscillators}).free_symbols:
        return None
    period = 1
    for t in oscillators:
        if _alternating(t):
            period = math.lcm(period, 2)
            continue
        affine = _affine_in_k(t.args[0])
        ratio = None if affine is None else affine[0] / sympy.pi
        if ratio is None or not ratio.is_Rational:
            return None
        period = math.lcm(period, int(2 * ratio.q))
    return period


def _exact_margin_ok(value: sympy.Expr, strict: bool) -> bool:
    """value > 0 (>= 0 unless ``strict``), exactly: a value whose evaluations at 40 and 80 digits agree to 20
    digits and are away from 0 has their sign; otherwise 0 is ruled out (or found) by SymPy first."""
    coarse, fine = value.evalf(40), value.evalf(80)
    if fine.is_Number and coarse.is_Number and abs(fine) > 1e-30 and abs(coarse - fine) < abs(fine) * 1e-20:
        return bool(fine > 0)
    if value.is_zero or sympy.simplify(value) == 0:
        return not strict
    return bool(value.evalf(100) > 0)


def _pure_periodic_bounds(expression: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """(lo, hi) with lo <= a_k <= hi for EVERY k when k occurs only in cos/sin of affine arguments combined by
    sums and constant multiples (the bounds -1 <= cos, sin, (-1)**k <= 1 hold at every k, not only eventually)."""
    trig = _oscillators(expression)
    if not trig or K in expression.subs({t: sympy.Dummy() for t in trig}).free_symbols:
        return None
    if _alternating(expression) or (expression in trig and _affine_in_k(expression.args[0]) is not None):
        return sympy.Integer(-1), sympy.Integer(1)
    pieces = asymptotic_class(expression)
    expanded = sympy.expand(expression)  # d + c*(1 + cos(pi*k/t))/2 as d + c/2 + c*cos(pi*k/t)/2
    if len(pieces) == 1 and pieces[0][0] == TRUE and isinstance(pieces[0][1], Periodic) \
            and all(_alternating(t) or _affine_in_k(t.args[0]) is not None for t in trig) and expanded.is_Add \
            and all(K not in term.free_symbols or term.as_independent(K, as_Add=False)[1] in trig
                    for term in expanded.args):
        return pieces[0][1].lo, pieces[0][1].hi
    return None


def _undefined(expression: sympy.Expr) -> Decision | None:
    found = first_undefined(expression)
    return None if found is None else Decision(FALSE, TRUE, f"a_k is undefined at k = {found[0]} ({found[1]})")


def _where_defined(decide: Callable[[sympy.Expr], Decision]) -> Callable[[sympy.Expr], Decision]:
    """A whole-sequence decision that fails where the sequence is undefined (:func:`undefined_where`)."""
    @functools.wraps(decide)
    def decided(expression: sympy.Expr) -> Decision:
        return _defined_only(decide(_pythagoras(expression)), expression)

    return decided


def _pythagoras(expression: sympy.Expr) -> sympy.Expr:
    """The sequence with sin(u)**2 + cos(u)**2 read as 1 (SymPy's trigsimp, for an expression with both sin and
    cos): sin(k+2)**2 + cos(k+2)**2 - 1 is 0 for every k."""
    if not (expression.has(sympy.sin) and expression.has(sympy.cos)):
        return expression
    return sympy.trigsimp(expression)


#: The certified tail starts at most here (a_0, ..., a_K are then evaluated exactly).
_TAIL_LIMIT = 4096


@dataclass(frozen=True)
class Tail:
    """a_k is nonincreasing (``down``) or nondecreasing for every k >= ``start``: the derivative of the continuous
    extension a(x) has a fixed sign on [start, oo), proven factor by factor (every factor structurally positive, of
    a proven sign for all x >= 0, or nondecreasing with a value >= 0 at x = start)."""

    start: int
    down: bool

    def describe(self) -> str:
        side = "nonincreasing" if self.down else "nondecreasing"
        return f"a_k is {side} for k >= {self.start} (the derivative of its continuous extension a(x) is " \
               f"{'<=' if self.down else '>='} 0 for x >= {self.start})"


@functools.lru_cache(maxsize=1024)
def certified_tail(expression: sympy.Expr) -> Tail | None:
    """The :class:`Tail` of a parameter-free smooth a_k without oscillating factors (None when no factor argument
    certifies a start <= :data:`_TAIL_LIMIT`): (k+1)**3/3**k is nonincreasing for k >= 2 since its derivative is
    3**(-x) (x+1)**2 (3 - (x+1) log 3), and 3 - (x+1) log 3 <= 0 from x = 2 on, as (x+1) log 3 - 3 is
    nondecreasing."""
    if expression.free_symbols != {K} or not _smooth(expression) or expression.has(sympy.I) \
            or any(_alternating(p) for p in expression.atoms(sympy.Pow)):
        return None
    exact = expression.xreplace({f: sympy.Rational(f) for f in expression.atoms(sympy.Float)})  # the same values
    derivative = sympy.factor_terms(sympy.together(sympy.diff(exact, K)))
    if not (_continuous_for_real_k(exact) and _continuous_for_real_k(derivative)):
        return None
    if derivative == 0:
        return Tail(0, True)
    for down in (True, False):
        start = _nonnegative_from(-derivative if down else derivative)
        if start is not None:
            return Tail(start, down)
    return None


def _continuous_for_real_k(expression: sympy.Expr) -> bool:
    """Every negative or fractional power and every log in the expression has an argument that SymPy proves positive
    for every REAL k >= 0, so the extension a(x) is smooth on [0, oo) (1/(2k - 1) is defined at every integer k but
    has a pole at x = 1/2); the sign rules applied to it then hold for real x, not only for integers."""
    real = _REAL_K
    for node in sympy.preorder_traversal(expression):
        if node.is_Pow and K in node.base.free_symbols and not (node.exp.is_integer and node.exp.is_nonnegative):
            argument = node.base
        elif isinstance(node, sympy.log):
            argument = node.args[0]
        else:
            continue
        if not argument.subs(K, real).is_positive:
            return False
    return True


def _nonnegative_from(h: sympy.Expr, depth: int = 0) -> int | None:
    """An integer K <= :data:`_TAIL_LIMIT` with h(x) >= 0 for every real x >= K, proven factor by factor: a factor
    is structurally positive, or >= 0 by :func:`_sign_certificate`, or nondecreasing from some K' on (structurally,
    or by the same argument applied to its derivative, up to two levels) with a value >= 0 at an integer K >= K'.
    None when no such proof is found."""
    constant, rest = h.as_independent(K, as_Add=False)
    if not constant.is_nonzero:
        return None
    undecided = [f for f in sympy.Mul.make_args(rest) if _structurally_positive(f) != TRUE]
    if constant.is_negative:
        if len(undecided) != 1:
            return None
        undecided = [-undecided[0]]
    start = 0
    for factor in undecided:
        factor = _without_common_powers(factor)
        if any(_sign_certificate(f, strict=False)[0] == TRUE for f in (factor, sympy.expand(factor))):
            continue
        rising = 0 if _direction(factor)[1] == TRUE else None
        if rising is None and depth < 2:
            derivative = sympy.factor_terms(sympy.together(sympy.diff(factor, K)))
            rising = _nonnegative_from(derivative, depth + 1) if _continuous_for_real_k(derivative) else None
        found = None if rising is None else _first_nonnegative(factor, rising)
        if found is None:
            return None
        start = max(start, found)
    return start


def _without_common_powers(expression: sympy.Expr) -> sympy.Expr:
    """A sum divided by the powers u**e of structurally positive u common to all its terms (the same sign):
    8*(k+1)**(13/10) - 3*(k+1)**(9/5) becomes 8 - 3*(k+1)**(1/2)."""
    if not expression.is_Add:
        return expression
    common = None
    for term in expression.args:
        powers: dict = {}
        for factor in sympy.Mul.make_args(term):
            base, exponent = factor.as_base_exp()
            if K in base.free_symbols and exponent.is_number and _structurally_positive(base) == TRUE:
                powers[base] = powers.get(base, _ZERO) + exponent
        common = powers if common is None else {b: sympy.Min(e, powers[b]) for b, e in common.items() if b in powers}
    if not common:
        return expression
    divisor = sympy.Mul(*(base ** exponent for base, exponent in common.items()))
    return sympy.Add(*(term / divisor for term in expression.args))


def _first_nonnegative(g: sympy.Expr, low: int = 0) -> int | None:
    """For g nondecreasing on [low, oo): the least integer K in [low, :data:`_TAIL_LIMIT`] with g(K) >= 0 (exactly),
    or None."""
    def ok(k: int) -> bool:
        return _exact_margin_ok(g.subs(K, k), strict=False)

    if ok(low):
        return low
    step = 1
    while not ok(low + step):
        step *= 2
        if low + step > _TAIL_LIMIT:
            return None
    below, high = low + step // 2, low + step  # g(below) < 0 <= g(high)
    while high - below > 1:
        middle = (below + high) // 2
        below, high = (below, middle) if ok(middle) else (middle, high)
    return high


def _first_violation(expression: sympy.Expr, count: int, bad: Callable[[sympy.Expr], bool]) -> int | None:
    """The first k < ``count`` where ``bad(a_k)`` (exactly; values screened at 50 digits), or None."""
    numeric = sympy.lambdify(K, expression, "mpmath")
    with mpmath.workdps(50):
        for k in range(count):
            value = numeric(k)
            if isinstance(value, mpmath.mpf) and (value > 1e-30 if bad is _nonpositive_value else value < 1 - 1e-30):
                continue
            if bad(expression.subs(K, k)):
                return k
    return None


def _nonpositive_value(value: sympy.Expr) -> bool:
    return not _exact_margin_ok(value, strict=True)


def _above_one(value: sympy.Expr) -> bool:
    return not _exact_margin_ok(1 - value, strict=False)


def _tail_positive_decision(expression: sympy.Expr) -> Decision | None:
    """a_k > 0 for all k from a certified tail (nonincreasing to a positive tail, or nondecreasing) and exact values
    below its start; None when no tail is certified."""
    tail = certified_tail(expression)
    if tail is None or (tail.down and _tail_positive(expression) != TRUE):
        return None
    witness = _first_violation(expression, tail.start + 1, _nonpositive_value)
    if witness is not None:
        return Decision(FALSE, TRUE, f"a_k <= 0 at k = {witness}")
    positive_tail = ", a_k is eventually positive," if tail.down else ""
    return Decision(TRUE, FALSE, f"a_k > 0 for all k: {tail.describe()}{positive_tail} and a_k > 0 at "
                                 f"{_first_terms(tail.start)}")


def _tail_at_most_one_decision(expression: sympy.Expr) -> Decision | None:
    """a_k <= 1 for all k from a certified tail (nonincreasing, or nondecreasing to a limit <= 1) and exact values
    below its start, or a witness k with a_k > 1 there; None when no tail is certified."""
    tail = certified_tail(expression)
    if tail is None:
        return None
    witness = _first_violation(expression, tail.start + 1, _above_one)
    if witness is not None:
        value = expression.subs(K, witness)
        shown = sympy.sstr(value if value.is_Rational else value.evalf(6))
        return Decision(FALSE, TRUE, f"a_k = {shown} > 1 at k = {witness}")
    if not tail.down and _limit_at_most_one(expression) != TRUE:
        return None
    limit = "" if tail.down else ", its limit is <= 1"
    return Decision(TRUE, FALSE, f"a_k <= 1 for all k: {tail.describe()}{limit} and a_k <= 1 at "
                                 f"{_first_terms(tail.start)}")


def _first_terms(last: int) -> str:
    return "k = 0" if last == 0 else f"k = 0..{last}"



@_where_defined
def positive_always(expression: sympy.Expr) -> Decision:
    """a_k > 0 for every k >= 0 (a failure names a witness k where one is found: k = 0, an early term, or one
    found along the negative tail)."""
    undefined = _undefined(expression)
    if undefined is not None:
        return undefined
    scan = _periodic_scan(expression, expression, strict=True)
    if scan is not None:
        passed, witness = scan
        return Decision(TRUE, FALSE, "a_k > 0 for all k: checked exactly over one period") if passed else \
            Decision(FALSE, TRUE, f"a_k <= 0 at k = {witness}")
    holds, early, argument = _structurally_positive(expression), FALSE, ""
    bounds = _pure_periodic_bounds(expression)
    found = [(holds, f"a_k >= {sympy.sstr(bounds[0])} at every k" if bounds is not None and holds != FALSE
              else "every term and factor of a_k is positive")]
    if holds != TRUE:  # differences whose leading terms cancel: 1/(k+2) - 1/(k+3), sqrt(k+3) - sqrt(k+2)
        certified, early, argument = _sign_certificate(expression)
        holds = holds | certified
        argument = argument if not (certified | early).is_false() else ""
    if holds != TRUE and expression.free_symbols - {K} and _oscillators(expression):
        for k in range(_EARLY_PARAMETRIC):  # c*(1 + (-1)**k)/(k+1) is 0 at k = 1 whatever c is
            value = expression.subs(K, k)
            if value.is_zero or value.is_extended_nonpositive:
                return Decision(FALSE, TRUE, f"a_k <= 0 at k = {k}")
            if not value.has(sympy.cos, sympy.sin):  # c + (-1)**k <= 0 at k = 1 where c <= 1
                early = early | less_equal(value, 0)
    if holds == TRUE:  # proven for every parameter value: nowhere left to fail
        return Decision(TRUE, FALSE, f"a_k > 0 for all k: {argument or _arguments_text(found)}")
    down, up = _direction(expression)
    first = _at_zero(expression)
    found += [(down & _tail_positive(expression), "a_k is nonincreasing to a positive tail"),
              (up & greater(first, 0), f"a_k is nondecreasing from a_0 = {sympy.sstr(first)}")]
    holds = holds | _proven(found)
    at_zero, tail = less_equal(first, 0), _tail_negative(expression)
    if holds != TRUE and not expression.free_symbols - {K}:
        certified = _tail_positive_decision(expression)
        if certified is not None:
            return certified
    if holds.is_false() and not expression.free_symbols - {K}:
        witness = first_nonpositive(expression, tail_negative=tail == TRUE, nonincreasing=down == TRUE)
        if witness is not None:
            return Decision(FALSE, TRUE, f"a_k <= 0 at k = {witness}")
    if at_zero == TRUE:
        return Decision(holds, TRUE, "a_k <= 0 at k = 0")
    return Decision(holds, at_zero | tail | early,
                    f"a_k > 0 for all k: {argument or _arguments_text(found) or _POSITIVITY_RULES}")


@_where_defined
def at_most_one_always(expression: sympy.Expr) -> Decision:
    """a_k <= 1 for every k >= 0."""
    undefined = _undefined(expression)
    if undefined is not None:
        return undefined
    scan = _periodic_scan(expression, 1 - expression, strict=False)
    if scan is not None:
        passed, witness = scan
        return Decision(TRUE, FALSE, "a_k <= 1 for all k: checked exactly over one period") if passed else \
            Decision(FALSE, TRUE, f"a_k > 1 at k = {witness}")
    peak = _peak_of_crossing_min(expression)
    if peak is not None:
        value, witness = peak
        if value <= 1:
            return Decision(TRUE, FALSE, f"the largest term is a_{witness} = {sympy.sstr(value)} <= 1")
        return Decision(FALSE, TRUE, f"a_k = {sympy.sstr(value)} > 1 at k = {witness}")
    periodic = _periodic_times_decreasing(expression)
    if periodic is not None:
        return periodic
    bounds = _pure_periodic_bounds(expression)
    found = _at_most_one_arguments(expression)
    if bounds is not None:
        found.append((less_equal(bounds[1], 1), f"a_k <= {sympy.sstr(bounds[1])} at every k"))
    holds = _proven(found)
    margin_holds, margin_fails, argument = _sign_certificate(sympy.expand(1 - expression), strict=False) \
        if holds != TRUE else (FALSE, FALSE, "")  # 1 - d*(k+2)/(k+3) = ((3 - 2d) + (1 - d) k)/(k+3)
    holds = holds | margin_holds
    argument = f"1 - a_k >= 0 as {argument}" if argument and not (margin_holds | margin_fails).is_false() else ""
    if holds != TRUE:
        below, said = _difference_at_most_one(expression)
        holds, argument = holds | below, argument or (said if not below.is_false() else "")
    reason = f"a_k <= 1 for all k: {argument or _arguments_text(found) or _AT_MOST_ONE_RULES}"
    if holds == TRUE:  # proven for every parameter value: nowhere left to fail
        return Decision(TRUE, FALSE, reason)
    if greater(_at_zero(expression), 1) == TRUE:
        return Decision(FALSE, TRUE, f"a_k = {sympy.sstr(_at_zero(expression))} > 1 at k = 0")
    if holds != TRUE and not expression.free_symbols - {K}:
        certified = _tail_at_most_one_decision(expression)
        if certified is not None:
            return certified
    if holds.is_false() and not expression.free_symbols - {K}:
        witness = first_nonpositive(1 - expression, strict=True)
        if witness is not None:  # (k+1)**3/3**k is 8/3 at k = 1
            return Decision(FALSE, TRUE, f"a_k = {sympy.sstr(expression.subs(K, witness))} > 1 at k = {witness}")
    return Decision(holds, _at_most_one_fails(expression) | margin_fails, reason)


#: A periodic factor of at most this period is scanned term by term.
_SCANNED_PERIOD = 64


def _periodic_times_decreasing(expression: sympy.Expr) -> Decision | None:
    """a_k <= 1 for a_k = P_k R_k with P periodic of period T >= 0 at every k and R > 0 nonincreasing: for
    k = j + n T, P_k R_k = P_j R_k <= P_j R_j, so sup_k a_k = max_{j < T} a_j, and a_k <= 1 for every k exactly
    where a_0, ..., a_{T-1} <= 1 (c*(1 - cos(pi*k))/(k+2)**2 is at most 1 exactly where 2c/9 <= 1). None when
    a_k is not of this form."""
    if not expression.is_Mul:
        return None
    oscillating = [f for f in expression.args if _oscillators(f)]
    periodic = sympy.Mul(*oscillating)
    period = _period(periodic) if oscillating else None
    if period is None or period > _SCANNED_PERIOD:
        return None
    rest = expression / periodic
    values = [periodic.subs(K, j) for j in range(period)]
    if not all(greater_equal(v, 0) == TRUE for v in values) or _structurally_positive(rest) != TRUE \
            or _direction(rest)[0] != TRUE:
        return None
    holds, fails, witness = TRUE, FALSE, None
    for j in range(period):
        term = expression.subs(K, j)
        holds, fails = holds & less_equal(term, 1), fails | greater(term, 1)
        if witness is None and greater(term, 1) == TRUE:
            witness = (j, term)
    if witness is not None:
        shown = sympy.sstr(witness[1] if witness[1].is_Rational else witness[1].evalf(6))
        return Decision(FALSE, TRUE, f"a_k = {shown} > 1 at k = {witness[0]}")
    first = "a_0, a_1" if period == 2 else f"a_0, ..., a_{period - 1}"
    where = "" if holds == TRUE else f" where {sympy.sstr(holds.to_sympy())}"
    return Decision(holds, fails, f"a_k <= max({first}) (a factor of period {period}, >= 0, times a positive "
                                  f"nonincreasing rest), and those are <= 1{where}")


def _arguments_text(found: list[tuple[Region, str]]) -> str:
    """The argument that proves the property wherever one of them does, or else each argument with its region."""
    found = [(region, said) for region, said in found if not region.is_false()]
    everywhere = _proven(found)
    for region, said in found:
        if covers(region, everywhere):
            return said
    return "; or ".join(f"{said} (where {sympy.sstr(region.to_sympy())})" for region, said in found)


def _peak_of_crossing_min(expression: sympy.Expr) -> tuple[sympy.Expr, int] | None:
    """sup_k a_k, exactly, for a parameter-free a_k = c * Min(A_k, B_k) with c > 0, A nondecreasing and B
    nonincreasing (a warmup followed by a decay): with k* the last k where A_k <= B_k, the largest term is
    max(c A_{k*}, c B_{k*+1}). k* is located numerically and confirmed exactly at k* and k* + 1. Returns
    (largest term, its index), or None when the expression is not of this form or the crossing is not found."""
    if expression.free_symbols != {K}:
        return None
    constant, rest = expression.as_independent(K, as_Add=False)
    if not (isinstance(rest, sympy.Min) and len(rest.args) == 2 and constant.is_positive):
        return None
    first, second = rest.args
    for rising, falling in ((first, second), (second, first)):
        if _direction(rising)[1] == TRUE and _direction(falling)[0] == TRUE:
            break
    else:
        return None
    gap = rising - falling  # nondecreasing

    def above(k: int) -> bool:  # gap_k > 0, exactly
        value = gap.subs(K, k)
        return not value.is_zero and bool(value.evalf(50) > 0)

    if above(0):
        return constant * falling.subs(K, 0), 0
    high = 1
    while not above(high):
        high *= 2
        if high > 2**64:
            return None  # no crossing found: Min follows the rising term; left to the general rules
    low = high // 2  # gap_low <= 0 < gap_high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if above(middle) else (middle, high)
    left, right = constant * rising.subs(K, low), constant * falling.subs(K, high)
    return (left, low) if bool(left >= right) else (right, high)


def _limit_at_most_one(expression: sympy.Expr) -> Region:
    region = FALSE
    for piece_region, shape in asymptotic_class(expression):
        if isinstance(shape, Tight):
            limit_ok = _tends_to_zero(shape) | ((_bounded_rate(shape) & less_equal(shape.C, 1)) if shape.exact
                                                 else FALSE)
            region = region | (piece_region & limit_ok)
        elif isinstance(shape, Dominated):
            region = region | (piece_region & _tends_to_zero(shape.bound))
        elif isinstance(shape, Rapid):
            region = region | (piece_region & less(shape.coeff, 0))
    return region


def _at_most_one_holds(expression: sympy.Expr) -> Region:
    return _proven(_at_most_one_arguments(expression))


def _proven(found: list[tuple[Region, str]]) -> Region:
    """The union of the regions of (region, argument) pairs: where some argument proves the property."""
    region = FALSE
    for part, _ in found:
        region = region | part
    return region


def _at_most_one_arguments(expression: sympy.Expr) -> list[tuple[Region, str]]:
    """(region, argument) pairs, each region proven to have a_k <= 1 for every k by the argument stated."""
    if K not in expression.free_symbols:
        return [(less_equal(expression, 1), f"a_k = {sympy.sstr(expression)} does not depend on k")]
    down, up = _direction(expression)
    first = _at_zero(expression)
    found = [(down & less_equal(first, 1), f"a_k is nonincreasing from a_0 = {sympy.sstr(first)}"),
             (up & _limit_at_most_one(expression), "a_k is nondecreasing to a limit <= 1")]
    if isinstance(expression, sympy.Max):
        every = TRUE
        for argument in expression.args:
            every = every & _at_most_one_holds(argument)
        found.append((every, "every argument of Max is <= 1"))
    if isinstance(expression, sympy.Min):
        some = FALSE
        for argument in expression.args:
            some = some | _at_most_one_holds(argument)
        found.append((some, "an argument of Min is <= 1"))
    if expression.is_Mul:
        found += _product_at_most_one(expression)
    return [(region, said) for region, said in found if not region.is_false()]


def _product_at_most_one(expression: sympy.Expr) -> list[tuple[Region, str]]:
    """A product is <= 1 where every factor is in (0, 1]; where sin(u) (u > 0) times a nonnegative rest R has
    R u <= 1; where a periodic factor P <= hi multiplies a positive rest R nonincreasing from R_0 with hi R_0 <= 1;
    and where a bounded factor (Min, Max, periodic) in (0, 1] multiplies a positive rest nonincreasing from
    R_0 <= 1."""
    every, periodic, bounded, sine = TRUE, FALSE, FALSE, FALSE
    for factor in expression.args:
        every = every & _at_most_one_holds(factor) & _structurally_positive(factor)
        rest = expression / factor
        bounds = _pure_periodic_bounds(factor)
        if bounds is not None:  # P_k R_k <= hi R_k <= hi R_0 for P <= hi at every k, R > 0 nonincreasing
            hi = bounds[1]
            periodic = periodic | (_structurally_positive(rest) & _direction(rest)[0]
                                   & (less_equal(hi, 0) | less_equal(hi * _at_zero(rest), 1)))
        if factor.has(sympy.Min, sympy.Max, sympy.cos, sympy.sin) or _alternating(factor):
            bounded = bounded | (_at_most_one_holds(factor) & _structurally_positive(factor)
                                 & _structurally_positive(rest) & _direction(rest)[0]
                                 & less_equal(_at_zero(rest), 1))
        if isinstance(factor, sympy.sin) and _affine_in_k(factor.args[0]) is None:
            # sin(u) <= u for u >= 0: (k+1)*sin(1/(k+1)**2) <= 1/(k+1)
            sine = sine | (_structurally_positive(factor.args[0]) & _structurally_positive(rest)
                           & _at_most_one_holds(rest * factor.args[0]))
    return [(every, "every factor is in (0, 1]"),
            (sine, "sin(u) <= u for u >= 0, and a_k with sin(u) read as u is <= 1"),
            (periodic, "a periodic factor times a positive nonincreasing rest, at most 1 at k = 0"),
            (bounded, "a factor in (0, 1] times a positive rest nonincreasing from at most 1")]


def _difference_at_most_one(expression: sympy.Expr) -> tuple[Region, str]:
    """(region, argument): a_k = P_k - N_k <= P_k <= 1 where every subtracted term N_k is >= 0 and P_k <= 1 for
    every k (exp(-1/(k+2)) - exp(-c/(k+2)) <= exp(-1/(k+2)) <= 1)."""
    negative = [t for t in expression.args if t.could_extract_minus_sign()] if expression.is_Add else []
    if not negative or len(negative) == len(expression.args):
        return FALSE, ""
    kept = sympy.Add(*[t for t in expression.args if t not in negative])
    region = _at_most_one_holds(kept)
    for term in negative:
        region = region & _structurally_positive(-term)
    return region, f"a_k <= {sympy.sstr(kept)}{'' if kept == 1 else ' <= 1'} (the subtracted terms are >= 0)"


def _at_most_one_fails(expression: sympy.Expr) -> Region:
    region = greater(_at_zero(expression), 1)
    for piece_region, shape in asymptotic_class(expression):
        if isinstance(shape, Tight):
            above = _tends_to_infinity(shape) & greater(shape.C, 0)
            if shape.exact:
                above = above | (_bounded_rate(shape) & greater(shape.C, 1))
            region = region | (piece_region & above)
        elif isinstance(shape, Rapid):
            region = region | (piece_region & greater(shape.coeff, 0) & greater(shape.C, 0))
        elif isinstance(shape, Periodic) and shape.mean is not None:
            region = region | (piece_region & greater(shape.mean, 1))
    return region
