"""``momcert verify sgd-family``: the [XHT] framework on minibatch training of a ReLU network.

``momcert explain framework`` states the framework.

Every method (heavy-ball, sign, normalized, clip, lion) runs under four schedule pairs, eta_k = c/(k+1)^a with a
method-dependent scale c:

- ``two-timescale``: a = 0.9, theta_k = 1/(k+1)^0.7 (0 < b < a <= 1: covered by `xht-two`, which predicts that the
  tracking error ||m_k - grad f(x_k)|| tends to 0);
- ``single-timescale``: a = 0.7, theta_k = 1/(k+1)^0.7 (theta/eta -> 1/c: covered by `xht-single`, which predicts
  ||m_k|| -> 0);
- ``constant-theta``: a = 0.9 with the library default theta (0.1, momentum 0.9; Lion's 1 - beta2 = 0.01): not covered;
- ``constant-eta``: eta_k = c, theta_k = 1/(k+1)^0.7: not covered.

The verdict of :func:`momcert.theory.check` is printed beside each run. Seeds and schedule pairs of one method run as
one ``torch.func.vmap`` ensemble (:mod:`momcert.numerics.finite_sum`); the observables are full-batch. Statistics
(stated in every claim): the median over seeds of the least-squares slope of log(observable) against log(k + 1) over
the second half of the log range. A covered pair is consistent with its predicted limit when that slope is below -0.05;
a not-covered pair with a nonlinear map (sign, normalized) shows a tracking error bounded away from 0 when the slope is
at least -0.05 (flat or growing on log-log axes). A finite run can be consistent with an asymptotic theorem, never
prove it.

Each method's ensemble is checkpointed to ``--out``/checkpoints/<method>.pt (:mod:`momcert.numerics.runs`), so
``--resume`` continues an interrupted run bit-identically on the CPU.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from momcert.theory import check

from .. import failures, models, problems
from ..claims import decided, observation
from ..finite_sum import FiniteSum, MethodSpec, log_checkpoints, loglog_slope, run_ensemble
from ..optim import Schedule
from ..plots import save_figure, sgd_family_figure
from ..reporting import Report
from .configs import METHODS, PAIRS, SgdFamilyConfig

__all__ = ["METHODS", "PAIRS", "run"]

#: The scale c of eta_k = c * shape(k), per method (the sign maps step every coordinate by eta_k, so theirs is smaller).
STEP_SCALES = {"heavy-ball": 3.0, "sign": 0.02, "normalized": 0.1, "clip": 3.0, "clip-coord": 3.0, "lion": 0.02}
CLIP_LEVEL = 0.02
LION_BETAS = (0.9, 0.99)
NONLINEAR = ("sign", "normalized")
THEOREMS = ("xht-two", "xht-single")
SLOPE_THRESHOLD = -0.05


def default_theta(method: str) -> str:
    """The constant theta of the library defaults: torch.optim.SGD momentum 0.9 (0.1); Lion 1 - beta2 (0.01)."""
    return "0.01" if method == "lion" else "0.1"


def schedule_texts(method: str, pair: str) -> tuple[str, str]:
    """The (eta_k, theta_k) expressions in k of ``pair`` for ``method``."""
    shape, theta = PAIRS[pair]
    scale = STEP_SCALES[method]
    eta = f"{scale:g}" if shape == "1" else f"{scale:g}/{shape.removeprefix('1/')}"
    return eta, theta.replace("{default}", default_theta(method))


def schedule_values(text: str, steps: int, name: str, *, at_most_one: bool = False):
    """The sequence of an expression in k at k = 0..steps, evaluated and checked (positive, at most 1 for theta) by
    :class:`momcert.numerics.optim.Schedule`, the optimizers' own schedule."""
    schedule = Schedule(text, name, at_most_one=at_most_one)
    return np.array([schedule(k) for k in range(steps + 1)], dtype=float)


