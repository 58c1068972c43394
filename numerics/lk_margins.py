"""Where [LK] Theorem 15 can apply, before any training: the margins of Theorems 6 and 7's a-priori hypotheses.

For one [LK] initialization of a ReLU network [d0, m, ..., m, 1] (depth Lambda, hidden width m) on n teacher-labelled
points of the unit sphere, Lemma 14's constants with lambda_l = 2 ||W_l(0)||_2 and Theorem 15's parameters
(kappa = 2 L1/alpha0^2, eta = c/L1, c = 1/51) decide these hypotheses from the initial network alone
(:mod:`momcert.theory.nesterov`):

- Theorem 6: G1^4 <= mu^2/(8 L2^2) and R_u >= 16 eta kappa G1 sqrt(L2 Delta0), with lambda_Lambda raised to
  2 x 1.02 x the required R_x, as the ``--regime lk`` GD run does (R_x = lambda_Lambda/2 can always be met; G1 grows
  with lambda_Lambda);
- Theorem 7: R_x and R_u against their required radii (default lambdas).

A *margin* is threshold / value for an upper bound and available / required for a radius: the hypothesis holds
exactly when its margin is at least 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from momcert.theory import nesterov

from . import measure, models, problems
from .lk_regime import LAMBDA_MARGIN

#: The hypotheses whose margins :func:`hypothesis_margins` returns, in order.
MARGINS = ("Theorem 6: G1^4 <= mu^2/8", "Theorem 6: R_u", "Theorem 7: R_x", "Theorem 7: R_u")


def hypothesis_margins(depth: int, width: int, *, n: int = 4, d0: int = 2, seed: int = 0) -> dict[str, float]:
    """The margins of :data:`MARGINS` (float64, CPU), with the data and the first initialization that
    ``momcert verify relu-nesterov --regime lk --seed SEED`` draws."""
    X, Y = problems.teacher_student(n, d0, [8, 1], generator=torch.Generator().manual_seed(seed),
                                    dtype=torch.float64, device="cpu")
    weights = models.init_weights([d0, *[width] * (depth - 1), 1], generator=torch.Generator().manual_seed(seed + 1000),
                                  dtype=torch.float64, device="cpu")
    alpha0 = float(torch.linalg.svdvals(models.penultimate(weights, X))[n - 1])
    lambdas = [2 * float(measure.spectral_norm(w)) for w in weights]
    norms = (alpha0, float(torch.linalg.matrix_norm(X)), float(torch.linalg.matrix_norm(Y)))
    delta0 = float(models.mse_loss(weights, X, Y))

    def lemma14(chosen: Sequence[float]) -> dict[str, float]:
        return {name: float(value) for name, value in nesterov.lemma14_constants(*norms, chosen).items()}

    default = lemma14(lambdas)
    params = nesterov.lk_parameters(default["mu"], default["L1"])
    raised = [*lambdas[:-1], max(lambdas[-1], 2 * LAMBDA_MARGIN * float(nesterov.theorem6_radius_x(params, delta0)))]
    gd = lemma14(raised)
    values = (gd["mu"] ** 2 / 8 / gd["G1"] ** 4,
              gd["R_u"] / float(nesterov.theorem6_radius_u(params, gd["G1"], 1, delta0)),
              default["R_x"] / float(nesterov.theorem7_radius_x(params, 1, delta0)),
              default["R_u"] / float(nesterov.theorem7_radius_u(params, 1, default["G1"], delta0)))
    return dict(zip(MARGINS, values, strict=True))


def margin_table(depths: Sequence[int], widths: Sequence[int], **data) -> dict[int, list[dict[str, float]]]:
    """:func:`hypothesis_margins` for every depth (keys) and width (list entries, in the order of ``widths``)."""
    return {depth: [hypothesis_margins(depth, width, **data) for width in widths] for depth in depths}
