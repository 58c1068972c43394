"""A broad table of sequences a_k (k = 0, 1, 2, ...) with hand-derived truths, for the decision engine.

Every truth below is derived by hand, independently of momcert.theory.asymptotics:

- tail properties of a_k ~ C k^p (log k)^q (log log k)^r by comparison and Cauchy condensation (``_tail``): a_k -> 0
  iff (p, q, r) < 0 lexicographically; sum a_k diverges iff (p + 1, q + 1, r + 1) >= (0, 0, 0) lexicographically
  (Bertrand series); sum a_k^2 < oo iff (2p + 1, 2q + 1, 2r + 1) < (0, 0, 0); a_k log k -> 0 iff (p, q + 1, r) < 0;
  a sequence decaying faster than every power (exp(-sqrt k), k^-k, ...) has every tail property but divergence;
- whole-sequence properties (a_k > 0 and a_k <= 1 for every k >= 0) from monotonicity, the value at k = 0 or at the
  stated witness k, and the limit; for oscillating factors from their exact range.

Each case is (expression, truths, samples): a truth is ``True``/``False`` or a function of the sampled parameter
values (``None`` where the case does not state it at that point); ``samples`` are exact parameter points. Sign-changing
sequences do not state divergence of their sum. Property keys: pos, le1, zero, div, sq, log (see test_decision_table).
"""

from __future__ import annotations

import math
from fractions import Fraction as Q

PROPERTIES = ("pos", "le1", "zero", "div", "sq", "log")
NO_PARAMETERS = ({},)


def _lex_negative(*xs) -> bool:
    for x in xs:
        if x != 0:
            return x < 0
    return False


def _tail(p, q=0, r=0) -> dict:
    """Tail truths for a positive a_k ~ C k^p (log k)^q (log log k)^r (C > 0)."""
    return {"zero": _lex_negative(p, q, r), "div": not _lex_negative(p + 1, q + 1, r + 1),
            "sq": _lex_negative(2 * p + 1, 2 * q + 1, 2 * r + 1), "log": _lex_negative(p, q + 1, r)}


FAST = {"zero": True, "div": False, "sq": True, "log": True}  # decays faster than every power of k
LIMIT = {"zero": False, "div": True, "sq": False, "log": False}  # tends to a positive constant (or oscillates > 0)


def _case(expression, pos, le1, tail, samples=NO_PARAMETERS):
    return (expression, {"pos": pos, "le1": le1, **tail}, tuple(samples))


def _grid(**values):
    points = [{}]
    for name, options in values.items():
        points = [dict(point, **{name: v}) for point in points for v in options]
    return points


CASES: list = []

# -- powers: c/(k+1)**p decreases from c; tail k^-p -------------------------------------------------------------------
for p in (Q(3, 10), Q(1, 2), Q(3, 5), Q(9, 10), 1, Q(6, 5), Q(3, 2), 2, 3):
    for c in (Q(1, 10), 1, 2):
        CASES.append(_case(f"{c}/(k+1)**({p})", True, c <= 1, _tail(-p)))
for shift in (2, 3, 10):
    CASES.append(_case(f"1/(k+{shift})", True, True, _tail(-1)))
    CASES.append(_case(f"{shift}/(k+{shift})**2", True, True, _tail(-2)))
CASES.append(_case("(k+1)**0.5", True, False, {"zero": False, "div": True, "sq": False, "log": False}))
CASES.append(_case("1/(1 + 0.01*k)", True, True, _tail(-1)))
CASES.append(_case("1/(k+1)**2 + 0.1/(k+1)**0.5", True, False, _tail(-Q(1, 2))))  # a_0 = 1.1

# -- logarithms: c/((k+2) log(k+2)**q) with c = 1/10 is < 1 (x**-1 log(x)**-q <= 1/e for q = -1, log 2 > 1/2) ----------
for q in (-1, Q(1, 2), 1, Q(3, 2), 2, 3):
    CASES.append(_case(f"0.1/((k+2)*log(k+2)**({q}))", True, True, _tail(-1, -q)))
for q in (Q(1, 2), 1, 2, 3):
    # 1/log(k+2)**q decreases from 1/log(2)**q > 1; 1/log(k+3)**q from 1/log(3)**q < 1
    CASES.append(_case(f"1/log(k+2)**({q})", True, False, _tail(0, -q)))
    CASES.append(_case(f"1/log(k+3)**({q})", True, True, _tail(0, -q)))
for a in (Q(1, 2), 1, 2):
    # log(k+2)**b/(k+2)**a with b = 1: tail k^-a log k; at most 1 since log(x)/x**a <= 1/(a e) < 1 for a >= 1/2
    CASES.append(_case(f"log(k+2)/(k+2)**({a})", True, True, _tail(-a, 1)))
CASES.append(_case("1/(sqrt(k+1)*log(k+2))", True, False, _tail(-Q(1, 2), -1)))  # a_0 = 1/log 2 > 1
CASES.append(_case("log(k+2)", True, False, {"zero": False, "div": True, "sq": False, "log": False}))

# -- iterated logarithms -----------------------------------------------------------------------------------------------
# log(log(5)) = 0.4759, so (k+5) log(k+5) log(log(k+5))**r increases; a_0 = 1/(8.047 * 0.4759**r)
for r in (Q(1, 2), 1, 2, 3):
    a0 = 1 / (5 * math.log(5) * math.log(math.log(5)) ** float(r))
    CASES.append(_case(f"1/((k+5)*log(k+5)*log(log(k+5))**({r}))", True, a0 <= 1, _tail(-1, -1, -r)))
for r in (1, 3):
    CASES.append(_case(f"2/((k+4)*log(k+4)*log(log(k+4))**{r})", True, False, _tail(-1, -1, -r)))  # a_0 = 1.10, 10.4
