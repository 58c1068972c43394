"""Safe parsing of schedule expressions into SymPy.

A whitelist grammar, read by a small recursive-descent parser that builds SymPy objects directly: no text a user
types is ever handed to ``eval``, ``sympify`` or ``parse_expr``.

Grammar (``k`` is the iteration index, k = 0, 1, 2, ...; every other name is a parameter)::

    relation := expr [("<" | "<=" | ">" | ">=" | "==") expr]
    expr     := term (("+" | "-") term)*
    term     := unary (("*" | "/") unary)*
    unary    := ("+" | "-") unary | power
    power    := atom ["**" unary]                      (right-associative, so -k**2 = -(k**2))
    atom     := NUMBER | NAME | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

Numbers are read exactly (``0.6`` becomes 3/5), so decisions about exponents are exact. Parameters are real and
positive unless the caller names them as merely real. Length, nesting depth, token count, literal size and the size
of constant powers are bounded, so that no input can make the parser (or SymPy's automatic evaluation) run long.
"""

from __future__ import annotations

import builtins
import keyword
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

_FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int]] = {
    # name: (constructor, min args, max args)
    "log": (sympy.log, 1, 1),
    "exp": (sympy.exp, 1, 1),
    "sqrt": (sympy.sqrt, 1, 1),
    "floor": (sympy.floor, 1, 1),
    "ceiling": (sympy.ceiling, 1, 1),
    "ceil": (sympy.ceiling, 1, 1),
    "Min": (sympy.Min, 2, 8),
    "Max": (sympy.Max, 2, 8),
    "min": (sympy.Min, 2, 8),
    "max": (sympy.Max, 2, 8),
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


def is_reserved_name(name: str) -> bool:
    """True for names that cannot be parameters: Python keywords, builtins and SymPy's own names.

    A region such as ``(1/2 < a) & (a <= 1)`` must read back through ``sympy.parse_expr``; a parameter called
    ``gamma`` or ``E`` would read back as SymPy's gamma function or Euler's number.
    """
    return keyword.iskeyword(name) or name in vars(builtins) or name in vars(sympy)


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
        return sympy.Pow(base, exponent)

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
        return constructor(*arguments)


def _log10_magnitude(number: sympy.Expr) -> float:
    """log10 of |number| for a nonzero SymPy number, at least 1 (a safe bound for the size of its powers)."""
    rational = sympy.Rational(number) if number.is_Rational else sympy.Rational(str(float(number)))
    numerator, denominator = abs(rational.p), rational.q
    return max(1.0, float(max(len(str(numerator)), len(str(denominator)))))


def check_parameter_name(name: str, fail: Callable[[str], Exception] | None = None) -> None:
    """Raise if ``name`` cannot be a parameter (too long, the index ``k``, a function, or reserved)."""
    fail = fail or ParseError
    if len(name) > MAX_NAME_LENGTH:
        raise fail(f"name {name[:MAX_NAME_LENGTH]!r}... is longer than {MAX_NAME_LENGTH} characters")
    if name in _FUNCTIONS or name in _CONSTANTS or name == "k":
        raise fail(f"{name!r} cannot be a parameter name")
    if is_reserved_name(name):
        raise fail(f"parameter name {name!r} is reserved (a Python or SymPy name); choose another")


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


def as_expression(value: object, name: str) -> sympy.Expr:
    """``value`` as an exact SymPy expression: text is parsed by the whitelist grammar, integers stay integers, floats
    are read through their shortest decimal form (``0.1`` becomes 1/10), SymPy expressions pass through.

    :class:`InputError` naming ``name`` for anything else: booleans, None, non-finite floats, other types, relations.
    """
    if isinstance(value, str):
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
    elif not math.isfinite(value):
        raise InputError(f"{name} must be finite, got {value!r}")
    else:
        expression = sympy.Rational(repr(float(value)))
    if not isinstance(expression, sympy.Expr):
        raise InputError(f"{name} must be an expression, got {value!r}")
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
