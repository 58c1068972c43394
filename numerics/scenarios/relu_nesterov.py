"""``momcert verify relu-nesterov``: [LK] Section 4.2 on deep ReLU networks, a width sweep at depth 3 (``--depth``),
or (``--regime lk``) Theorem 15 run as stated on one configuration (:mod:`momcert.numerics.lk_regime`).

Network [d0, m, m, d_out] with the [LK] initialization (:mod:`momcert.numerics.models`), loss ||F_3 - Y||_F^2 / 2 on n
points of the unit sphere labelled by a ReLU teacher (or random labels, or the bundled digits). For every width m three
runs share the initial networks: GD with c = 1, Nesterov with the theorem's c = 1/51 and Nesterov with c = 1, all with
eta and beta from the x-block constants measured at initialization (mu = s_n(F_2(0))^2, L1 = s_max(F_2(0))^2).

Measured along every run (every step, float64, from the n x n Gram matrix of the penultimate features): mu_k, L1_k,
kappa_k, alpha_k = s_n(F_2(k)); G1 and G2 from consecutive iterates; the moves in x (last layer) and u (the rest); the
distance of each hidden layer from its initialization relative to ||W_l(0)||_2 (Lemma 14's ball); s_min(F_2(k) V1)^2
on the initial row space V1 (:func:`observer`). Reported too: the
Lemma 14 constants (the paper's mu = alpha0^2/2, L1, kappa), the implied C1, C2 and the width condition's implied
constant d_2 / (n^4.5 max(n, d0^2)).

Claims per width, for the c = 1/51 run: Lemma 14's mu stays valid (alpha_k^2 >= alpha0^2/2) and the iterates stay in
Lemma 14's ball; the Theorem 7 hypotheses (Lemma 14 validity, Assumptions 1-2 with the measured mu_0, L1_0 that set
eta and beta, and the implied C1, C2 against values the user gives with ``--C1``, ``--C2``; [LK] leaves them
unspecified, so without values the hypotheses are ``undecided``); the Theorem 7 bound at every step; the Lemma 10
moves. Their statuses follow :func:`momcert.numerics.claims.prediction`: where a hypothesis fails they are
``not_applicable`` naming it (the observations are still reported), where the hypotheses are undecided the claims are
conditional statements (``pass_if`` when the prediction held, ``fail`` when it was violated).

The practical variant (the two c = 1 runs with the measured constants, named as such in the report,
:func:`practical_claims`) checks its hypotheses with the paper's slack: Assumption 1 as s_min(F_k V1)^2 >= alpha0^2/2
on the row space V1 of the initial features (the x-block fixed at initialization, as in
:func:`momcert.numerics.models.split_row_space`), Assumption 2 as s_max(F_k)^2 <= Lemma 14's L1, at every step (x_k,
and y_k for Nesterov); each ``holds``/``fails`` with its measured value and threshold. Its predictions, the GD and
Nesterov bounds with the Theorem 6, 7 formulas at c = 1 and the fitted-rate ratio against sqrt(kappa), are ``pass`` or
``fail`` where those hypotheses hold, else ``not_applicable`` naming each failing hypothesis with both numbers. The
table shows the implied constants, the practical variant's slack and where the bounds hold.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.func import grad, vmap

from momcert.theory import nesterov

from .. import claims, failures, lk_regime, lk_runs, measure, models, plots, problems
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
    """``observe(previous_state, p_new, move, beta=None)``: loss and (``full``) x-block constants, moves, G1/G2, ball
    distance.

    With h(x, u) = F(u) x (x the last layer): G1 = ||(F_k - F_{k-1}) x_k|| / ||u_k - u_{k-1}|| and
    G2 = ||F_k^T (F_k x_k - Y) - F_{k-1}^T (F_{k-1} x_k - Y)|| / ||u_k - u_{k-1}|| (Assumptions 4, 5); the ball
    distance is max_l ||W_l(k) - W_l(0)||_F / ||W_l(0)||_2 over the hidden layers (Lemma 14). ``mu_V1`` is
    s_min(F_k V1)^2 on the row space V1 of the initial features (the paper's x-block, fixed at initialization) and
    ``L1_path`` is s_max(F_k)^2; given ``beta`` ((T, 1), a Nesterov run), both also cover the extrapolated point
    y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k) (the min, resp. the max, of the two). Everything is computed on whole
    (T, ...) batches with as few tensor operations as possible: on small networks the cost of a measurement is the
    number of operations, not their size.
    """
    size_u, _ = models.flat_split_sizes(widths)
    hidden, start = [], 0  # the entries of W_1..W_{Lambda-1} in p
    for a, b in models.layer_shapes(widths)[:-1]:
        hidden.append(slice(start, start + a * b))
        start += a * b
    initial_norms = torch.stack([measure.spectral_norm(w).to(p0.dtype) for w in models.unflatten(p0, widths)[:-1]])
    p0_u = p0[:, :size_u]
    scratch = torch.empty_like(p0_u) if full else None  # W_l(k) - W_l(0): only its norms leave ``observe``
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
        residual = out - Y
        measurements = {"loss": 0.5 * (residual ** 2).sum(dim=(-2, -1))}
        if full:
            old = state["features"]
            old_out = old @ weights[-1]  # h(x_k, u_{k-1}) = F(u_{k-1}) x_k
            du = torch.linalg.vector_norm(move[:, :size_u], dim=-1)
            dx = torch.linalg.vector_norm(move[:, size_u:], dim=-1)
            gradient_change = features.transpose(-2, -1) @ residual - old.transpose(-2, -1) @ (old_out - Y)
            away = torch.sub(p_new[:, :size_u], p0_u, out=scratch)  # W_l(k) - W_l(0) of the hidden layers, flat
            distances = torch.stack([torch.linalg.vector_norm(away[:, layer], dim=-1) for layer in hidden])
            measurements.update(
                measure.feature_constants(features), dx=dx, du=du,
                G1=measure.lipschitz_ratio(out - old_out, du),
                G2=measure.lipschitz_ratio(gradient_change, du),
                ball=(distances / initial_norms).amax(dim=0))
            mu_V1, L1_path = x_block(features)
            if beta is not None:
                extrapolated = x_block(models.penultimate(models.unflatten(p_new + beta * move, widths), X))
                mu_V1, L1_path = torch.minimum(mu_V1, extrapolated[0]), torch.maximum(L1_path, extrapolated[1])
            measurements.update(mu_V1=mu_V1, L1_path=L1_path)
        return measurements, {"features": features}

    return observe


def run(options, config: ReluNesterovConfig) -> Report:
    """The width sweep, or with ``config.regime == "lk"`` :func:`momcert.numerics.lk_regime.run`."""
    if config.regime == "lk":
        return lk_regime.run(options, config)
    return sweep(options, config)


def sweep(options, config: ReluNesterovConfig) -> Report:
    """The width sweep of the module docstring (``options``: the resolved run options)."""
    size, given = config.sizes, claims.given_constants(config)
    device, dtype = options.device, options.dtype
    X, Y = make_data(size, config.data, options.seed, dtype, device)
    n, d0, d_out = X.shape[0], X.shape[1], Y.shape[1]
    trials = size["trials"]
    report = Report.of_run("relu-nesterov", options, {
        **size, "n": n, "d0": d0, "d_out": d_out, "data": config.data, "depth": config.depth,
        "C1 given": given["C1"], "C2 given": given["C2"], "quick": config.quick,
        "seeds": {"data": options.seed,
                  **{f"m={m}": options.seed + 1000 * (i + 1) for i, m in enumerate(size["widths"])}}})
    report.notes.append("eta, beta use the x-block constants measured at initialization (mu = s_n(F_2(0))^2, "
                        "L1 = s_max(F_2(0))^2); Lemma 14's own constants are reported beside them.")
    report.notes.append("The practical variant (gd-practical, nesterov-practical: c = 1, measured constants) is "
                        "checked with the paper's slack: s_min(F_k V1)^2 >= alpha0^2/2 on the initial row space V1 "
                        "and s_max(F_k)^2 <= Lemma 14's L1 at every step (x_k, and y_k for Nesterov).")
    if n > min(size["widths"]):
        report.notes.append(f"n = {n} exceeds the narrowest width: there the network cannot interpolate and f* = 0, "
                            "assumed by every bound here ([LK] Section 4.2), may fail.")
    report.notes.append(claims.constants_note(given, "from the largest observed G1, G2 ratios"))
    rows, figure_runs = [], {}
    specs = (lk_runs.RunSpec("gd", "practical"), lk_runs.RunSpec("nesterov", "theorem"),
             lk_runs.RunSpec("nesterov", "practical"))
    for index, width in enumerate(size["widths"]):
        label = f"m={width}"
        with failures.guard(report, label, "initial measurements") as where:
            widths = [d0, *[width] * (config.depth - 1), d_out]
            generator = torch.Generator().manual_seed(options.seed + 1000 * (index + 1))
            p0 = models.flatten(models.init_ensemble(widths, trials, generator=generator, dtype=dtype, device=device))
            observe = observer(X, Y, widths, p0)
            features0 = models.penultimate(models.unflatten(p0, widths), X)
            initial, _ = observe({"x": p0, "features": features0}, p0, torch.zeros_like(p0))
            at_init = {key: initial[key].to("cpu", torch.float64).numpy() for key in ("mu", "L1", "kappa", "alpha")}
            delta0 = initial["loss"].to("cpu", torch.float64).numpy()
            failures.require_finite(**{"f(x0)": delta0, **{f"{key} at init": value for key, value in at_init.items()}})
            where.step = "runs"
            parameters = {spec.name: lk_runs.batched_parameters(spec, at_init["mu"], at_init["L1"]) for spec in specs}
            trajectories = lk_runs.run_specs(
                report, label, index, specs, parameters, batched_gradient(X, Y, widths), observe,
                {"x": p0, "y": p0, "features": features0}, initial=initial, options=options, config=config,
                extrapolated=(PRACTICAL_NESTEROV,),  # the practical run's y_k are checked too
                fingerprint={"scenario": "relu-nesterov", "width": width, **size, "data": config.data,
                             "seed": options.seed, "dtype": str(dtype), "device": device.type})
            where.step = "claims (the theory's constants in float)"
            lemma14 = [measure.lemma14_constants(X, [w[t] for w in models.unflatten(p0, widths)])
                       for t in range(trials)]
            found, row = width_claims(label, width, n, d0, trajectories, parameters, at_init, delta0, lemma14, given)
            report.claims += found
            rows.append(row)
            report.constants[label] = {
                "alpha0": row["alpha0"], "mu (measured)": float(np.median(at_init["mu"])),
                "L1 (measured)": float(np.median(at_init["L1"])), "kappa (measured)": row["kappa at init"],
                "Lemma 14 mu": float(np.median([c["mu"] for c in lemma14])),
                "Lemma 14 L1": float(np.median([c["L1"] for c in lemma14])), "Lemma 14 kappa": row["Lemma 14 kappa"],
                "G1 observed": float(trajectories["nesterov-theorem"].records["G1"].max()),
                "G2 observed": float(trajectories["nesterov-theorem"].records["G2"].max()),
                "Delta0 median": float(np.median(delta0)),
                "width constant": row["width constant d2/(n^4.5 max(n,d0^2))"]}
            figure_runs[width] = {name: {key: t.records[key].numpy() for key in ("loss", "kappa")}
                                  for name, t in trajectories.items()}
    report.tables["width sweep"] = rows
    with failures.guard(report, "figure", "relu_nesterov.png"):  # drawn from the widths that finished
        if figure_runs:
            report.figures.append(str(plots.width_figure(list(figure_runs), figure_runs,
                                                         options.out / "relu_nesterov.png")))
    return report


def width_claims(label, width, n, d0, trajectories, parameters, at_init, delta0, lemma14, given):
    """Claims and the sweep-table row of one width (see the module docstring); ``given``: the user's C1, C2 or None."""
    theorem_run = trajectories["nesterov-theorem"]
    records = theorem_run.records
    with np.errstate(divide="ignore", invalid="ignore"):  # alpha0 = 0 (n > width): the ratio is undefined
        ratios = (records["alpha"] ** 2).numpy() / at_init["alpha"][None, :] ** 2
    alpha_ratio = float(np.nanmin(ratios)) if np.isfinite(ratios).any() else float("nan")
    ball = float(records["ball"].max())
    lemma14_ok = claims.lemma14_valid(alpha_ratio, ball)
    G1 = float(records["G1"].max())
    G2 = float(records["G2"].max())
    mu0, kappa0 = float(np.median(at_init["mu"])), float(np.median(at_init["kappa"]))
    theorem = nesterov.lk_parameters(mu0, float(np.median(at_init["L1"])))
    implied = {"C1": float(nesterov.implied_C1(G1, mu0, 1, theorem.beta)),
               "C2": float(nesterov.implied_C2(G1, G2, mu0, 1, kappa0, theorem.beta))}
    # eta and beta were set from each trial's mu_0, L1_0 at initialization: Assumptions 1-2 hold with those constants
    # only if the measured x-block constants stay within them along the run
    mu_ratio = float(np.nanmin(records["mu"].numpy() / at_init["mu"][None, :]))
    L1_ratio = float(np.nanmax(records["L1"].numpy() / at_init["L1"][None, :]))
    determined = {"Lemma 14 valid": lemma14_ok,
                  "Assumptions 1-2 with the mu_0, L1_0 used (min mu_k/mu_0 >= 1, max L1_k/L1_0 <= 1)":
                      bool(mu_ratio >= 1 and L1_ratio <= 1)}
    theorem7 = claims.constants_hypothesis(
        f"theorem7-hypotheses[{label}]", determined, implied, given,
        "implied constants from the largest observed G1, G2 ratios and mu, kappa at initialization")
    found = [
        claims.lemma14_ball(label, alpha_ratio, ball),
        theorem7,
        claims.bound(f"theorem7-bound[{label}]", "Nesterov (c = 1/51): f_k <= 2 rho^k f_0 at every step",
                     "[LK] Theorem 7 / 15", records["loss"].numpy(), delta0, parameters["nesterov-theorem"]["rate"],
                     2.0, [theorem7]),
    ]
    theorem_parameters = parameters["nesterov-theorem"]
    lemma10 = nesterov.lemma10_bounds(float(np.median(theorem_parameters["eta"])),
                                      float(np.median(theorem_parameters["beta"])), mu0, 1, G1,
                                      float(np.median(theorem_parameters["rate"])), 1)
    found.append(claims.moves_claim(f"moves[{label}]", records["dx"], records["du"], lemma10, 2 * delta0, [theorem7]))
    practical, fitted = practical_claims(label, trajectories, parameters, at_init, delta0, lemma14)
    found += practical
    kappa_run = records["kappa"].numpy()
    row = {
        "width": width,
        "width constant d2/(n^4.5 max(n,d0^2))": float(nesterov.width_implied_constant(width, n, d0)),
        "alpha0": float(np.median(at_init["alpha"])),
        "kappa at init": kappa0,
        "kappa max/min along run (median over trials)": float(
            np.nanmedian(np.nanmax(kappa_run, axis=0) / np.nanmin(kappa_run, axis=0))),
        "Lemma 14 kappa": float(np.median([c["kappa"] for c in lemma14])),
        "Lemma 14 valid": lemma14_ok,
        "min mu_k/mu_0": mu_ratio,
        "max L1_k/L1_0": L1_ratio,
        "implied C1": implied["C1"],
        "implied C2": implied["C2"],
        "Thm 7 bound held (c=1/51)": found[2].observed["held"],
        "min s_min(F_k V1)^2/alpha0^2 (Nesterov c=1)": practical[2].observed,
        "max s_max(F_k)^2/Lemma 14 L1 (Nesterov c=1)": practical[3].observed,
        "2 rho^k f0 held with c=1": practical[5].observed["held"],
        "rate Nesterov c=1": fitted["nesterov rate"],
        "rate GD c=1": fitted["gd rate"],
        "ratio vs sqrt(kappa)": fitted["ratio"] / kappa0 ** 0.5,
    }
    return found, row


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