CASES.append(_case("1/log(log(k+10))", True, False, _tail(0, 0, -1)))  # a_0 = 1/log(log 10) = 1.199
CASES.append(_case("1/log(log(k+20))", True, True, _tail(0, 0, -1)))  # log(log 20) = 1.097
CASES.append(_case("0.5/((k+3)*log(log(k+3)))", True, False, _tail(-1, 0, -1)))  # a_0 = 0.5/(3*0.0940) = 1.77 > 1
CASES.append(_case("1/((k+20)*log(log(k+20)))", True, True, _tail(-1, 0, -1)))
CASES.append(_case("log(log(k+3))/(k+3)**2", True, True, _tail(-2, 0, 1)))
CASES.append(_case("1/((k+20)*log(k+20)**2*log(log(k+20)))", True, True, _tail(-1, -2, -1)))

# -- exponents not linear in k, log k or floor ------------------------------------------------------------------------
for c in (Q(1, 2), 1, 2):
    CASES.append(_case(f"exp(-{c}*sqrt(k+1))", True, True, FAST))
for a in (Q(1, 3), Q(1, 2), 2):
    CASES.append(_case(f"exp(-(k+1)**({a}))", True, True, FAST))
for r in (Q(3, 2), 2, 3):
    CASES.append(_case(f"exp(-log(k+2)**({r}))", True, True, FAST))  # (k+2)**(-log(k+2)**(r-1)), superpolynomial
CASES.append(_case("exp(-log(k+2)**2/3)", True, True, FAST))
# slower than every power (sum and square sum = oo), but x exp(-sqrt(x)) -> 0 at x = log k
CASES.append(_case("exp(-sqrt(log(k+2)))", True, True, {"zero": True, "div": True, "sq": False, "log": True}))
CASES.append(_case("(k+2)**(-k)", True, True, FAST))  # a_0 = 1
CASES.append(_case("(k+1)**(-k-1)", True, True, FAST))
CASES.append(_case("3**(-2**k)", True, True, FAST))
CASES.append(_case("2**(-k**2)", True, True, FAST))
CASES.append(_case("2**(-floor(log(k+2)/log(2)))", True, True, _tail(-1)))  # in [1/(k+2), 2/(k+2)]
CASES.append(_case("exp(sqrt(k+1))", True, False, {"zero": False, "div": True, "sq": False, "log": False}))
CASES.append(_case("exp(-k/(log(k+2)))", True, True, FAST))
CASES.append(_case("exp(-sqrt(k))/(k+1)", True, True, FAST))

# -- differences and sums whose leading terms cancel ------------------------------------------------------------------
CASES += [
    _case("1/(k+2) - 1/(k+3)", True, True, _tail(-2)),  # = 1/((k+2)(k+3))
    _case("1/(k+1) - 1/(k+2)", True, True, _tail(-2)),
    _case("sqrt(k+3) - sqrt(k+2)", True, True, _tail(-Q(1, 2))),  # = 1/(sqrt(k+3)+sqrt(k+2)), a_0 = 0.318
    _case("sqrt(k+2) - sqrt(k+1)", True, True, _tail(-Q(1, 2))),
    _case("1/sqrt(k+1) - 1/sqrt(k+2)", True, True, _tail(-Q(3, 2))),
    _case("(3 + 2*sin(k))/(k+1)", True, False, _tail(-1)),  # in [1/(k+1), 5/(k+1)], a_0 = 3
    _case("(2 + sin(k))/(k+2)**2", True, True, _tail(-2)),  # <= 3/4
    _case("1/(k+1) - 1/(3*(k+1)**2)", True, True, _tail(-1)),  # (3(k+1) - 1)/(3 (k+1)^2), a_0 = 2/3
    _case("1/(k+1) - 1/(k+1)**2", False, True, _tail(-1)),  # 0 at k = 0
    _case("1/(k+1) - 1/(2*(k+1)**2)", True, True, _tail(-1)),
    _case("log(k+3) - log(k+2)", True, True, _tail(-1)),  # = log(1 + 1/(k+2)), a_0 = log(3/2)
    _case("exp(-1/(k+1)) - exp(-2/(k+1))", True, True, _tail(-1)),
    _case("1 - cos(1/(k+1))", True, True, _tail(-2)),
    _case("sin(1/(k+1))", True, True, _tail(-1)),
    _case("(k+1)*sin(1/(k+1)**2)", True, True, _tail(-1)),
    _case("1/(k+1)**2 - 1/(k+1)**3", False, True, _tail(-2)),  # 0 at k = 0
    _case("1/(k+2)**2 - 1/(k+2)**3", True, True, _tail(-2)),
    _case("2/(k+1) - 1/(k+1)**0.5", False, True, {"zero": True}),  # decreasing from a_0 = 1; a_3 = 0, then < 0
    _case("1 - 1/(k+2)", True, True, LIMIT),
    _case("1 + 1/(k+2)", True, False, LIMIT),
    _case("0.1 - 0.05/(k+1)", True, True, LIMIT),
    _case("0.1*(1 + 1/(k+1))", True, True, LIMIT),
    _case("(k+1)/(k+2)", True, True, LIMIT),
    _case("(k+3)/(k+2)", True, False, LIMIT),
    _case("sin(k+2)**2 + cos(k+2)**2 - 1", False, True, {"zero": True, "div": False, "sq": True, "log": True}),
    _case("cos(k)**2 + sin(k)**2", True, True, LIMIT),  # identically 1
]
for c in (Q(1, 2), 2, 3, Q(5, 2)):  # (c-2)**2 + 1/(k+2) decreases to (c-2)**2; a_0 = (c-2)**2 + 1/2
    tail = _tail(-1) if c == 2 else LIMIT
    CASES.append(_case(f"({c} - 2)**2 + 1/(k+2)", True, (c - 2) ** 2 + Q(1, 2) <= 1, tail))
