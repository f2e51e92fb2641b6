"""03 B6: Monte-Carlo pi, round(1e8 x TIME_SCALE / 60) x 60 samples on Pool(w), w = 1 ... cores + 1.

Worker i counts its share with random.Random(seed + i), as the notebook's worker uses its own
seeded generator; plain Python, no NumPy, like the notebook's loop.
"""
import math
import os
import random
from multiprocessing import Pool

from _common import emit, parser, start, timed, warm_up


def count_inside(samples, seed):
    rng = random.Random(seed)
    r = rng.random
    inside = 0
    for _ in range(samples):
        x = r()
        y = r()
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def main():
    p = parser(__doc__)
    p.add_argument("--samples", type=float, default=1e8, help="samples at TIME_SCALE 1")
    p.add_argument("--max-workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = start(p)
    total = round(args.samples * args.time_scale / 60) * 60
    rows = []
    for w in range(1, args.max_workers + 1):
        samples = total // w * w
        with Pool(w) as pool:
            warm_up(pool.map, w)
            seconds, counts = timed(lambda: pool.starmap(count_inside, [(samples // w, 1 + i) for i in range(w)]))
        estimate = 4 * sum(counts) / samples
        rows.append({"label": f"Pool({w})", "seconds": seconds, "workers": w, "estimate": estimate, "error": abs(estimate - math.pi)})
    emit("monte_carlo_pi", rows, samples=total)


if __name__ == "__main__":
    main()
