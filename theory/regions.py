"""Exact regions of parameter space: finite unions of conjunctions of relations over positive real parameters.

A region is kept in disjunctive normal form. Each conjunction stores, for every parameter constrained by a relation
in that parameter alone, the exact set of allowed values (a SymPy ``Set`` inside (0, oo)), and keeps every other
relation as an atom ``e > 0``, ``e >= 0`` or ``e == 0``. This is enough to decide the stepsize conditions of
:mod:`momcert.theory.conditions`,
whose regions are built from comparisons of exponents that are (mostly) linear in the parameters.

Emptiness is decided exactly for single-parameter sets and for linear multi-parameter atoms (Fourier-Motzkin
elimination with strict and non-strict inequalities); a conjunction with non-linear multi-parameter atoms that is not
refuted is treated as nonempty, so a region is never reported empty when it is not.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import product

import sympy

_NEGATE = {">": ">=", ">=": ">"}
#: A polynomial of higher degree in a parameter is not solved (factoring it may take minutes): it stays an atom.
_MAX_DEGREE = 12
_OO = sympy.oo


@functools.lru_cache(maxsize=8192)
def _compare(a: sympy.Expr, b: sympy.Expr) -> int:
    """-1, 0 or 1 as a < b, a == b, a > b (exact for rationals, else by 30-digit evaluation and simplification)."""
    if a == b:
        return 0
    if a is _OO or b is _OO:
        return 1 if a is _OO else -1
    if a.is_Rational and b.is_Rational:
        return -1 if a < b else 1
    value = (a - b).evalf(30)
    if value.is_extended_real and abs(value) > 1e-20:  # far from 0: no simplification can make it 0
        return 1 if value > 0 else -1
    difference = sympy.nsimplify(a - b) if sympy.Abs((a - b).evalf(30)) < 1e-25 else (a - b)
    if difference == 0 or sympy.simplify(difference) == 0:
        return 0
    return 1 if difference.evalf(30) > 0 else -1


@dataclass(frozen=True)
class Reals:
    """A finite union of disjoint intervals inside (0, oo): tuples (low, low closed, high, high closed), sorted."""

    intervals: tuple[tuple[sympy.Expr, bool, sympy.Expr, bool], ...]

    @staticmethod
    def interval(low, high, low_closed: bool, high_closed: bool) -> Reals:
        low, high = sympy.sympify(low, strict=True), sympy.sympify(high, strict=True)
        return Reals(((low, low_closed, high, high_closed),)) & POSITIVE_REALS

    def is_empty(self) -> bool:
        return not self.intervals

    def __and__(self, other: Reals) -> Reals:
        parts = []
        for (l1, c1, h1, d1), (l2, c2, h2, d2) in product(self.intervals, other.intervals):
            order = _compare(l1, l2)
            low, low_closed = (l1, c1 and c2) if order == 0 else ((l1, c1) if order > 0 else (l2, c2))
            order = _compare(h1, h2)
            high, high_closed = (h1, d1 and d2) if order == 0 else ((h1, d1) if order < 0 else (h2, d2))
            span = _compare(low, high)
            if span < 0 or (span == 0 and low_closed and high_closed):
                parts.append((low, low_closed, high, high_closed))
        return Reals(tuple(parts))._normal()

    def __or__(self, other: Reals) -> Reals:
        return Reals(self.intervals + other.intervals)._normal()

    def complement(self) -> Reals:
        """The complement inside (0, oo)."""
        parts, low, low_closed = [], sympy.Integer(0), False
        for start, start_closed, end, end_closed in self.intervals:
            span = _compare(low, start)
            if span < 0 or (span == 0 and low_closed and not start_closed):
                parts.append((low, low_closed, start, not start_closed))
            low, low_closed = end, not end_closed
        if low is not _OO:
            parts.append((low, low_closed, _OO, False))
        return Reals(tuple(parts))

    def issubset(self, other: Reals) -> bool:
        return (self & other) == self

    def pieces(self) -> list[Reals]:
        return [Reals((part,)) for part in self.intervals]

    def point(self):
        """The single value, when this set is one point."""
        if len(self.intervals) == 1 and self.intervals[0][0] == self.intervals[0][2]:
            return self.intervals[0][0]
        return None

    def _normal(self) -> Reals:
        ordered = sorted(self.intervals, key=functools.cmp_to_key(
            lambda x, y: _compare(x[0], y[0]) or (int(y[1]) - int(x[1]))))
        merged: list[tuple] = []
        for low, low_closed, high, high_closed in ordered:
            if merged:
                p_low, p_low_closed, p_high, p_high_closed = merged[-1]
                touch = _compare(low, p_high)
                if touch < 0 or (touch == 0 and (low_closed or p_high_closed)):
                    order = _compare(high, p_high)
                    if order > 0:
                        merged[-1] = (p_low, p_low_closed, high, high_closed)
                    elif order == 0:
                        merged[-1] = (p_low, p_low_closed, p_high, p_high_closed or high_closed)
                    continue
            merged.append((low, low_closed, high, high_closed))
        return Reals(tuple(merged))


POSITIVE_REALS = Reals(((sympy.Integer(0), False, _OO, False),))


@dataclass(frozen=True)
class Conjunct:
    """``bounds``: (symbol, allowed set) pairs sorted by name; ``others``: atoms (expression, ">" | ">=" | "==")."""

    bounds: tuple[tuple[sympy.Symbol, Reals], ...] = ()
    others: frozenset[tuple[sympy.Expr, str]] = frozenset()

    def bound(self, symbol: sympy.Symbol) -> Reals:
        for name, allowed in self.bounds:
            if name == symbol:
                return allowed
        return POSITIVE_REALS

    def conjoin(self, other: Conjunct) -> Conjunct | None:
        """The intersection, or None when a parameter's set becomes empty."""
        merged = dict(self.bounds)
        for symbol, allowed in other.bounds:
            merged[symbol] = merged.get(symbol, POSITIVE_REALS) & allowed
            if merged[symbol].is_empty():
                return None
        return _make(merged, self.others | other.others)


