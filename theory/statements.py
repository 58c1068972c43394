"""Statements that momcert takes from the papers without deciding them from a schedule, as text and LaTeX.

- What the SGD-type theorems assume and no stepsize schedule can show ([SA], [XHT]): :data:`FRAMEWORK_ASSUMPTIONS`
  (assumed by every theorem of :mod:`momcert.theory.theorems`) and :data:`CLARKE_ASSUMPTIONS` (``xht-clarke`` only).
- [LK] Assumptions 1-6 (PMLR numbering), the hypotheses on f that numbers cannot decide: :data:`LK_ASSUMPTIONS`.
- The hypotheses of [LK] Theorems 6 and 7 that ``momcert nesterov`` decides (:mod:`momcert.theory.nesterov` builds its
  verdicts from these statements): :data:`LK_PARAMETER_HYPOTHESES`, :data:`THEOREM7_HYPOTHESES`,
  :data:`THEOREM6_HYPOTHESES` and momcert's reformulation :data:`THEOREM7_C_RADII`.

Every statement here is read by ``momcert explain ID``. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Statement:
    """One hypothesis or assumption: ``statement`` in plain text, ``latex`` (math mode), and ``provenance``, the tag
    with the paper's numbering (``"[LK] Assumption 1"``); ``constant`` is the constant it defines, if any."""

    id: str
    statement: str
    latex: str
    provenance: str
    constant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"statement": self.statement, "constant": self.constant, "provenance": self.provenance}


def _by_id(*groups: tuple[Statement, ...]) -> dict[str, Statement]:
    """The statements of ``groups`` keyed by id."""
    return {s.id: s for group in groups for s in group}


FRAMEWORK_ASSUMPTIONS: tuple[Statement, ...] = (
    Statement("f_path_differentiable", "f is locally Lipschitz and path-differentiable (for example definable), and "
              "D_f is a conservative field for f",
              r"f \text{ locally Lipschitz and path-differentiable (definable)},\ D_f \text{ a conservative field}",
              "[SA]"),
    Statement("phi_convex", "the direction map Phi is the subdifferential of a convex function phi",
              r"\Phi = \partial\phi,\ \phi \text{ convex}", "[XHT]"),
    Statement("iterates_bounded", "the iterates are bounded almost surely",
              r"\sup_k \|(x_k, m_k)\| < \infty \text{ almost surely}", "[SA]"),
    Statement("noise_martingale", "the noise xi_{k+1} = g_k - d_k is a martingale difference sequence",
              r"\mathbb{E}[\xi_{k+1} \mid \mathcal{F}_k] = 0", "[SA]"),
)

CLARKE_ASSUMPTIONS: tuple[Statement, ...] = (
    Statement("finite_sum_definable", "f = (1/N) sum_i f_i is a finite sum of definable functions f_i",
              r"f = \tfrac{1}{N} \sum_{i=1}^{N} f_i,\ f_i \text{ definable}", "[XHT]"),
    Statement("x0_density", "the initial point x_0 is drawn from a density (an absolutely continuous law)",
              r"x_0 \sim p \text{ for a density } p", "[XHT]"),
)

LK_ASSUMPTIONS: tuple[Statement, ...] = (
    Statement("lk_strong_convexity", "f(., u) is mu-strongly convex for every u in B_u(R_u)",
              r"f(\cdot, u) \text{ is } \mu\text{-strongly convex for every } u \in B_u(R_u)", "[LK] Assumption 1",
              "mu"),
    Statement("lk_smoothness", "f(., u) is L1-smooth for every u in B_u(R_u); kappa = L1/mu",
              r"f(\cdot, u) \text{ is } L_1\text{-smooth for every } u \in B_u(R_u);\ \kappa = L_1/\mu",
              "[LK] Assumption 2", "L1"),
    Statement("lk_outer_smoothness", "the loss g is L2-smooth and min g = min f",
              r"g \text{ is } L_2\text{-smooth and } \min g = \min f", "[LK] Assumption 3", "L2"),
    Statement("lk_model_lipschitz_u", "||h(x,u) - h(x,v)|| <= G1 ||u - v|| on the balls",
              r"\|h(x,u) - h(x,v)\| \le G_1 \|u - v\| \text{ on the balls}", "[LK] Assumption 4", "G1"),
    Statement("lk_gradient_lipschitz_u", "||grad_x f(x,u) - grad_x f(x,v)|| <= G2 ||u - v|| on the balls",
              r"\|\nabla_x f(x,u) - \nabla_x f(x,v)\| \le G_2 \|u - v\| \text{ on the balls}", "[LK] Assumption 5",
              "G2"),
    Statement("lk_common_minimum", "min_x f(x, u) = f* for every u in B_u(R_u)",
              r"\min_x f(x, u) = f^* \text{ for every } u \in B_u(R_u)", "[LK] Assumption 6"),
)

