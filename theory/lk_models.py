"""The two realizations of the [LK] class (``momcert explain lk-setting``): the additive model and deep ReLU networks.

Functions here turn measured quantities (singular values, norms, widths) into the constants mu, L1, L2, G1, G2, kappa
of Assumptions 1-5, and report the implied constants of Theorem 13 and Theorem 15, whose absolute constants the
paper does not specify. Inputs are numbers, SymPy expressions or text; outputs are SymPy expressions.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from .errors import InputError
from .quantities import as_quantity, require_nonnegative, require_positive

#: Largest matrix dimension (columns) for the exact singular values of :func:`additive_constants_from_matrices`.
MAX_EXACT_COLUMNS = 12


def additive_constants(s_min_A1: object, s_max_A1: object, s_max_A2: object, B: object = 1) -> dict[str, sympy.Expr]:
    """[LK] Lemma 12, the additive model f(x, u) = ||A1 x + sigma(A2 u) - b||^2 / 2 with a B-Lipschitz sigma.

    mu = s_min(A1)^2, L1 = s_max(A1)^2, L2 = 1, G1 = B s_max(A2), G2 = B s_max(A1) s_max(A2), kappa = L1/mu
    (and R_x = R_u = infinity, f* = 0).
    """
    s_min_A1, s_max_A1 = as_quantity(s_min_A1, "s_min_A1"), as_quantity(s_max_A1, "s_max_A1")
    s_max_A2, B = as_quantity(s_max_A2, "s_max_A2"), as_quantity(B, "B")
    require_positive(s_min_A1, "s_min_A1")
    require_nonnegative(s_max_A2, "s_max_A2")
    require_nonnegative(B, "B")
    if (s_max_A1 - s_min_A1).is_negative:
        raise InputError(f"s_max_A1 = {s_max_A1} is smaller than s_min_A1 = {s_min_A1}")
    mu, L1 = s_min_A1**2, s_max_A1**2
    return {"mu": mu, "L1": L1, "L2": sympy.Integer(1), "G1": B * s_max_A2, "G2": B * s_max_A1 * s_max_A2,
            "kappa": L1 / mu}


def _extreme_singular_values(matrix: object, name: str) -> tuple[sympy.Expr, sympy.Expr]:
    """Exact (s_min, s_max) of a matrix as square roots of the extreme eigenvalues of A^T A.

    s_min is sqrt(lambda_min(A^T A)), which is 0 when A has more columns than rows: the modulus of strong
    convexity of x -> ||A x - b||^2 / 2.
    """
    try:
        rows = sympy.Matrix(matrix).applyfunc(lambda v: as_quantity(float(v) if v.is_Float else v, name))
    except (TypeError, ValueError, sympy.SympifyError) as error:
        raise InputError(f"{name}: expected a matrix of numbers ({error})") from None
    if rows.cols > MAX_EXACT_COLUMNS or rows.cols == 0 or rows.rows == 0:
        raise InputError(f"{name}: exact singular values need 1 to {MAX_EXACT_COLUMNS} columns, got {rows.cols}")
    gram = rows.T * rows
    roots = gram.charpoly().real_roots()
    return sympy.sqrt(max(min(roots), 0)), sympy.sqrt(max(roots))


def additive_constants_from_matrices(A1: object, A2: object, B: object = 1) -> dict[str, sympy.Expr]:
    """[LK] Lemma 12 constants from the matrices themselves (exact singular values; small matrices only)."""
    s_min_A1, s_max_A1 = _extreme_singular_values(A1, "A1")
    _, s_max_A2 = _extreme_singular_values(A2, "A2")
    return additive_constants(s_min_A1, s_max_A1, s_max_A2, B)


def theorem13_implied_constant(s_min_A1: object, s_max_A2: object, B: object, kappa: object) -> sympy.Expr:
    """[LK] Theorem 13: acceleration if s_min(A1) >= C~ B s_max(A2) kappa^(3/4), C~ unspecified.

    Returns s_min(A1) / (B s_max(A2) kappa^(3/4)): the condition holds exactly for the constants C~ up to this value.
    """
    s_min_A1, s_max_A2 = as_quantity(s_min_A1, "s_min_A1"), as_quantity(s_max_A2, "s_max_A2")
    B, kappa = as_quantity(B, "B"), as_quantity(kappa, "kappa")
    for value, name in ((s_max_A2, "s_max_A2"), (B, "B"), (kappa, "kappa")):
        require_positive(value, name)
    return s_min_A1 / (B * s_max_A2 * kappa ** sympy.Rational(3, 4))


def relu_constants(alpha0: object, X_fro: object, lambdas: Sequence[object]) -> dict[str, sympy.Expr]:
    """[LK] Lemma 14, deep ReLU networks with the last layer as x: mu = alpha0^2 / 2,
    L1 = ||X||_F^2 prod_{l < Lambda} lambda_l^2, L2 = 1, kappa = 2 L1 / alpha0^2.

    alpha0 = s_min(F_{Lambda-1}(0)) (the n-th singular value of the initial penultimate features), lambdas the bounds
    on s_max(W_l) for the hidden layers l = 1..Lambda-1 on the ball.
    """
    alpha0, X_fro = as_quantity(alpha0, "alpha0"), as_quantity(X_fro, "X_fro")
    require_positive(alpha0, "alpha0")
    require_positive(X_fro, "X_fro")
    product = sympy.Integer(1)
    for index, value in enumerate(lambdas, start=1):
        lam = as_quantity(value, f"lambda_{index}")
        require_positive(lam, f"lambda_{index}")
        product *= lam**2
    mu, L1 = alpha0**2 / 2, X_fro**2 * product
    return {"mu": mu, "L1": L1, "L2": sympy.Integer(1), "kappa": L1 / mu}


def relu_measured_constants(s_min_F: object, s_max_F: object) -> dict[str, sympy.Expr]:
    """Exact x-block constants of the MSE loss at fixed u ([LK] Section 4.2, ``momcert explain lk-theorem-15``).

    The x-Hessian is F^T F (x) I, so on the row space of the penultimate features F: mu = s_min(F)^2 (the n-th
    singular value), L1 = s_max(F)^2, kappa = L1/mu.
    """
    s_min_F, s_max_F = as_quantity(s_min_F, "s_min_F"), as_quantity(s_max_F, "s_max_F")
    require_positive(s_min_F, "s_min_F")
    if (s_max_F - s_min_F).is_negative:
        raise InputError(f"s_max_F = {s_max_F} is smaller than s_min_F = {s_min_F}")
    return {"mu": s_min_F**2, "L1": s_max_F**2, "kappa": s_max_F**2 / s_min_F**2}


def width_implied_constant(d_penultimate: object, n: object, d0: object) -> sympy.Expr:
    """[LK] Theorem 15: penultimate width d_{Lambda-1} >= C n^4.5 max(n, d0^2), C unspecified.

    Returns d_{Lambda-1} / (n^4.5 max(n, d0^2)): the width condition holds exactly for C up to this value.
    """
    d, n, d0 = as_quantity(d_penultimate, "d_penultimate"), as_quantity(n, "n"), as_quantity(d0, "d0")
    for value, name in ((d, "d_penultimate"), (n, "n"), (d0, "d0")):
        require_positive(value, name)
    return d / (n ** sympy.Rational(9, 2) * sympy.Max(n, d0**2))


def lemma14_constants(alpha0: object, X_fro: object, Y_fro: object, lambdas: Sequence[object]) -> dict[str, sympy.Expr]:
    """[LK] Lemma 14, all constants of Assumptions 1-6 for a ReLU network of depth Lambda = len(lambdas).

    ``lambdas`` = (lambda_1, ..., lambda_Lambda): free choices bounding s_max(W_l) on the balls, with
    ||W_l(0)||_2 <= lambda_l / 2 (the usual choice is lambda_l = 2 ||W_l(0)||_2). With
    lambda_{1->Lambda-1} = prod_{l<Lambda} lambda_l and lambda_min = min_{l<Lambda} lambda_l::

        R_x = lambda_Lambda / 2
        R_u = (1/2) lambda_min min{1, alpha0 / (2 sqrt(Lambda) ||X||_F lambda_{1->Lambda-1})}^2
        mu = alpha0^2 / 2,  L1 = ||X||_F^2 lambda_{1->Lambda-1}^2,  L2 = 1,  f* = 0,  kappa = L1 / mu
        G1 = (lambda_Lambda + R_u) sqrt(Lambda) ||X||_F lambda_{1->Lambda-1} / lambda_min
        G2 = ((2 lambda_Lambda + R_u) ||X||_F lambda_{1->Lambda-1} + ||Y||_F) sqrt(Lambda) ||X||_F
             lambda_{1->Lambda-1} / lambda_min

    R_x grows with lambda_Lambda while G1, G2 grow with it too: a run may pick lambda_Lambda to meet a radius
    condition (and must say so).
    """
    if len(lambdas) < 2:
        raise InputError(f"Lemma 14 needs depth Lambda >= 2 (one lambda per layer), got {len(lambdas)} lambda(s)")
    Y_fro = as_quantity(Y_fro, "Y_fro")
    require_nonnegative(Y_fro, "Y_fro")
    hidden = [as_quantity(value, f"lambda_{index}") for index, value in enumerate(lambdas[:-1], start=1)]
    last = as_quantity(lambdas[-1], f"lambda_{len(lambdas)}")
    require_positive(last, f"lambda_{len(lambdas)}")
    base = relu_constants(alpha0, X_fro, hidden)
    alpha0, X_fro = as_quantity(alpha0, "alpha0"), as_quantity(X_fro, "X_fro")
    depth = sympy.Integer(len(lambdas))
    product = sympy.Mul(*hidden)
    smallest = sympy.Min(*hidden)
    R_u = smallest / 2 * sympy.Min(1, alpha0 / (2 * sympy.sqrt(depth) * X_fro * product)) ** 2
    spread = sympy.sqrt(depth) * X_fro * product / smallest
    return {**base, "R_x": last / 2, "R_u": R_u, "G1": (last + R_u) * spread,
            "G2": ((2 * last + R_u) * X_fro * product + Y_fro) * spread}