CASES.append(_case(
    "(c-2)**2 + 1/(k+2)", True, lambda c: (c - 2) ** 2 + Q(1, 2) <= 1,
    {"zero": lambda c: c == 2, "div": True, "sq": lambda c: c == 2, "log": lambda c: c == 2},
    _grid(c=[Q(1, 2), 1, Q(3, 2), 2, Q(5, 2), 4])))
# c/(k+2) - d/(k+3) = ((c-d) k + 3c - 2d)/((k+2)(k+3)): positive for all k iff c >= d; ~ (c-d)/k, or 1/k^2 at c = d
# 1 - a_k = (k**2 + (5 - c + d) k + 6 - 3c + 2d)/((k+2)(k+3)): if a_0 = c/2 - d/3 <= 1 then 5 - c + d >= 3 + d/3 > 0, so
# a_k <= 1 for all k iff 3c - 2d <= 6
CASES.append(_case(
    "c/(k+2) - d/(k+3)", lambda c, d: c >= d, lambda c, d: 3 * c - 2 * d <= 6,
    {"zero": True, "div": lambda c, d: c != d if c >= d else None, "sq": True, "log": True},
    _grid(c=[Q(1, 2), 1, 2, 4], d=[Q(1, 2), 1, Q(3, 2)])))
# c*sqrt(k+2) - d*sqrt(k+1) has the sign of c**2 (k+2) - d**2 (k+1) = (c**2 - d**2) k + 2c**2 - d**2: positive for all
# k iff c >= d (then 2c**2 - d**2 >= c**2 > 0); -> oo for c > d, -> 0 like (c/2)/sqrt(k) at c = d, -> -oo for c < d
CASES.append(_case(
    "c*sqrt(k+2) - d*sqrt(k+1)", lambda c, d: c >= d, None, {"zero": lambda c, d: c == d},
    _grid(c=[Q(1, 2), 1, 2], d=[Q(1, 2), 1, Q(3, 2)])))
# log(k+3) - log(k+2) has the sign of 1, exp(-1/(k+2)) - exp(-c/(k+2)) that of (c - 1)/(k+2)
CASES.append(_case("exp(-1/(k+2)) - exp(-c/(k+2))", lambda c: c > 1, True, {"zero": True},
                   _grid(c=[Q(1, 2), 1, 3])))

# -- theta <= 1: rational theta, and rises above 1 in the middle ----------------------------------------------------
CASES.append(_case("d*(k+2)/(k+3)", True, lambda d: d <= 1, LIMIT, _grid(d=[Q(1, 2), Q(9, 10), 1, Q(11, 10), 2])))
CASES.append(_case("(k+2*d)/(k+2)", True, lambda d: d <= 1, LIMIT, _grid(d=[Q(1, 4), Q(1, 2), 1, Q(3, 2), 3])))
CASES.append(_case("(k+d)/(k+1)", True, lambda d: d <= 1, LIMIT, _grid(d=[Q(1, 2), 1, 2])))
CASES.append(_case("b*(k+1)/(k+2)", True, lambda b: b <= 1, LIMIT, _grid(b=[Q(1, 3), 1, Q(3, 2)])))
# (k+1)**n/b**k: maximum over k >= 0 by hand; all decay exponentially (b > 1)
for n, b, le1 in ((3, 3, False),  # k = 1: 8/3
                  (2, 2, False),  # k = 1: 2
                  (1, 2, True),  # (k+1)/2**k: 1, 1, 3/4, ...
                  (2, 5, True),  # 1, 4/5, 9/25, ...
                  (3, 10, True),  # 1, 8/10, 27/100
                  (1, Q(3, 2), False),  # k = 1: 4/3
                  (4, 4, False)):  # k = 1: 16/4 = 4
    CASES.append(_case(f"(k+1)**{n}/({b})**k", True, le1, FAST))
CASES.append(_case("k**2/2**k", False, False, FAST))  # 0 at k = 0; k = 2: 1, k = 3: 9/8 > 1
CASES.append(_case("(k+1)*0.9**k", True, False, FAST))  # k = 1: 1.8
CASES.append(_case("(k+1)*0.4**k", True, True, FAST))  # 1, 0.8, 0.48
CASES.append(_case("0.5 + 0.6*k/(k**2+1)", True, True, LIMIT))  # k/(k^2+1) <= 1/2: max 0.8 at k = 1
CASES.append(_case("0.5 + 1.2*k/(k**2+1)", True, False, LIMIT))  # k = 1: 1.1 > 1
CASES.append(_case("0.9 + k/(k**3 + 10)", True, False, LIMIT))  # k = 2: 0.9 + 2/18 = 1.011 > 1

# -- constants with parameters ---------------------------------------------------------------------------------------
B_POINTS = _grid(b=[Q(1, 10), Q(1, 2), Q(9, 10), 1, Q(3, 2), 3])
CASES.append(_case("1 - b", lambda b: b < 1, True,
                   {"zero": lambda b: b == 1, "div": lambda b: b != 1, "sq": lambda b: b == 1,
                    "log": lambda b: b == 1}, B_POINTS))
CASES.append(_case("b", True, lambda b: b <= 1, LIMIT, B_POINTS))
CASES.append(_case("b**2", True, lambda b: b <= 1, LIMIT, B_POINTS))
CASES.append(_case("1/(1+b)", True, True, LIMIT, B_POINTS))
CASES.append(_case("b/(1+b)", True, True, LIMIT, B_POINTS))
CASES.append(_case("1 - b/2", lambda b: b < 2, True,
                   {"zero": lambda b: b == 2, "div": lambda b: b != 2, "sq": lambda b: b == 2,
                    "log": lambda b: b == 2}, _grid(b=[Q(1, 2), 1, 2, 3])))