LK_PARAMETER_HYPOTHESES: tuple[Statement, ...] = (
    Statement("lk_c_range", "0 < c <= 1/51", r"0 < c \le \tfrac{1}{51}", "[LK] proof of Theorem 7"),
    Statement("lk_kappa", "kappa = L1/mu >= 1", r"\kappa = L_1/\mu \ge 1", "[LK] Assumptions 1-2"),
)

THEOREM7_HYPOTHESES: tuple[Statement, ...] = (
    Statement("thm7_G1", "G1^4 <= C1 mu^2 / (L2 (L2+1)^2) ((1-beta)/(1+beta))^3",
              r"G_1^4 \le C_1 \frac{\mu^2}{L_2 (L_2+1)^2} \left(\frac{1-\beta}{1+\beta}\right)^3", "[LK] Theorem 7"),
    Statement("thm7_G1G2", "G1^2 G2^2 <= C2 mu^3 / (L2 (L2+1) sqrt(kappa)) ((1-beta)/(1+beta))^2",
              r"G_1^2 G_2^2 \le C_2 \frac{\mu^3}{L_2 (L_2+1) \sqrt{\kappa}} \left(\frac{1-\beta}{1+\beta}\right)^2",
              "[LK] Theorem 7"),
    Statement("thm7_Rx", "R_x >= (36/c) sqrt(kappa) (eta (L2+1)/(1-beta))^(1/2) Delta0^(1/2)",
              r"R_x \ge \frac{36}{c} \sqrt{\kappa} \left(\frac{\eta (L_2+1)}{1-\beta}\right)^{1/2} \Delta_0^{1/2}",
              "[LK] Theorem 7"),
    Statement("thm7_Ru", "R_u >= (36/c) sqrt(kappa) (eta G1^2 L2 (L2+1) (1+beta)^3 / (mu beta (1-beta)^3))^(1/2) "
                         "Delta0^(1/2)",
              r"R_u \ge \frac{36}{c} \sqrt{\kappa} \left(\frac{\eta G_1^2 L_2 (L_2+1) (1+\beta)^3}"
              r"{\mu \beta (1-\beta)^3}\right)^{1/2} \Delta_0^{1/2}", "[LK] Theorem 7"),
)

THEOREM7_C_RADII = Statement(
    "thm7_c_radii", "c >= c_min, the smallest c <= 1/51 for which R_x and R_u satisfy Theorem 7",
    r"c \ge c_{\min} = \min\{c \le \tfrac{1}{51} : R_x, R_u \text{ satisfy the radius hypotheses of Theorem 7}\}",
    "[LK] Theorem 7")

THEOREM6_HYPOTHESES: tuple[Statement, ...] = (
    Statement("thm6_G1", "G1^4 <= mu^2 / (8 L2^2)", r"G_1^4 \le \frac{\mu^2}{8 L_2^2}", "[LK] Theorem 6"),
    Statement("thm6_Rx", "R_x >= 16 eta kappa sqrt(L1) Delta0^(1/2)",
              r"R_x \ge 16 \eta \kappa \sqrt{L_1} \Delta_0^{1/2}", "[LK] Theorem 6"),
    Statement("thm6_Ru", "R_u >= 16 eta kappa G1 sqrt(L2) Delta0^(1/2)",
              r"R_u \ge 16 \eta \kappa G_1 \sqrt{L_2} \Delta_0^{1/2}", "[LK] Theorem 6"),
)

#: The hypotheses ``momcert nesterov`` reports, by id.
LK_HYPOTHESES: dict[str, Statement] = _by_id(LK_PARAMETER_HYPOTHESES, THEOREM7_HYPOTHESES, (THEOREM7_C_RADII,),
                                             THEOREM6_HYPOTHESES)