def _ordered_atoms(atoms) -> list[tuple[sympy.Expr, str]]:
    """Atoms in an order that does not depend on the process (set order follows string hashes, which vary)."""
    return sorted(atoms, key=lambda atom: (sympy.sstr(atom[0]), atom[1]))


def _ordered(conjuncts) -> list[Conjunct]:
    """Conjunctions in an order that does not depend on the process, so that a region is shown the same way in
    every run (the simplifications that merge and drop parts go through them in this order)."""
    return sorted(conjuncts, key=lambda c: (tuple((s.name, sympy.sstr(a.intervals)) for s, a in c.bounds),
                                            tuple(f"{sympy.sstr(e)} {kind}" for e, kind in _ordered_atoms(c.others))))


def _make(bounds: dict, others) -> Conjunct:
    return Conjunct(tuple(sorted(bounds.items(), key=lambda item: item[0].name)), frozenset(others))


@dataclass(frozen=True)
class Region:
    """A union of :class:`Conjunct`; the empty union is False, a single empty conjunction is True."""

    conjuncts: frozenset[Conjunct]

    def __and__(self, other: Region) -> Region:
        return _conjoin(self, other)

    def __or__(self, other: Region) -> Region:
        if self.conjuncts <= other.conjuncts:
            return other
        if other.conjuncts <= self.conjuncts:
            return self
        return _absorb(Region(self.conjuncts | other.conjuncts))

    def __invert__(self) -> Region:
        return _negate(self)

    def is_false(self) -> bool:
        return not self.conjuncts

    def to_sympy(self, domain: Region | None = None) -> sympy.Basic:
        """The region as a SymPy boolean, leaving out what ``domain`` (the assumptions) already says."""
        domain = domain if domain is not None else TRUE
        if covers(self, domain):
            return sympy.true
        shown = simplify(self, domain)
        base = _single(domain)
        terms = [_conjunct_boolean(conjunct, base, unequal) for conjunct, unequal in _unequal_pairs(shown)]
        return _factored(terms) if terms else sympy.false

    def __str__(self) -> str:
        return sympy.sstr(self.to_sympy())


TRUE = Region(frozenset({Conjunct()}))
FALSE = Region(frozenset())


@functools.lru_cache(maxsize=16384)
def _conjoin(left: Region, right: Region) -> Region:
    if left == TRUE or right == FALSE:
        return right
    if right == TRUE or left == FALSE:
        return left
    parts = set()
    for first, second in product(left.conjuncts, right.conjuncts):
        joined = first.conjoin(second)
        if joined is not None and not _refuted(joined):
            parts.add(joined)
    return _absorb(Region(frozenset(parts)))


@functools.lru_cache(maxsize=8192)
def _negate(region: Region) -> Region:
    result = TRUE
    for conjunct in _ordered(region.conjuncts):
        result = result & _negate_conjunct(conjunct)
    return result


def _single(domain: Region) -> Conjunct:
    return next(iter(domain.conjuncts)) if len(domain.conjuncts) == 1 else Conjunct()


# -- atoms ---------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8192)
def relation(expression: sympy.Expr, kind: str) -> Region:
    """The region where ``expression kind 0`` with kind in ">", ">=", "==" (expression free of k)."""
    expression = sympy.sympify(expression, strict=True)
    if not expression.is_number:
        expression = sympy.factor_terms(sympy.expand(expression))
    if expression.is_number:
        return TRUE if _numeric_truth(expression, kind) else FALSE
    extreme = next(iter(expression.atoms(sympy.Min, sympy.Max)), None)
    if extreme is not None:
        return _split_extreme(expression, kind, extreme)
    positive, zero, _ = sign_regions(expression)
    return {">": positive, ">=": positive | zero, "==": zero}[kind]


def _atom(expression: sympy.Expr, kind: str) -> Region:
    """``expression kind 0`` for an expression that is not split further (never true for a non-real one)."""
    if expression.is_extended_real is False:
        return FALSE
    if expression.is_number:
        return TRUE if _numeric_truth(expression, kind) else FALSE
    expression = _without_logs(expression)
    symbols = sorted(expression.free_symbols, key=lambda s: s.name)
    # a rational function of one parameter is solved exactly at once; SymPy's assumptions, asked first on anything
    # else, cost milliseconds on a sum and settle only what the solution would
    allowed = _rational_function_set(expression, kind, symbols[0]) if len(symbols) == 1 else None
    if allowed is None and any(_high_degree(expression, symbol) for symbol in symbols):
        return Region(frozenset({_make({}, {_normal_atom(expression, kind)})}))  # a**220 - a - 1/2 > 0 stays
    known = _known_truth(expression, kind) if allowed is None else None
    if known is not None:
        return TRUE if known else FALSE
    if len(symbols) == 1:
        allowed = allowed if allowed is not None else _solve_single(expression, kind, symbols[0])
        if allowed is not None:
            if allowed.is_empty():
                return FALSE
            if allowed == POSITIVE_REALS:
                return TRUE
            return Region(frozenset({_make({symbols[0]: allowed}, ())}))
    return Region(frozenset({_make({}, {_normal_atom(expression, kind)})}))


def _high_degree(expression: sympy.Expr, symbol: sympy.Symbol) -> bool:
    """A power of ``symbol`` above :data:`_MAX_DEGREE` with a numeric exponent: SymPy's assumptions and solvers
    may take seconds on such an atom."""
    return any(p.base == symbol and p.exp.is_number and abs(p.exp) > _MAX_DEGREE for p in expression.atoms(sympy.Pow))


