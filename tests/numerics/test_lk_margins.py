"""The Theorem 15 hypothesis margins (momcert.numerics.lk_margins): by hand, against the ``--regime lk`` run, and the
figure."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from momcert.numerics import lk_margins, models, plots, problems
from momcert.numerics.verify import verify

C = 1 / 51


def test_margins_by_hand_at_depth_2():
    """Lemma 14 at depth 2 (lambda_l = 2 ||W_l(0)||_2): R_x = ||W_2(0)||_2, L1 = ||X||_F^2 lambda_1^2,
    R_u = (lambda_1/2) min(1, alpha0/(2 sqrt(2) ||X||_F lambda_1))^2, G1 = (lambda_2 + R_u) sqrt(2) ||X||_F; Theorem 15:
    kappa = 2 L1/alpha0^2, eta = c/L1, beta = (4 sqrt(kappa) - sqrt(c))/(4 sqrt(kappa) + 7 sqrt(c)); Theorem 7's radii
    with L2 = 1. Computed with numpy from the same network."""
    X, Y = problems.teacher_student(4, 2, [8, 1], generator=torch.Generator().manual_seed(0), dtype=torch.float64,
                                    device="cpu")
    W1, W2 = models.init_weights([2, 64, 1], generator=torch.Generator().manual_seed(1000), dtype=torch.float64,
                                 device="cpu")
    X_np, Y_np, W1_np, W2_np = (t.numpy() for t in (X, Y, W1, W2))
    features = np.maximum(X_np @ W1_np, 0)
    alpha0 = np.linalg.svd(features, compute_uv=False)[3]
    lam1, lam2 = 2 * np.linalg.norm(W1_np, 2), 2 * np.linalg.norm(W2_np, 2)
    x_fro = np.linalg.norm(X_np)
    delta0 = 0.5 * np.sum((features @ W2_np - Y_np) ** 2)
    L1 = x_fro**2 * lam1**2
    kappa = 2 * L1 / alpha0**2
    eta = C / L1
    beta = (4 * math.sqrt(kappa) - math.sqrt(C)) / (4 * math.sqrt(kappa) + 7 * math.sqrt(C))
    R_u = lam1 / 2 * min(1.0, alpha0 / (2 * math.sqrt(2) * x_fro * lam1)) ** 2
    G1 = (lam2 + R_u) * math.sqrt(2) * x_fro
    need_x = 36 / C * math.sqrt(kappa) * math.sqrt(eta * 2 / (1 - beta)) * math.sqrt(delta0)
    need_u = (36 / C * math.sqrt(kappa) * math.sqrt(eta * G1**2 * 2 * (1 + beta) ** 3 / (alpha0**2 / 2 * beta
                                                                                     * (1 - beta) ** 3))
              * math.sqrt(delta0))

    margins = lk_margins.hypothesis_margins(2, 64)
    assert margins["Theorem 7: R_x"] == pytest.approx((lam2 / 2) / need_x, rel=1e-9)
    assert margins["Theorem 7: R_u"] == pytest.approx(R_u / need_u, rel=1e-9)


def test_margins_agree_with_the_regime_run(tmp_path):
    """The margins are the ratios the ``--regime lk`` report states for its first initialization (same data, same
    network, same lambda_Lambda choice)."""
    report = verify("relu-nesterov", regime="lk", quick=True, iterations=6, out=tmp_path, no_progress=True)
    constants = report.constants["t0"]
    gd, default = constants["Lemma 14 (GD run)"], constants["Lemma 14 (default lambdas)"]
    margins = lk_margins.hypothesis_margins(2, 2048)
    assert margins["Theorem 6: G1^4 <= mu^2/8"] == pytest.approx(gd["mu"] ** 2 / 8 / gd["G1"] ** 4, rel=1e-9)
    assert margins["Theorem 6: R_u"] == pytest.approx(gd["R_u"] / constants["Theorem 6 required R_x, R_u"][1],
                                                      rel=1e-9)
    claims = {claim.id: claim for claim in report.claims}
    assert margins["Theorem 7: R_x"] == pytest.approx(default["R_x"] / float(claims["thm7-Rx[t0]"].predicted[3:]),
                                                      rel=1e-5)


def test_a_margin_holds_at_depth_2_and_fails_at_depth_3():
    """Theorem 6's hypotheses hold on the wide depth-2 network (margins >= 1) and fail on every depth-3 one."""
    table = lk_margins.margin_table((2, 3), (64, 2048))
    theorem6 = [name for name in lk_margins.MARGINS if name.startswith("Theorem 6")]
    assert [table[2][1][name] >= 1 for name in theorem6] == [True, True]
    assert [table[2][0][name] >= 1 for name in theorem6] == [False, False]
    assert [table[3][1][name] >= 1 for name in theorem6] == [False, False]


def test_margins_figure_has_one_panel_per_depth(tmp_path):
    import matplotlib.image

    table = {2: [{"a": 0.5, "b": 2.0}, {"a": 1.5, "b": 3.0}], 3: [{"a": 1e-3, "b": 1e-2}, {"a": 1e-2, "b": 0.1}]}
    path = plots.margins_figure([64, 256], table, tmp_path / "margins.png")
    height, width = matplotlib.image.imread(path).shape[:2]
    assert width > 1.8 * height  # two panels side by side
