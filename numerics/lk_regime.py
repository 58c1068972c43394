"""[LK] Theorem 15 as stated, on one ReLU network configuration (``momcert verify relu-nesterov --regime lk``).

Network [d0, d_1, ..., d_{Lambda-1}, d_out] with the [LK] initialization, MSE loss, f* = 0. Per initialization
(:func:`theorem_trial`, shared with the width sweep through :mod:`momcert.numerics.lk_sweep`, and :func:`trial`):

- Lemma 14's constants from the initial network, with lambda_l = 2 ||W_l(0)||_2 (the default free choice):
  mu = alpha0^2/2, L1 = ||X||_F^2 prod_{l<Lambda} lambda_l^2, kappa = 2 L1/alpha0^2, R_x, R_u, G1, G2
  (:func:`momcert.theory.lk_models.lemma14_constants`).
- Lemma 14 needs alpha0 > 0: rank F_{Lambda-1}(0) = n is a hypothesis (``lemma14-rank``); where it fails nothing runs.
- "theorem" runs: eta = c/L1 and beta from Theorem 15's kappa with c = 1/51: GD (Theorem 6) and Nesterov (Theorem 7).
  For the GD run lambda_Lambda is chosen as max(2 ||W_Lambda(0)||_2, 2 * 1.02 * required R_x), so that
  R_x = lambda_Lambda/2 meets Theorem 6's radius condition (R_x does not enter mu, L1 or kappa; G1, G2 grow with it);
  the report says which lambda_Lambda was used.
- (``--regime lk`` only) a "practical" Nesterov run (named as such): c = 1 and the constants measured at initialization
  (mu = s_n(F_{Lambda-1}(0))^2, L1 = s_max(F_{Lambda-1}(0))^2), checked with the paper's slack.

Checked on every step (the x-block is fixed at initialization: V1 = the row space of F_{Lambda-1}(0), x = V1^T W_Lambda,
u = ((I - V1 V1^T) W_Lambda, W_1, ..., W_{Lambda-1})): Assumption 1 (s_min(F_k V1)^2 >= alpha0^2/2), Assumption 2
(s_max(F_k)^2 <= L1), x_k and y_k in B(R_x), u_k and v_k in B(R_u), Assumption 4 (the measured G1 ratio
||h(x_k, u_k) - h(x_k, u_{k-1})|| / ||u_k - u_{k-1}|| <= G1), Lemma 4's PL inequality ||grad_x f||^2 >= 2 mu f and
Lemma 9's ||grad_u f||^2 <= (G1^2 L2/mu) ||grad_x f||^2. Rounding floor: a step with f_k <= FLOOR * Delta0 (a residual
1e-10 relative, a million times float64's rounding) is left out of the G1 ratio, Lemmas 4 and 9 and the fitted rates.

This module runs the trajectories and measures them; the claims on them are built and adjudicated in
:mod:`momcert.numerics.claims`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from momcert.theory import nesterov
from momcert.theory.vocabulary import ClaimStatus

from . import measure, models, problems
from .claims import assumption_checks, bound, conditional, hypothesis, lemma_predictions, run_checks
from .reporting import Claim, Report

#: Steps with f_k <= FLOOR * Delta0 sit at the rounding floor: left out of G estimates, Lemmas 4, 9 and fitted rates.
FLOOR = 1e-20
#: The GD run's lambda_Lambda is this factor times twice Theorem 6's required R_x (when that exceeds the default).
LAMBDA_MARGIN = 1.02


@dataclass(frozen=True)
class Measured:
    """Extremes over one run (all trials) of the per-step checks; ``None``-free floats."""

    alpha_ratio: float  # min s_min(F_k V1)^2 / alpha0^2 over x_k and y_k
    L1_ratio: float  # max s_max(F_k)^2 / L1 (Lemma 14's L1)
    ball_x: float  # max ||x - x0|| over x_k, y_k
    ball_u: float  # max ||u - u0|| over u_k, v_k
    G1: float  # max finite-difference G1 ratio (above the floor)
    pl: float  # min ||grad_x f||^2 / (2 mu f) at the gradient points (above the floor)
    dominance: float  # max ||grad_u f||^2 / ((G1^2/mu) ||grad_x f||^2) (above the floor)


def _split(weights, initial, basis):
    """||x - x0||, ||u - u0|| with x = V1^T W_Lambda and u holding the rest of W_Lambda and the hidden layers."""
    inside, rest = models.split_row_space(weights[-1] - initial[-1], basis)
    hidden = sum(float(torch.linalg.matrix_norm(w - w0) ** 2) for w, w0 in zip(weights[:-1], initial[:-1],
                                                                                 strict=True))
    return float(torch.linalg.matrix_norm(inside)), math.sqrt(float(torch.linalg.matrix_norm(rest) ** 2) + hidden)


def loss_and_gradient(weights, X, Y):
    """(f, F_{Lambda-1}, [grad_{W_1} f, ..., grad_{W_Lambda} f]) for f = ||F_Lambda - Y||_F^2 / 2, by backpropagation
    written out (F_l = relu(F_{l-1} W_l)): grad_{W_Lambda} = F_{Lambda-1}^T R with R = F_Lambda - Y, then
    D = R W_Lambda^T masked by relu' and grad_{W_l} = F_{l-1}^T D going down."""
    inputs, features = [], X
    for weight in weights[:-1]:
        inputs.append(features)
        features = torch.relu(features @ weight)
    residual = features @ weights[-1] - Y
    grads = [features.T @ residual]
    delta, above = residual @ weights[-1].T, features
    for weight, below in zip(reversed(weights[:-1]), reversed(inputs), strict=True):
        delta = delta * (above > 0)
        grads.append(below.T @ delta)
        delta, above = delta @ weight.T, below
    return 0.5 * float((residual ** 2).sum()), features, grads[::-1]


