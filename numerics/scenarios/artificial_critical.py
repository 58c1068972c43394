"""``momcert verify artificial-critical``: autodiff's artificial critical point and why [XHT] randomizes.

``momcert explain xht-clarke`` states the theorem and the example.

F(x) = (x - 1)^2 / 2 - z(x) with z(x) = relu(x) - relu(-x) - x, which is identically 0, so F(x) = (x - 1)^2 / 2 with
the single critical point 1. Autodiff with torch's relu'(0) = 0 gives z'(0) = -1 and so F'(0) = 0: x = 0 is an
artificial critical point. Deterministic GD from x_0 = 2 with eta = 2 lands exactly on 0 and stays there. With the
stepsize sequence multiplied by one random factor s (uniform on [a, b], which keeps the steps 2 s in (0, 2), stable on
F) and a random x_0 (uniform on [x_0 - r, x_0 + r]), the run misses 0 with probability one and reaches the minimizer 1:
the randomization of the `xht-clarke` theorem [XHT]. All draws run as one batched computation (vmap).

A second demonstration: the two-point ReLU network f(w, v) = sum_i (v relu(w x_i) - y_i)^2 / 2 with x = (1, -1),
y = (1, -1) equals (v w - 1)^2 / 2 + 1/2 everywhere (smooth), so its Clarke subdifferential at (w, v) = (0, 1) is
{(-1, 0)}, while autodiff returns (0, 0): the gradients sampled around the kink (the Clarke estimate of
:mod:`momcert.numerics.stationarity`) stay at distance about 1 from autodiff's output however small the ball.
"""

from __future__ import annotations

import numpy as np
import torch
from tqdm.auto import trange

from momcert.theory import check

from .. import failures, models
from ..claims import decided, observation
from ..plots import plt, save_figure
from ..reporting import Report
from ..stationarity import artificial_objective, autodiff_derivative, compare_with_clarke, zero_in_disguise
from .configs import ArtificialCriticalConfig


def gd_trajectories(x0, etas, steps: int, *, progress: bool = False, label: str = "GD"):
    """Iterates (steps + 1, R) of x_{k+1} = x_k - eta F'(x_k) for R runs at once (autodiff F', vmap over runs)."""
    path = [x0]
    x = x0
    for _ in trange(steps, desc=label, disable=not progress, unit="step"):
        x = x - etas * autodiff_derivative(artificial_objective, x)
        path.append(x)
    return torch.stack(path)


def kink_network(options):
    """The two-point ReLU network of the module docstring: its loss as a function of the flat (w, v) and the kink."""
    X = torch.tensor([[1.0], [-1.0]], dtype=options.dtype, device=options.device)
    Y = torch.tensor([[1.0], [-1.0]], dtype=options.dtype, device=options.device)
    widths = [1, 1, 1]

    def loss(flat):
        return models.mse_loss(models.unflatten(flat, widths), X, Y)

    return loss, torch.tensor([0.0, 1.0], dtype=options.dtype, device=options.device)


