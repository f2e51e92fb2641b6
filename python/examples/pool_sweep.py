"""03 A6: 16 equal tasks of spin(TIME_SCALE) on multiprocessing.Pool(n), n = 1 ... cores + 3.

A unit of spin is 4e6 countdown steps here against the notebook's 4e8 (CPython counts about 100
times slower than V8): about as many seconds of work per task in both languages.
"""
import os

from multiprocessing import Pool

from _common import emit, parser, start, timed, warm_up


def spin(units, steps_per_unit):
    steps = round(units * steps_per_unit)
    while steps > 0:
        steps -= 1
    return units


def main():
    p = parser(__doc__)
    p.add_argument("--tasks", type=int, default=16)
    p.add_argument("--max-workers", type=int, default=(os.cpu_count() or 1) + 3)
    p.add_argument("--steps-per-unit", type=float, default=4e6)
    args = start(p)
    tasks = [(args.time_scale, args.steps_per_unit)] * args.tasks
    rows = []
    for n in range(1, args.max_workers + 1):
        with Pool(n) as pool:
            warm_up(pool.map, n)
            seconds, _ = timed(lambda: pool.starmap(spin, tasks, chunksize=1))
        rows.append({"label": f"Pool({n})", "seconds": seconds, "workers": n})
    emit("pool_sweep", rows)


if __name__ == "__main__":
    main()
