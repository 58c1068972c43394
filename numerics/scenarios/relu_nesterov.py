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

import argparse
from typing import TYPE_CHECKING

from .arguments import (
    DIGITS_SIZE,
    add_lk_options,
    choice,
    flag,
    integer,
    invalid,
    lk_options,
    lk_sizes,
    positive_numbers,
    settled,
)

if TYPE_CHECKING:
    from ..limits import Estimate

HELP = "width sweep of [LK] Nesterov vs GD on depth-3 ReLU networks (Lemma 14, Theorems 7 and 15)"

RATE_TOLERANCE = 3.0  # the same tolerance factor as the additive scenario (see momcert.numerics.scenarios.additive)
#: The practical variant's Nesterov run (c = 1, measured constants): its extrapolated points y_k are measured too.
PRACTICAL_NESTEROV = "nesterov-practical"

DEFAULTS = {"widths": "64,256,1024,2048", "n": 16, "d0": 4, "d_out": 2, "trials": 3, "iterations": 100}
QUICK = {"widths": "16,64,256,512", "n": 8, "d0": 3, "d_out": 2, "trials": 2, "iterations": 40}
DATA = ("teacher", "random", "digits")
REGIMES = ("sweep", "lk")
#: ``--regime lk``: the setting of [LK] Theorem 15 run as stated (the hidden width is ``--widths``, default 2048).
LK_REGIME = {"n": 4, "d0": 2, "d_out": 1, "trials": 3, "iterations": 10000}
LK_QUICK = {"n": 4, "d0": 2, "d_out": 1, "trials": 1, "iterations": 300}
#: The input and output dimensions of the bundled digits (8 x 8 pixels, 10 classes).
DIGITS_SHAPE = {"d0": 64, "d_out": 10}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--widths", metavar="M,...", default=None,
                        help="comma-separated hidden widths m (default 64,256,1024,2048)")
    parser.add_argument("--n", metavar="N", default=None, help="number of data points (default 16, quick 8)")
    parser.add_argument("--d0", metavar="N", default=None, help="input dimension for synthetic data (default 4)")
    parser.add_argument("--d-out", dest="d_out", metavar="N", default=None,
                        help="output dimension for synthetic data (default 2)")
    parser.add_argument("--data", metavar="{teacher,random,digits}", default="teacher",
                        help="labels from a ReLU teacher, random labels, or the bundled digits (default teacher)")
    parser.add_argument("--trials", metavar="N", default=None, help="initializations per width (default 3, quick 2)")
    parser.add_argument("--iterations", metavar="N", default=None, help="iterations per run (default 100, quick 40)")
    parser.add_argument("--regime", metavar="{sweep,lk}", default="sweep",
                        help="sweep: the width sweep; lk: Theorem 15 as stated on depth 2, n = 4, d0 = 2, width 2048, "
                             "teacher labels, 10,000 iterations (quick: 300, one initialization)")
    parser.add_argument("--depth", metavar="N", default=None,
                        help="number of layers Lambda >= 2 (default 3; 2 with --regime lk)")
    add_lk_options(parser)


def validate(args: argparse.Namespace) -> argparse.Namespace:
    """The options of this scenario, validated (standard library only): ``data``, ``sizes`` (the dict of
    :data:`DEFAULTS` or :data:`QUICK` with the given values in place, ``widths`` a list; the digits fix d0 = 64 and
    d_out = 10) and the [LK] options."""
    regime = choice(args.regime, "--regime", REGIMES)
    depth = integer(args.depth, "--depth", minimum=2) if args.depth is not None else (2 if regime == "lk" else 3)
    if regime == "lk":
        sizes = lk_regime_sizes(args, depth)
        estimate = require_sizes({**sizes, "widths": sizes["hidden"]}, depth)
        return settled(args, regime=regime, depth=depth, sizes=sizes, estimate=estimate, **lk_options(args))
    data = choice(args.data, "--data", DATA)
    for key, value in DIGITS_SHAPE.items():
        if data == "digits" and getattr(args, key) is not None:
            raise invalid(flag(key), f"the digits data fix {key} = {value}", getattr(args, key))
    base = QUICK if args.quick else DEFAULTS
    sizes = {"widths": positive_numbers(base["widths"] if args.widths is None else args.widths, "--widths", int),
             **lk_sizes(args, {key: value for key, value in base.items() if key != "widths"})}
    if data == "digits":
        sizes.update(DIGITS_SHAPE)
        if sizes["n"] > DIGITS_SIZE:
            raise invalid("--n", f"the digits data hold {DIGITS_SIZE} images", sizes["n"])
    estimate = require_sizes(sizes, depth)
    return settled(args, regime=regime, depth=depth, data=data, sizes=sizes, estimate=estimate, **lk_options(args))


