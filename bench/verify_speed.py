"""Speed of the Nesterov verification runs (issue 5): batched ensembles and measurement overhead.

Two sections, each a table over problems:

- "ensembles of 32 trials": the problem of ``momcert verify additive`` (the [LK] additive model, size 50) and depth-3
  ReLU networks of ``relu-nesterov`` (the [LK] initialization, n = 16 teacher points on the sphere, widths 64 and
  256), 32 trials each;
- "scenario defaults": the runs the two commands make by default (additive: 10 trials of size 50; relu-nesterov:
  3 trials at each width of its sweep, sizes from the scenarios' ``DEFAULTS``): the overhead users see.

Columns:

1. the time of a vmap-batched ensemble (one :func:`momcert.numerics.runs.run_ensemble` with the scenario's
   ``torch.func.vmap`` gradient and the step of :func:`momcert.numerics.lk_runs.make_step`) against a Python loop
   over the same trials (``torch.func.grad`` per trial); both take the same Nesterov steps
   (:func:`momcert.numerics.functional.nesterov_update`) and evaluate the loss at every iterate; target: the ensemble
   of 32 at least 5x faster on the CPU;
2. the measurement overhead: a step with all the scenario's measurements (for the additive model moves, G1/G2
   ratios, distances; for the networks the x-block spectrum from the n x n Gram matrix, s_min(F V1) and s_max(F))
   against a step that evaluates the loss only, as a fraction of the step time; target under 20%;
3. for the networks, the arithmetic rate of the batched step against the machine's matrix products: the step's
   matmul flops (:func:`momcert.numerics.models.step_flops`, per trial 2 n (4 sum_l d_{l-1} d_l - d0 d1): the forward
   products of the gradient at y_k, its weight and input gradients, the forward products of the loss at x_{k+1})
   divided by the median step time, then ``torch.bmm`` alone on exactly those shapes
   (:func:`momcert.numerics.models.step_matmuls`, batched over the trials, into preallocated outputs), timed in the
   same rounds, and the fraction the step reaches of it. On a CPU that fraction is the physical limit: a step can be
   no faster than its products, however the trials are batched.

The machine may be shared: the variants are interleaved and medians over rounds are printed. Usage::

    python bench/verify_speed.py [--trials 32] [--steps 30] [--rounds 5] [--device cpu|cuda] [--section all]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch.func import grad, vmap

from momcert.numerics import models, problems
from momcert.numerics.functional import nesterov_update
from momcert.numerics.lk_runs import RunSpec, make_step
from momcert.numerics.runs import run_ensemble
from momcert.numerics.scenarios import additive, relu_nesterov
from momcert.numerics.scenarios.configs import AdditiveConfig, ReluNesterovConfig

ETA, BETA = 0.01, 0.8


class Workload:
    """One problem: ``batched(steps, full)`` and ``looped(steps)`` return wall times in seconds."""

    def __init__(self, label, p0, grad_fn, make_observer, extra_state, per_trial_step, widths=None, n=None):
        self.label, self.p0, self.grad_fn = label, p0, grad_fn
        self.make_observer, self.extra_state, self.per_trial_step = make_observer, extra_state, per_trial_step
        self.flops = None if widths is None else models.step_flops(widths, n, p0.shape[0])
        self.products = [] if widths is None else [
            (torch.randn(p0.shape[0], rows, inner, dtype=p0.dtype, device=p0.device),
             torch.randn(p0.shape[0], inner, cols, dtype=p0.dtype, device=p0.device),
             torch.empty(p0.shape[0], rows, cols, dtype=p0.dtype, device=p0.device))
            for rows, inner, cols in models.step_matmuls(widths, n)]

    def batched(self, steps: int, full: bool) -> float:
        trials = self.p0.shape[0]
        observe = self.make_observer(full)
        state = {"x": self.p0.clone(), "y": self.p0.clone(), **self.extra_state}
        initial, _ = observe(state, self.p0, torch.zeros_like(self.p0))
        eta = torch.full((trials, 1), ETA, dtype=self.p0.dtype, device=self.p0.device)
        beta = torch.full((trials, 1), BETA, dtype=self.p0.dtype, device=self.p0.device)
        step = make_step(RunSpec("nesterov", "practical"), self.grad_fn, eta, beta, observe)
        start = time.perf_counter()
        run_ensemble("bench", state, step, steps=steps, initial=initial, progress=False)
        _sync(self.p0)
        return time.perf_counter() - start

    def looped(self, steps: int) -> float:
        start = time.perf_counter()
        for trial in range(self.p0.shape[0]):
            x, y = self.p0[trial].clone(), self.p0[trial].clone()
            for _ in range(steps):
                x, y = self.per_trial_step(trial, x, y)
        _sync(self.p0)
        return time.perf_counter() - start

    def matmuls(self, steps: int) -> float:
        """The step's matrix products alone (``torch.bmm`` over the trials), ``steps`` times."""
        start = time.perf_counter()
        for _ in range(steps):
            for left, right, out in self.products:
                torch.bmm(left, right, out=out)
        _sync(self.p0)
        return time.perf_counter() - start