def _without_logs(expression: sympy.Expr) -> sympy.Expr:
    """A sum of rational multiples of logs of positive terms, sum c_i log x_i, has the sign of N - D where
    prod x_i**c_i = N/D with D > 0 (log is increasing): ``log(h) - log(g)`` has the sign of ``h - g``. Any other
    expression is returned as it is."""
    terms = [term.as_coeff_Mul() for term in sympy.Add.make_args(expression)]
    if not all(c.is_Rational and isinstance(t, sympy.log) and t.args[0].is_positive for c, t in terms):
        return expression
    numerator, denominator = sympy.together(sympy.Mul(*[t.args[0] ** c for c, t in terms]) - 1).as_numer_denom()
    return sympy.expand(numerator) if denominator.is_positive else expression


def _difference(left, right) -> sympy.Expr:
    """left - right; without building a new SymPy sum when right is 0 (most comparisons of exponents)."""
    left = sympy.sympify(left, strict=True)
    return left if right == 0 else left - sympy.sympify(right, strict=True)


def _rational_truth(difference: sympy.Expr, kind: str) -> Region | None:
    """The region of ``difference kind 0`` at once when the difference is a rational number, else None."""
    if not difference.is_Rational:
        return None
    holds = difference > 0 if kind == ">" else (difference >= 0 if kind == ">=" else difference == 0)
    return TRUE if holds else FALSE


def greater(left, right) -> Region:
    difference = _difference(left, right)
    return _rational_truth(difference, ">") or relation(difference, ">")


def greater_equal(left, right) -> Region:
    difference = _difference(left, right)
    return _rational_truth(difference, ">=") or relation(difference, ">=")


def equal(left, right) -> Region:
    difference = _difference(left, right)
    return _rational_truth(difference, "==") or relation(difference, "==")


def less(left, right) -> Region:
    return greater(right, left)


def less_equal(left, right) -> Region:
    return greater_equal(right, left)


def _split_extreme(expression: sympy.Expr, kind: str, extreme: sympy.Basic) -> Region:
    """Min(x, y, ...) is x where x is the smallest argument, and so on: an exact case split."""
    first, *rest = extreme.args
    rest_extreme = type(extreme)(*rest) if len(rest) > 1 else rest[0]
    first_wins = (less_equal if isinstance(extreme, sympy.Min) else greater_equal)(first, rest_extreme)
    return (first_wins & relation(expression.subs(extreme, first), kind)) | \
        (~first_wins & relation(expression.subs(extreme, rest_extreme), kind))


@functools.lru_cache(maxsize=8192)
def sign_regions(expression: sympy.Expr) -> tuple[Region, Region, Region]:
    """Regions where ``expression`` (free of k) is positive, zero and negative; products and logs are split."""
    expression = sympy.sympify(expression, strict=True)
    if expression.is_number:
        return tuple(TRUE if _numeric_truth(expression, kind) else FALSE for kind in (">", "==", "<"))
    coefficient, rest = expression.as_coeff_Mul()
    if coefficient != 1:
        positive, zero, negative = sign_regions(rest)
        return (positive, zero, negative) if coefficient > 0 else (negative, zero, positive)
    if expression.is_Mul:
        positive, zero, negative = TRUE, FALSE, FALSE
        for factor in expression.args:
            f_pos, f_zero, f_neg = sign_regions(factor)
            positive, negative = (positive & f_pos) | (negative & f_neg), (positive & f_neg) | (negative & f_pos)
            zero = zero | f_zero
        return positive, zero, negative
    if expression.is_Pow and expression.base.is_positive and expression.exp.is_real:
        return TRUE, FALSE, FALSE
    if isinstance(expression, sympy.log) and expression.args[0].is_positive:
        return sign_regions(expression.args[0] - 1)
    if expression.has(sympy.Min, sympy.Max):
        return relation(expression, ">"), relation(expression, "=="), relation(-expression, ">")
    return _atom(expression, ">"), _atom(expression, "=="), _atom(-expression, ">")


def _settled(number: sympy.Expr) -> sympy.Expr:
    """``number`` in a form whose sign SymPy can compare: itself when it can; else 0 when it simplifies to 0
    (cos(2)**2 + sin(2)**2 - 1); else a 60-digit value when that is far from 0 (|value| > 1e-40, the error of the
    evaluation being below 1e-55). A number neither proven 0 nor clearly away from it raises ValueError (undecided).
    A number that is not a SymPy Number is evaluated first: far from 0 its value settles it at once, where SymPy's
    assumptions on a sum of irrationals (2**(2/5) - 4/3) would cost milliseconds for the same sign."""
    if not number.is_Number:
        value = number.evalf(60)
        if value.is_Number and value.is_comparable and abs(value) > sympy.Float("1e-40", 60):
            return value
    if number.is_comparable and (number.is_zero is not None or number.is_positive is not None):
        return number
    if sympy.simplify(number).is_zero:
        return sympy.Integer(0)
    value = number.evalf(60)
    if value.is_comparable and abs(value) > sympy.Float("1e-40", 60):
        return value
    raise ValueError(f"the sign of {sympy.sstr(number)} is not decided")


def _numeric_truth(number: sympy.Expr, kind: str) -> bool:
    """The truth of ``number kind 0``; false when the number is not a finite real (zoo, nan, complex)."""
    if number.is_Rational:
        return {"<": number < 0, "==": number == 0, ">": number > 0, ">=": number >= 0}[kind]
    if number.has(sympy.zoo, sympy.nan) or number.is_extended_real is False:
        return False
    number = _settled(number)
    if kind == "<":
        return bool(number < 0)
    if kind == "==":
        return bool(sympy.Eq(number, 0))
    return bool(number > 0) if kind == ">" else bool(number >= 0)


def _known_truth(expression: sympy.Expr, kind: str) -> bool | None:
    if kind == ">":
        return True if expression.is_positive else (False if expression.is_nonpositive else None)
    if kind == ">=":
        return True if expression.is_nonnegative else (False if expression.is_negative else None)
    return True if expression.is_zero else (False if expression.is_zero is False else None)