CASES.append(_case("(1 - b)**2", lambda b: b != 1, lambda b: b <= 2,
                   {"zero": lambda b: b == 1, "div": lambda b: b != 1, "sq": lambda b: b == 1,
                    "log": lambda b: b == 1}, B_POINTS))
CASES.append(_case("m", True, lambda m: m <= 1, LIMIT, _grid(m=[Q(1, 2), Q(9, 10), 1, 2])))
CASES.append(_case("1 - m", lambda m: m < 1, True,
                   {"zero": lambda m: m == 1, "div": lambda m: m != 1, "sq": lambda m: m == 1,
                    "log": lambda m: m == 1}, _grid(m=[Q(1, 2), Q(9, 10), 1, 2])))
for v in ("0.05", "0.5", "1", "2", "3/7"):
    CASES.append(_case(v, True, Q(v) <= 1, LIMIT))
CASES.append(_case("0", False, True, {"zero": True, "div": False, "sq": True, "log": True}))

# -- (-1)**k and cos(pi*k) ---------------------------------------------------------------------------------------------
CASES += [
    _case("(1 + (-1)**k)/(k+1)", False, False, {"zero": True, "sq": True, "log": True, "div": True}),  # 2, 0, 2/3, ...
    _case("(1 + cos(pi*k))/(k+2)", False, True, {"zero": True, "sq": True, "log": True, "div": True}),
    _case("(1 - (-1)**k)/(k+2)", False, True, {"zero": True, "sq": True, "log": True, "div": True}),  # 0 at k = 0
    _case("(2 + (-1)**k)/(k+1)", True, False, _tail(-1)),  # a_0 = 3
    _case("(2 + (-1)**k)/(k+3)", True, True, _tail(-1)),  # a_0 = 1, then 1/4, 3/5, ...
    _case("(2 + cos(pi*k))/(k+4)**2", True, True, _tail(-2)),
    _case("(-1)**k/(k+1)", False, True, {"zero": True, "sq": True, "log": True}),
    _case("cos(pi*k)/(k+2)", False, True, {"zero": True, "sq": True, "log": True}),
    _case("(-1)**k", False, True, {"zero": False, "sq": False, "log": False}),
    _case("0.5 + 0.25*(-1)**k", True, True, LIMIT),  # 0.75, 0.25 alternately
    _case("0.5 + 0.75*cos(pi*k)", False, False, {"zero": False, "sq": False, "log": False}),  # 1.25, -0.25
    _case("(1 + (-1)**k)/2", False, True, {"zero": False, "sq": False, "log": False, "div": True}),
    _case("1 + (-1)**k", False, False, {"zero": False, "sq": False, "log": False, "div": True}),
    _case("cos(pi*k)**2 - 1", False, True, {"zero": True, "div": False, "sq": True, "log": True}),  # identically 0
    _case("(-1)**(2*k) - 1", False, True, {"zero": True, "div": False, "sq": True, "log": True}),
    _case("sin(pi*k)", False, True, {"zero": True, "div": False, "sq": True, "log": True}),  # identically 0
    _case("(3 + cos(pi*k))/(4*(k+1)**2)", True, True, _tail(-2)),
]

# -- parametric schedules -------------------------------------------------------------------------------------------
CASES.append(_case("c/(k+1)**a", True, lambda c, a: c <= 1,
                   {"zero": True, "div": lambda c, a: a <= 1, "sq": lambda c, a: a > Q(1, 2), "log": True},
                   _grid(c=[Q(1, 10), 1, 2], a=[Q(1, 3), Q(1, 2), 1, 2])))
CASES.append(_case("c/(k+2)**a", True, lambda c, a: c <= 2 ** float(a),  # decreasing from c/2**a
                   {"zero": True, "div": lambda c, a: a <= 1, "sq": lambda c, a: a > Q(1, 2), "log": True},
                   _grid(c=[Q(1, 10), 1, 4], a=[Q(1, 2), 1, 3])))
CASES.append(_case("c/((k+2)*log(k+2)**a)", True, None,
                   {"zero": True, "div": lambda c, a: a <= 1, "sq": True, "log": True},
                   _grid(c=[Q(1, 10), 1], a=[Q(1, 2), 1, 2])))
CASES.append(_case("c/log(k+2)**a", True, None,
                   {"zero": True, "div": True, "sq": False, "log": lambda c, a: a > 1},
                   _grid(c=[Q(1, 10), 1], a=[Q(1, 2), 1, 2])))
CASES.append(_case("c*g**floor(k/s)", True, lambda c, g, s: c <= 1 and g <= 1,
                   {"zero": lambda c, g, s: g < 1, "div": lambda c, g, s: g >= 1, "sq": lambda c, g, s: g < 1,
                    "log": lambda c, g, s: g < 1},
                   _grid(c=[Q(1, 10), 2], g=[Q(1, 2), 1, Q(3, 2)], s=[1, 10])))
CASES.append(_case("c*exp(-a*k)", True, lambda c, a: c <= 1, FAST, _grid(c=[Q(1, 10), 1, 2], a=[Q(1, 100), 1])))
CASES.append(_case("c*g**k", True, lambda c, g: c <= 1 and g <= 1,
                   {"zero": lambda c, g: g < 1, "div": lambda c, g: g >= 1, "sq": lambda c, g: g < 1,
                    "log": lambda c, g: g < 1}, _grid(c=[Q(1, 2), 2], g=[Q(1, 2), 1, 2])))
CASES.append(_case("c*Min((k+1)/w, 1)", True, lambda c, w: c <= 1, LIMIT,
                   _grid(c=[Q(1, 2), 1, 2], w=[1, 10, 100])))
