"""``momcert verify relu-nesterov``: [LK] Section 4.2 on deep ReLU networks, a width sweep at depth 3 (``--depth``),
or (``--regime lk``) Theorem 15 run as stated on one configuration (:mod:`momcert.numerics.lk_regime`).

Network [d0, m, ..., m, d_out] with the [LK] initialization (:mod:`momcert.numerics.models`), loss
||F_Lambda - Y||_F^2 / 2 on n points of the unit sphere labelled by a ReLU teacher (or random labels, or the bundled
digits). For every width m, on the same initial networks:

- Theorem 15 as stated (:mod:`momcert.numerics.lk_sweep`, one initialization at a time through
  :func:`momcert.numerics.lk_regime.theorem_trial`, the claims of ``--regime lk``, labelled ``[m=256 t0]``): GD
  (Theorem 6) and Nesterov (Theorem 7) with c = 1/51 and Lemma 14's constants (lambda_l = 2 ||W_l(0)||_2,
  mu = alpha0^2/2, kappa = 2 L1/alpha0^2; the GD run's lambda_Lambda raised to meet Theorem 6's R_x). Hypotheses
  checked at every step (Assumptions 1-2 on the initial row space V1, the balls B(R_x), B(R_u), Assumption 4) and a
  priori (Theorem 6's G1, R_x, R_u conditions, Theorem 7's radii); predictions (the Theorem 6 and 7 bounds, Lemma 4's
  PL inequality, Lemma 9's gradient dominance), ``pass``/``fail`` where their hypotheses hold, else
  ``not_applicable`` naming each failing hypothesis with its measured value and threshold; Theorem 7's G-conditions
  as conditional statements with the implied C1, C2 ([LK] leaves them unspecified; no value is chosen).
- The practical variant (gd-practical, nesterov-practical, batched over trials, :func:`practical_claims`): c = 1 with
  eta and beta from the x-block constants measured at initialization (mu = s_n(F_{Lambda-1}(0))^2,
  L1 = s_max(F_{Lambda-1}(0))^2), its hypotheses checked with the paper's slack: Assumption 1 as
  s_min(F_k V1)^2 >= alpha0^2/2 on the initial row space V1, Assumption 2 as s_max(F_k)^2 <= Lemma 14's L1, at every
  step (x_k, and y_k for Nesterov) (:func:`observer`). Its predictions, the GD and Nesterov bounds with the Theorem
  6, 7 formulas at c = 1 and the fitted-rate ratio against sqrt(kappa), are ``pass`` or ``fail`` where those
  hypotheses hold, else ``not_applicable`` naming each failing hypothesis with both numbers.

Tables: "width sweep" (one row per width: the width condition's implied constant d_{Lambda-1} / (n^4.5 max(n,
d0^2)), the practical variant's constants, slack and rates, and the Theorem 15 summary of
:func:`momcert.numerics.lk_sweep.summary`: which predictions were applicable, which hypotheses failed, the medians of
the Theorem 6 and 7 margins and of the implied C1, C2) and "Theorem 15 runs" (one row per width and initialization).
"""

from __future__ import annotations

import numpy as np
import torch
from torch.func import grad, vmap

from momcert.theory import nesterov

from .. import claims, failures, lk_regime, lk_runs, lk_sweep, measure, models, plots, problems
from ..reporting import Report
from .configs import ReluNesterovConfig

RATE_TOLERANCE = 3.0  # the same tolerance factor as the additive scenario (see momcert.numerics.scenarios.additive)
#: The practical variant's Nesterov run (c = 1, measured constants): its extrapolated points y_k are measured too.
PRACTICAL_NESTEROV = "nesterov-practical"

def make_data(size: dict, data: str, seed: int, dtype, device):
    """The data of the sweep: the bundled digits, or n points of the unit sphere with teacher or random labels."""
    if data == "digits":
        return problems.digits(dtype=dtype, device=device, n=size["n"])
    generator = torch.Generator().manual_seed(seed)
    return problems.teacher_student(size["n"], size["d0"], [8, size["d_out"]], generator=generator, dtype=dtype,
                                    device=device, labels=data)


def batched_gradient(X, Y, widths):
    """(p (T, P), out) -> the gradients of ||F_Lambda - Y||_F^2 / 2 [LK Section 4.2] for every trial, flat in ``out``.

    ``torch.func.grad`` of :func:`momcert.numerics.models.mse_loss` on the weight list (views into p), vmapped over
    trials.
    """
    per_trial = vmap(grad(models.mse_loss), in_dims=(0, None, None))

    def gradient(p, out=None):
        return models.flatten(per_trial(models.unflatten(p, widths), X, Y), out=out)

    return gradient


