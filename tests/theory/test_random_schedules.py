"""Whole-sequence verdicts (a_k > 0 and a_k <= 1 for every k) on random schedules, against their terms.

Schedules are drawn with a fixed seed from products, sums and differences of the catalogue's building blocks
(powers, exponentials of 1/k, cosine and (-1)**k factors, sin(1/k), 1/log k, warmups), some with parameters c, a,
d evaluated at three sampled points. Every verdict the engine gives at a point is compared with the terms at
k = 0..399 and k = 10^3..10^32 (``whole_sequence``): a "holds" is refuted by one bad term, and a "fails" must show
one. The truths come from evaluation only, never from the engine.
"""

from __future__ import annotations

import random

import pytest
import sympy
from schedule_numerics import whole_sequence

from momcert.theory import asymptotics, regions
from momcert.theory.parse import parse_expression

_BLOCKS = ["1/(k+{a})", "1/(k+{a})**{p}", "exp(-{x}/(k+{a}))", "(1 + cos(pi*k/{T}))/2", "(1 + (-1)**k)/2",
           "sin(1/(k+{a}))", "1/log(k+{b})", "Min((k+1)/{w}, 1)", "(k+1)/(k+{b})", "d/(k+{a})"]
_POINTS = [{"c": sympy.Rational(3, 10), "a": sympy.Rational(1, 2), "d": sympy.Rational(1, 3)},
           {"c": sympy.Integer(1), "a": sympy.Integer(1), "d": sympy.Integer(1)},
           {"c": sympy.Rational(5, 2), "a": sympy.Rational(3, 2), "d": sympy.Integer(2)}]


def _schedules(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)

    def block() -> str:
        return rng.choice(_BLOCKS).format(a=rng.randint(1, 4), p=rng.choice(["1/2", "2", "a"]), T=rng.randint(1, 5),
                                          x=rng.choice(["1/2", "2", "9/10"]), b=rng.randint(2, 6), w=rng.randint(2, 20))

    texts = []
    for _ in range(count):
        scale, other = rng.choice(["c", "1/2", "2"]), rng.choice(["1", "1/2", "1/10", "d"])
        texts.append(rng.choice([f"{scale}*{block()}", f"{scale}*{block()}*{block()}",
                                 f"{scale}*{block()} + {other}*{block()}", f"{scale}*{block()} - {other}*{block()}"]))
    return texts


def _disagreements(expression: sympy.Expr, decision: asymptotics.Decision, key: str) -> list[dict]:
    """The sampled points where the decision says holds or fails and the terms say otherwise."""
    holds, fails = decision.holds.to_sympy(), decision.fails.to_sympy()
    found = []
    for point in _POINTS:
        values = {name: value for name, value in point.items()
                  if sympy.Symbol(name, positive=True) in expression.free_symbols}
        symbols = {sympy.Symbol(name, positive=True): value for name, value in values.items()}
        said_holds, said_fails = bool(holds.subs(symbols)), bool(fails.subs(symbols))
        if (said_holds or said_fails) and whole_sequence(expression, values)[key] != said_holds:
            found.append(values)
    return found


@pytest.mark.parametrize("text", _schedules(seed=2026, count=150))
def test_whole_sequence_verdicts_agree_with_the_terms(text):
    expression = parse_expression(text)
    for decide, key in ((asymptotics.positive_always, "positive"), (asymptotics.at_most_one_always, "at_most_one")):
        decision = asymptotics.within_budget(lambda d=decide: d(expression), 2.0)
        assert _disagreements(expression, decision, key) == [], (key, decision.reason)


def test_a_wrong_verdict_is_caught():
    """2c/(k+1) <= 1 said to hold everywhere: the terms refute it at c = 1 and c = 5/2 (a_0 = 2c), not at c = 3/10."""
    wrong = asymptotics.Decision(regions.TRUE, regions.FALSE, "wrong on purpose")
    found = _disagreements(parse_expression("2*c/(k+1)"), wrong, "at_most_one")
    assert found == [{"c": 1}, {"c": sympy.Rational(5, 2)}]
