"""momcert's symbolic side: SymPy only (never imports torch or :mod:`momcert.numerics`).

Public names are loaded on first use, so ``import momcert.theory`` stays cheap.
"""

from importlib import import_module

_EXPORTS = {
    "K": "parse",
    "parse_expression": "parse",
    "parse_relation": "parse",
    "InputError": "errors",
    "ParseError": "errors",
    "check": "checker",
    "explain": "registry",
    "CheckReport": "report",
    "lk_parameters": "nesterov",
    "textbook_parameters": "nesterov",
    "theorem6_bound": "nesterov",
    "theorem7_bound": "nesterov",
    "lemma10_bounds": "nesterov",
    "implied_C1": "nesterov",
    "implied_C2": "nesterov",
    "implied_c_for_radii": "nesterov",
    "iterations_to_gap": "nesterov",
    "additive_constants": "nesterov",
    "additive_constants_from_matrices": "nesterov",
    "theorem13_implied_constant": "nesterov",
    "lemma14_constants": "nesterov",
    "relu_constants": "nesterov",
    "relu_measured_constants": "nesterov",
    "width_implied_constant": "nesterov",
    "nesterov_analysis": "nesterov",
    "gd_pl": "baselines",
    "textbook_nesterov": "baselines",
    "heavy_ball_quadratic": "baselines",
    "nesterov_worst_case": "pep",
    "heavy_ball_worst_case": "pep",
    "compare_with_pep": "pep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