CASES.append(_case("c*Min((k+1)/w, 1)/sqrt(k+1)", True, None, _tail(-Q(1, 2)), _grid(c=[Q(1, 2), 2], w=[10, 100])))
CASES.append(_case("c*Min((k+1)/w, w/(k+1))", True, lambda c, w: c <= 1, _tail(-1),
                   _grid(c=[Q(1, 2), 1, 2], w=[4, 10])))
CASES.append(_case("d + c*(1 + cos(pi*k/t))/2", True, lambda d, c, t: c + d <= 1, LIMIT,
                   _grid(d=[Q(1, 100), Q(1, 2)], c=[Q(1, 10), Q(3, 4)], t=[10, 100])))
CASES.append(_case("Min(c, d/(k+1))", True, lambda c, d: min(c, d) <= 1, _tail(-1),
                   _grid(c=[Q(1, 10), 2], d=[Q(1, 2), 3])))
CASES.append(_case("Max(c/(k+1), d/(k+1)**2)", True, lambda c, d: max(c, d) <= 1, _tail(-1),
                   _grid(c=[Q(1, 10), 2], d=[Q(1, 2), 3])))
CASES.append(_case("Min(c/(k+1)**a, d/(k+1)**b)", True, True,  # at most c = 1/10
                   {"zero": True, "div": lambda a, b, c, d: max(a, b) <= 1,
                    "sq": lambda a, b, c, d: max(a, b) > Q(1, 2),
                    "log": True}, _grid(a=[Q(1, 2), 2], b=[Q(1, 3), 1], c=[Q(1, 10)], d=[Q(1, 2), 3])))
CASES.append(_case("c/(k+1) + d/(k+1)**2", True, lambda c, d: c + d <= 1, _tail(-1),
                   _grid(c=[Q(1, 10), Q(1, 2), 1], d=[Q(1, 10), Q(1, 2)])))
CASES.append(_case("c - d/(k+1)", lambda c, d: c > d, lambda c, d: c <= 1, LIMIT,
                   _grid(c=[Q(1, 2), 1, 2], d=[Q(1, 4), Q(3, 2)])))
CASES.append(_case("c/(k+1)**a - c/(k+1)**b", False, True, {"zero": True},  # 0 at k = 0, |a_k| <= c
                   _grid(a=[Q(1, 2), 2], b=[1, 3], c=[Q(1, 2)])))

# numeric families: a few of each common schedule
for gamma in (Q(1, 2), Q(9, 10), Q(99, 100)):
    for step in (1, 7, 30):
        CASES.append(_case(f"0.1*({gamma})**floor(k/{step})", True, True, FAST))
    CASES.append(_case(f"0.1*({gamma})**floor(k/10) + 0.001", True, True, LIMIT))
    CASES.append(_case(f"Max(0.1*({gamma})**floor(k/10), 0.001)", True, True, LIMIT))
    CASES.append(_case(f"2*({gamma})**k", True, False, FAST))
for lam in ("0.01", "0.1", "1"):
    CASES.append(_case(f"exp(-{lam}*k)", True, True, FAST))
    CASES.append(_case(f"(k+1)*exp(-{lam}*k)/(k+2)", True, True, FAST))
for t in (10, 100):
    CASES.append(_case(f"0.01 + 0.09*(1 + cos(pi*k/{t}))/2", True, True, LIMIT))
    CASES.append(_case(f"0.5 + 0.6*(1 + cos(pi*k/{t}))/2", True, False, LIMIT))  # a_0 = 1.1
    CASES.append(_case(f"Min((k+1)/{t}, 1)/sqrt(k+1)", True, True, _tail(-Q(1, 2))))
    CASES.append(_case(f"Min((k+1)/{t}, 1)*0.1", True, True, LIMIT))
    CASES.append(_case(f"Min((k+1)/{t}, {t}/(k+1))", True, True, _tail(-1)))
    CASES.append(_case(f"Min(0.1, {t}/(k+1))", True, True, _tail(-1)))
    CASES.append(_case(f"Min(1, {t}/(k+1)**2)", True, True, _tail(-2)))
    CASES.append(_case(f"Max(0.1/(k+1)**0.3, {t}/(k+1)**2)", True, False, _tail(-Q(3, 10))))
for a, b in ((Q(3, 10), Q(4, 5)), (Q(1, 2), 2), (1, 3)):
    CASES.append(_case(f"Max(0.1/(k+1)**({a}), 0.2/(k+1)**({b}))", True, True, _tail(-a)))
    CASES.append(_case(f"Min(0.1/(k+1)**({a}), 0.2/(k+1)**({b}))", True, True, _tail(-b)))
    CASES.append(_case(f"0.1/(k+1)**({a}) + 0.2/(k+1)**({b})", True, True, _tail(-a)))
    CASES.append(_case(f"0.3/(k+1)**({a}) - 0.2/(k+1)**({b})", True, True, _tail(-a)))  # (a < b): decreasing? a_0 = 0.1
    CASES.append(_case(f"1/(k+1)**({a}) - 1/(k+1)**({b})", False, True, _tail(-a)))  # 0 at k = 0

