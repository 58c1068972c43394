"""The training-loop monitor's cost per step and its storage for 1,000,000 steps.

The model is a 4M-parameter ReLU MLP (1024 -> 2048 -> 1024 -> 10), trained by torch.optim.SGD(momentum=0.9) with a
scheduler; the baseline is the same loop without the monitor, in the same process, in alternating repetitions; the
ratio is the median monitored time over the median baseline time, minus 1 (target: below 5%); the hooks are also
timed alone, by direct calls, which a shared machine's noise disturbs less. The storage is
:meth:`momcert.numerics.monitor.Monitor.storage_bytes` after 1,000,000 steps folded into its summaries and series.

    python bench/monitor_overhead.py [--device cuda] [--steps 20] [--repetitions 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from momcert.numerics.monitor import QUANTITIES, Monitor


def _model(device) -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(1024, 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 1024),
                               torch.nn.ReLU(), torch.nn.Linear(1024, 10)).to(device)


def _timed(model, optimizer, scheduler, X, Y, steps: int, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(X), Y).backward()
        optimizer.step()
        scheduler.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def _hook_seconds(monitor, optimizer, calls: int, device) -> float:
    """Median seconds of one pre-hook plus post-hook call, measured directly after a step (gradients present)."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        monitor._before(optimizer, (), {})
        monitor._after(optimizer, (), {})
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _storage_after(steps: int) -> int:
    """Storage of a monitor whose host side has taken ``steps`` steps (the device side is a fixed buffer)."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    monitor = Monitor(optimizer)
    monitor._pending = torch.empty((monitor.flush_every, len(QUANTITIES)))
    for k in range(steps):
        for name in monitor.summaries:
            monitor.summaries[name].add(1.0)
            monitor._keep(name, k, 1.0)
    return monitor.storage_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=20, help="training steps per timed repetition")
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    device = torch.device(args.device)
    model = _model(device)
    count = sum(p.numel() for p in model.parameters())
    X = torch.randn(args.batch, 1024, device=device)
    Y = torch.randint(0, 10, (args.batch,), device=device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9999)
    _timed(model, optimizer, scheduler, X, Y, args.steps, device)  # warm up
    plain, monitored = [], []
    for _ in range(args.repetitions):
        plain.append(_timed(model, optimizer, scheduler, X, Y, args.steps, device))
        monitor = Monitor(optimizer, lr=f"{optimizer.param_groups[0]['lr']!r}*0.9999**k", momentum="0.9")
        monitored.append(_timed(model, optimizer, scheduler, X, Y, args.steps, device))
        monitor.detach()
    hooks = _hook_seconds(monitor, optimizer, args.repetitions * args.steps, device)
    base, watched = statistics.median(plain), statistics.median(monitored)
    overhead = watched / base - 1
    print(f"model: {count:,} parameters, batch {args.batch}, device {device}, torch {torch.__version__}")
    print(f"step: {1e3 * base:.3f} ms unmonitored, {1e3 * watched:.3f} ms monitored "
          f"(medians of {args.repetitions} alternating repetitions of {args.steps} steps)")
    print(f"monitor cost: {100 * overhead:.2f}% of a training step (target below 5%: "
          f"{'met' if overhead < 0.05 else 'NOT met'})")
    print(f"monitor hooks alone: {1e3 * hooks:.3f} ms per step = {100 * hooks / base:.2f}% of a training step "
          "(median of direct calls; the difference above also carries the machine's noise)")
    print(f"monitor storage after 1,000,000 steps: {_storage_after(1_000_000):,} bytes")


if __name__ == "__main__":
    main()