def _solve_single(expression: sympy.Expr, kind: str, symbol: sympy.Symbol) -> Reals | None:
    """``{x > 0: expression kind 0}`` for an expression of one parameter that is not a rational function with rational
    coefficients (:func:`_rational_function_set` solves those): linear with numeric coefficients, else by
    :func:`sympy.solveset`; None when neither applies."""
    polynomial = sympy.Poly(expression, symbol) if expression.is_polynomial(symbol) else None
    if polynomial is not None and polynomial.degree() == 1:
        slope, offset = polynomial.all_coeffs()
        if slope.is_number and offset.is_number:
            point = -offset / slope
            strict = kind == ">"
            if kind == "==":
                return Reals.interval(point, point, True, True)
            if slope > 0:
                return Reals.interval(point, _OO, not strict, False)
            return Reals.interval(-_OO, point, False, not strict)
    if expression.has(sympy.cos, sympy.sin, sympy.floor, sympy.ceiling, sympy.Min, sympy.Max):
        return None  # periodic or piecewise in the parameter: kept as an atom
    if polynomial is not None and polynomial.degree() > _MAX_DEGREE:
        return None
    operator = {">": sympy.StrictGreaterThan, ">=": sympy.GreaterThan, "==": sympy.Eq}[kind]
    try:
        allowed = sympy.solveset(operator(expression, 0), symbol, sympy.Interval.open(0, _OO))
    except (NotImplementedError, TypeError, ValueError):
        return None
    return _from_sympy_set(allowed)


def _rational_function_set(expression: sympy.Expr, kind: str, symbol: sympy.Symbol) -> Reals | None:
    """``{x > 0: expression kind 0}`` for a rational function P/Q of x with rational coefficients whose irreducible
    factors have degree <= 2 (their roots are the radicals of the quadratic formula), or None for any other
    expression (then :func:`sympy.solveset` decides). The sign of P/Q is constant between consecutive positive real
    roots of P and Q: that of LC(P)/LC(Q) right of the largest, and it changes at a root of odd total multiplicity.
    Roots of Q are excluded (P/Q is undefined there); roots of P that are not roots of Q are where P/Q = 0. The same
    set as solveset's, in the same exact form, without its general machinery (a hundred times faster)."""
    numerator, denominator = sympy.together(expression).as_numer_denom()
    if not (numerator.is_polynomial(symbol) and denominator.is_polynomial(symbol)):
        return None
    top, bottom = sympy.Poly(numerator, symbol), sympy.Poly(denominator, symbol)
    if not all(p.domain.is_ZZ or p.domain.is_QQ for p in (top, bottom)) or top.is_zero \
            or max(top.degree(), bottom.degree()) > _MAX_DEGREE:
        return None
    if any(f.degree() > 2 for p in (top, bottom) for f, _ in p.factor_list()[1]):
        return None
    crossings: dict = {}  # positive root -> (total multiplicity, root of Q)
    for poly, pole in ((top, False), (bottom, True)):
        for root, multiplicity in poly.real_roots(multiple=False):
            if root.is_positive is None:
                return None
            if root.is_positive:
                count, was_pole = crossings.get(root, (0, False))
                crossings[root] = (count + multiplicity, was_pole or pole)
    points = sorted(crossings, key=functools.cmp_to_key(_compare))
    sign = 1 if (top.LC() > 0) == (bottom.LC() > 0) else -1
    signs = [sign]  # signs[i]: the sign right of points[-1 - i]
    for point in reversed(points):
        sign = -sign if crossings[point][0] % 2 else sign
        signs.append(sign)
    signs.reverse()  # signs[i]: the sign on the interval left of points[i] (signs[-1]: right of the last point)
    edges = [sympy.Integer(0), *points, _OO]
    parts = Reals(())
    for i in range(len(edges) - 1):
        if kind != "==" and signs[i] > 0:
            parts = parts | Reals.interval(edges[i], edges[i + 1], False, False)
    for point in points:
        if kind != ">" and not crossings[point][1]:  # a root of P only: P/Q = 0 there
            parts = parts | Reals.interval(point, point, True, True)
    return parts


def _from_sympy_set(allowed: sympy.Set) -> Reals | None:
    if allowed is sympy.S.EmptySet:
        return Reals(())
    if isinstance(allowed, sympy.Union):
        parts = [_from_sympy_set(part) for part in allowed.args]
        return None if any(p is None for p in parts) else functools.reduce(lambda x, y: x | y, parts)
    if isinstance(allowed, sympy.Interval) and allowed.start.is_number and allowed.end.is_number:
        return Reals.interval(_plain(allowed.start), _plain(allowed.end), not allowed.left_open, not allowed.right_open)
    if isinstance(allowed, sympy.FiniteSet) and all(v.is_number for v in allowed):
        return functools.reduce(lambda x, y: x | y, [Reals.interval(_plain(v), _plain(v), True, True) for v in allowed])
    return None


def _plain(number: sympy.Expr) -> sympy.Expr:
    """An end point from solveset in its plainest exact form (log(2)/log(4) is 1/2), checked to 50 digits; SymPy
    cannot even compare log(2)/log(4) with 1/2."""
    if number.is_Rational or not number.is_finite:
        return number
    plain = sympy.simplify(sympy.expand_log(number, force=True))
    if sympy.count_ops(plain) < sympy.count_ops(number) and abs((plain - number).evalf(50)) < sympy.Float("1e-45"):
        return plain
    return number


def _without_positive_factors(expression: sympy.Expr) -> sympy.Expr:
    """A polynomial of low degree in the parameters without its factors that are positive everywhere: the same sign
    at every point (``c**2 - d**2 = (c - d)*(c + d)`` has the sign of ``c - d``)."""
    symbols = sorted(expression.free_symbols, key=lambda s: s.name)
    if not expression.is_polynomial(*symbols) or sympy.Poly(expression, *symbols).total_degree() > 4:
        return expression
    factors = sympy.Mul.make_args(sympy.factor(expression))
    kept = [f for f in factors if not f.is_positive]
    return sympy.expand(sympy.Mul(*kept)) if len(kept) < len(factors) else expression


