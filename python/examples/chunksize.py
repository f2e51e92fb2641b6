"""03 A7: squaring max(1000, 20 000 x TIME_SCALE) numbers on Pool(cores) with growing chunksize."""
import math
import os
from multiprocessing import Pool

from _common import emit, parser, start, timed, warm_up


def square(x):
    return x * x


def main():
    p = parser(__doc__)
    p.add_argument("--tasks", type=int, default=20_000, help="tiny tasks at TIME_SCALE 1")
    args = start(p)
    cores = os.cpu_count() or 1
    inputs = list(range(max(1000, round(args.tasks * args.time_scale))))
    serial, expected = timed(lambda: [square(x) for x in inputs])
    rows = [{"label": "serial", "seconds": serial}]
    with Pool(cores) as pool:
        warm_up(pool.map, cores)
        for chunksize in dict.fromkeys([1, 10, 100, 1000, math.ceil(len(inputs) / cores)]):
            seconds, result = timed(lambda: pool.map(square, inputs, chunksize=chunksize))
            assert result == expected
            rows.append({"label": f"chunksize {chunksize}", "seconds": seconds, "chunksize": chunksize})
    emit("chunksize", rows, tasks=len(inputs), workers=cores)


if __name__ == "__main__":
    main()
