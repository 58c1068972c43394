"""Problem constants as SymPy expressions: numbers, symbols or safely parsed text in, validated expressions out.

Used by the [LK] theory (:mod:`momcert.theory.nesterov`) and the [TXT] baselines (:mod:`momcert.theory.baselines`).
Floats are read exactly through their shortest decimal form (``0.1`` becomes 1/10), so identities between the constants
stay exact.
"""

from __future__ import annotations

import sympy

from .errors import InputError
from .parse import K, as_expression


def as_quantity(value: object, name: str, *, allow_infinity: bool = False) -> sympy.Expr:
    """``value`` (a number, a SymPy expression, or text such as ``"2*L"``) as a SymPy expression.

    Raises :class:`InputError` naming ``name`` for text that does not parse, for the iteration index ``k``, for
    non-real or non-finite numbers (infinity, read as :func:`momcert.theory.parse.as_expression` reads it, only where
    ``allow_infinity``), and for objects of another type.
    """
    expression = as_expression(value, name, allow_infinity=allow_infinity)
    if K in expression.free_symbols:
        raise InputError(f"{name}: a constant cannot depend on the iteration index k")
    if expression in (sympy.oo, -sympy.oo):  # only where allow_infinity; the caller checks the sign
        return expression
    if expression.is_number and not (expression.is_real and expression.is_finite):
        raise InputError(f"{name}: expected a finite real number, got {expression}")
    return expression


def require_positive(expression: sympy.Expr, name: str) -> None:
    """Raise :class:`InputError` when ``expression`` is known not to be positive."""
    if expression.is_extended_positive is False:
        raise InputError(f"{name} must be positive, got {name} = {display(expression)}")


def require_nonnegative(expression: sympy.Expr, name: str) -> None:
    """Raise :class:`InputError` when ``expression`` is known to be negative."""
    if expression.is_extended_nonnegative is False:
        raise InputError(f"{name} must be nonnegative, got {name} = {display(expression)}")


def is_numeric(*expressions: sympy.Expr) -> bool:
    """True when every expression is a number (no free symbols)."""
    return all(sympy.sympify(e, strict=True).is_number for e in expressions)


def display(expression: sympy.Expr, digits: int = 6) -> str:
    """Short text for an expression: numbers as ``%g`` floats, everything else as SymPy's string."""
    expression = sympy.sympify(expression, strict=True)
    if expression.is_number:
        if expression in (sympy.oo, -sympy.oo):
            return "inf" if expression == sympy.oo else "-inf"
        return f"{float(expression):.{digits}g}"
    return str(expression)


def json_value(expression: sympy.Expr) -> int | float | str:
    """A JSON value: an int for an integer, a float for another finite number, else SymPy's string (``"oo"`` for
    infinity; ``parse_expr`` reads it)."""
    expression = sympy.sympify(expression, strict=True)
    if expression.is_Integer:
        return int(expression)
    if expression.is_number and expression.is_finite:
        return float(expression)
    return str(expression)


def tidy(expression: sympy.Expr) -> sympy.Expr:
    """A simplified form for display and comparison (radicals rationalized, fractions combined)."""
    expression = sympy.sympify(expression, strict=True)
    if expression.is_number:
        return sympy.radsimp(expression)
    return sympy.simplify(expression)
