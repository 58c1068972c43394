"""Safe parsing of schedule expressions into SymPy.

A whitelist grammar, read by a small recursive-descent parser that builds SymPy objects directly: no text a user
types is ever handed to ``eval``, ``sympify`` or ``parse_expr``, and every symbol is built explicitly, so SymPy's own
names (``E``, ``I``, ``S``, ``N``, ``Q``, ``beta``, ``gamma``, ``zeta``, ...) never leak into the grammar.

Grammar (``k`` is the iteration index, k = 0, 1, 2, ...)::

    relation := expr [("<" | "<=" | ">" | ">=" | "==") expr]
    expr     := term (("+" | "-") term)*
    term     := unary (("*" | "/") unary)*
    unary    := ("+" | "-") unary | power
    power    := atom ["**" unary]                      (right-associative, so -k**2 = -(k**2))
    atom     := NUMBER | NAME | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

Names. ``k`` is the index, ``pi`` the constant, the functions are log, exp, sqrt, floor, ceiling (ceil), Min/min,
Max/max, cos and sin. The words ``inf``, ``infinity``, ``oo`` and ``nan`` (in any letter case) are reserved: they are
never parameters. Infinity is accepted only as a whole value where a value may be infinite (the radii ``Rx``, ``Ru``
of :func:`momcert.theory.nesterov.nesterov_analysis`, through :func:`as_expression` with ``allow_infinity``); anywhere
else, and ``nan`` everywhere, is bad input. Every other name (``a``, ``lr``, ``gamma``, ``E``, ``lambda``, ...) is a
parameter, real and positive unless the caller names it as merely real.

Schedules (:func:`as_schedule`). A schedule without ``k`` is a constant schedule (``0.1``, ``c``, ``1 - b``), except
when one of its names is a conventional index letter (:data:`INDEX_NAMES`: ``n``, ``t``, ``i``, ``j``, ``step``,
``epoch``, ``iter``, ``iteration``, ...): ``0.1/(n+1)`` is rejected as a misspelt index ("eta does not depend on k
(found n; the iteration index is k)"). With ``k`` present those names are ordinary parameters.

Numbers are read exactly (``0.6`` becomes 3/5), so decisions about exponents are exact. Length, nesting depth, token
count, literal size and the size of constant powers are bounded, so that no input can make the parser (or SymPy's
automatic evaluation) run long.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy

from .budget import TimeLimitExceeded, run_with_time_limit
from .errors import InputError, ParseError

#: The iteration index.
K = sympy.Symbol("k", integer=True, nonnegative=True)

MAX_LENGTH = 400
MAX_DEPTH = 32
MAX_TOKENS = 200
MAX_LITERAL_DIGITS = 30
MAX_NAME_LENGTH = 24
#: Largest allowed number of decimal digits in a constant power such as 10**300.
MAX_POWER_DIGITS = 400
#: Time limit for building the SymPy expression (SymPy evaluates Min, Max, floor, ... automatically).
MAX_BUILD_SECONDS = 1.0



def min_max(kind: type[sympy.Min] | type[sympy.Max], *arguments: sympy.Expr) -> sympy.Expr:
    """``kind(*arguments)`` (Min or Max) with only the cheap, exact part of SymPy's automatic evaluation: nested
    ``kind`` is flattened, the numbers among the arguments are folded into one, an argument that exceeds (for Min;
    falls below, for Max) another by a positive number at every point (``k + 2`` next to ``k + 1``) is dropped, and a
    single remaining argument is the value. SymPy's own evaluation also compares symbolic arguments through its
    assumptions, which costs about 10 ms for ``Min((k+1)/100, 100/(k+1))``, seconds for ``Min(a**220, a + 1/2)``,
    and rarely settles anything."""
    flat = [a for argument in arguments for a in (argument.args if isinstance(argument, kind) else (argument,))]
    numbers = [a for a in flat if a.is_number]
    if len(numbers) == len(flat):
        return kind(*flat)
    kept = [a for a in flat if not a.is_number] + ([kind(*numbers)] if numbers else [])
    sign = 1 if kind is sympy.Min else -1
    dominated = {a for a in kept for b in kept
                 if a is not b and (difference := sign * (a - b)).is_number and difference.is_positive}
    kept = list(dict.fromkeys(a for a in kept if a not in dominated))
    return kept[0] if len(kept) == 1 else kind(*kept, evaluate=False)


_FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int]] = {
    # name: (constructor, min args, max args)
    "log": (sympy.log, 1, 1),
    "exp": (sympy.exp, 1, 1),
    "sqrt": (sympy.sqrt, 1, 1),
    "floor": (sympy.floor, 1, 1),
    "ceiling": (sympy.ceiling, 1, 1),
    "ceil": (sympy.ceiling, 1, 1),
    "Min": (functools.partial(min_max, sympy.Min), 2, 8),
    "Max": (functools.partial(min_max, sympy.Max), 2, 8),
    "min": (functools.partial(min_max, sympy.Min), 2, 8),
    "max": (functools.partial(min_max, sympy.Max), 2, 8),
    "cos": (sympy.cos, 1, 1),
    "sin": (sympy.sin, 1, 1),
}
_CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi}
_RELATIONS = {"<": sympy.StrictLessThan, "<=": sympy.LessThan, ">": sympy.StrictGreaterThan,
              ">=": sympy.GreaterThan, "==": sympy.Eq}

_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|<=|>=|==|[-+*/(),<>])",
    re.ASCII,  # digits and letters are ASCII only: no Unicode digits such as '\u0661'
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    position: int  # 0-based offset in the source text


#: Reserved words (compared in lower case): infinity, and not-a-number.
INFINITY_WORDS = frozenset({"inf", "infinity", "oo"})
NAN_WORDS = frozenset({"nan"})

#: Conventional names of an iteration index: a schedule that contains one of them but not ``k`` is a misspelt index.
INDEX_NAMES = frozenset({"n", "t", "i", "j", "step", "steps", "epoch", "epochs", "iter", "iteration", "it"})

_WHERE_INFINITY = "only a radius, Rx or Ru, may be infinite"


def reserved_word_message(word: str) -> str | None:
    """Why ``word`` cannot stand in an expression (infinity or not-a-number), or None for an ordinary name."""
    if word.lower() in INFINITY_WORDS:
        return f"{word!r} means infinity, which is not allowed here ({_WHERE_INFINITY})"
    if word.lower() in NAN_WORDS:
        return f"{word!r} is not a number"
    return None


def parameter_symbol(name: str, *, positive: bool = True) -> sympy.Symbol:
    """The SymPy symbol for a parameter: real, and positive unless ``positive=False``."""
    return sympy.Symbol(name, positive=True) if positive else sympy.Symbol(name, real=True)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _error(text, position, f"unexpected character {text[position]!r}")
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
            if len(tokens) > MAX_TOKENS:
                raise _error(text, position, f"expression has more than {MAX_TOKENS} tokens")
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _error(text: str, position: int, message: str) -> ParseError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return ParseError(f"cannot parse {shown!r}: {message} at position {position + 1}")


class _Parser:
    def __init__(self, text: str, real_names: frozenset[str]):
        self.text = text
        self.real_names = real_names
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------------------------------------
    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.current
        self.index += 1
        return token

    def fail(self, message: str, token: _Token | None = None) -> ParseError:
        token = token or self.current
        return _error(self.text, token.position, message)

    def unexpected(self) -> ParseError:
        token = self.current
        if token.kind == "end":
            return self.fail("unexpected end of expression")
        return self.fail(f"unexpected {token.text!r}")

    def expect(self, text: str) -> None:
        if self.current.text != text or self.current.kind == "end":
            raise self.fail(f"expected {text!r} but found "
                            + ("end of expression" if self.current.kind == "end" else repr(self.current.text)))
        self.advance()

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expression is nested more than {MAX_DEPTH} levels deep")

    # -- grammar -------------------------------------------------------------------------------------------------
    def relation(self) -> sympy.Basic:
        left = self.expr()
        if self.current.kind == "op" and self.current.text in _RELATIONS:
            relation = _RELATIONS[self.advance().text]
            right = self.expr()
            return relation(left, right)
        return left

    def expr(self) -> sympy.Expr:
        value = self.term()
        while self.current.kind == "op" and self.current.text in "+-":
            operator = self.advance().text
            right = self.term()
            value = value + right if operator == "+" else value - right
        return value

    def term(self) -> sympy.Expr:
        value = self.unary()
        while self.current.kind == "op" and self.current.text in ("*", "/"):
            token = self.advance()
            right = self.unary()
            if token.text == "/":
                if right == 0:
                    raise self.fail("division by zero", token)
                value = value / right
            else:
                value = value * right
        return value

    def unary(self) -> sympy.Expr:
        if self.current.kind == "op" and self.current.text in "+-":
            operator = self.advance().text
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return -operand if operator == "-" else operand
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        if self.current.kind == "op" and self.current.text == "**":
            token = self.advance()
            self.nested()
            exponent = self.unary()
            self.depth -= 1
            return self.checked_power(base, exponent, token)
        return base

    def checked_power(self, base: sympy.Expr, exponent: sympy.Expr, token: _Token) -> sympy.Expr:
        if base.is_Number and exponent.is_Number:
            if base == 0 and exponent.is_negative:
                raise self.fail("division by zero (0 to a negative power)", token)
            magnitude = abs(float(exponent)) * _log10_magnitude(base)
            if magnitude > MAX_POWER_DIGITS:
                raise self.fail(f"constant power too large (about 10**{magnitude:.0f})", token)
        return self.bounded(sympy.Pow(base, exponent), token)

    def bounded(self, value: sympy.Expr, token: _Token) -> sympy.Expr:
        """``value`` if it is not a constant, or a constant of magnitude at most 10**MAX_POWER_DIGITS that SymPy can
        evaluate to a few digits. Checked at every power and call, bottom-up: the arguments of a constant are bounded,
        so evaluating it needs at most about MAX_POWER_DIGITS digits of precision (``cos(exp(10**10))`` would need
        4e9 digits, a computation in C that no time limit can interrupt)."""
        if value.free_symbols or value.is_Rational:
            return value  # rationals are bounded by the literal and power rules and by _finite
        try:
            approximation = value.evalf(5)
            too_large = approximation.is_Number and abs(approximation) > sympy.Integer(10) ** MAX_POWER_DIGITS
        except (ArithmeticError, ValueError, TypeError):  # PrecisionExhausted: floor(pi*10**200)
            raise self.fail(f"the constant {token.text}(...) cannot be evaluated to working precision "
                            f"(more than {MAX_POWER_DIGITS} digits?)", token) from None
        if too_large:
            raise self.fail(f"{token.text}(...) builds a constant of more than {MAX_POWER_DIGITS} "
                            "digits", token)
        return value

    def atom(self) -> sympy.Expr:
        token = self.current
        if token.kind == "number":
            self.advance()
            return self.number(token)
        if token.kind == "name":
            self.advance()
            if self.current.text == "(" and self.current.kind == "op":
                return self.call(token)
            return self.name(token)
        if token.kind == "op" and token.text == "(":
            self.advance()
            self.nested()
            value = self.expr()
            self.expect(")")
            self.depth -= 1
            return value
        raise self.unexpected()

    def number(self, token: _Token) -> sympy.Expr:
        mantissa, _, exponent = token.text.lower().partition("e")
        digits = mantissa.replace(".", "").lstrip("0")
        if len(digits) > MAX_LITERAL_DIGITS:
            raise self.fail(f"number {token.text!r} has more than {MAX_LITERAL_DIGITS} digits", token)
        if exponent and abs(int(exponent)) > MAX_POWER_DIGITS // 2:
            raise self.fail(f"exponent of {token.text!r} is out of range (|e| <= {MAX_POWER_DIGITS // 2})", token)
        return sympy.Rational(token.text)

    def name(self, token: _Token) -> sympy.Expr:
        text = token.text
        if text == "k":
            return K
        if text in _CONSTANTS:
            return _CONSTANTS[text]
        if text in _FUNCTIONS:
            raise self.fail(f"{text!r} is a function: write {text}(...)", token)
        check_parameter_name(text, lambda message: self.fail(message, token))
        return parameter_symbol(text, positive=text not in self.real_names)

    def call(self, token: _Token) -> sympy.Expr:
        name = token.text
        if name not in _FUNCTIONS:
            allowed = ", ".join(sorted({f for f in _FUNCTIONS if f[0].islower() or f in ("Min", "Max")}))
            raise self.fail(f"unknown function {name!r} (allowed: {allowed})", token)
        constructor, least, most = _FUNCTIONS[name]
        self.expect("(")
        self.nested()
        arguments = [self.expr()]
        while self.current.kind == "op" and self.current.text == ",":
            self.advance()
            arguments.append(self.expr())
        self.expect(")")
        self.depth -= 1
        if not least <= len(arguments) <= most:
            count = str(least) if least == most else f"{least} to {most}"
            raise self.fail(f"{name}() takes {count} argument(s), got {len(arguments)}", token)
        return self.bounded(constructor(*arguments), token)


def _log10_magnitude(number: sympy.Expr) -> float:
    """log10 of |number| for a nonzero SymPy number, at least 1 (a safe bound for the size of its powers)."""
    rational = sympy.Rational(number) if number.is_Rational else sympy.Rational(str(float(number)))
    numerator, denominator = abs(rational.p), rational.q
    return max(1.0, float(max(len(str(numerator)), len(str(denominator)))))


def check_parameter_name(name: str, fail: Callable[[str], Exception] | None = None) -> None:
    """Raise if ``name`` cannot be a parameter (too long, the index ``k``, a function, ``pi``, or a reserved word)."""
    fail = fail or ParseError
    if len(name) > MAX_NAME_LENGTH:
        raise fail(f"name {name[:MAX_NAME_LENGTH]!r}... is longer than {MAX_NAME_LENGTH} characters")
    if name in _FUNCTIONS or name in _CONSTANTS or name == "k":
        raise fail(f"{name!r} cannot be a parameter name")
    reserved = reserved_word_message(name)
    if reserved is not None:
        raise fail(reserved)


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ParseError(f"expected expression text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression is longer than {MAX_LENGTH} characters ({len(text)})")
    if not text.strip():
        raise ParseError("empty expression")
    return text


def _guarded(text: str, build: Callable[[], sympy.Basic]) -> sympy.Basic:
    """Run the parser; an exception that SymPy raises while building the value (e.g. Min(k, log(0))), or automatic
    evaluation that runs past MAX_BUILD_SECONDS (e.g. Max(k**307, k) compares polynomials), becomes a ParseError,
    so every input is either parsed or rejected with ParseError, quickly."""
    try:
        return run_with_time_limit(build, MAX_BUILD_SECONDS)
    except ParseError:
        raise
    except TimeLimitExceeded:
        raise _error(text, 0, f"SymPy needs more than {MAX_BUILD_SECONDS:g} s to build this expression") from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as error:
        raise _error(text, 0, f"SymPy cannot build this expression ({type(error).__name__})") from None


def _finite(text: str, value: sympy.Expr) -> sympy.Expr:
    """Reject values that are not finite real expressions (log(0) = zoo, sqrt(-1) = I, and the like) and values whose
    exact numbers SymPy grew past MAX_POWER_DIGITS digits (``(313*k)**2504`` expands to 313**2504 * k**2504)."""
    if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan, sympy.I):
        raise _error(text, 0, "the expression is not a finite real value (division by zero, log(0), sqrt(-1)?)")
    for number in value.atoms(sympy.Rational):
        bits = max(abs(number.p).bit_length(), number.q.bit_length())  # no str(): Python refuses > 4300 digits
        if bits * math.log10(2) > MAX_POWER_DIGITS:
            raise _error(text, 0, f"the expression builds a number of more than {MAX_POWER_DIGITS} digits")
    return value


def parse_expression(text: str, *, real_names: Iterable[str] = ()) -> sympy.Expr:
    """Parse a schedule expression in ``k`` and parameters into a SymPy expression.

    >>> parse_expression("0.1/(k+1)**0.6")
    1/(10*(k + 1)**(3/5))
    """
    parser = _Parser(_check_text(text), frozenset(real_names))
    value = _guarded(text, parser.expr)
    if parser.current.kind != "end":
        raise parser.unexpected()
    return _finite(text, value)


def as_expression(value: object, name: str, *, allow_infinity: bool = False) -> sympy.Expr:
    """``value`` as an exact SymPy expression: text is parsed by the whitelist grammar, integers stay integers, floats
    are read through their shortest decimal form (``0.1`` becomes 1/10), SymPy expressions pass through.

    With ``allow_infinity``, infinity (the text ``inf``, ``infinity`` or ``oo`` in any letter case, optionally signed,
    ``math.inf`` or ``sympy.oo``) is ``sympy.oo`` (``-sympy.oo`` when negative, for the caller's range check);
    infinity inside an expression (``2*inf``) is still rejected. :class:`InputError` naming ``name`` for anything
    else: infinity where it is not allowed, not-a-number, booleans, None, other types, relations.
    """
    if isinstance(value, str):
        word = value.strip()
        if allow_infinity and word.lstrip("+-").lower() in INFINITY_WORDS:
            return -sympy.oo if word.startswith("-") else sympy.oo
        if reserved_word_message(word) is not None:
            raise InputError(f"{name}: {reserved_word_message(word)}")
        try:
            return parse_expression(value)
        except ParseError as error:
            raise ParseError(f"{name}: {error}") from None
    if isinstance(value, sympy.Basic):
        expression = value
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a number or an expression, got {type(value).__name__}")
    elif isinstance(value, numbers.Integral):
        expression = sympy.Integer(int(value))
    elif math.isfinite(value):
        expression = sympy.Rational(repr(float(value)))
    else:
        expression = sympy.nan if math.isnan(value) else sympy.oo if value > 0 else -sympy.oo
    if not isinstance(expression, sympy.Expr):
        raise InputError(f"{name} must be an expression, got {value!r}")
    if allow_infinity and expression in (sympy.oo, -sympy.oo):
        return expression
    if expression.has(sympy.nan):
        raise InputError(f"{name}: nan is not a number")
    if expression.has(sympy.oo, -sympy.oo, sympy.zoo):
        raise InputError(f"{name}: infinity is not allowed here ({_WHERE_INFINITY})")
    return expression


def as_schedule(value: object, name: str) -> sympy.Expr:
    """A schedule a_k (text or a SymPy expression) with the index as :data:`K` and every other symbol a positive
    parameter. A schedule without ``k`` is a constant schedule unless one of its names is in :data:`INDEX_NAMES`
    (``0.1/(n+1)``): then :class:`InputError` "``name`` does not depend on k (found n; the iteration index is k)"."""
    expression = as_expression(value, name)
    replacements = {}
    for symbol in expression.free_symbols - {K}:
        if symbol.name == "k":
            replacements[symbol] = K
        else:
            check_parameter_name(symbol.name, lambda message: InputError(f"{name}: {message}"))
            if symbol != parameter_symbol(symbol.name):  # parsed text has its parameters already
                replacements[symbol] = parameter_symbol(symbol.name)
    expression = expression.xreplace(replacements) if replacements else expression
    if K not in expression.free_symbols:
        indices = sorted(s.name for s in expression.free_symbols if s.name in INDEX_NAMES)
        if indices:
            raise InputError(f"{name} does not depend on k (found {', '.join(indices)}; the iteration index is k)")
    return expression


def parse_relation(text: str, *, real_names: Iterable[str] = ()) -> sympy.Basic:
    """Parse an assumption such as ``a > 1/2`` or ``d <= 1`` into a SymPy relation (or boolean)."""
    parser = _Parser(_check_text(text), frozenset(real_names))
    value = _guarded(text, parser.relation)
    if parser.current.kind != "end":
        raise parser.unexpected()
    if not isinstance(value, (sympy.core.relational.Relational, sympy.logic.boolalg.BooleanAtom)):
        raise ParseError(f"cannot parse {text!r}: an assumption must be a relation such as 'a > 1/2'")
    return value


def parameters_of(*expressions: sympy.Basic) -> list[sympy.Symbol]:
    """The free parameters (every symbol but ``k``) of the expressions, sorted by name."""
    names: set[sympy.Symbol] = set()
    for expression in expressions:
        names |= {s for s in expression.free_symbols if s != K}
    return sorted(names, key=lambda s: s.name)