def _normal_atom(expression: sympy.Expr, kind: str) -> tuple[sympy.Expr, str]:
    """The atom ``expression kind 0`` with a positive denominator cleared (``1 - d/2**b >= 0`` is ``2**b - d >= 0``,
    shown ``d <= 2**b``) and its rational content divided out."""
    numerator, denominator = sympy.together(expression).as_numer_denom()
    if denominator != 1 and denominator.is_positive:
        expression = sympy.expand(numerator)
    expression = _without_positive_factors(expression)
    _, expression = expression.as_content_primitive()
    if kind == "==" and expression.could_extract_minus_sign():
        expression = -expression
    return expression, kind


def _atom_region(expression: sympy.Expr, kind: str) -> Region:
    return relation(expression, kind)


def _negate_conjunct(conjunct: Conjunct) -> Region:
    result = FALSE
    for symbol, allowed in conjunct.bounds:
        for piece in allowed.complement().pieces():
            result = result | Region(frozenset({_make({symbol: piece}, ())}))
    for expression, kind in conjunct.others:
        if kind == "==":
            result = result | _atom_region(expression, ">") | _atom_region(-expression, ">")
        else:
            result = result | _atom_region(-expression, _NEGATE[kind])
    return result


# -- emptiness -----------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=16384)
def _refuted(conjunct: Conjunct) -> bool:
    """True when the conjunction is certainly empty."""
    points = {s: a.point() for s, a in conjunct.bounds if a.point() is not None}
    atoms = []
    for expression, kind in conjunct.others:
        value = expression.subs(points) if points else expression
        if value.is_number:
            if not _numeric_truth(value, kind):
                return True
            continue
        atoms.append((sympy.expand(value), kind))
    atoms += _linear_bounds(conjunct, points)
    return _fourier_motzkin_infeasible(_with_opaque_terms(atoms))


def _with_opaque_terms(atoms: list[tuple[sympy.Expr, str]]) -> list[tuple[sympy.Expr, str]]:
    """The atoms made linear by reading each nonlinear term (``a**220``, ``2**a``, ``c*d``) as one unknown t, with
    what is known of it: t > 0 for a positive term, t > 1 for b**x with a number b > 1 and x > 0, t < 1 for b < 1.
    ``a**220 - a - 1/2 >= 0`` and its negation become t - a - 1/2 >= 0 and -t + a + 1/2 > 0, which elimination
    refutes; ``c <= 1`` and ``c > 2**a`` become c <= 1 < t < c. A relaxation (t is otherwise free), so what it
    refutes is empty."""
    unknowns: dict[sympy.Expr, sympy.Dummy] = {}
    read, facts = [], []
    for expression, kind in atoms:
        if _as_linear(expression) is not None:
            read.append((expression, kind))
            continue
        linear = sympy.Integer(0)
        for term in sympy.Add.make_args(sympy.expand(expression)):
            coefficient, rest = term.as_coeff_Mul()
            if rest == 1 or rest.is_Symbol:
                linear += term
                continue
            if rest not in unknowns:
                unknowns[rest] = unknown = sympy.Dummy("t")
                facts += _known_of_term(rest, unknown)
            linear += coefficient * unknowns[rest]
        read.append((linear, kind))
    return read + facts


def _known_of_term(term: sympy.Expr, unknown: sympy.Dummy) -> list[tuple[sympy.Expr, str]]:
    """Linear facts about a term read as ``unknown``: its sign, and its side of 1 for a power b**x of a number b."""
    facts = [(unknown, ">")] if term.is_positive else []
    if term.is_Pow and term.base.is_number and term.base.is_positive and term.exp.is_positive:
        if bool(term.base > 1):
            facts.append((unknown - 1, ">"))
        elif bool(term.base < 1):
            facts.append((1 - unknown, ">"))
    return facts


def _linear_bounds(conjunct: Conjunct, points: dict) -> list[tuple[sympy.Expr, str]]:
    """Interval constraints as linear atoms (only for convex single-parameter sets)."""
    atoms = []
    involved = set().union(*(e.free_symbols for e, _ in conjunct.others)) if conjunct.others else set()
    for symbol in involved - set(points):
        allowed = conjunct.bound(symbol)
        if len(allowed.intervals) != 1:
            continue
        low, low_closed, high, high_closed = allowed.intervals[0]
        atoms.append((symbol - low, ">=" if low_closed else ">"))
        if high is not _OO:
            atoms.append((high - symbol, ">=" if high_closed else ">"))
    return atoms


def _fourier_motzkin_infeasible(atoms: list[tuple[sympy.Expr, str]]) -> bool:
    rows = []  # (coefficients dict, constant, strict): sum c_i x_i + constant (> or >=) 0
    for expression, kind in atoms:
        linear = _as_linear(expression)
        if linear is None:
            continue
        coefficients, constant = linear
        if kind == "==":
            rows.append((coefficients, constant, False))
            rows.append(({s: -c for s, c in coefficients.items()}, -constant, False))
        else:
            rows.append((coefficients, constant, kind == ">"))
    variables = sorted({s for row in rows for s in row[0]}, key=lambda s: s.name)
    for variable in variables:
        upper = [r for r in rows if r[0].get(variable, 0) < 0]
        lower = [r for r in rows if r[0].get(variable, 0) > 0]
        rows = [r for r in rows if r[0].get(variable, 0) == 0]
        for (lc, lk, ls), (uc, uk, us) in product(lower, upper):
            a, b = lc[variable], -uc[variable]
            combined = {s: lc.get(s, 0) * b + uc.get(s, 0) * a for s in set(lc) | set(uc) if s != variable}
            rows.append(({s: c for s, c in combined.items() if c != 0}, lk * b + uk * a, ls or us))
        if len(rows) > 400:
            return False
    return any(not row[0] and (row[1] < 0 or (row[1] == 0 and row[2])) for row in rows)