def verdicts(eta: str, theta: str, method: str, rho: float | None, cache: dict) -> dict[str, str]:
    """The :func:`momcert.theory.check` verdicts of `xht-two` and `xht-single` for one schedule pair (cached)."""
    key = (eta, theta, method)
    if key not in cache:
        result = check(eta, theta, method=method, rho=rho)
        cache[key] = {name: result.theorems[name].verdict for name in THEOREMS}
    return cache[key]


def build_problem(options, config: SgdFamilyConfig, sizes):
    """The finite-sum problem of ``--problem`` on the run's device and dtype."""
    tensor = {"dtype": options.dtype, "device": options.device}
    hidden = config.widths
    generator = torch.Generator().manual_seed(options.seed)
    if config.problem == "digits":
        X, Y = problems.digits(n=min(sizes["n"], 1797), **tensor)
        return FiniteSum(X, Y, [X.shape[1], *hidden, Y.shape[1]], name=f"digits (n={X.shape[0]})")
    X, Y = problems.teacher_student(sizes["n"], 8, [16, 1], generator=generator, **tensor)
    noise = torch.randn(Y.shape, generator=generator, dtype=torch.float64).to(**tensor)
    Y = Y + config.label_noise * noise
    return FiniteSum(X, Y, [8, *hidden, 1],
                     name=f"teacher-student (n={sizes['n']}, d0=8, label noise {config.label_noise:g})")


def run(options, config: SgdFamilyConfig) -> Report:
    """The runs and claims of the module docstring with ``config`` and the resolved ``options``."""
    methods, pairs, sizes, batch, eps, ball = (config.methods, config.pairs, config.sizes, config.batch, config.eps,
                                                config.ball_samples)
    problem = build_problem(options, config, sizes)
    steps, count = sizes["steps"], sizes["seeds"]
    checkpoints = log_checkpoints(steps, sizes["checkpoints"])
    run_seeds = [options.seed * 1000 + s for s in range(count)]
    tensor = {"dtype": options.dtype, "device": options.device}
    init = torch.Generator().manual_seed(options.seed + 1)
    w0 = models.flatten(models.init_ensemble(problem.widths, count, generator=init, init="standard",
                                             dtype=torch.float64)).to(**tensor)

    report = Report.of_run("sgd-family", options, {
        "methods": methods, "pairs": pairs, "problem": problem.name, "widths": problem.widths, "steps": steps,
        "seeds": run_seeds, "batch": batch, "eps": eps, "ball_samples": ball, "checkpoints": checkpoints,
        "quick": config.quick, "clip_level": CLIP_LEVEL, "lion_betas": list(LION_BETAS)})
    report.constants = {"parameters": problem.dimension, "samples N": problem.size}
    cache: dict = {}
    results = {}
    for method in methods:
        texts = {pair: schedule_texts(method, pair) for pair in pairs}
        etas = np.concatenate([np.tile(schedule_values(texts[p][0], steps, "eta"), (count, 1)) for p in pairs])
        thetas = np.concatenate([np.tile(schedule_values(texts[p][1], steps, "theta", at_most_one=True), (count, 1))
                                 for p in pairs])
        rho = (1 - LION_BETAS[0]) / (1 - LION_BETAS[1]) if method == "lion" else None
        spec = MethodSpec(method, rho=rho,
                          gamma=CLIP_LEVEL if method.startswith("clip") else None)
        fingerprint = {**report.options, "method": method, "texts": texts, "dtype": report.dtype,
                       "data_seed": options.seed}
        trace = run_ensemble(problem, spec, w0.repeat(len(pairs), 1), torch.as_tensor(etas, **tensor),
                             torch.as_tensor(thetas, **tensor), run_seeds * len(pairs), batch=batch,
                             checkpoints=checkpoints, eps=eps, samples=ball, stationarity_every=2,
                             name=f"sgd-family {method}", progress=options.progress,
                             checkpoint=options.checkpoint(method), resume=options.resume,
                             fingerprint=fingerprint)
        for index, pair in enumerate(pairs):
            rows = slice(index * count, (index + 1) * count)
            results[method, pair] = {
                "eta": texts[pair][0], "theta": texts[pair][1],
                "verdicts": verdicts(*texts[pair], method, rho, cache),
                "observables": {name: values[rows] for name, values in trace.observables.items()},
                "diverged_at": trace.diverged_at[rows],
            }
    summarize(report, results, checkpoints, methods, pairs, run_seeds)
    with failures.guard(report, "figure", "sgd_family.png"):
        report.figures.append(str(plot(options.out, results, checkpoints, methods, pairs)))
    return report