def lk_regime_sizes(args: argparse.Namespace, depth: int) -> dict:
    """Sizes of ``--regime lk``: :data:`LK_REGIME` (or :data:`LK_QUICK`) with the given values in place; ``hidden``
    the widths d_1..d_{Lambda-1} (``--widths`` one value for every hidden layer, or one per hidden layer)."""
    if args.data != "teacher":
        raise invalid("--data", "--regime lk uses teacher labels", args.data)
    base = LK_QUICK if args.quick else LK_REGIME
    hidden = positive_numbers(args.widths if args.widths is not None else "2048", "--widths", int)
    if len(hidden) == 1:
        hidden = hidden * (depth - 1)
    if len(hidden) != depth - 1:
        raise invalid("--widths", f"give one width or {depth - 1} (one per hidden layer at depth {depth})",
                      args.widths)
    return {"hidden": hidden, **lk_sizes(args, base)}


def require_sizes(sizes: dict, depth: int) -> Estimate:
    """Refuse sizes beyond the machine (:mod:`momcert.numerics.limits`). Per trial of the widest network (P =
    d0 m + (depth - 2) m^2 + m d_out parameters): iterates, momentum, gradients, the features (n m) and the recorded
    measurements; per step of the 4 runs of every width (2 practical runs batched over trials, the 2 Theorem 15 runs
    one trial at a time): forward and backward passes (6 n P flop), the n x n eigenproblems (~10 n^3) and Gram
    matrices (n^2 m)."""
    from ..limits import require

    widths, n, d0, d_out, trials, steps = (sizes[key] for key in ("widths", "n", "d0", "d_out", "trials",
                                                                  "iterations"))
    m = max(widths)
    parameters = d0 * m + (depth - 2) * m * m + m * d_out
    counts = {flag(key): sizes[key] for key in ("n", "d0", "d_out", "trials", "iterations")}
    return require({"--widths": m, "--depth": depth, **counts},
            memory=8 * (trials * (6 * parameters + 4 * n * m + 3 * 16 * (steps + 1)) + n * (d0 + d_out)),
            work=len(widths) * 4 * steps * trials * (6 * n * parameters + 10 * n ** 3 + n * n * m))


def make_data(size: dict, data: str, seed: int, dtype, device):
    import torch

    from .. import problems

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
    from torch.func import grad, vmap

    from .. import models

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
    import torch

    from .. import measure, models

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


def run(options, args):
    if args.regime == "lk":
        from .. import lk_regime

        return lk_regime.run(options, args)
    return sweep(options, args)