def trajectory(X, Y, initial, basis, eta: float, beta: float, iterations: int, constants: dict, method: str):
    """Run GD (``beta`` ignored) or [LK] Nesterov from ``initial``; return (losses (iterations + 1,), Measured).

    ``constants``: Lemma 14's floats of this run (alpha0, mu, L1, G1)."""
    alpha0_sq, L1, mu, G1 = constants["alpha0"] ** 2, constants["L1"], constants["mu"], constants["G1"]
    x = [w.clone() for w in initial]
    y = x
    features_x = models.penultimate(x, X)  # F_{Lambda-1} at x_k, carried from step to step
    losses = [0.5 * float(((features_x @ x[-1] - Y) ** 2).sum())]
    floor = FLOOR * losses[0]
    worst = {"alpha": math.inf, "L1": 0.0, "bx": 0.0, "bu": 0.0, "G1": 0.0, "pl": math.inf, "dom": 0.0}

    def check_point(weights, features):
        singular = torch.linalg.svdvals(features @ basis)
        worst["alpha"] = min(worst["alpha"], float(singular.min() ** 2) / alpha0_sq)
        worst["L1"] = max(worst["L1"], float(torch.linalg.matrix_norm(features, ord=2) ** 2) / L1)
        bx, bu = _split(weights, initial, basis)
        worst["bx"], worst["bu"] = max(worst["bx"], bx), max(worst["bu"], bu)

    check_point(x, features_x)
    for _ in range(iterations):
        point = y if method == "nesterov" else x
        value, _, g = loss_and_gradient(point, X, Y)
        if value > floor:
            gx = basis.T @ g[-1]
            gx_sq = float((gx ** 2).sum())
            gu_sq = float(((g[-1] - basis @ gx) ** 2).sum()) + sum(float((w ** 2).sum()) for w in g[:-1])
            worst["pl"] = min(worst["pl"], gx_sq / (2 * mu * value))
            worst["dom"] = max(worst["dom"], gu_sq / (G1 ** 2 / mu * gx_sq))
        x_new = [p - eta * d for p, d in zip(point, g, strict=True)]
        features = models.penultimate(x_new, X)
        loss = 0.5 * float(((features @ x_new[-1] - Y) ** 2).sum())
        if loss > floor:  # Assumption 4 along the x-sequence: u moves, x = V1^T W_Lambda(k) is held fixed
            mixed = models.join_row_space(models.split_row_space(x_new[-1], basis)[0],
                                          models.split_row_space(x[-1], basis)[1], basis)
            du = _split(x_new, x, basis)[1]
            if du > 0:
                change = features @ x_new[-1] - features_x @ mixed
                worst["G1"] = max(worst["G1"], float(torch.linalg.matrix_norm(change)) / du)
        if method == "nesterov":
            y = [a + beta * (a - b) for a, b in zip(x_new, x, strict=True)]
            check_point(y, models.penultimate(y, X))
        x, features_x = x_new, features
        check_point(x, features)
        losses.append(loss)
        if not math.isfinite(loss):
            break
    losses += [math.nan] * (iterations + 1 - len(losses))
    return np.array(losses), Measured(worst["alpha"], worst["L1"], worst["bx"], worst["bu"], worst["G1"],
                                      worst["pl"], worst["dom"])


