"""Time per optimizer step of momcert's Framework against the libraries it reproduces, on the same MLP.

Prints two ratios (targets: at most 1.25):
  Framework(heavy-ball) / torch.optim.SGD(momentum, foreach=True)
  Framework(lion)       / lion_pytorch.Lion
Only ``optimizer.step()`` is timed, with fixed gradients. Repetitions are interleaved: each repeat times every
optimizer for ``--steps`` steps, in a rotating order, so that load from other processes on a shared machine hits all
of them alike. Each ratio is the median over repeats of the ratio of the two adjacent timings (a paired comparison);
the medians of the raw times are printed too.

    python bench/optim_speed.py [--device cpu|cuda] [--width 1024] [--depth 4] [--steps 2] [--repeats 41] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from lion_pytorch import Lion

from momcert.numerics.optim import Framework


def build_parameters(width: int, depth: int, device: str) -> list[torch.nn.Parameter]:
    torch.manual_seed(0)
    layers = [torch.nn.Linear(width, width) for _ in range(depth)]
    parameters = [p for layer in layers for p in layer.parameters()]
    parameters = [torch.nn.Parameter(p.detach().to(device)) for p in parameters]
    for p in parameters:
        p.grad = torch.randn_like(p)
    return parameters


def time_steps(optimizer: torch.optim.Optimizer, steps: int, device: str) -> float:
    """Seconds per step over ``steps`` steps."""
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        optimizer.step()
    if device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=41)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    optimizers = {
        "Framework(heavy-ball)": lambda p: Framework.from_torch_sgd(p, lr=1e-3, momentum=0.9),
        "torch.optim.SGD(foreach=True)": lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9, foreach=True),
        "Framework(lion)": lambda p: Framework.from_lion(p, lr=1e-4, betas=(0.9, 0.99)),
        "lion_pytorch.Lion": lambda p: Lion(p, lr=1e-4, betas=(0.9, 0.99)),
    }
    instances = {}
    for name, make in optimizers.items():
        parameters = build_parameters(args.width, args.depth, args.device)
        instances[name] = make(parameters)
        time_steps(instances[name], 3, args.device)  # warm-up: allocates the state
    count = sum(p.numel() for p in instances["lion_pytorch.Lion"].param_groups[0]["params"])
    times: dict[str, list[float]] = {name: [] for name in optimizers}
    order = list(instances)
    for repeat in range(args.repeats):
        for name in order[repeat % len(order):] + order[:repeat % len(order)]:  # rotate who goes first
            times[name].append(time_steps(instances[name], args.steps, args.device))
    medians = {name: statistics.median(values) for name, values in times.items()}

    print(f"device {args.device}, MLP {args.depth} x Linear({args.width}, {args.width}), {count:,} parameters, "
          f"float32, torch {torch.__version__}, {torch.get_num_threads()} threads; median of {args.repeats} "
          f"interleaved repeats of {args.steps} steps")
    for name, median in medians.items():
        print(f"  {name:32s} {median * 1e3:8.3f} ms/step")
    for ours, theirs in (("Framework(heavy-ball)", "torch.optim.SGD(foreach=True)"),
                         ("Framework(lion)", "lion_pytorch.Lion")):
        paired = statistics.median(a / b for a, b in zip(times[ours], times[theirs], strict=True))
        print(f"ratio {ours} / {theirs}: {paired:.3f} (median of paired ratios; ratio of medians "
              f"{medians[ours] / medians[theirs]:.3f}; target <= 1.25)")


if __name__ == "__main__":
    main()
