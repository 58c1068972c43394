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
    "check": "theory.checker",
    "CheckReport": "theory.report",
    "lk_parameters": "theory.nesterov",
    "textbook_parameters": "theory.nesterov",
    "theorem6_bound": "theory.nesterov",
    "theorem7_bound": "theory.nesterov",
    "lemma10_bounds": "theory.nesterov",
    "implied_C1": "theory.nesterov",
    "implied_C2": "theory.nesterov",
    "implied_c_for_radii": "theory.nesterov",
    "iterations_to_gap": "theory.nesterov",
    "additive_constants": "theory.nesterov",
    "additive_constants_from_matrices": "theory.nesterov",
    "theorem13_implied_constant": "theory.nesterov",
    "relu_constants": "theory.nesterov",
    "relu_measured_constants": "theory.nesterov",
    "width_implied_constant": "theory.nesterov",
    "nesterov_analysis": "theory.nesterov",
    "gd_pl": "theory.baselines",
    "textbook_nesterov": "theory.baselines",
    "heavy_ball_quadratic": "theory.baselines",
    "nesterov_worst_case": "theory.pep",
    "heavy_ball_worst_case": "theory.pep",
    "compare_with_pep": "theory.pep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'theory' has no attribute {name!r}")
