"""Wall time of one sweep of 8 points on a Dask LocalCluster with 1 and with 2 worker processes, and their ratio.

Every point is a small ``additive`` verification (the same in both runs, each sweep into a fresh folder, so nothing
is skipped); the cluster is started before the clock starts, so the times are of the points, not of starting Python
processes. On a machine with 2 free cores the ratio is at most about 2 (one point per core).

    python bench/sweep_scaling.py [--points 8] [--iterations 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time

from distributed import Client, LocalCluster

from momcert.numerics.sweep import sweep


def timed_sweep(workers: int, points: int, iterations: int) -> float:
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client, tempfile.TemporaryDirectory() as warmup, tempfile.TemporaryDirectory() as out:
        options = {"quick": True, "s_max_A2": "0.3", "trials": "2", "iterations": str(iterations)}
        client.run(lambda: __import__("momcert.numerics.scenarios.additive"))
        sweep("additive", {"seed": range(100, 100 + workers)}, cluster=cluster.scheduler_address, out=warmup,
              progress=False, **options)  # one point per worker first: imports and first-call costs
        start = time.perf_counter()
        sweep("additive", {"seed": range(points)}, cluster=cluster.scheduler_address, out=out, progress=False,
              **options)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=100)
    args = parser.parse_args()
    one = timed_sweep(1, args.points, args.iterations)
    two = timed_sweep(2, args.points, args.iterations)
    print(f"{args.points} points: 1 worker {one:.1f} s, 2 workers {two:.1f} s, speed-up {one / two:.2f}x")


if __name__ == "__main__":
    main()