def _median_slope(checkpoints, values) -> float:
    finite = np.all(np.isfinite(values), axis=1)
    return float(np.median(loglog_slope(checkpoints, values[finite]))) if finite.any() else float("nan")


def _stationarity_columns(values):
    return np.flatnonzero(np.all(np.isfinite(values), axis=0))


def summarize(report, results, checkpoints, methods, pairs, seeds) -> None:
    """Claims (with their statistic), the per-run table, and divergence, from the recorded observables."""
    statistic = f"median log-log slope, 2nd half, {len(seeds)} seeds"
    rows = []
    for method in methods:
        for pair in pairs:
            result = results[method, pair]
            observed = result["observables"]
            verdict = result["verdicts"]
            columns = _stationarity_columns(observed["stationarity"])
            stationarity = observed["stationarity"][:, columns]
            diverged = [(seed, step) for seed, step in zip(seeds, result["diverged_at"], strict=True)
                        if step is not None]
            if diverged:
                report.record_divergence({"method": method, "pair": pair, "seed": diverged[0][0],
                                          "step": diverged[0][1]})
            rows.append({
                "method": method, "pair": pair, "eta_k": result["eta"], "theta_k": result["theta"],
                "xht-two": verdict["xht-two"], "xht-single": verdict["xht-single"],
                "final f": float(np.median(observed["loss"][:, -1])),
                "tracking slope": _median_slope(checkpoints, observed["tracking_error"]),
                "momentum slope": _median_slope(checkpoints, observed["momentum_norm"]),
                "tracking slope per seed": np.round(loglog_slope(checkpoints, observed["tracking_error"]), 3).tolist(),
                "final tracking": float(np.median(observed["tracking_error"][:, -1])),
                "Goldstein first/last": [float(np.median(stationarity[:, 0])), float(np.median(stationarity[:, -1]))]
                if columns.size else None,
                "max iterate norm": float(np.nanmax(observed["iterate_norm"])),
            })
            dead = int((observed["grad_norm"][:, -1] == 0).sum())
            if dead:
                report.notes.append(
                    f"{method}/{pair}: {dead} of {len(seeds)} runs end at an exactly zero full-batch gradient "
                    f"(final f up to {np.nanmax(observed['loss'][:, -1]):.3g}, iterate norm up to "
                    f"{np.nanmax(observed['iterate_norm'][:, -1]):.3g}): typically a dead network (every ReLU "
                    "inactive on the data), a trivial stationary point; the momentum and the tracking error then "
                    "decay to 0 for that reason.")
            report.claims += claims(f"{method}/{pair}", method, verdict, checkpoints, observed, statistic)
    report.tables["runs"] = rows
    report.notes.append("tracking error = norm of m_k - grad f(x_k) (full batch); momentum norm = norm of m_k. "
                        "Statistic: least-squares slope of log(value) against log(k+1) over the checkpoints in the "
                        "second half of the log(k+1) range, per seed; the claim uses the median over seeds.")
    report.notes.append("Goldstein measure: min norm over the convex hull of full-batch gradients at the iterate and "
                        "at points sampled uniformly in the eps-ball (an upper bound of the true measure).")