@functools.lru_cache(maxsize=8192)
def _as_linear(expression: sympy.Expr):
    """({symbol: rational coefficient}, rational constant) when ``expression`` is linear, else None."""
    coefficients, constant = {}, sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(expression)):
        coefficient, rest = term.as_coeff_Mul()
        if not coefficient.is_Rational:
            return None
        if rest == 1:
            constant += coefficient
        elif rest.is_Symbol:
            coefficients[rest] = coefficients.get(rest, 0) + coefficient
        else:
            return None
    if not coefficients:
        return None
    return {s: c for s, c in coefficients.items() if c != 0}, constant


# -- simplification ------------------------------------------------------------------------------------------------
def _absorb(region: Region) -> Region:
    """Drop conjunctions contained in another one, and merge pairs that differ in one parameter's set only."""
    parts = set(region.conjuncts)
    if Conjunct() in parts:
        return TRUE
    changed = True
    while changed and len(parts) < 64:
        changed = False
        for left, right in product(_ordered(parts), repeat=2):
            if left is right or left not in parts or right not in parts:
                continue
            if _contains(right, left):
                parts.discard(left)
                changed = True
                continue
            merged = _merge(left, right)
            if merged is not None:
                parts -= {left, right}
                parts.add(merged)
                changed = True
        if Conjunct() in parts:
            return TRUE
    return Region(frozenset(parts))


def _contains(outer: Conjunct, inner: Conjunct) -> bool:
    if not outer.others <= inner.others:
        return False
    return all(inner.bound(symbol).issubset(allowed) for symbol, allowed in outer.bounds)


def _merge(left: Conjunct, right: Conjunct) -> Conjunct | None:
    if left.others != right.others:
        return None
    symbols = {s for s, _ in left.bounds} | {s for s, _ in right.bounds}
    differing = [s for s in symbols if left.bound(s) != right.bound(s)]
    if len(differing) != 1:
        return None
    symbol = differing[0]
    bounds = dict(left.bounds)
    union = left.bound(symbol) | right.bound(symbol)
    if union == POSITIVE_REALS:
        bounds.pop(symbol, None)
    else:
        bounds[symbol] = union
    return _make(bounds, left.others)


def simplify(region: Region, domain: Region | None = None) -> Region:
    """The region inside ``domain``, in a shorter form that is the same set there (the shorter of the forms with and
    without :func:`_substituted` equalities): constraints that the domain or the rest of their conjunction imply are
    dropped, ``(S & e = 0) | (S & e > 0)`` becomes ``S & e >= 0``, and a
    constraint (or a whole conjunction) is dropped when what that adds is already covered by the other conjunctions
    (``(a <= 1) | (a > 1 & b <= 1)`` is ``(a <= 1) | (b <= 1)``)."""
    domain = domain if domain is not None else TRUE
    restricted = region & domain
    substituted = _substituted(restricted) & domain
    forms = [_shortened(restricted, domain)] + ([_shortened(substituted, domain)] if substituted != restricted else [])
    return min(forms, key=lambda form: (len(form.conjuncts), sum(len(c.others) for c in form.conjuncts),
                                        sum(len(c.bounds) for c in form.conjuncts)))


def _shortened(region: Region, domain: Region) -> Region:
    base = _single(domain)
    parts = set()
    for conjunct in _ordered(region.conjuncts):
        bounds = {s: a for s, a in conjunct.bounds if not base.bound(s).issubset(a)}
        parts.add(_without_implied(_make(bounds, conjunct.others - base.others), base))
    return _covered_dropped(_closed_merged(_absorb(Region(frozenset(parts)))), domain)


def _substituted(region: Region) -> Region:
    """The same set with each conjunction's equalities used: a parameter fixed to one value (``a = 1``) and a linear
    equality solved for its last parameter (``c = d`` for d) are substituted into the other atoms, which then become
    bounds on one parameter, true or false: ``a = 1 & a > b`` is ``a = 1 & b < 1``, and ``c = d & c**2 >= d**2`` is
    ``c = d``. An equality used is kept, with only the fixed values substituted."""
    result = FALSE
    for conjunct in _ordered(region.conjuncts):
        points = {symbol: allowed.point() for symbol, allowed in conjunct.bounds if allowed.point() is not None}
        solved, used = dict(points), set()
        for expression, kind in _ordered_atoms(conjunct.others):
            linear = _as_linear(expression.xreplace(solved)) if kind == "==" else None
            if linear is not None:
                coefficients, constant = linear
                symbol = max(coefficients, key=lambda s: s.name)
                value = -sum((c * s for s, c in coefficients.items() if s != symbol), constant) / coefficients[symbol]
                solved = {s: v.xreplace({symbol: value}) for s, v in solved.items()} | {symbol: value}
                used.add((expression, kind))
        if not solved:
            result = result | Region(frozenset({conjunct}))
            continue
        part = Region(frozenset({_make(dict(conjunct.bounds), ())}))
        for expression, kind in conjunct.others:
            part = part & relation(expression.xreplace(points if (expression, kind) in used else solved), kind)
        result = result | part
    return result


def _closed_merged(region: Region) -> Region:
    """Merge ``S & e = 0`` with ``S & e > 0`` (or ``S & -e > 0``) into ``S & e >= 0`` (resp. ``-e >= 0``), and
    ``S & e >= 0`` with ``S & -e > 0`` into ``S`` (for an e defined everywhere), until no pair is left (``c = d`` or
    ``c > d``, each with ``x = 0`` or ``x > 0``, is ``c >= d & x >= 0``): exact."""
    parts, merged = set(region.conjuncts), True
    while merged:
        merged = False
        for left, right in product(_ordered(parts), repeat=2):
            if left not in parts or right not in parts or left.bounds != right.bounds:
                continue
            only_left, only_right = left.others - right.others, right.others - left.others
            if len(only_left) != 1 or len(only_right) != 1:
                continue
            (zero, zero_kind), (strict, strict_kind) = next(iter(only_left)), next(iter(only_right))
            if zero_kind == "==" and strict_kind == ">" and sympy.expand(zero ** 2 - strict ** 2) == 0:
                parts -= {left, right}
                parts.add(_make(dict(left.bounds), (left.others & right.others) | {(strict, ">=")}))
                merged = True
            elif zero_kind == ">=" and strict_kind == ">" and sympy.expand(zero + strict) == 0 and _defined(left):
                parts -= {left, right}  # S & e >= 0 or S & e < 0: S
                parts.add(_make(dict(left.bounds), left.others & right.others))
                merged = True
    return _absorb(Region(frozenset(parts)))


