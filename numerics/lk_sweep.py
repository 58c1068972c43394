"""[LK] Theorem 15 as stated at every width of the ``momcert verify relu-nesterov`` sweep.

For every initialization of a width m (the sweep's networks, data and depth),
:func:`momcert.numerics.lk_regime.theorem_trial` runs GD (Theorem 6) and Nesterov (Theorem 7) with c = 1/51 and
Lemma 14's constants (lambda_l = 2 ||W_l(0)||_2, mu = alpha0^2/2, kappa = 2 L1/alpha0^2; the GD run's lambda_Lambda
raised to meet Theorem 6's R_x), with the same per-step checks and claims as ``--regime lk``, labelled
``[m=256 t0]``. Per width, :func:`summary` gives the medians over initializations of the margins of the Theorem 6 and
7 hypotheses (G1^4 / (mu^2/8) <= 1, R_u / required >= 1, R_x and R_u against Theorem 7's required radii), the implied
C1, C2, how many predictions were applicable (their hypotheses hold: ``pass`` or ``fail``) and which hypotheses
failed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from momcert.theory.vocabulary import ClaimKind, ClaimStatus

from . import lk_regime
from .reporting import Claim

#: The per-initialization table columns summarized per width (median over initializations).
SUMMARY = ("Thm 6 G1^4/(mu^2/8)", "Thm 6 R_u/required", "R_x", "Thm 7 required R_x", "R_u", "Thm 7 required R_u",
           "implied C1", "implied C2")


@dataclass
class WidthRuns:
    """The Theorem 15 runs of one width: claims, constants per initialization, one table row per initialization, the
    losses per run ((iterations + 1, T) arrays, for the figure) and the per-width :func:`summary`."""

    claims: list[Claim]
    constants: dict[str, dict]
    rows: list[dict]
    losses: dict[str, np.ndarray]
    summary: dict


def width_runs(X, Y, weights, iterations: int, width: int) -> WidthRuns:
    """:func:`momcert.numerics.lk_regime.theorem_trial` for every initialization in ``weights`` (one tensor per layer
    with a leading trial axis, as :func:`momcert.numerics.models.init_ensemble` draws them)."""
    claims, constants, rows, losses = [], {}, [], {}
    for index in range(weights[0].shape[0]):
        label = f"t{index}"
        result = lk_regime.theorem_trial(X, Y, [w[index].contiguous() for w in weights], iterations,
                                         f"m={width} {label}")
        claims += result.claims
        constants[label] = result.constants
        rows.append({"width": width, **result.row})
        for run, values in result.losses.items():
            losses.setdefault(run, []).append(values)
    return WidthRuns(claims, constants, rows, {run: np.stack(values, axis=1) for run, values in losses.items()},
                     summary(claims, rows))


def summary(claims: list[Claim], rows: list[dict]) -> dict:
    """One width's Theorem 15 columns: the applicable predictions (every hypothesis held: ``pass`` or ``fail``) by
    name with their pass and fail counts, the not applicable ones with their counts, the failed hypotheses with the
    number of failing claims (over initializations and runs), and the medians of :data:`SUMMARY` over the
    initializations that ran ("none" where a list is empty)."""
    def names(chosen) -> Counter:
        return Counter(claim.id.split("[")[0] for claim in chosen)

    predictions = [claim for claim in claims if claim.kind == ClaimKind.PREDICTION]
    applicable = names(claim for claim in predictions if claim.status != ClaimStatus.NOT_APPLICABLE)
    passed = names(claim for claim in predictions if claim.status == ClaimStatus.PASS)
    failed = names(claim for claim in predictions if claim.status == ClaimStatus.FAIL)
    ran = {key: [row[key] for row in rows if key in row] for key in SUMMARY}
    return {"Thm 15 applicable predictions (pass/fail)": ", ".join(
                f"{name} {passed[name]}/{failed[name]}" for name in applicable) or "none",
            "Thm 15 not applicable predictions": _counts(names(
                claim for claim in predictions if claim.status == ClaimStatus.NOT_APPLICABLE)),
            "Thm 15 failed hypotheses": _counts(names(
                claim for claim in claims if claim.kind == ClaimKind.HYPOTHESIS and claim.status == ClaimStatus.FAILS)),
            **{f"{key} (median)": float(np.median(values)) for key, values in ran.items() if values}}


def aligned(rows: list[dict]) -> list[dict]:
    """``rows`` with the same columns (the union, in order of appearance; ``None`` where a row has none): a width or
    initialization where Lemma 14 does not apply has no Theorem 15 values, and a table's columns come from its first
    row."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    return [{key: row.get(key) for key in keys} for row in rows]


def _counts(counter: Counter) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counter.items()) or "none"