def fitted_log_rate(losses: np.ndarray, delta0: float) -> float:
    """log of the linear rate fitted over the second half of the steps before the run first reaches the rounding
    floor (f_k <= FLOOR Delta0, or not finite); NaN with fewer than 3 such steps in that half."""
    above = np.isfinite(losses) & (losses > FLOOR * delta0)
    end = int(np.argmin(above)) if not above.all() else losses.shape[0]
    return float(np.log(measure.fitted_rate(losses[:end])[0]))


# -- one configuration ------------------------------------------------------------------------------------------
def _floats(constants: dict) -> dict[str, float]:
    return {name: float(value) for name, value in constants.items()}


@dataclass(frozen=True)
class Theorem15Constants:
    """What [LK] Theorem 15 takes from one initial network (:func:`theorem15_constants`): alpha0, Delta0, the default
    lambda_l = 2 ||W_l(0)||_2 and the GD run's lambda_Lambda (``last``), Lemma 14's constants with the default lambdas
    (``default``) and with ``last`` (``gd``), the parameters (kappa = 2 L1/alpha0^2, c = 1/51) and the radii Theorems 6
    and 7 require (``required``: "6 x", "6 u", "7 x", "7 u")."""

    alpha0: float
    delta0: float
    lambdas: list[float]
    last: float
    default: dict
    gd: dict
    params: nesterov.LKParameters
    required: dict[str, float]


def theorem15_constants(X, Y, initial) -> Theorem15Constants:
    """[LK] Lemma 14 and Theorem 15 on one initial network of rank F_{Lambda-1}(0) = n: the GD run's lambda_Lambda is
    max(2 ||W_Lambda(0)||_2, 2 * LAMBDA_MARGIN * Theorem 6's required R_x), so that R_x = lambda_Lambda/2 meets it."""
    n = X.shape[0]
    alpha0 = float(torch.linalg.svdvals(models.penultimate(initial, X))[n - 1])
    delta0 = float(models.mse_loss(initial, X, Y))
    lambdas = [2 * float(measure.spectral_norm(w)) for w in initial]
    x_fro, y_fro = float(torch.linalg.matrix_norm(X)), float(torch.linalg.matrix_norm(Y))
    default = {"alpha0": alpha0, **_floats(nesterov.lemma14_constants(alpha0, x_fro, y_fro, lambdas))}
    params = nesterov.lk_parameters(default["mu"], default["L1"])  # Theorem 15: kappa = 2 L1/alpha0^2, c = 1/51
    required6_x = float(nesterov.theorem6_radius_x(params, delta0))
    last = max(lambdas[-1], 2 * LAMBDA_MARGIN * required6_x)
    gd = {"alpha0": alpha0, **_floats(nesterov.lemma14_constants(alpha0, x_fro, y_fro, [*lambdas[:-1], last]))}
    required = {"6 x": required6_x, "6 u": float(nesterov.theorem6_radius_u(params, gd["G1"], 1, delta0)),
                "7 x": float(nesterov.theorem7_radius_x(params, 1, delta0)),
                "7 u": float(nesterov.theorem7_radius_u(params, 1, default["G1"], delta0))}
    return Theorem15Constants(alpha0, delta0, lambdas, last, default, gd, params, required)


