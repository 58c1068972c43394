"""The region simplifier of momcert.theory.regions: every shown form is the same set as the region it shows.

Each rule is checked on its own example (the string shown) and, like every random region built from linear atoms by
&, | and ~, by comparing the shown SymPy boolean with direct membership in the unsimplified region at a grid of
parameter values that contains the boundary points of those atoms (a = b, a = 2b, a + b = 3, a = 1, ...).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from momcert.theory import regions

A, B = sympy.symbols("a b", positive=True)
G, H = sympy.symbols("g h", positive=True)
_VALUES = [sympy.Rational(Fraction(v)) for v in ("1/4", "1/2", "3/4", "1", "3/2", "2", "5/2", "3", "4", "5")]
_GRID = [{A: a, B: b} for a, b in product(_VALUES, repeat=2)]
_TRUTH = {">": lambda v: v > 0, ">=": lambda v: v >= 0, "==": lambda v: v == 0}


def _in_set(value, allowed: regions.Reals) -> bool:
    for low, low_closed, high, high_closed in allowed.intervals:
        above = value >= low if low_closed else value > low
        below = high is sympy.oo or (value <= high if high_closed else value < high)
        if above and below:
            return True
    return False


def _member(region: regions.Region, point: dict) -> bool:
    """Membership in the stored (unsimplified) conjunctions, evaluated exactly."""
    return any(all(_in_set(point[s], allowed) for s, allowed in conjunct.bounds)
               and all(_TRUTH[kind](sympy.nsimplify(expression.subs(point))) for expression, kind in conjunct.others)
               for conjunct in region.conjuncts)


def _shown_agrees(region: regions.Region, points, domain: regions.Region = regions.TRUE) -> None:
    shown = region.to_sympy(domain)
    for point in points:
        if _member(domain, point):
            assert bool(shown.subs(point)) == _member(region, point), (sympy.sstr(shown), point)


def test_a_single_point_removed_is_shown_unequal():
    region = regions.greater(B, 1) | regions.less(B, 1)
    assert str(region) == "Ne(b, 1)"
    _shown_agrees(region, _GRID)


def test_equal_or_greater_is_shown_greater_equal():
    region = regions.equal(A, B) | regions.greater(A, B)
    assert str(region) == "a >= b"
    _shown_agrees(region, _GRID)


def test_greater_either_way_is_shown_unequal():
    region = regions.greater(A, B) | regions.greater(B, A)
    assert str(region) == "Ne(a, b)"
    _shown_agrees(region, _GRID)


def test_a_constraint_covered_by_the_other_conjunction_is_dropped():
    region = regions.less_equal(A, 1) | (regions.greater(A, 1) & regions.less_equal(B, 1))
    assert str(region) == "(a <= 1) | (b <= 1)"
    _shown_agrees(region, _GRID)
    region = regions.less_equal(A, B + 1) | (regions.greater(A, B + 1) & regions.less(A, B))
    assert str(region) == "a <= b + 1"
    _shown_agrees(region, _GRID)


def test_a_conjunction_covered_by_the_others_together_is_dropped():
    region = regions.greater(B, 1) | regions.greater(A, 2) | (regions.greater(A + B, 4) & regions.less_equal(A, 2))
    assert str(region) == "(1 < b) | (2 < a)"
    _shown_agrees(region, _GRID)


def test_a_difference_of_logs_is_compared_without_logs():
    region = regions.greater(sympy.log(H), sympy.log(G))
    assert str(region) == "g < h"
    assert str(regions.equal(2 * sympy.log(H), 3 * sympy.log(G))) == "Eq(g**3, h**2)"
    assert regions.is_empty(region & regions.greater_equal(G, H))
    points = [{G: g, H: h} for g, h in product(_VALUES, repeat=2)]
    for point in points:
        assert bool(region.to_sympy().subs(point)) == bool(sympy.log(point[H]) > sympy.log(point[G]))


def test_a_fixed_parameter_is_substituted_into_the_other_atoms():
    region = (regions.equal(A, 1) & regions.greater(A, B)) | (regions.equal(A, 1) & regions.equal(A, B))
    assert str(region) == "Eq(a, 1) & (b <= 1)"
    _shown_agrees(region, _GRID)


def test_a_linear_equality_is_substituted_into_the_other_atoms():
    region = regions.equal(A, B) & regions.greater_equal(A**2, B**2) & regions.greater(2 * A**2, B**2)
    assert str(region) == "Eq(a, b)"
    _shown_agrees(region, _GRID)
    region = (regions.equal(G, 1) & regions.less_equal(A, B)) | (regions.equal(G, 1) & regions.greater(A, B))
    assert str(region) == "Eq(g, 1)"


def test_complementary_nonlinear_atoms_cover_everything():
    """a**20 >= a + 1/2 and its negation are refuted together although the atom is not linear: each is read as one
    unknown t, and t >= 0 & -t > 0 is empty."""
    atom = regions.greater_equal(A**20, A + sympy.Rational(1, 2))
    assert regions.covers(atom | ~atom)
    assert regions.is_empty(atom & ~atom)


def test_a_factor_positive_everywhere_is_dropped_from_an_atom():
    region = regions.greater_equal(A**2, B**2)  # (a - b)*(a + b) >= 0 with a + b > 0
    assert str(region) == "a >= b"
    _shown_agrees(region, _GRID)


def test_a_power_of_a_number_above_one_is_known_to_exceed_one():
    """b <= 1 lies inside b <= 2**a since 2**a > 1 for a > 0: the first conjunction is dropped."""
    region = regions.less_equal(B, 1) | regions.less_equal(B, 2**A)
    assert str(region) == "b <= 2**a"
    _shown_agrees(region, [{A: a, B: b} for a, b in product(_VALUES, repeat=2)])
    assert not regions.covers(regions.less_equal(B, 1) | regions.less_equal(B, sympy.Rational(1, 2)**A))


def test_a_product_over_separate_parameters_is_shown_factored():
    """(a = 1 or b = 1) and (c <= 1 or d <= 1), conjoined as regions, is four conjunctions in normal form; it is shown
    as the conjunction of the two disjunctions, and is the same set at every point of a grid in a, b, c, d."""
    c, d = sympy.symbols("c d", positive=True)
    left = regions.equal(A, 1) | regions.equal(B, 1)
    right = regions.less_equal(c, 1) | regions.less_equal(d, 1)
    region = left & right
    assert len(region.conjuncts) == 4
    assert str(region) == "(Eq(a, 1) | Eq(b, 1)) & ((c <= 1) | (d <= 1))"
    values = [sympy.Rational(1, 2), sympy.Integer(1), sympy.Integer(2)]
    _shown_agrees(region, [dict(zip((A, B, c, d), point, strict=True)) for point in product(values, repeat=4)])
    mixed = region | (regions.equal(A, 2) & regions.less_equal(c, 1))  # no longer a product: the plain disjunction
    assert isinstance(mixed.to_sympy(), sympy.Or)
    _shown_agrees(mixed, [dict(zip((A, B, c, d), point, strict=True)) for point in product(values, repeat=4)])


def test_a_positive_denominator_is_cleared():
    assert str(regions.greater_equal(1, B / 2**A)) == "b <= 2**a"
    points = [{A: a, B: b} for a, b in product(_VALUES, repeat=2)]
    _shown_agrees(regions.greater_equal(1, B / 2**A), points)


_COEFFICIENT = st.integers(min_value=-2, max_value=2)


@st.composite
def _atoms(draw) -> regions.Region:
    expression = draw(_COEFFICIENT) * A + draw(_COEFFICIENT) * B + draw(_COEFFICIENT)
    return regions.relation(expression, draw(st.sampled_from([">", ">=", "=="])))


_REGIONS = st.recursive(
    _atoms(),
    lambda inner: st.one_of(st.tuples(inner, inner).map(lambda p: p[0] & p[1]),
                            st.tuples(inner, inner).map(lambda p: p[0] | p[1]),
                            inner.map(lambda r: ~r)),
    max_leaves=5)


@settings(max_examples=80, deadline=None)
@given(_REGIONS)
def test_every_shown_region_is_the_same_set(region):
    _shown_agrees(region, _GRID)


@settings(max_examples=40, deadline=None)
@given(_REGIONS, _atoms())
def test_every_shown_region_is_the_same_set_inside_a_domain(region, domain):
    _shown_agrees(region, _GRID, domain)


def test_two_strict_atoms_that_are_not_opposite_stay_two():
    region = regions.greater(A, B) | regions.greater(B, 2 * A)
    assert str(region) == "(a > b) | (b > 2*a)"
    _shown_agrees(region, _GRID)


def test_an_atom_undefined_somewhere_is_not_dropped_nor_shown_unequal():
    """c/(1 - m) > 1 and its negation are both false at m = 1: neither rule that relies on the complement applies."""
    c, m = sympy.symbols("c m", positive=True)
    region = regions.equal(m, 1) | regions.greater(c / (1 - m), 1) | (regions.less(m, 1) & regions.greater(c + m, 1))
    assert "Eq(m, 1)" in str(region)
    region = regions.greater(c / (1 - m), 1) | regions.greater(1, c / (1 - m))
    assert "Ne" not in str(region)
    assert region.to_sympy().subs({m: 2, c: 1}) is sympy.true


_ROOT = st.fractions(min_value=-3, max_value=6, max_denominator=3).map(lambda f: sympy.Rational(f.numerator,
                                                                                                 f.denominator))


@st.composite
def _rational_functions(draw) -> sympy.Expr:
    """P/Q (+ r) in a with rational coefficients, P and Q linear factors, their squares or quadratics."""
    def factor():
        if draw(st.booleans()):
            return (A - draw(_ROOT)) ** draw(st.integers(1, 2))
        return A**2 + draw(_ROOT) * A + draw(_ROOT)

    numerator, denominator = factor(), factor() if draw(st.booleans()) else 1
    return draw(st.sampled_from([1, -1, sympy.Rational(1, 2)])) * numerator / denominator + draw(_ROOT)


@settings(max_examples=8, deadline=None)
@given(_rational_functions(), st.sampled_from([">", ">=", "=="]))
def test_the_sign_of_a_rational_function_is_solvesets_set(expression, kind):
    """The sign analysis of P/Q (roots of P and Q, signs between them) gives solveset's set, in the same exact form."""
    fast = regions._rational_function_set(expression, kind, A)
    assume(fast is not None)  # a factor of degree 3 (a**3 + 2): left to solveset
    operator = {">": sympy.StrictGreaterThan, ">=": sympy.GreaterThan, "==": sympy.Eq}[kind]
    assert fast == regions._from_sympy_set(sympy.solveset(operator(expression, 0), A, sympy.Interval.open(0, sympy.oo)))