def claims(label, method, verdict, checkpoints, observed, statistic):
    """The claims of one run group: the predicted limits of each theorem that covers it; for a pair covered by none
    and a nonlinear map, the observation that the tracking error stays away from 0. Each rests on the run staying
    finite (the theorems' bounded iterates): a slope that is not a number (a diverged run) makes the claim
    ``not_applicable`` and says so (:func:`_finite`)."""
    covered = [name for name in THEOREMS if verdict[name] == "covered"]
    track_slope = _median_slope(checkpoints, observed["tracking_error"])
    found = []

    def slope_claim(name, slope, decreasing, predicted, provenance, statement=""):
        held = slope < SLOPE_THRESHOLD if decreasing else slope >= SLOPE_THRESHOLD
        return observation(f"{label}/{name}", statement, provenance, predicted, slope, bool(held), statistic,
                           [_finite(label, slope)])

    for theorem in covered:
        provenance = f"[XHT]/[SA] {theorem} covered"
        if theorem == "xht-two":
            found.append(slope_claim("tracking-to-zero", track_slope, True,
                                     f"tracking error -> 0 (slope < {SLOPE_THRESHOLD})", provenance))
        else:
            found.append(slope_claim("momentum-to-zero", _median_slope(checkpoints, observed["momentum_norm"]), True,
                                     f"momentum norm -> 0 (slope < {SLOPE_THRESHOLD})", provenance))
        columns = _stationarity_columns(observed["stationarity"])
        if columns.size >= 2:
            slope = _median_slope([checkpoints[c] for c in columns], observed["stationarity"][:, columns])
            found.append(slope_claim("stationarity-decreases", slope, True,
                                     f"stationarity measure decreasing (slope < {SLOPE_THRESHOLD})", provenance))
    if not covered and method in NONLINEAR:
        found.append(slope_claim("tracking-bounded-away", track_slope, False,
                                 f"tracking error stays away from 0 (slope >= {SLOPE_THRESHOLD})",
                                 "observation; xht-two and xht-single not covered", "(no theorem covers this pair)"))
    return found


def _finite(label: str, slope: float):
    """The hypothesis every claim of a run group rests on: the run stayed finite, so that its slope is a number (a
    diverged run has no bounded iterates, which the theorems assume)."""
    return decided(f"{label}/finite", "the run stays finite (bounded iterates)", "[XHT]/[SA]", "a finite slope",
                   slope, math.isfinite(slope), "median slope over seeds")


#: The rows of the figure: observable -> axis label.
FIGURE_ROWS = {"loss": "$f(x_k)$", "tracking_error": r"$\|m_k - \nabla f(x_k)\|$", "momentum_norm": r"$\|m_k\|$",
               "stationarity": r"Goldstein $\varepsilon$-stationarity"}


def pair_legend(pair: str, methods, results) -> str:
    """The legend text of a schedule pair: its schedules (c: the method's step scale) and the theorem covering it for
    every method shown."""
    shape, theta = PAIRS[pair]
    eta = "c" if shape == "1" else f"c/{shape.removeprefix('1/')}"
    theta = "library default" if theta == "{default}" else theta
    covering = [name for name in THEOREMS if all(results[m, pair]["verdicts"][name] == "covered" for m in methods)]
    return f"{pair}: eta_k = {eta}, theta_k = {theta}" + (f" (covered by {covering[0]})" if covering else "")


def figure(results, checkpoints, methods, pairs):
    """Medians over seeds of f, tracking error, ||m_k|| and the Goldstein measure against k+1 (log-log): rows are
    the observables, columns the methods; covered pairs solid, not-covered pairs dashed."""
    return sgd_family_figure(
        {(method, pair): results[method, pair]["observables"] for method in methods for pair in pairs}, checkpoints,
        FIGURE_ROWS, {pair: pair_legend(pair, methods, results) for pair in pairs},
        {(method, pair): any(results[method, pair]["verdicts"][name] == "covered" for name in THEOREMS)
         for method in methods for pair in pairs})


def plot(out, results, checkpoints, methods, pairs):
    """:func:`figure`, written to ``out``/sgd_family.png."""
    return save_figure(figure(results, checkpoints, methods, pairs), out / "sgd_family.png", dpi=100)
