"""momcert's symbolic side: SymPy only (never imports torch or :mod:`numerics`).

Public names are loaded on first use, so ``import theory`` stays cheap.
"""

from importlib import import_module

_EXPORTS = {
    "K": "theory.parse",
    "parse_expression": "theory.parse",
    "parse_relation": "theory.parse",
    "InputError": "theory.errors",
    "ParseError": "theory.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'theory' has no attribute {name!r}")
