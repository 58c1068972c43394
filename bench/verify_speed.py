"""Speed of the Nesterov verification runs (issue 5): batched ensembles and measurement overhead.

For the problems of ``momcert verify additive`` (the [LK] additive model, size 50) and ``relu-nesterov`` (depth-3
ReLU networks with the [LK] initialization, n = 16 teacher points on the sphere, widths 64 and 256), prints

1. the time of a vmap-batched ensemble of 32 trials (one :func:`numerics.runs.run_ensemble` with the scenario's
   ``torch.func.vmap`` gradient) against a Python loop over the same 32 trials (``torch.func.grad`` per trial); both
   take the same Nesterov steps (:func:`numerics.functional.nesterov_update`) and evaluate the loss at every iterate;
   target: the ensemble at least 5x faster on the CPU;
2. the measurement overhead: a step with all the scenario's measurements (moves, G1/G2 ratios, distances; for the
   networks also the x-block spectrum from the n x n Gram matrix) against a step that evaluates the loss only, as a
   fraction of the step time; target under 20%.

The machine may be shared: the variants are interleaved and medians over rounds are printed. Usage::

    python bench/verify_speed.py [--trials 32] [--steps 30] [--rounds 5] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch.func import grad, vmap

from numerics import models, problems
from numerics.functional import nesterov_update
from numerics.lk_runs import RunSpec, make_step
from numerics.runs import run_ensemble
from numerics.scenarios import additive, relu_nesterov

ETA, BETA = 0.01, 0.8


class Workload:
    """One problem: ``batched(steps, full)`` and ``looped(steps)`` return wall times in seconds."""

    def __init__(self, label, p0, grad_fn, make_observer, extra_state, per_trial_step):
        self.label, self.p0, self.grad_fn = label, p0, grad_fn
        self.make_observer, self.extra_state, self.per_trial_step = make_observer, extra_state, per_trial_step

    def batched(self, steps: int, full: bool) -> float:
        trials = self.p0.shape[0]
        observe = self.make_observer(full)
        state = {"x": self.p0.clone(), "y": self.p0.clone(), **self.extra_state}
        initial, _ = observe(state, self.p0)
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


def additive_workload(trials: int, device, dtype) -> Workload:
    problem = problems.additive_model(50, 50, kappa=100.0, s_max_A2=0.3, generator=torch.Generator().manual_seed(0),
                                      dtype=dtype, device=device, trials=trials)
    p0 = torch.cat([problem.x0, problem.u0], dim=-1)
    batched_grad = vmap(grad(additive.flat_loss))
    per_trial = grad(additive.flat_loss)
    data = problem.data()

    def step(trial, x, y):
        A1, A2, b = (tensor[trial] for tensor in data)
        x, y = nesterov_update(x, y, per_trial(y, A1, A2, b), ETA, BETA)
        float(additive.flat_loss(x, A1, A2, b))  # the loss at every iterate, as the ensemble records it
        return x, y

    return Workload("additive, size 50+50", p0, lambda p: batched_grad(p, *data),
                    lambda full: additive.observer(problem, p0, full=full), {}, step)


def relu_workload(width: int, trials: int, device, dtype, n: int = 16, d0: int = 4) -> Workload:
    X, Y = problems.teacher_student(n, d0, [8, 2], generator=torch.Generator().manual_seed(0), dtype=dtype,
                                    device=device)
    widths = [d0, width, width, 2]
    p0 = models.flatten(models.init_ensemble(widths, trials, generator=torch.Generator().manual_seed(1),
                                             dtype=dtype, device=device))
    per_trial = grad(models.mse_loss)

    def step(trial, x, y):
        x, y = nesterov_update(x, y, models.flatten(per_trial(models.unflatten(y, widths), X, Y)), ETA, BETA)
        float(models.mse_loss(models.unflatten(x, widths), X, Y))
        return x, y

    features0 = models.penultimate(models.unflatten(p0, widths), X)
    return Workload(f"relu depth 3, width {width}, n {n}", p0, relu_nesterov.batched_gradient(X, Y, widths),
                    lambda full: relu_nesterov.observer(X, Y, widths, p0, full=full), {"features": features0}, step)


def _sync(tensor):
    if tensor.device.type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=32)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--widths", default="64,256", help="network widths (comma-separated)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    dtype = torch.float64 if device.type == "cpu" else torch.float32
    workloads = [additive_workload(args.trials, device, dtype)]
    workloads += [relu_workload(int(w), args.trials, device, dtype) for w in args.widths.split(",")]
    print(f"device {device}, {dtype}, torch threads {torch.get_num_threads()}, {args.trials} trials, {args.steps} "
          f"Nesterov steps, medians of {args.rounds} interleaved rounds")
    print(f"{'problem':34s} {'loop s':>8s} {'vmap s':>8s} {'speedup':>8s} {'step ms':>8s} {'+meas ms':>9s} "
          f"{'overhead':>9s}")
    for workload in workloads:
        workload.batched(3, True)  # warm-up (the first torch.func call imports and traces)
        workload.looped(2)
        looped, lean, full = [], [], []
        for _ in range(args.rounds):
            looped.append(workload.looped(args.steps))
            lean.append(workload.batched(args.steps, False))
            full.append(workload.batched(args.steps, True))
            lean.append(workload.batched(args.steps, False))
        t_loop, t_lean, t_full = (statistics.median(values) for values in (looped, lean, full))
        print(f"{workload.label:34s} {t_loop:8.3f} {t_lean:8.3f} {t_loop / t_lean:7.1f}x "
              f"{1e3 * t_lean / args.steps:8.2f} {1e3 * t_full / args.steps:9.2f} "
              f"{100 * (t_full - t_lean) / t_lean:8.1f}%")
    print("targets: speedup >= 5x on the CPU; measurement overhead < 20% of the step time")


if __name__ == "__main__":
    main()