# two-timescale pairs: (numerator, denominator, ratio_to_zero, ratio_to_constant, samples), truths by hand
RATIOS = [
    ("c/(k+1)**a", "d/(k+1)**b", lambda a, b, c, d: a > b, lambda a, b, c, d: a == b,
     _grid(a=[Q(1, 2), 1], b=[Q(1, 2), Q(2, 3)], c=[1], d=[Q(1, 2)])),
    ("0.1/(k+1)**0.9", "0.5/(k+1)**0.6", True, False, NO_PARAMETERS),
    ("0.1/(k+1)**0.7", "0.05/(k+1)**0.7", False, True, NO_PARAMETERS),
    ("(k+1)**(-0.7)", "0.1", True, False, NO_PARAMETERS),
    ("1/((k+2)*log(k+2))", "1/(k+2)", True, False, NO_PARAMETERS),
    ("1/(k+2)", "1/((k+2)*log(k+2))", False, False, NO_PARAMETERS),
    ("exp(-sqrt(k+1))", "1/(k+1)**3", True, False, NO_PARAMETERS),
    ("1/(k+2) - 1/(k+3)", "1/(k+2)**2", False, True, NO_PARAMETERS),
    ("sqrt(k+3) - sqrt(k+2)", "1/sqrt(k+1)", False, True, NO_PARAMETERS),
    ("c", "1 - b", False, lambda b, c: b < 1, _grid(b=[Q(1, 2), 1, Q(3, 2)], c=[1])),  # c/(1 - b): undefined at b = 1
    # a constant theta_k = 1 - b: eta_k/theta_k = c/((1 - b)(k+1)) -> 0 unless b = 1 (undefined there); theta_k/eta_k
    # ~ (1 - b) k/c has no positive limit (it is 0 for every k at b = 1, so it tends to 0 there); the torch translation
    # eta_k = c/((k+1)(1 - m)), undefined at m = 1
    ("c/(k+1)", "1 - b", lambda b, c: b != 1, False, _grid(b=[Q(1, 2), 1, Q(3, 2)], c=[1])),
    ("1 - b", "c/(k+1)", lambda b, c: b == 1, False, _grid(b=[Q(1, 2), 1, Q(3, 2)], c=[1])),  # 0/eta_k = 0 at b = 1
    ("c/((k+1)*(1 - m))", "1 - m", lambda c, m: m != 1, False, _grid(m=[Q(1, 2), 1, Q(3, 2)], c=[1])),
    ("1 - m", "c/((k+1)*(1 - m))", False, False, _grid(m=[Q(1, 2), 1, Q(3, 2)], c=[1])),
    ("1/((k+5)*log(k+5)*log(log(k+5)))", "1/((k+5)*log(k+5))", True, False, NO_PARAMETERS),
    ("c/(k+1)", "d/(k+2)", False, True, _grid(c=[1, 2], d=[1])),
]

# -- more of each class ------------------------------------------------------------------------------------------------
for s in (2, 5):
    for p in (Q(1, 2), 1, 2):
        for c in (1, 3):
            CASES.append(_case(f"{c}/(k+{s})**({p})", True, c <= s ** float(p), _tail(-p)))  # decreasing from c/s^p
for q in (Q(1, 2), 1, 2, 3):
    CASES.append(_case(f"1/((k+3)*log(k+3)**({q}))", True, True, _tail(-1, -q)))  # a_0 = 1/(3 log(3)**q) < 1
for p, le1 in ((Q(1, 2), False), (2, True)):  # a_0 = 1/(2**p log 2): 1.02, 0.36
    CASES.append(_case(f"1/((k+2)**({p})*log(k+2))", True, le1, _tail(-p, -1)))
for r in (Q(1, 2), 1, Q(3, 2), 2, 3):  # log(log 16) = 1.02: every factor >= 1 apart from 1/(k+16)
    CASES.append(_case(f"1/((k+16)*log(k+16)*log(log(k+16))**({r}))", True, True, _tail(-1, -1, -r)))
for r in (Q(1, 2), 2):
    CASES.append(_case(f"1/log(log(k+20))**({r})", True, True, _tail(0, 0, -r)))
for c in (Q(1, 10), 1, 3):
    CASES.append(_case(f"{c}*exp(-sqrt(k+1))", True, c <= math.e, FAST))  # decreasing from c/e
CASES.append(_case("(k+1)**2*exp(-sqrt(k+1))", True, False, FAST))  # 256 exp(-4) = 4.69 at k = 15
CASES.append(_case("exp(-(k+1)**(3/4))/(k+1)", True, True, FAST))
for g, s in ((Q(1, 2), 5), (Q(4, 5), 20), (Q(1, 10), 100)):
    CASES.append(_case(f"({g})**floor(k/{s})", True, True, FAST))
C_POINTS = _grid(c=[Q(1, 10), 1, 3])
CASES.append(_case("c/(1+c)", True, True, LIMIT, C_POINTS))
CASES.append(_case("1/(1+c**2)", True, True, LIMIT, C_POINTS))
CASES.append(_case("c**2/(1+c**2)", True, True, LIMIT, C_POINTS))
CASES.append(_case("c/2", True, lambda c: c <= 2, LIMIT, C_POINTS))
CASES.append(_case("c + 1/(k+1)", True, False, LIMIT, C_POINTS))  # a_0 = c + 1
CASES.append(_case("c*(1 - 1/(k+2))", True, lambda c: c <= 1, LIMIT, C_POINTS))  # rises to c
for t in (7, 10, 100):
    CASES.append(_case(f"0.5*(1 + cos(pi*k/{t}))", False, True, LIMIT))  # 0 at k = t
    CASES.append(_case(f"Min((k+1)/{t}, 1)/(k+1)**0.6", True, True, _tail(-Q(3, 5))))
    CASES.append(_case(f"Min((k+1)/{t}, 1)/((k+2)*log(k+2))", True, True, _tail(-1, -1)))
    CASES.append(_case(f"0.1*Max(1 - k/{t}, 0.01)", True, True, LIMIT))
for n in (2, 3, 5):
    CASES.append(_case(f"(1 + (-1)**k)/(k+1)**{n}", False, False, _tail(-n) | {"div": False}))  # 2 at k = 0, 0 at k = 1
    CASES.append(_case(f"(1 + 0.5*cos(pi*k))/(k+2)**{n}", True, True, _tail(-n)))