def _covered_dropped(region: Region, domain: Region) -> Region:
    """Drop a conjunction, or loosen one of its constraints, when the set that this adds inside ``domain`` is
    empty outside the other conjunctions (checked by the exact emptiness test, so the union never changes)."""
    parts = _ordered(region.conjuncts)
    if len(parts) < 2 or len(parts) > 6 or not all(_defined(conjunct) for conjunct in parts):
        return region
    index = 0
    while index < len(parts):
        conjunct, rest = parts[index], parts[:index] + parts[index + 1:]
        outside = ~Region(frozenset(rest)) & domain
        if (Region(frozenset({conjunct})) & outside).is_false():
            parts.pop(index)
            continue
        parts[index] = _loosened(conjunct, outside)
        index += 1
    return _absorb(Region(frozenset(parts)))


def _defined(conjunct: Conjunct) -> bool:
    """True when every atom is a finite real at every parameter value, so that its negation is its complement
    (``c/(1 - m) > 1`` and its negation are both false at m = 1)."""
    return all(expression.is_finite and expression.is_extended_real for expression, _ in conjunct.others)


def _loosened(conjunct: Conjunct, outside: Region) -> Conjunct:
    """``conjunct`` with each constraint loosened or dropped while the loosened set minus ``conjunct`` lies in no
    point of ``outside``."""
    beyond = outside & ~Region(frozenset({conjunct}))
    for symbol, allowed in conjunct.bounds:
        for looser in _loosenings(allowed):
            if looser == allowed:
                continue
            bounds = dict(conjunct.bounds)
            if looser == POSITIVE_REALS:
                del bounds[symbol]
            else:
                bounds[symbol] = looser
            candidate = _make(bounds, conjunct.others)
            if (Region(frozenset({candidate})) & beyond).is_false():
                return _loosened(candidate, outside)
    for atom in _ordered_atoms(conjunct.others):
        candidate = _make(dict(conjunct.bounds), conjunct.others - {atom})
        if (Region(frozenset({candidate})) & beyond).is_false():
            return _loosened(candidate, outside)
    return conjunct


def _loosenings(allowed: Reals) -> list[Reals]:
    """Candidate supersets of a single interval: without its upper end, then without both ends."""
    if len(allowed.intervals) != 1:
        return [POSITIVE_REALS]
    low, low_closed, _, _ = allowed.intervals[0]
    return [Reals.interval(low, _OO, low_closed, False), POSITIVE_REALS]


def _without_implied(conjunct: Conjunct, base: Conjunct) -> Conjunct:
    """Drop each constraint that the other constraints (and the domain ``base``) already imply."""
    bounds, others = dict(conjunct.bounds), set(conjunct.others)
    for symbol in list(bounds):
        for looser in _loosenings(bounds[symbol]):
            rest = _make({s: a for s, a in bounds.items() if s != symbol}, others)
            context = Region(frozenset({rest})) & Region(frozenset({base}))
            extra = looser & bounds[symbol].complement()
            outside = Region(frozenset({_make({symbol: piece}, ()) for piece in extra.pieces()}))
            if (context & outside).is_false():
                bounds[symbol] = looser
        if bounds[symbol] == POSITIVE_REALS:
            del bounds[symbol]
    for atom in _ordered_atoms(others):
        rest = _make(bounds, others - {atom})
        context = Region(frozenset({rest})) & Region(frozenset({base}))
        if (context & _negate_conjunct(_make({}, {atom}))).is_false():
            others.discard(atom)
    return _make(bounds, others)


def fixed_values(region: Region) -> dict[sympy.Symbol, sympy.Expr] | None:
    """{parameter: value} when the region fixes its parameters to single values and says nothing else (``c = 1``),
    else None."""
    if len(region.conjuncts) != 1:
        return None
    conjunct = next(iter(region.conjuncts))
    values = {symbol: allowed.point() for symbol, allowed in conjunct.bounds}
    if conjunct.others or not values or any(value is None for value in values.values()):
        return None
    return values


def is_empty(region: Region, domain: Region = TRUE) -> bool:
    return (region & domain).is_false()


@functools.lru_cache(maxsize=8192)
def covers(region: Region, domain: Region = TRUE) -> bool:
    """True when ``region`` contains the whole ``domain``."""
    return ((~region) & domain).is_false()


def _set_boolean(symbol: sympy.Symbol, allowed: Reals, base: Reals) -> sympy.Basic:
    """The set as relations on ``symbol``, leaving out the bounds that ``base`` (a single interval) implies."""
    base_low, base_low_closed, base_high, base_high_closed = base.intervals[0] if len(base.intervals) == 1 else \
        (sympy.Integer(0), False, _OO, False)
    whole = Reals(((base_low, base_low_closed, base_high, base_high_closed),))
    holes = whole & allowed.complement()
    if holes.intervals and all(piece.point() is not None for piece in holes.pieces()) and (allowed | holes) == whole:
        return sympy.And(*[sympy.Ne(symbol, piece.point()) for piece in holes.pieces()])
    terms = []
    for low, low_closed, high, high_closed in allowed.intervals:
        if _compare(low, high) == 0:
            terms.append(sympy.Eq(symbol, low))
            continue
        parts = []
        order = _compare(base_low, low)
        if not (order > 0 or (order == 0 and (low_closed or not base_low_closed))):
            parts.append(sympy.Le(low, symbol) if low_closed else sympy.Lt(low, symbol))
        order = _compare(base_high, high)
        if high is not _OO and not (order < 0 or (order == 0 and (high_closed or not base_high_closed))):
            parts.append(sympy.Le(symbol, high) if high_closed else sympy.Lt(symbol, high))
        terms.append(sympy.And(*parts))
    return sympy.Or(*terms)


