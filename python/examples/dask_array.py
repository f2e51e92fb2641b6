"""07: dask.array: mean and std of 1 000 000 seeded normals in 10 chunks, on the sync scheduler and on threads."""
import os

from _common import emit, parser, require, start, timed


def main():
    p = parser(__doc__)
    p.add_argument("--size", type=int, default=1_000_000)
    p.add_argument("--chunks", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=42)
    args = start(p)
    require("numpy", "dask.array")
    import dask
    import dask.array as da

    x = da.random.default_rng(args.seed).normal(0, 1, size=args.size, chunks=args.chunks)
    rows = []
    for label, scheduler, workers in (("sync (one thread)", "sync", 1), ("threads", "threads", os.cpu_count() or 1)):
        dask.compute(x.mean(), x.std(), scheduler=scheduler)  # warm-up: imports, the thread pool
        seconds, (mean, std) = timed(lambda: dask.compute(x.mean(), x.std(), scheduler=scheduler))
        rows.append({"label": label, "seconds": seconds, "workers": workers, "mean": float(mean), "std": float(std)})
    emit("dask_array", rows, packages=("numpy", "dask"), size=args.size, chunks=args.chunks)


if __name__ == "__main__":
    main()
