"""The theorem registry of THEORY.md 1.3: hypotheses (condition ids), conclusions, what is assumed, provenance.

A theorem's noise hypothesis depends on the noise model the user picks (THEORY.md 1.2): the placeholder
``NOISE`` stands for ``noise_bounded`` or ``noise_l2`` (for ``sgd``: ``ETA_NOISE``, on eta_k).
"""

from __future__ import annotations

from dataclasses import dataclass

NOISE = "<theta noise condition>"
ETA_NOISE = "<eta noise condition>"

#: Assumed by every theorem and not checkable from a schedule (THEORY.md 1.3).
ASSUMED = (
    "f locally Lipschitz and path-differentiable (definable)",
    "Phi the subdifferential of a convex phi",
    "iterates bounded almost surely",
    "noise a martingale difference sequence",
)


@dataclass(frozen=True)
class Theorem:
    id: str
    provenance: str
    hypotheses: tuple[str, ...]
    conclusion: str
    assumed: tuple[str, ...] = ASSUMED
    #: for ``xht-clarke``: one of these theorems must cover the schedule
    any_of: tuple[str, ...] = ()


THEOREMS: dict[str, Theorem] = {t.id: t for t in (
    Theorem("sgd", "[SA]",
            ("theta_is_one", "heavy_ball_map", "eta_positive", "eta_to_zero", "eta_sum_diverges", ETA_NOISE),
            "cluster points of x_k are D_f-stationary; f(x_k) converges"),
    Theorem("xht-single", "[XHT]/[SA]",
            ("eta_positive", "theta_in_unit", "eta_to_zero", "eta_sum_diverges", "ratio_to_constant", NOISE),
            "cluster points (x*, m*) have m* = 0 and 0 in D_f(x*); f(x_k) converges; f(x) + phi(m)/tau decreases "
            "along the limiting flow"),
    Theorem("xht-two", "[XHT]/[SA]",
            ("eta_positive", "theta_in_unit", "eta_sum_diverges", "theta_to_zero", "theta_sum_diverges",
             "ratio_to_zero", NOISE),
            "cluster points x* are D_f-stationary; dist(m_k, D_f(x_k)) -> 0; f(x_k) converges"),
    Theorem("xht-clarke", "[XHT]", ("random_scale",),
            "cluster points are Clarke stationary: 0 in the Clarke subdifferential",
            assumed=(*ASSUMED, "finite-sum f with definable f_i", "x_0 drawn from a density"),
            any_of=("xht-single", "xht-two")),
)}


def hypotheses(theorem: Theorem, noise: tuple[str, str]) -> tuple[str, ...]:
    """The theorem's condition ids with the noise placeholders replaced by ``noise`` = (theta id, eta id)."""
    return tuple(noise[0] if h == NOISE else noise[1] if h == ETA_NOISE else h for h in theorem.hypotheses)