@dataclass
class TheoremTrial:
    """The two Theorem 15 runs of one initialization (:func:`theorem_trial`): their claims, reported constants and
    table row, the losses per run ((iterations + 1,) arrays; empty when Lemma 14 does not apply), and what a further
    run from the same initialization is checked with: the initial row space ``basis`` and Lemma 14's constants with
    the default lambdas (``None`` when rank F_{Lambda-1}(0) < n)."""

    claims: list[Claim]
    constants: dict
    row: dict
    losses: dict[str, np.ndarray]
    basis: torch.Tensor
    default: dict | None
    delta0: float


def theorem_trial(X, Y, initial, iterations: int, label: str) -> TheoremTrial:
    """Theorem 15 as stated on one initialization: Lemma 14's constants, the GD (Theorem 6) and Nesterov (Theorem 7)
    runs with c = 1/51 and their hypotheses, predictions and conditional statements (see the module docstring).

    Lemma 14 needs alpha0 = s_n(F_{Lambda-1}(0)) > 0, i.e. rank F_{Lambda-1}(0) = n (``lemma14-rank``): where that
    fails (a width below n, or dead units) it is the only claim and nothing is run."""
    n = X.shape[0]
    features = models.penultimate(initial, X)
    basis = models.row_space_basis(features)
    delta0 = float(models.mse_loss(initial, X, Y))
    rank = hypothesis(f"lemma14-rank[{label}]", "Lemma 14 needs alpha0 = s_n(F_{Lambda-1}(0)) > 0: "
                      "rank F_{Lambda-1}(0) = n", "[LK] Lemma 14", basis.shape[1], n, at_most=False)
    if rank.status == ClaimStatus.FAILS:
        return TheoremTrial([rank], {"Delta0": delta0, "rank F(0)": basis.shape[1]},
                            {"trial": label, "rank F(0)": basis.shape[1]}, {}, basis, None, delta0)
    found = theorem15_constants(X, Y, initial)
    alpha0, lambdas, last, default, gd, params, required = (found.alpha0, found.lambdas, found.last, found.default,
                                                            found.gd, found.params, found.required)
    theory = params.as_floats()

    losses, measured = {}, {}
    for run, beta, constants, method in (("gd-theorem", 0.0, gd, "gd"),
                                         ("nesterov-theorem", theory["beta"], default, "nesterov")):
        losses[run], measured[run] = trajectory(X, Y, initial, basis, theory["eta"], beta, iterations, constants,
                                                method)

    theorem6 = [
        hypothesis(f"thm6-G1[{label}]", "Theorem 6: G1^4 <= mu^2 / (8 L2^2)", "[LK] Theorem 6", gd["G1"] ** 4,
                   gd["mu"] ** 2 / 8, at_most=True),
        hypothesis(f"thm6-Rx[{label}]", f"Theorem 6: R_x >= 16 eta kappa sqrt(L1 Delta0) (lambda_Lambda = {last:.4g} "
                   "chosen to meet it)", "[LK] Theorem 6", gd["R_x"], required["6 x"], at_most=False),
        hypothesis(f"thm6-Ru[{label}]", "Theorem 6: R_u >= 16 eta kappa G1 sqrt(L2 Delta0)", "[LK] Theorem 6",
                   gd["R_u"], required["6 u"], at_most=False),
    ]
    theorem7 = [
        hypothesis(f"thm7-Rx[{label}]", "Theorem 7: R_x >= (36/c) sqrt(kappa) (eta (L2+1)/(1-beta))^(1/2) "
                   "Delta0^(1/2)", "[LK] Theorem 7", default["R_x"], required["7 x"], at_most=False),
        hypothesis(f"thm7-Ru[{label}]", "Theorem 7: R_u >= (36/c) sqrt(kappa) (eta G1^2 L2 (L2+1) (1+beta)^3 / "
                   "(mu beta (1-beta)^3))^(1/2) Delta0^(1/2)", "[LK] Theorem 7", default["R_u"], required["7 u"],
                   at_most=False),
    ]
    checks = {run: run_checks(label, run, measured[run], gd if run == "gd-theorem" else default)
              for run in ("gd-theorem", "nesterov-theorem")}
    claims = [rank, *theorem6, *checks["gd-theorem"], *theorem7, *checks["nesterov-theorem"]]
    claims.append(bound(
        f"theorem6-bound[{label}]", "GD with c = 1/51: f_k <= (1 - c/(4 kappa))^k Delta0 at every step",
        "[LK] Theorem 6", losses["gd-theorem"], delta0, theory["gd_rate"], 1.0, theorem6 + checks["gd-theorem"]))
    for run in ("gd-theorem", "nesterov-theorem"):
        claims += lemma_predictions(label, run, measured[run], checks[run])
    claims.append(bound(
        f"theorem7-bound[{label}]", "Nesterov with c = 1/51: f_k <= 2 (1 - c/(4 sqrt(kappa)))^k Delta0",
        "[LK] Theorem 7 / 15", losses["nesterov-theorem"], delta0, theory["rate"], 2.0,
        theorem7 + checks["nesterov-theorem"]))
    implied = {"C1": float(nesterov.implied_C1(default["G1"], default["mu"], 1, params.beta)),
               "C2": float(nesterov.implied_C2(default["G1"], default["G2"], default["mu"], 1, params.kappa,
                                               params.beta))}
    claims += [
        conditional(f"thm7-C1[{label}]", "Theorem 7: G1^4 <= C1 mu^2 / (L2 (L2+1)^2) ((1-beta)/(1+beta))^3",
                    "[LK] Theorem 7", "C1", implied["C1"], theorem7),
        conditional(f"thm7-C2[{label}]", "Theorem 7: G1^2 G2^2 <= C2 mu^3 / (L2 (L2+1) sqrt(kappa)) "
                    "((1-beta)/(1+beta))^2", "[LK] Theorem 7", "C2", implied["C2"], theorem7),
    ]
    rates = {run: fitted_log_rate(values, delta0) for run, values in losses.items()}
    constants = {"alpha0": alpha0, "Delta0": delta0, "lambdas (2 ||W_l(0)||_2)": lambdas,
                 "lambda_Lambda of the GD run": last, "Lemma 14 (default lambdas)": default,
                 "Lemma 14 (GD run)": gd, "theorem parameters (c = 1/51)": theory,
                 "Theorem 6 required R_x, R_u": [required["6 x"], required["6 u"]],
                 "Theorem 7 required R_x, R_u": [required["7 x"], required["7 u"]], "implied C1, C2": implied,
                 "fitted log-rates": rates}
    row = {"trial": label, "rank F(0)": basis.shape[1], "alpha0": alpha0, "kappa": theory["kappa"],
           "sqrt(kappa)": math.sqrt(theory["kappa"]),
           "lambda_Lambda (GD)": last, "R_x": default["R_x"], "R_u": default["R_u"], "G1 (GD)": gd["G1"],
           "Thm 6 G1^4/(mu^2/8)": gd["G1"] ** 4 / (gd["mu"] ** 2 / 8),
           "Thm 6 R_u/required": gd["R_u"] / required["6 u"],
           "Thm 7 required R_x": required["7 x"], "Thm 7 required R_u": required["7 u"],
           "max ||x-x0||": measured["nesterov-theorem"].ball_x, "max ||u-u0||": measured["nesterov-theorem"].ball_u,
           "min alpha_k^2/alpha0^2": measured["nesterov-theorem"].alpha_ratio,
           "max s_max(F_k)^2/L1": measured["nesterov-theorem"].L1_ratio,
           "log-rate Nesterov / GD (c = 1/51)": rates["nesterov-theorem"] / rates["gd-theorem"],
           "implied C1": implied["C1"], "implied C2": implied["C2"]}
    return TheoremTrial(claims, constants, row, losses, basis, default, delta0)