def _unequal_pairs(region: Region) -> list[tuple[Conjunct, sympy.Expr | None]]:
    """The conjunctions to show, each with an expression e when it stands for the pair ``S & e > 0`` and
    ``S & -e > 0`` of ``region``, that is ``S & Ne(e, 0)`` (then the conjunction is S; only for an e defined at
    every parameter value)."""
    parts, shown = set(region.conjuncts), []
    for left, right in product(_ordered(parts), repeat=2):
        if left not in parts or right not in parts or left is right or left.bounds != right.bounds:
            continue
        only_left, only_right = left.others - right.others, right.others - left.others
        if len(only_left) == 1 == len(only_right) and _defined(left):
            (first, first_kind), (second, second_kind) = next(iter(only_left)), next(iter(only_right))
            if first_kind == second_kind == ">" and sympy.expand(first + second) == 0:
                parts -= {left, right}
                unequal = min(first, second, key=lambda e: sympy.sstr(_readable(sympy.Ne(e, 0))))
                shown.append((_make(dict(left.bounds), left.others & right.others), unequal))
    return shown + [(conjunct, None) for conjunct in parts]


def _conjunct_boolean(conjunct: Conjunct, base: Conjunct, unequal: sympy.Expr | None = None) -> sympy.Basic:
    parts = [_set_boolean(s, a, base.bound(s)) for s, a in conjunct.bounds]
    operators = {">": sympy.StrictGreaterThan, ">=": sympy.GreaterThan, "==": sympy.Eq, "!=": sympy.Ne}
    atoms = set(conjunct.others) | ({(unequal, "!=")} if unequal is not None else set())
    for expression, kind in sorted(atoms, key=lambda atom: sympy.sstr(atom[0])):
        parts.append(_readable(operators[kind](expression, 0)))
    return sympy.And(*parts)


def _factored(terms: list[sympy.Basic]) -> sympy.Basic:
    """The disjunction of ``terms`` (conjunctions of relations), written as a conjunction of two disjunctions over
    separate sets of parameters when it is exactly their product (each factored again in turn):
    (a = 1 & c <= 1) | (a = 1 & d <= 1) | (b = 1 & c <= 1) | (b = 1 & d <= 1) is (a = 1 | b = 1) & (c <= 1 | d <= 1).
    Otherwise the plain disjunction."""
    conjunctions = [frozenset(sympy.And.make_args(term)) for term in terms]
    groups = _parameter_groups([relation for conjunction in conjunctions for relation in conjunction])
    if len(set(conjunctions)) > 1 and 1 < len(groups) <= 6:
        for mask in range(1, 2 ** (len(groups) - 1)):  # the bipartitions of the groups, the last group on the right
            left = frozenset().union(*(g for i, g in enumerate(groups) if mask >> i & 1))
            sides = [{frozenset(r for r in c if r.free_symbols <= left) for c in conjunctions},
                     {frozenset(r for r in c if not r.free_symbols <= left) for c in conjunctions}]
            if len(sides[0]) > 1 and len(sides[1]) > 1 and \
                    set(conjunctions) == {a | b for a, b in product(*sides)}:
                factors = [_factored([sympy.And(*part) for part in side]) for side in sides]
                return sympy.And(*sorted(factors, key=sympy.sstr))
    return sympy.Or(*sorted(terms, key=sympy.sstr))


def _parameter_groups(relations: list[sympy.Basic]) -> list[frozenset[sympy.Symbol]]:
    """The parameters partitioned so that no relation involves two groups (connected components), in name order."""
    groups: list[set[sympy.Symbol]] = []
    for relation in relations:
        touching = [group for group in groups if group & relation.free_symbols]
        merged = set(relation.free_symbols).union(*touching)
        groups = [group for group in groups if not group & relation.free_symbols] + [merged]
    return sorted((frozenset(group) for group in groups if group), key=lambda g: sorted(s.name for s in g))


def _readable(atom: sympy.Basic) -> sympy.Basic:
    """``b - a > 0`` as ``a < b``: move negative terms to the other side and a lone parameter to the left (a
    relation SymPy already decided, e.g. ``floor(c) + 1 > 0``, stays ``true``/``false``)."""
    if isinstance(atom, sympy.logic.boolalg.BooleanAtom):
        return atom
    expression = atom.lhs - atom.rhs
    positive = sympy.Add(*[t for t in sympy.Add.make_args(expression) if not t.could_extract_minus_sign()])
    negative = -sympy.Add(*[t for t in sympy.Add.make_args(expression) if t.could_extract_minus_sign()])
    if (negative.is_Symbol and not (positive.is_Symbol and positive.name < negative.name)) \
            or (positive.is_number and not negative.is_number):
        positive, negative = negative, positive  # a parameter alone on the left: b <= a + 1, g < h, c + d <= 1
        flipped = {sympy.StrictGreaterThan: sympy.StrictLessThan, sympy.GreaterThan: sympy.LessThan}
        return flipped.get(type(atom), type(atom))(positive, negative)
    return type(atom)(positive, negative)


def from_assumptions(relations) -> Region:
    """The region described by user assumptions (SymPy relations over the parameters), conjoined."""
    region = TRUE
    for rel in relations:
        if rel is sympy.true:
            continue
        if rel is sympy.false:
            return FALSE
        difference = rel.lhs - rel.rhs
        if isinstance(rel, sympy.StrictGreaterThan):
            region = region & relation(difference, ">")
        elif isinstance(rel, sympy.GreaterThan):
            region = region & relation(difference, ">=")
        elif isinstance(rel, sympy.StrictLessThan):
            region = region & relation(-difference, ">")
        elif isinstance(rel, sympy.LessThan):
            region = region & relation(-difference, ">=")
        else:
            region = region & relation(difference, "==")
    return region
