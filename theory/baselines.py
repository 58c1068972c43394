"""Textbook baselines [TXT] for L-smooth mu-strongly convex (or PL) objectives (``momcert explain txt-nesterov``).

- GD under PL with step 1/L: f_k - f* <= (1 - mu/L)^k (f_0 - f*)  (Karimi-Nutini-Schmidt 2016).
- Nesterov with eta = 1/L, beta = (sqrt(kappa)-1)/(sqrt(kappa)+1):
  f_k - f* <= (1 - 1/sqrt(kappa))^k (f_0 - f* + mu/2 ||x_0 - x*||^2)  (Nesterov 2018; d'Aspremont-Scieur-Taylor 2021).
- Heavy ball tuned for quadratics, alpha = 4/(sqrt(L)+sqrt(mu))^2, beta = ((sqrt(kappa)-1)/(sqrt(kappa)+1))^2: no
  accelerated guarantee on the smooth strongly convex class (Goujaud-Taylor-Dieuleveut 2023).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import sqrt

from .errors import InputError
from .quantities import as_quantity, display, require_positive


@dataclass(frozen=True)
class Baseline:
    """A method with fixed parameters and its guaranteed contraction factor (``rate`` is None without a guarantee).

    ``bound(k, initial)`` is rate^k * initial, where ``initial`` is the quantity named in ``initial_quantity``.
    """

    name: str
    mu: sympy.Expr
    L: sympy.Expr
    kappa: sympy.Expr
    eta: sympy.Expr
    beta: sympy.Expr
    rate: sympy.Expr | None
    initial_quantity: str
    provenance: str
    note: str = ""

    def bound(self, k: object, initial: object = 1) -> sympy.Expr:
        """The guaranteed bound on f_k - f* after k steps (raises InputError where no guarantee exists)."""
        if self.rate is None:
            raise InputError(f"{self.name} has no guarantee on this class: {self.note}")
        k = sympy.Integer(k) if isinstance(k, int) else k
        return self.rate**k * as_quantity(initial, "initial")


def _mu_L(mu: object, L: object) -> tuple[sympy.Expr, sympy.Expr]:
    mu, L = as_quantity(mu, "mu"), as_quantity(L, "L")
    require_positive(mu, "mu")
    require_positive(L, "L")
    if (L - mu).is_negative:
        raise InputError(f"L = {display(L)} is smaller than mu = {display(mu)} (kappa = L/mu must be >= 1)")
    return mu, L


def gd_pl(mu: object, L: object) -> Baseline:
    """[TXT] gradient descent with step 1/L under the PL inequality: rate 1 - mu/L on f_k - f*."""
    mu, L = _mu_L(mu, L)
    return Baseline("GD under PL (step 1/L)", mu, L, L / mu, 1 / L, sympy.Integer(0), 1 - mu / L, "f_0 - f*",
                    "[TXT] Karimi-Nutini-Schmidt 2016")


def textbook_nesterov(mu: object, L: object) -> Baseline:
    """[TXT] Nesterov: eta = 1/L, beta = (sqrt(kappa)-1)/(sqrt(kappa)+1), rate 1 - 1/sqrt(kappa)
    on f_k - f* relative to f_0 - f* + mu/2 ||x_0 - x*||^2."""
    mu, L = _mu_L(mu, L)
    kappa = L / mu
    return Baseline("Nesterov, textbook parameters", mu, L, kappa, 1 / L, (sqrt(kappa) - 1) / (sqrt(kappa) + 1),
                    1 - 1 / sqrt(kappa), "f_0 - f* + mu/2 ||x_0 - x*||^2", "[TXT] Nesterov 2018")


def heavy_ball_quadratic(mu: object, L: object) -> Baseline:
    """[TXT] heavy ball tuned for quadratics.

    alpha = 4/(sqrt(L)+sqrt(mu))^2, beta = ((sqrt(kappa)-1)/(sqrt(kappa)+1))^2. No guarantee on the smooth
    strongly convex class (``rate`` is None).
    """
    mu, L = _mu_L(mu, L)
    kappa = L / mu
    return Baseline("heavy ball, tuned for quadratics", mu, L, kappa, 4 / (sqrt(L) + sqrt(mu)) ** 2,
                    ((sqrt(kappa) - 1) / (sqrt(kappa) + 1)) ** 2, None, "f_0 - f*",
                    "[TXT] Goujaud-Taylor-Dieuleveut 2023",
                    note="no accelerated guarantee on smooth strongly convex functions; PEPit's worst case grows "
                         "with n")


def baseline_rates(mu: object, L: object) -> dict[str, sympy.Expr]:
    """The guaranteed rates of the baselines, keyed for reports: ``textbook_nesterov_rate`` and ``gd_pl_rate``."""
    return {"textbook_nesterov_rate": textbook_nesterov(mu, L).rate, "gd_pl_rate": gd_pl(mu, L).rate}