def run(options, config: ArtificialCriticalConfig) -> Report:
    """The two demonstrations of the module docstring with ``config`` and the resolved ``options``."""
    (low, high), draws, steps = config.scale, config.draws, config.steps
    tensor = {"dtype": options.dtype, "device": options.device}
    report = Report.of_run("artificial-critical", options, {
        "draws": draws, "steps": steps, "eta": config.eta, "x0": config.x0, "scale": [low, high],
        "x0_radius": config.x0_radius, "tolerance": config.tolerance, "quick": config.quick})
    if options.resume:
        report.notes.append("--resume: this scenario keeps no checkpoints; its runs were recomputed from the recorded "
                            "seeds (deterministic on the CPU, so the numbers are those of the interrupted run).")

    # The function, its autodiff derivative and the true one.
    zero = torch.zeros(1, **tensor)
    z_prime = float(autodiff_derivative(zero_in_disguise, zero)[0])
    f_prime = float(autodiff_derivative(artificial_objective, zero)[0])
    grid = torch.linspace(-3, 3, 601, **tensor)
    z_max = float(zero_in_disguise(grid).abs().max())
    report.claims.append(observation(
        "artificial-critical-point", "z = 0 on a grid of [-3, 3], yet autodiff gives z'(0) = -1 and F'(0) = 0",
        "[XHT]", {"z_max": 0.0, "autodiff_z'(0)": -1.0, "autodiff_F'(0)": 0.0, "true_F'(0)": -1.0},
        {"z_max": z_max, "autodiff_z'(0)": z_prime, "autodiff_F'(0)": f_prime, "true_F'(0)": -1.0},
        z_max == 0 and z_prime == -1 and f_prime == 0, "exact values (relu'(0) = 0 in torch)"))

    # Deterministic GD: stuck at exactly 0.
    deterministic = gd_trajectories(torch.full((1,), config.x0, **tensor), torch.full((1,), config.eta, **tensor),
                                    steps)
    last = float(deterministic[-1, 0])
    derivative_there = float(autodiff_derivative(artificial_objective, deterministic[-1])[0])
    stuck = bool((deterministic[1:, 0] == 0).all()) and derivative_there == 0
    # The prediction needs the first step to land exactly on the kink: x1 = x0 - eta F'(x0) = 0 (x0 = 2, eta = 2).
    first = config.x0 - config.eta * float(autodiff_derivative(artificial_objective, deterministic[:1, 0])[0])
    lands_on_kink = decided("deterministic-lands-on-kink", "the first step lands exactly on the kink", "[XHT]",
                            "x_1 = x0 - eta F'(x0) = 0", first, first == 0, "exact value")
    report.claims.append(observation(
        "deterministic-stuck", f"GD from x0 = {config.x0:g} with eta = {config.eta:g} lands on 0 and stays", "[XHT]",
        {"x_k (k >= 1)": 0.0, "autodiff F'(x_K)": 0.0, "true F'(x_K)": -1.0},
        {"x_K": last, "x_k == 0 for all k >= 1": bool((deterministic[1:, 0] == 0).all()),
         "autodiff F'(x_K)": derivative_there, "true F'(x_K)": last - 1.0}, stuck, "exact equality of every iterate",
        [lands_on_kink]))

    # Randomized: one stepsize factor and one start per run, all runs batched.
    generator = torch.Generator().manual_seed(options.seed)
    factors = (low + (high - low) * torch.rand(draws, generator=generator, dtype=torch.float64)).to(**tensor)
    starts = (config.x0 + config.x0_radius * (2 * torch.rand(draws, generator=generator, dtype=torch.float64) - 1))
    randomized = gd_trajectories(starts.to(**tensor), config.eta * factors, steps, progress=options.progress,
                                 label=f"{draws} randomized runs")
    with failures.guard(report, f"{draws} randomized runs", "GD iterates"):  # an overflow of x0 +- r, of x_k
        failures.require_finite(**{"randomized iterates": randomized.cpu().numpy()})
    errors = (randomized[-1] - 1).abs()
    hits_zero = int((randomized == 0).any(dim=0).sum())
    stuck_count = int((errors > config.tolerance).sum())
    report.claims.append(observation(
        "randomized-none-stuck", f"eta = {config.eta:g} s, s ~ U[{low:g}, {high:g}], "
        f"x0 ~ U[{config.x0 - config.x0_radius:g}, {config.x0 + config.x0_radius:g}]: every run reaches the "
        "minimizer 1", "[XHT] the randomization of xht-clarke", {"stuck": 0, "runs_hitting_0": 0},
        {"stuck": stuck_count, "runs_hitting_0": hits_zero, "runs": draws, "max_error": float(errors.max())},
        stuck_count == 0, f"count of runs farther than {config.tolerance:g} from 1 after K = {steps} steps"))

    # Autodiff versus Clarke on a small ReLU network.
    network_loss, kink = kink_network(options)
    comparisons = [compare_with_clarke(network_loss, kink, radius=radius, samples=32, generator=generator)
                   for radius in (1e-2, 1e-4, 1e-6)]
    smallest = min(c.distance for c in comparisons)
    report.claims.append(observation(
        "autodiff-outside-clarke",
        "two-point ReLU network at (w, v) = (0, 1): autodiff's output is not in the Clarke subdifferential", "[XHT]",
        {"autodiff": [0.0, 0.0], "clarke": [-1.0, 0.0], "distance": 1.0},
        {"autodiff": comparisons[-1].autodiff.tolist(), "clarke_min_norm": comparisons[-1].clarke_min_norm,
         **{f"distance (radius {c.radius:g})": c.distance for c in comparisons}}, smallest > 0.5,
        "distance from autodiff's vector to the hull of 32 gradients sampled in the ball"))

    report.constants = {"autodiff F'(0)": f_prime, "runs_hitting_0": hits_zero,
                        "median_error (randomized)": float(errors.median())}
    report.notes.append(f"F(x) = (x-1)^2/2 - z(x), z(x) = relu(x) - relu(-x) - x = 0; the stepsize factor law keeps "
                        f"{config.eta:g} s in (0, 2), where GD on (x-1)^2/2 contracts by |1 - {config.eta:g} s| per "
                        "step.")
    verdict = check(f"{config.eta:g}", None, random_scale=(low, high)).theorems["xht-clarke"]
    report.notes.append(f"momcert.theory.check(eta = {config.eta:g}, random scale [{low:g}, {high:g}]): xht-clarke "
                        f"{verdict.verdict} (fails: {', '.join(verdict.failed)}). The constant-step example shows "
                        "the mechanism of the randomization (a null set of bad stepsizes), outside the theorem's "
                        "schedule hypotheses.")
    with failures.guard(report, "figure", "artificial_critical.png"):
        report.figures.append(str(plot(options.out, grid, deterministic, randomized)))
    return report


def plot(out, grid, deterministic, randomized):
    """F and autodiff F' near the kink, and |x_k - 1| against k (deterministic vs randomized quantiles)."""
    out.mkdir(parents=True, exist_ok=True)
    x = grid.detach().cpu().numpy()
    values = artificial_objective(grid).detach().cpu().numpy()
    derivative = autodiff_derivative(artificial_objective, grid).detach().cpu().numpy()
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    left.plot(x, values, label="F(x) = (x-1)^2/2")
    left.plot(x, derivative, label="autodiff F'(x)")
    left.plot([0], [0], "o", color="C3", label="autodiff F'(0) = 0 (true -1)")
    left.set_xlabel("x")
    left.legend(fontsize=8)
    left.set_title("artificial critical point", fontsize=9)
    k = np.arange(deterministic.shape[0])
    floor = 1e-17
    right.semilogy(k, np.maximum(np.abs(deterministic[:, 0].cpu().numpy() - 1), floor), color="C3",
                   label="x0 = 2, eta = 2: stuck at 0")
    errors = np.maximum(np.abs(randomized.cpu().numpy() - 1), floor)
    low, median, high = np.quantile(errors, [0.05, 0.5, 0.95], axis=1)
    right.semilogy(k, median, color="C0", label=f"randomized ({errors.shape[1]} runs): median")
    right.fill_between(k, low, high, color="C0", alpha=0.3, label="5-95% band")
    right.set_xlabel("k")
    right.set_ylabel("|x_k - 1|")
    right.legend(fontsize=8)
    right.set_title("GD: deterministic vs randomized stepsize and x0", fontsize=9)
    figure.tight_layout()
    return save_figure(figure, out / "artificial_critical.png", dpi=80)