# constants with a parameter: 1 - b is 0 for every k at b = 1 (then it tends to 0 and every sum of it converges),
# negative for b > 1 (its sum then is -oo, not stated); (1 - b)/(k+1) likewise, decreasing in absolute value
B_POINTS = _grid(b=[Q(1, 2), 1, Q(3, 2)])
CASES.append(_case("1 - b", lambda b: b < 1, True,
                   {"zero": lambda b: b == 1, "div": lambda b: b < 1 if b <= 1 else None, "sq": lambda b: b == 1,
                    "log": lambda b: b == 1}, B_POINTS))
CASES.append(_case("(1 - b)/(k+1)", lambda b: b < 1, True,
                   {"zero": True, "div": lambda b: b < 1 if b <= 1 else None, "sq": True, "log": True}, B_POINTS))
CASES.append(_case("c*(1 - b)", lambda b, c: b < 1, lambda b, c: c * (1 - b) <= 1,
                   {"zero": lambda b, c: b == 1, "div": lambda b, c: b < 1 if b <= 1 else None,
                    "sq": lambda b, c: b == 1, "log": lambda b, c: b == 1}, _grid(b=[Q(1, 2), 1, Q(3, 2)], c=[1, 3])))

# factors (-1)**k and cos(pi*k) (read as (-1)**k): 1 + (-1)**k is 2 at even k and 0 at odd k, so a sequence with that
# factor is 0 at k = 1 whatever its parameters; |a_k| <= 2 c/(k+1) gives the tail truths that follow from a bound
CASES.append(_case("c*(1 + (-1)**k)/(k+1)", False, lambda c: 2 * c <= 1, {"zero": True, "sq": True, "log": True},
                   _grid(c=[Q(1, 4), Q(1, 2), 2])))  # the largest term is a_0 = 2c
CASES.append(_case("(1 + cos(pi*k))/(k+1)", False, False, {"zero": True, "sq": True, "log": True}))  # a_0 = 2
CASES.append(_case("c*(1 - cos(pi*k))/(k+2)**2", False, lambda c: 2 * c <= 9,  # 0 at k = 0; largest a_1 = 2c/9
                   {"zero": True, "div": False, "sq": True, "log": True}, _grid(c=[1, Q(9, 2), 5])))
CASES.append(_case("c + (-1)**k", lambda c: c > 1, False,  # c - 1 at odd k, c + 1 > 1 at k = 0; no limit
                   {"zero": False, "div": lambda c: True if c >= 1 else None, "sq": False, "log": False},
                   _grid(c=[Q(1, 2), 1, 2])))
CASES.append(_case("(-1)**k*c/(k+2)", False, lambda c: c <= 2, {"zero": True, "sq": True, "log": True},
                   _grid(c=[1, 2, 3])))  # negative at k = 1; largest a_0 = c/2
CASES.append(_case("sin(k+3)**2 + cos(k+3)**2 - 1", False, True, {}))  # identically 0
# theta rising above 1 in the middle: a witness k
CASES.append(_case("(k+1)**4/5**k", True, False, FAST))  # a_1 = 16/5
CASES.append(_case("(k+1)**5/4**k", True, False, FAST))  # a_1 = 8, a_2 = 15.2

# -- iterated logarithms: log(log(16)) = 1.0197, 16 log(16) = 44.36, log(log(3)) = 0.0940 ------------------------------
def _at_most_one_at_zero(r):  # decreasing from c/(16 log(16) log(log(16))**r)
    return lambda c: c <= 16 * math.log(16) * math.log(math.log(16)) ** float(r)


for r in (Q(1, 2), 1, 2):
    CASES.append(_case(f"c/((k+16)*log(k+16)*log(log(k+16))**({r}))", True, _at_most_one_at_zero(r),
                       _tail(-1, -1, -r), _grid(c=[1, 50])))
for s in (3, 16):  # log(log(x))/x <= 1/e on x >= 3; log(log(3)) > 0
    CASES.append(_case(f"log(log(k+{s}))/(k+{s})", True, True, _tail(-1, 0, 1)))
CASES.append(_case("1/((k+3)*log(k+3)*log(log(k+3))**2)", True, False, _tail(-1, -1, -2)))  # a_0 = 34.0
CASES.append(_case("log(log(k+3))", True, False, LIMIT))  # -> oo, slower than log k
CASES.append(_case("1/(log(k+3)*log(log(k+3)))", True, False, _tail(0, -1, -1)))  # a_0 = 9.68; a_k log k -> 0
CASES.append(_case("1/(k+3)**2 + 1/((k+3)*log(log(k+3)))", True, False, _tail(-1, 0, -1)))  # a_0 = 3.66

# -- exponents not linear in k: log|a_k| ~ C m_k with m_k = sqrt(k), k log k, 2**k, log(k)**2 ... ---------------------
CASES.append(_case("exp(-c*sqrt(k+1))", True, True, FAST, _grid(c=[Q(1, 2), 1, 2])))  # decreasing from exp(-c)
CASES.append(_case("exp(sqrt(k+1) - k)", True, False, FAST))  # a_0 = e
CASES.append(_case("exp(-sqrt(k+1))*2**k", True, False, LIMIT))  # -> oo; a_3 = 8 exp(-2) = 1.08
CASES.append(_case("(k+1)**(-k/2)", True, True, FAST))  # 1, 2**(-1/2), ... decreasing
CASES.append(_case("exp(-log(k+2)**2)*(k+2)**5", True, False, FAST))  # a_0 = 32 exp(-log(2)**2) = 19.8
CASES.append(_case("2**(-k**2) + 1/(k+1)**2", True, False, _tail(-2)))  # a_0 = 2
CASES.append(_case("2**(-2**k)*(k+1)**10", True, False, FAST))  # a_1 = 1024/4
CASES.append(_case("exp(-k**2/(k+1))", True, True, FAST))  # exponent ~ -k, decreasing from 1
CASES.append(_case("exp(k/log(k+2))", True, False, LIMIT))  # -> oo; a_1 = exp(1/log 3) = 2.48
CASES.append(_case("2**(-floor(sqrt(k)))", True, True, FAST))  # 1 at k = 0, nonincreasing, exp(-log(2) sqrt(k) + O(1))
CASES.append(_case("2**(-floor(log(k+2)/log(2)))/(k+1)", True, True, _tail(-2)))  # in [1/((k+1)(k+2)), 2/(...)]
CASES.append(_case("(k+2)**(-k)*3**k", True, True, FAST))  # (3/(k+2))**k: 1, 1, 9/16, ...
CASES.append(_case("(k+1)**(-k)*4**k", True, False, FAST))  # a_1 = 2