def observer(X, Y, widths, p0, full: bool = True):
    """``observe(previous_state, p_new, move, beta=None)``: the loss and (``full``) the x-block constants of the
    practical runs.

    ``mu``, ``L1``, ``kappa``, ``alpha`` are the x-block constants at the current features
    (:func:`momcert.numerics.measure.feature_constants`); ``mu_V1`` is s_min(F_k V1)^2 on the row space V1 of the
    initial features (the paper's x-block, fixed at initialization) and ``L1_path`` is s_max(F_k)^2; given ``beta``
    ((T, 1), a Nesterov run), both also cover the extrapolated point y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k) (the min,
    resp. the max, of the two). Everything is computed on whole (T, ...) batches with as few tensor operations as
    possible: on small networks the cost of a measurement is the number of operations, not their size.
    """
    n = X.shape[0]
    # V1: (T, m, r), the right singular vectors of F_{Lambda-1}(0) (its row space; r = min(n, m))
    basis = torch.linalg.svd(models.penultimate(models.unflatten(p0, widths), X), full_matrices=False)[2].mT

    def x_block(features):
        """(s_min(F V1)^2, s_max(F)^2) per trial (0 for the first when n exceeds the width)."""
        smallest = torch.linalg.svdvals(features @ basis)[..., -1] ** 2
        return (smallest if n <= basis.shape[-2] else torch.zeros_like(smallest),
                torch.linalg.matrix_norm(features, ord=2) ** 2)

    def observe(state, p_new, move, beta=None):
        weights = models.unflatten(p_new, widths)
        out, features = models.forward_with_features(weights, X)
        measurements = {"loss": 0.5 * ((out - Y) ** 2).sum(dim=(-2, -1))}
        if full:
            measurements.update(measure.feature_constants(features))
            mu_V1, L1_path = x_block(features)
            if beta is not None:
                extrapolated = x_block(models.penultimate(models.unflatten(p_new + beta * move, widths), X))
                mu_V1, L1_path = torch.minimum(mu_V1, extrapolated[0]), torch.maximum(L1_path, extrapolated[1])
            measurements.update(mu_V1=mu_V1, L1_path=L1_path)
        return measurements, {}

    return observe


def run(options, config: ReluNesterovConfig) -> Report:
    """The width sweep, or with ``config.regime == "lk"`` :func:`momcert.numerics.lk_regime.run`."""
    if config.regime == "lk":
        return lk_regime.run(options, config)
    return sweep(options, config)