def trial(X, Y, initial, iterations: int, label: str):
    """Claims, constants and the table row of one initialization of ``--regime lk``: :func:`theorem_trial` and the
    practical Nesterov run (c = 1, measured constants) checked with the paper's slack."""
    result = theorem_trial(X, Y, initial, iterations, label)
    if result.default is None:
        return result.claims, result.constants, result.row
    s_max0 = float(measure.spectral_norm(models.penultimate(initial, X)))
    practical = nesterov.lk_parameters(result.default["alpha0"] ** 2, s_max0 ** 2, 1, allow_c=True).as_floats()
    losses, measured = trajectory(X, Y, initial, result.basis, practical["eta"], practical["beta"], iterations,
                                  result.default, "nesterov")
    slack = assumption_checks(f"[nesterov-practical {label}]", measured.alpha_ratio, measured.L1_ratio)
    constants = {**result.constants, "practical parameters (c = 1, measured)": practical}
    constants["fitted log-rates"]["nesterov-practical"] = fitted_log_rate(losses, result.delta0)
    return [*result.claims, *slack], constants, result.row


def run(options, config):
    """``momcert verify relu-nesterov --regime lk``: :func:`trial` for every initialization, one report
    (``config``: a :class:`~momcert.numerics.scenarios.configs.ReluNesterovConfig`)."""
    size = config.sizes
    widths = [size["d0"], *size["hidden"], size["d_out"]]
    generator = torch.Generator().manual_seed(options.seed)
    X, Y = problems_data(size, options, generator)
    report = Report.of_run("relu-nesterov", options, {"regime": "lk", "depth": len(widths) - 1, "widths": widths,
                                                      **size, "data": "teacher", "quick": config.quick})
    report.notes += [
        "Theorem 15 as stated: eta = c/L1 and beta from kappa = 2 L1/alpha0^2 (Lemma 14's constants, lambda_l = "
        "2 ||W_l(0)||_2), c = 1/51. The GD run takes lambda_Lambda = max(2 ||W_Lambda(0)||_2, 2 x 1.02 x Theorem 6's "
        "required R_x) so that its radius condition holds (R_x = lambda_Lambda/2; G1, G2 grow with lambda_Lambda).",
        "nesterov-practical is the practical variant: c = 1 with mu, L1 measured at initialization, checked with the "
        "paper's slack (alpha_k^2 >= alpha0^2/2, s_max(F_k)^2 <= Lemma 14's L1).",
        f"Steps with f_k <= {FLOOR:g} Delta0 (rounding floor) are left out of the G1 ratios, Lemmas 4, 9 and the "
        "fitted rates.",
        "C1, C2 are unspecified in [LK]: the Theorem 7 G-conditions are conditional statements with the implied "
        "constants; no value is chosen.",
    ]
    rows = []
    for index in range(size["trials"]):
        seeded = torch.Generator().manual_seed(options.seed + 1000 * (index + 1))
        initial = models.init_weights(widths, generator=seeded, dtype=options.dtype, device=options.device)
        claims, constants, row = trial(X, Y, initial, size["iterations"], f"t{index}")
        report.claims += claims
        report.constants[f"t{index}"] = constants
        rows.append(row)
    report.tables["lk regime"] = rows
    return report


def problems_data(size: dict, options, generator):
    """Teacher labels on n points of the unit sphere (the data of :func:`run`)."""
    return problems.teacher_student(size["n"], size["d0"], [8, size["d_out"]], generator=generator,
                                    dtype=options.dtype, device=options.device)