# -- rise then fall: the largest term found exactly (the tail is nonincreasing from a certified K) ---------------------
for n, b in ((1, 2), (1, 3), (2, 2), (2, 4), (3, 3), (3, 10), (4, 20)):
    # (k+1)**n/b**k decreases once (k+2)/(k+1) <= b**(1/n); the maximum is over the first terms, in exact arithmetic
    largest = max(Q((k + 1) ** n, b**k) for k in range(60))
    CASES.append(_case(f"(k+1)**{n}/{b}**k", True, largest <= 1, FAST))
for c in (1, 2, 3):  # log(x)/x is largest at the integer x = 3: log(3)/3 = 0.3662 (log(2)/2 = log(4)/4 = 0.3466)
    CASES.append(_case(f"{c}*log(k+2)/(k+2)", True, c * math.log(3) / 3 <= 1, _tail(-1, 1)))
# log(x)**q/x is largest near x = e**q: 0.541 at x = 7 for q = 2; 1.347 at x = 20 for q = 3
CASES.append(_case("log(k+2)**2/(k+2)", True, True, _tail(-1, 2)))
CASES.append(_case("log(k+2)**3/(k+2)", True, False, _tail(-1, 3)))
CASES.append(_case("(k+1)*exp(-k/10)/10", True, True, FAST))  # largest at k = 9: exp(-0.9) = 0.41
CASES.append(_case("(k+1)*exp(-k/10)", True, False, FAST))  # 4.07 at k = 9
CASES.append(_case("k*exp(-k)", False, True, FAST))  # 0 at k = 0; largest 1/e at k = 1
CASES.append(_case("sqrt(k+1)*exp(-k/4)", True, False, FAST))  # a_1 = sqrt(2) exp(-1/4) = 1.10
CASES.append(_case("(k+1)**(1/2)*0.8**k", True, False, FAST))  # a_1 = 0.8 sqrt(2) = 1.13
CASES.append(_case("(k+1)**(1/2)*0.5**k", True, True, FAST))  # 1, 0.71, 0.43, ...
CASES.append(_case("1/(k+1)**(1/4) - 1/(k+1)**(1/2)", False, True, _tail(-Q(1, 4))))  # 0 at k = 0; below (k+1)**-1/4
# with y = k + 2 >= 2: 2/y - 1/y**2 and 3/y - 2/y**2 and 4/y - 4/y**2 decrease (derivatives -2(y-1)/y**3,
# (4 - 3y)/y**3, (8 - 4y)/y**3), from 3/4, 1, 1; 5/y - 4/y**2 is 3/2 at k = 0
CASES.append(_case("2/(k+2) - 1/(k+2)**2", True, True, _tail(-1)))
CASES.append(_case("3/(k+2) - 2/(k+2)**2", True, True, _tail(-1)))
CASES.append(_case("4/(k+2) - 4/(k+2)**2", True, True, _tail(-1)))
CASES.append(_case("5/(k+2) - 4/(k+2)**2", True, False, _tail(-1)))
CASES.append(_case("sin(2/(k+2))", True, True, _tail(-1)))  # argument in (0, 1]
CASES.append(_case("1 - cos(2/(k+1))", True, False, _tail(-2)))  # a_0 = 1 - cos(2) = 1.42; ~ 2/k**2
CASES.append(_case("cos(1/(k+1))", True, True, LIMIT))  # argument in (0, 1], cos > 0; -> 1
CASES.append(_case("c/(k+1) - c/(k+2)", True, lambda c: c <= 2, _tail(-2), [*C_POINTS, {"c": 2}]))  # c/((k+1)(k+2))
CASES.append(_case("c*(sqrt(k+2) - sqrt(k+1))", True, lambda c: c * (math.sqrt(2) - 1) <= 1, _tail(-Q(1, 2)),
                   C_POINTS))  # decreasing from c (sqrt(2) - 1)

# two-timescale pairs of the new classes
RATIOS += [
    ("exp(-2*sqrt(k+1))", "exp(-sqrt(k+1))", True, False, NO_PARAMETERS),  # exp(-sqrt(k+1)) -> 0
    ("exp(-sqrt(k+1))", "exp(-2*sqrt(k+1))", False, False, NO_PARAMETERS),  # -> oo
    ("(k+2)**(-k)", "2**(-k)", True, False, NO_PARAMETERS),  # (2/(k+2))**k
    ("1/(k+16)", "1/((k+16)*log(log(k+16)))", False, False, NO_PARAMETERS),  # log(log(k+16)) -> oo
    ("1/((k+16)*log(log(k+16)))", "2/((k+16)*log(log(k+16)))", False, True, NO_PARAMETERS),  # = 1/2
    ("exp(-sqrt(log(k+2)))", "1/(k+1)", False, False, NO_PARAMETERS),  # (k+1) exp(-sqrt(log(k+2))) -> oo
]