def test_the_sign_of_a_rational_function_on_examples():
    assert regions._rational_function_set((A - 2) ** 2, ">", A).intervals == ((0, False, 2, False),
                                                                              (2, False, sympy.oo, False))
    assert regions._rational_function_set(1 / (1 - A / 2), ">=", A).intervals == ((0, False, 2, False),)  # pole
    assert regions._rational_function_set((A - 1) * (A - 3) / (A**2 - 4 * A + 3), "==", A).intervals == ()
    assert regions._rational_function_set(A**2 - 4 * A + sympy.Rational(7, 2), "==", A).intervals == (
        (2 - sympy.sqrt(2) / 2, True, 2 - sympy.sqrt(2) / 2, True), (2 + sympy.sqrt(2) / 2, True, 2 + sympy.sqrt(2) / 2,
                                                                       True))
    assert regions._rational_function_set(2**A - 1, ">", A) is None  # not rational in a: solveset decides
    assert regions._rational_function_set(A**3 - 2, ">", A) is None  # a cubic factor


def test_numbers_far_apart_are_ordered_without_simplification(monkeypatch):
    def refuse(expression, *args, **kwargs):
        raise AssertionError(f"simplify({expression})")

    monkeypatch.setattr(sympy, "simplify", refuse)
    regions._compare.cache_clear()
    assert regions._compare(sympy.sqrt(2) / 2 + 2, 2 - sympy.sqrt(2) / 2) == 1
    assert regions._compare(2 ** sympy.Rational(2, 5), sympy.Rational(4, 3)) == -1
    regions._compare.cache_clear()


_C, _D = sympy.symbols("c d", positive=True)
_GRID4 = [dict(zip((A, B, _C, _D), point, strict=True))
          for point in product([sympy.Rational(1, 2), sympy.Integer(1), sympy.Integer(2)], repeat=4)]


@st.composite
def _separate_atoms(draw) -> regions.Region:
    first, second = draw(st.sampled_from([(A, B), (_C, _D)]))
    expression = draw(_COEFFICIENT) * first + draw(_COEFFICIENT) * second + draw(_COEFFICIENT)
    return regions.relation(expression, draw(st.sampled_from([">", ">=", "=="])))


_SEPARATE = st.recursive(
    _separate_atoms(),
    lambda inner: st.one_of(st.tuples(inner, inner).map(lambda p: p[0] & p[1]),
                            st.tuples(inner, inner).map(lambda p: p[0] | p[1])),
    max_leaves=6)


@settings(max_examples=40, deadline=None)
@given(_SEPARATE)
def test_every_shown_region_over_separate_parameter_pairs_is_the_same_set(region):
    """Regions over (a, b) and (c, d) whose normal form may be a product: the shown form, factored or not, is the
    same set at every point of a grid in the four parameters."""
    _shown_agrees(region, _GRID4)
