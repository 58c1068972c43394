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

from . import models, problems
from .lk_regime import theorem15_constants

#: The hypotheses whose margins :func:`hypothesis_margins` returns, in order.
MARGINS = ("Theorem 6: G1^4 <= mu^2/8", "Theorem 6: R_u", "Theorem 7: R_x", "Theorem 7: R_u")


def hypothesis_margins(depth: int, width: int, *, n: int = 4, d0: int = 2, seed: int = 0) -> dict[str, float]:
    """The margins of :data:`MARGINS` (float64, CPU), with the data and the first initialization that
    ``momcert verify relu-nesterov --regime lk --seed SEED`` draws."""
    X, Y = problems.teacher_student(n, d0, [8, 1], generator=torch.Generator().manual_seed(seed),
                                    dtype=torch.float64, device="cpu")
    weights = models.init_weights([d0, *[width] * (depth - 1), 1], generator=torch.Generator().manual_seed(seed + 1000),
                                  dtype=torch.float64, device="cpu")
    found = theorem15_constants(X, Y, weights)
    gd, default, required = found.gd, found.default, found.required
    values = (gd["mu"] ** 2 / 8 / gd["G1"] ** 4, gd["R_u"] / required["6 u"], default["R_x"] / required["7 x"],
              default["R_u"] / required["7 u"])
    return dict(zip(MARGINS, values, strict=True))


def margin_table(depths: Sequence[int], widths: Sequence[int], **data) -> dict[int, list[dict[str, float]]]:
    """:func:`hypothesis_margins` for every depth (keys) and width (list entries, in the order of ``widths``)."""
    return {depth: [hypothesis_margins(depth, width, **data) for width in widths] for depth in depths}