def additive_workload(trials: int, device, dtype) -> Workload:
    size = AdditiveConfig().dim_x, AdditiveConfig().dim_u
    problem = problems.additive_model(*size, kappa=100.0, s_max_A2=0.3, generator=torch.Generator().manual_seed(0),
                                      dtype=dtype, device=device, trials=trials)
    p0 = torch.cat([problem.x0, problem.u0], dim=-1)
    batched_grad = vmap(grad(additive.flat_loss))
    per_trial = grad(additive.flat_loss)
    data = problem.data()

    def step(trial, x, y):
        A1, A2, b = (tensor[trial] for tensor in data)
        x, y, _ = nesterov_update(x, y, per_trial(y, A1, A2, b), ETA, BETA)
        float(additive.flat_loss(x, A1, A2, b))  # the loss at every iterate, as the ensemble records it
        return x, y

    return Workload(f"additive, size {size[0]}+{size[1]}, {trials} trials", p0, lambda p, out: batched_grad(p, *data),
                    lambda full: additive.observer(problem, p0, full=full), {}, step)


def relu_workload(width: int, trials: int, device, dtype, n: int = 16, d0: int = 4) -> Workload:
    X, Y = problems.teacher_student(n, d0, [8, 2], generator=torch.Generator().manual_seed(0), dtype=dtype,
                                    device=device)
    widths = [d0, width, width, 2]
    p0 = models.flatten(models.init_ensemble(widths, trials, generator=torch.Generator().manual_seed(1),
                                             dtype=dtype, device=device))
    per_trial = grad(models.mse_loss)

    def step(trial, x, y):
        x, y, _ = nesterov_update(x, y, models.flatten(per_trial(models.unflatten(y, widths), X, Y)), ETA, BETA)
        float(models.mse_loss(models.unflatten(x, widths), X, Y))
        return x, y

    features0 = models.penultimate(models.unflatten(p0, widths), X)
    return Workload(f"relu depth 3, width {width}, n {n}, {trials} trials", p0,
                    relu_nesterov.batched_gradient(X, Y, widths),
                    lambda full: relu_nesterov.observer(X, Y, widths, p0, full=full), {"features": features0}, step,
                    widths, n)


def _sync(tensor):
    if tensor.device.type == "cuda":
        torch.cuda.synchronize()


def print_table(title: str, workloads: list[Workload], steps: int, rounds: int) -> None:
    print(f"\n{title}")
    print(f"{'problem':40s} {'loop s':>8s} {'vmap s':>8s} {'speedup':>8s} {'step ms':>8s} {'+meas ms':>9s} "
          f"{'overhead':>9s} {'GFLOP/s':>8s} {'mm GFLOP/s':>10s} {'of mm':>6s}")
    for workload in workloads:
        workload.batched(3, True)  # warm-up (the first torch.func call imports and traces)
        workload.looped(2)
        workload.matmuls(2)
        looped, lean, full, products = [], [], [], []
        for _ in range(rounds):
            looped.append(workload.looped(steps))
            lean.append(workload.batched(steps, False))
            products.append(workload.matmuls(steps))
            full.append(workload.batched(steps, True))
            lean.append(workload.batched(steps, False))
        t_loop, t_lean, t_full = (statistics.median(values) for values in (looped, lean, full))
        rates = ""
        if workload.flops is not None:
            achieved = workload.flops * steps / t_lean / 1e9
            machine = workload.flops * steps / statistics.median(products) / 1e9
            rates = f" {achieved:8.2f} {machine:10.2f} {achieved / machine:6.2f}"
        print(f"{workload.label:40s} {t_loop:8.3f} {t_lean:8.3f} {t_loop / t_lean:7.1f}x "
              f"{1e3 * t_lean / steps:8.2f} {1e3 * t_full / steps:9.2f} "
              f"{100 * (t_full - t_lean) / t_lean:8.1f}%{rates}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=32)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--widths", default="64,256", help="network widths of the ensembles (comma-separated)")
    parser.add_argument("--section", choices=("all", "ensembles", "defaults"), default="all")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    dtype = torch.float64 if device.type == "cpu" else torch.float32
    print(f"device {device}, {dtype}, torch threads {torch.get_num_threads()}, {args.steps} Nesterov steps, "
          f"medians of {args.rounds} interleaved rounds")
    if args.section in ("all", "ensembles"):
        workloads = [additive_workload(args.trials, device, dtype)]
        workloads += [relu_workload(int(w), args.trials, device, dtype) for w in args.widths.split(",")]
        print_table(f"ensembles of {args.trials} trials", workloads, args.steps, args.rounds)
    if args.section in ("all", "defaults"):
        sizes = ReluNesterovConfig().sizes
        workloads = [additive_workload(AdditiveConfig().trials, device, dtype)]
        workloads += [relu_workload(w, sizes["trials"], device, dtype, n=sizes["n"], d0=sizes["d0"])
                      for w in sizes["widths"]]
        print_table("scenario defaults (the trials and sizes momcert verify runs)", workloads, args.steps,
                    args.rounds)
    print("targets: speedup >= 5x on the CPU (ensembles of 32); measurement overhead < 20% of the step time")
    print("GFLOP/s: the matmul flops of a step (loss only) per second; mm GFLOP/s: torch.bmm alone on the same "
          "shapes; of mm: their ratio, the part of the machine's matmul rate a step reaches")


if __name__ == "__main__":
    main()