def sweep(options, args):
    import functools

    import numpy as np
    import torch

    from .. import failures, lk_regime, lk_runs, lk_sweep, measure, models, plots
    from ..reporting import Report
    from ..runs import run_ensemble

    size = args.sizes
    device, dtype = options.device, options.dtype
    X, Y = make_data(size, args.data, options.seed, dtype, device)
    n, d0, d_out = X.shape[0], X.shape[1], Y.shape[1]
    trials, iterations = size["trials"], size["iterations"]
    report = Report(scenario="relu-nesterov", device=str(device), dtype=str(dtype).replace("torch.", ""),
                    seed=options.seed,
                    options={**size, "n": n, "d0": d0, "d_out": d_out, "data": args.data, "depth": args.depth,
                             "quick": options.quick,
                             "seeds": {"data": options.seed,
                                       **{f"m={m}": options.seed + 1000 * (i + 1) for i, m in
                                          enumerate(size["widths"])}}})
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
            widths = [d0, *[width] * (args.depth - 1), d_out]
            generator = torch.Generator().manual_seed(options.seed + 1000 * (index + 1))
            p0 = models.flatten(models.init_ensemble(widths, trials, generator=generator, dtype=dtype, device=device))
            observe = observer(X, Y, widths, p0)
            initial, _ = observe({}, p0, torch.zeros_like(p0))
            at_init = {key: initial[key].to("cpu", torch.float64).numpy() for key in ("mu", "L1", "kappa", "alpha")}
            delta0 = initial["loss"].to("cpu", torch.float64).numpy()
            failures.require_finite(**{"f(x0)": delta0, **{f"{key} at init": value for key, value in at_init.items()}})
            where.step = "runs"
            grad_fn = batched_gradient(X, Y, widths)
            trajectories, parameters = {}, {}
            for spec in specs:
                values = lk_runs.batched_parameters(spec, at_init["mu"], at_init["L1"])
                parameters[spec.name] = values
                eta = torch.as_tensor(values["eta"], dtype=dtype, device=device).reshape(-1, 1)
                beta = torch.as_tensor(values["beta"], dtype=dtype, device=device).reshape(-1, 1)
                checked = (observe if spec.method == "gd" else  # the Nesterov run's y_k are checked too
                           functools.partial(observe, beta=beta))
                step = lk_runs.make_step(spec, grad_fn, eta, beta, checked)
                fingerprint = {"scenario": "relu-nesterov", "width": width, "run": spec.name, **size, "data": args.data,
                               "seed": options.seed, "dtype": str(dtype), "device": device.type}
                trajectories[spec.name] = run_ensemble(
                    f"{label} {spec.name}", {"x": p0.clone(), "y": p0.clone()}, step,
                    steps=iterations, initial=initial, checkpoint=options.checkpoint(f"{index}-{spec.name}"),
                    resume=options.resume, fingerprint=fingerprint, progress=options.progress,
                    step_delay=args.step_delay, checkpoint_seconds=args.checkpoint_seconds)
                report.record_divergence(trajectories[spec.name].divergence())
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
            theorem = lk_sweep.width_runs(X, Y, models.unflatten(p0, widths), iterations, width)
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
    import numpy as np

    from momcert.theory import nesterov

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

    Hypotheses per run (:func:`momcert.numerics.lk_regime.assumption_checks`): Assumption 1 as
    s_min(F_k V1)^2 >= alpha0^2/2 on the initial row space V1, Assumption 2 as s_max(F_k)^2 <= Lemma 14's L1, at every
    step (at x_k, and at y_k for Nesterov). Predictions, each ``pass``/``fail`` when its run's hypotheses hold and
    ``not_applicable`` naming the failing one otherwise: GD f_k <= (1 - 1/(4 kappa))^k Delta0, Nesterov
    f_k <= 2 (1 - 1/(4 sqrt(kappa)))^k Delta0 (the Theorem 6, 7 formulas at c = 1), and the fitted-rate ratio against
    sqrt(kappa) (both runs' hypotheses). Order: the GD hypotheses (2), the Nesterov ones (2), the two bounds, the ratio.
    """
    import numpy as np

    from .. import lk_regime, lk_runs

    alpha0_sq = at_init["alpha"] ** 2
    lemma14_L1 = np.array([constants["L1"] for constants in lemma14])
    checks = {}
    for run, points in (("gd-practical", "x_k"), ("nesterov-practical", "x_k and y_k")):
        records = trajectories[run].records
        with np.errstate(divide="ignore", invalid="ignore"):  # alpha0 = 0 (n > width): no ratio, the check fails
            alpha = records["mu_V1"].numpy() / alpha0_sq[None, :]
        alpha_ratio = float(np.nanmin(alpha)) if np.isfinite(alpha).all() else float("nan")
        L1_ratio = float(np.nanmax(records["L1_path"].numpy() / lemma14_L1[None, :]))
        checks[run] = lk_regime.assumption_checks(f"[{run} {label}]", alpha_ratio, L1_ratio, points)
    where = "[LK] Theorems 6, 7 formulas at c = 1 (practical variant)"
    bounds = [
        lk_regime.bound_prediction(
            f"practical-gd-bound[{label}]", "practical variant (measured mu, L1; c = 1), GD: f_k <= "
            "(1 - c/(4 kappa))^k Delta0 at every step", where, trajectories["gd-practical"].records["loss"].numpy(),
            delta0, parameters["gd-practical"]["rate"], 1.0, checks["gd-practical"]),
        lk_regime.bound_prediction(
            f"practical-nesterov-bound[{label}]", "practical variant (measured mu, L1; c = 1), Nesterov: f_k <= "
            "2 (1 - c/(4 sqrt(kappa)))^k Delta0 at every step", where,
            trajectories["nesterov-practical"].records["loss"].numpy(), delta0,
            parameters["nesterov-practical"]["rate"], 2.0, checks["nesterov-practical"]),
    ]
    predicted, fitted = lk_runs.rate_ratio(trajectories["nesterov-practical"].records["loss"],
                                           trajectories["gd-practical"].records["loss"], at_init["kappa"],
                                           RATE_TOLERANCE)
    ratio = lk_regime.prediction(
        f"rate-ratio[{label}]", "practical variant: Nesterov's fitted linear rate beats GD's by a factor ~ "
        "sqrt(kappa)", where, predicted, {key: value for key, value in fitted.items() if key != "held"},
        fitted["held"], checks["gd-practical"] + checks["nesterov-practical"])
    ratio.statistic = f"{lk_runs.RATE_RATIO_STATISTIC}; {ratio.statistic}"
    return [*checks["gd-practical"], *checks["nesterov-practical"], *bounds, ratio], fitted
