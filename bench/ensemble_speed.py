"""Throughput of a vmap-batched ensemble of framework runs against a Python loop over the same runs.

Both paths run the same framework step (:func:`momcert.numerics.finite_sum.make_step`: torch.func.grad of the minibatch
loss, then :func:`momcert.numerics.functional.framework_update`) on the sgd-family quick problem, with the same seeds,
minibatches and schedules; the batched path wraps the step in ``torch.func.vmap`` over the runs. Repetitions alternate
between the two paths (the machine may be shared), and the medians are reported. Target: at least 4x on the CPU.

    python bench/ensemble_speed.py [--runs 32] [--steps 100] [--repeats 5] [--method sign] [--device cpu] [--threads N]

``--threads`` sets torch's intra-op threads for this process (default: torch's own choice). On a shared 2-core machine
one thread is much faster for both paths: the batched ops are tiny, and under load the second thread is rarely
scheduled, so every parallel region waits for it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch.func import vmap

from momcert.numerics import models, problems
from momcert.numerics.finite_sum import FiniteSum, MethodSpec, make_step, minibatch_indices


def build(runs: int, steps: int, device, dtype):
    generator = torch.Generator().manual_seed(0)
    X, Y = problems.teacher_student(512, 8, [16, 1], generator=generator, dtype=dtype, device=device)
    problem = FiniteSum(X, Y, [8, 16, 1])
    w0 = models.flatten(models.init_ensemble(problem.widths, runs, generator=generator, init="standard",
                                             dtype=dtype)).to(device)
    indices = minibatch_indices(range(runs), steps, 16, problem.size, device=device)
    k = torch.arange(steps, dtype=dtype, device=device)
    etas = (0.02 / (k + 1) ** 0.9).expand(runs, steps)
    thetas = (1 / (k + 1) ** 0.7).expand(runs, steps)
    return problem, w0, indices, etas, thetas


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def batched(step, w0, indices, etas, thetas):
    batched_step = vmap(step)
    w, m = w0, torch.zeros_like(w0)
    for k in range(indices.shape[1]):
        w, m, _ = batched_step(w, m, indices[:, k], etas[:, k], thetas[:, k])
    return w


def looped(step, w0, indices, etas, thetas):
    finals = []
    for run in range(w0.shape[0]):
        w, m = w0[run], torch.zeros_like(w0[run])
        for k in range(indices.shape[1]):
            w, m, _ = step(w, m, indices[run, k], etas[run, k], thetas[run, k])
        finals.append(w)
    return torch.stack(finals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--method", default="sign")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device, dtype = torch.device(args.device), getattr(torch, args.dtype)
    problem, w0, indices, etas, thetas = build(args.runs, args.steps, device, dtype)
    step = make_step(problem, MethodSpec(args.method))
    times = {"vmap": [], "loop": []}
    results = {}
    paths = {"vmap": batched, "loop": looped}
    for name in paths:  # warm-up
        paths[name](step, w0, indices[:, :3], etas, thetas)
    for _ in range(args.repeats):
        for name, path in paths.items():
            synchronize(device)
            start = time.perf_counter()
            results[name] = path(step, w0, indices, etas, thetas)
            synchronize(device)
            times[name].append(time.perf_counter() - start)
    work = args.runs * args.steps
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"device {device}, {args.dtype}, method {args.method}, {args.runs} runs x {args.steps} steps, "
          f"{problem.dimension} parameters, N = {problem.size}, batch 16, {args.repeats} interleaved repeats, "
          f"{torch.get_num_threads()} intra-op threads")
    for name in paths:
        print(f"{name:5s}: median {medians[name]:.3f} s  ({work / medians[name]:,.0f} run-steps/s)  "
              f"all: {', '.join(f'{t:.3f}' for t in times[name])}")
    print(f"speedup vmap / loop: {medians['loop'] / medians['vmap']:.1f}x (target >= 4x on the CPU)")
    print(f"max |difference| of final iterates: {float((results['vmap'] - results['loop']).abs().max()):.2e}")


if __name__ == "__main__":
    main()