def sweep(options, config: ReluNesterovConfig) -> Report:
    """The width sweep of the module docstring (``options``: the resolved run options)."""
    size = config.sizes
    device, dtype = options.device, options.dtype
    X, Y = make_data(size, config.data, options.seed, dtype, device)
    n, d0, d_out = X.shape[0], X.shape[1], Y.shape[1]
    trials = size["trials"]
    report = Report.of_run("relu-nesterov", options, {
        **size, "n": n, "d0": d0, "d_out": d_out, "data": config.data, "depth": config.depth,
        "quick": config.quick,
        "seeds": {"data": options.seed,
                  **{f"m={m}": options.seed + 1000 * (i + 1) for i, m in enumerate(size["widths"])}}})
    report.notes += [
        "Theorem 15 as stated at every width and initialization (gd-theorem, nesterov-theorem): eta = c/L1 and beta "
        "from kappa = 2 L1/alpha0^2 (Lemma 14's constants, lambda_l = 2 ||W_l(0)||_2), c = 1/51; the GD run takes "
        "lambda_Lambda = max(2 ||W_Lambda(0)||_2, 2 x 1.02 x Theorem 6's required R_x) so that its radius condition "
        "holds (R_x = lambda_Lambda/2; G1, G2 grow with lambda_Lambda). Checked at every step: Assumptions 1-2 on the "
        "initial row space V1, x_k, y_k in B(R_x), u_k, v_k in B(R_u), Assumption 4; predictions: the Theorem 6 and 7 "
        "bounds, Lemmas 4 and 9; a prediction whose hypothesis fails names it with its measured value and threshold.",
        f"Steps with f_k <= {lk_regime.FLOOR:g} Delta0 (rounding floor) are left out of the G1 ratios, Lemmas 4, 9 and "
        "the fitted rates.",
        "C1, C2 are unspecified in [LK]: the Theorem 7 G-conditions are conditional statements with the implied "
        "constants; no value is chosen (--C1, --C2 decide nothing here).",
        "The practical variant (gd-practical, nesterov-practical: c = 1, eta and beta from the constants measured at "
        "initialization, mu = s_n(F(0))^2, L1 = s_max(F(0))^2) is checked with the paper's slack: "
        "s_min(F_k V1)^2 >= alpha0^2/2 on the initial row space V1 and s_max(F_k)^2 <= Lemma 14's L1 at every step "
        "(x_k, and y_k for Nesterov).",
    ]
    if n > min(size["widths"]):
        report.notes.append(f"n = {n} exceeds the narrowest width: there the network cannot interpolate and f* = 0, "
                            "assumed by every bound here ([LK] Section 4.2), may fail.")
    rows, theorem_rows, figure_runs = [], [], {}
    specs = (lk_runs.RunSpec("gd", "practical"), lk_runs.RunSpec("nesterov", "practical"))
    for index, width in enumerate(size["widths"]):
        label = f"m={width}"
        with failures.guard(report, label, "initial measurements") as where:
            widths = [d0, *[width] * (config.depth - 1), d_out]
            generator = torch.Generator().manual_seed(options.seed + 1000 * (index + 1))
            p0 = models.flatten(models.init_ensemble(widths, trials, generator=generator, dtype=dtype, device=device))
            observe = observer(X, Y, widths, p0)
            initial, _ = observe({}, p0, torch.zeros_like(p0))
            at_init = {key: initial[key].to("cpu", torch.float64).numpy() for key in ("mu", "L1", "kappa", "alpha")}
            delta0 = initial["loss"].to("cpu", torch.float64).numpy()
            failures.require_finite(**{"f(x0)": delta0, **{f"{key} at init": value for key, value in at_init.items()}})
            where.step = "runs"
            parameters = {spec.name: lk_runs.batched_parameters(spec, at_init["mu"], at_init["L1"]) for spec in specs}
            trajectories = lk_runs.run_specs(
                report, label, index, specs, parameters, batched_gradient(X, Y, widths), observe,
                {"x": p0, "y": p0}, initial=initial, options=options, config=config,
                extrapolated=(PRACTICAL_NESTEROV,),  # the Nesterov run's y_k are checked too
                fingerprint={"scenario": "relu-nesterov", "width": width, **size, "data": config.data,
                             "seed": options.seed, "dtype": str(dtype), "device": device.type})
            figure_runs[width] = {name: {key: t.records[key].numpy() for key in ("loss", "kappa")}
                                  for name, t in trajectories.items()}
            where.step = "claims (the theory's constants in float)"
            lemma14 = [measure.lemma14_constants(X, [w[t] for w in models.unflatten(p0, widths)])
                       for t in range(trials)]
            practical, fitted = practical_claims(label, trajectories, parameters, at_init, delta0, lemma14)
            row = width_row(width, n, d0, trajectories, at_init, lemma14, practical, fitted)
            report.claims += practical
            rows.append(row)
            report.constants[label] = {
                "alpha0": row["alpha0"], "mu (measured)": float(np.median(at_init["mu"])),
                "L1 (measured)": float(np.median(at_init["L1"])), "kappa (measured)": row["kappa at init"],
                "Lemma 14 mu": float(np.median([c["mu"] for c in lemma14])),
                "Lemma 14 L1": float(np.median([c["L1"] for c in lemma14])), "Lemma 14 kappa": row["Lemma 14 kappa"],
                "Delta0 median": float(np.median(delta0)),
                "width constant": row["width constant d2/(n^4.5 max(n,d0^2))"]}
            where.step = "Theorem 15 runs"
            theorem = lk_sweep.width_runs(X, Y, models.unflatten(p0, widths), size["iterations"], width)
            report.claims += theorem.claims
            report.constants[label]["Theorem 15"] = theorem.constants
            theorem_rows += theorem.rows
            row.update(theorem.summary)
            figure_runs[width].update({run: {"loss": values} for run, values in theorem.losses.items()})
    report.tables["width sweep"] = lk_sweep.aligned(rows)
    report.tables["Theorem 15 runs"] = lk_sweep.aligned(theorem_rows)
    with failures.guard(report, "figure", "relu_nesterov.png"):  # drawn from the widths that finished
        if figure_runs:
            report.figures.append(str(plots.width_figure(list(figure_runs), figure_runs,
                                                         options.out / "relu_nesterov.png")))
    return report


