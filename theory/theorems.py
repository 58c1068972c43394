"""The theorem registry of the SGD-type framework [XHT]/[SA]: hypotheses (condition ids of
:mod:`momcert.theory.conditions`), conclusions (almost surely), what is assumed, provenance. ``momcert explain ID``
prints each theorem.

A theorem's noise hypothesis depends on the noise model the user picks: the placeholder ``NOISE`` stands for
``noise_bounded`` or ``noise_l2`` (for ``sgd``: ``ETA_NOISE``, on eta_k); see ``NOISE_CONDITIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .statements import CLARKE_ASSUMPTIONS, FRAMEWORK_ASSUMPTIONS

NOISE = "<theta noise condition>"
ETA_NOISE = "<eta noise condition>"

#: Ids of what every theorem assumes and no schedule can show (statements in :mod:`momcert.theory.statements`).
ASSUMED = tuple(a.id for a in FRAMEWORK_ASSUMPTIONS)


@dataclass(frozen=True)
class Theorem:
    id: str
    provenance: str
    hypotheses: tuple[str, ...]
    conclusion: str
    conclusion_latex: str
    assumed: tuple[str, ...] = ASSUMED
    #: for ``xht-clarke``: one of these theorems must cover the schedule
    any_of: tuple[str, ...] = ()


THEOREMS: dict[str, Theorem] = {t.id: t for t in (
    Theorem("sgd", "[SA]",
            ("theta_is_one", "heavy_ball_map", "eta_positive", "eta_to_zero", "eta_sum_diverges", ETA_NOISE),
            "cluster points of x_k are D_f-stationary; f(x_k) converges",
            r"0 \in D_f(x^*) \text{ for every cluster point } x^* \text{ of } (x_k);\ f(x_k) \text{ converges}"),
    Theorem("xht-single", "[XHT]/[SA]",
            ("eta_positive", "theta_in_unit", "eta_to_zero", "eta_sum_diverges", "ratio_to_constant", NOISE),
            "cluster points (x*, m*) have m* = 0 and 0 in D_f(x*); f(x_k) converges; f(x) + phi(m)/tau decreases "
            "along the limiting flow",
            r"m^* = 0 \text{ and } 0 \in D_f(x^*) \text{ for every cluster point } (x^*, m^*);\ f(x_k) \text{ "
            r"converges};\ f(x) + \phi(m)/\tau \text{ decreases along the limiting flow}"),
    Theorem("xht-two", "[XHT]/[SA]",
            ("eta_positive", "theta_in_unit", "eta_sum_diverges", "theta_to_zero", "theta_sum_diverges",
             "ratio_to_zero", NOISE),
            "cluster points x* are D_f-stationary; dist(m_k, D_f(x_k)) -> 0; f(x_k) converges",
            r"0 \in D_f(x^*) \text{ for every cluster point } x^*;\ \operatorname{dist}(m_k, D_f(x_k)) \to 0;\ "
            r"f(x_k) \text{ converges}"),
    Theorem("xht-clarke", "[XHT]", ("random_scale",),
            "cluster points are Clarke stationary: 0 in the Clarke subdifferential",
            r"0 \in \partial_C f(x^*) \text{ (Clarke subdifferential) for every cluster point } x^*",
            assumed=(*ASSUMED, *(a.id for a in CLARKE_ASSUMPTIONS)),
            any_of=("xht-single", "xht-two")),
)}


def hypotheses(theorem: Theorem, noise: tuple[str, str]) -> tuple[str, ...]:
    """The theorem's condition ids with the noise placeholders replaced by ``noise`` = (theta id, eta id)."""
    return tuple(noise[0] if h == NOISE else noise[1] if h == ETA_NOISE else h for h in theorem.hypotheses)


def reported_hypotheses(theorem: Theorem, noise: tuple[str, str]) -> tuple[str, ...]:
    """The hypotheses ``momcert check`` reports (and ``momcert explain`` prints): the condition ids, then the
    theorems of which one must cover the schedule (``any_of``)."""
    return hypotheses(theorem, noise) + theorem.any_of