def width_row(width, n, d0, trajectories, at_init, lemma14, practical, fitted):
    """The sweep-table row of one width's practical variant (``practical``: the claims of :func:`practical_claims`,
    ``fitted``: its fitted rates); the Theorem 15 columns are added by the caller
    (:func:`momcert.numerics.lk_sweep.summary`)."""
    kappa_run = trajectories[PRACTICAL_NESTEROV].records["kappa"].numpy()
    return {
        "width": width,
        "width constant d2/(n^4.5 max(n,d0^2))": float(nesterov.width_implied_constant(width, n, d0)),
        "alpha0": float(np.median(at_init["alpha"])),
        "kappa at init": float(np.median(at_init["kappa"])),
        "kappa max/min along run (median over trials, Nesterov c=1)": float(
            np.nanmedian(np.nanmax(kappa_run, axis=0) / np.nanmin(kappa_run, axis=0))),
        "Lemma 14 kappa": float(np.median([c["kappa"] for c in lemma14])),
        "min s_min(F_k V1)^2/alpha0^2 (Nesterov c=1)": practical[2].observed,
        "max s_max(F_k)^2/Lemma 14 L1 (Nesterov c=1)": practical[3].observed,
        "2 rho^k f0 held with c=1": practical[5].observed["held"],
        "rate Nesterov c=1": fitted["nesterov rate"],
        "rate GD c=1": fitted["gd rate"],
        "ratio vs sqrt(kappa)": fitted["ratio"] / float(np.median(at_init["kappa"])) ** 0.5,
    }


def practical_claims(label, trajectories, parameters, at_init, delta0, lemma14):
    """The practical variant's claims of one width and the fitted rates: the c = 1 runs with the measured constants
    (mu = alpha0^2, L1 = s_max(F(0))^2), their hypotheses checked with the paper's slack.

    Hypotheses per run (:func:`momcert.numerics.claims.assumption_checks`): Assumption 1 as
    s_min(F_k V1)^2 >= alpha0^2/2 on the initial row space V1, Assumption 2 as s_max(F_k)^2 <= Lemma 14's L1, at every
    step (at x_k, and at y_k for Nesterov). Predictions, each ``pass``/``fail`` when its run's hypotheses hold and
    ``not_applicable`` naming the failing one otherwise: GD f_k <= (1 - 1/(4 kappa))^k Delta0, Nesterov
    f_k <= 2 (1 - 1/(4 sqrt(kappa)))^k Delta0 (the Theorem 6, 7 formulas at c = 1), and the fitted-rate ratio against
    sqrt(kappa) (both runs' hypotheses). Order: the GD hypotheses (2), the Nesterov ones (2), the two bounds, the ratio.
    """
    alpha0_sq = at_init["alpha"] ** 2
    lemma14_L1 = np.array([constants["L1"] for constants in lemma14])
    checks = {}
    for run, points in (("gd-practical", "x_k"), ("nesterov-practical", "x_k and y_k")):
        records = trajectories[run].records
        with np.errstate(divide="ignore", invalid="ignore"):  # alpha0 = 0 (n > width): no ratio, the check fails
            alpha = records["mu_V1"].numpy() / alpha0_sq[None, :]
        alpha_ratio = float(np.nanmin(alpha)) if np.isfinite(alpha).all() else float("nan")
        L1_ratio = float(np.nanmax(records["L1_path"].numpy() / lemma14_L1[None, :]))
        checks[run] = claims.assumption_checks(f"[{run} {label}]", alpha_ratio, L1_ratio, points)
    where = "[LK] Theorems 6, 7 formulas at c = 1 (practical variant)"
    bounds = [
        claims.bound(
            f"practical-gd-bound[{label}]", "practical variant (measured mu, L1; c = 1), GD: f_k <= "
            "(1 - c/(4 kappa))^k Delta0 at every step", where, trajectories["gd-practical"].records["loss"].numpy(),
            delta0, parameters["gd-practical"]["rate"], 1.0, checks["gd-practical"]),
        claims.bound(
            f"practical-nesterov-bound[{label}]", "practical variant (measured mu, L1; c = 1), Nesterov: f_k <= "
            "2 (1 - c/(4 sqrt(kappa)))^k Delta0 at every step", where,
            trajectories["nesterov-practical"].records["loss"].numpy(), delta0,
            parameters["nesterov-practical"]["rate"], 2.0, checks["nesterov-practical"]),
    ]
    ratio, fitted = claims.rate_ratio_claim(
        f"rate-ratio[{label}]", trajectories["nesterov-practical"].records["loss"],
        trajectories["gd-practical"].records["loss"], at_init["kappa"], RATE_TOLERANCE,
        checks["gd-practical"] + checks["nesterov-practical"], where,
        "practical variant: Nesterov's fitted linear rate beats GD's by a factor ~ sqrt(kappa)")
    return [*checks["gd-practical"], *checks["nesterov-practical"], *bounds, ratio], fitted
