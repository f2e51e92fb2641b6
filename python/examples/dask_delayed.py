"""07: dask.delayed: z = slowadd(slowinc(1), slowinc(2)) serially and as a graph, and 8 slowincs plus a sum, on dask's threads."""
import time

from _common import emit, parser, require, start, timed


def slowinc(x, delay):
    time.sleep(delay)
    return x + 1


def slowadd(a, b, delay):
    time.sleep(delay)
    return a + b


def main():
    args = start(parser(__doc__))
    (dask,) = require("dask")
    from dask import delayed

    delay = 1.0 * args.time_scale
    serial, z = timed(lambda: slowadd(slowinc(1, delay), slowinc(2, delay), delay))
    zd = delayed(slowadd)(delayed(slowinc)(1, delay), delayed(slowinc)(2, delay), delay)
    graph, zg = timed(lambda: zd.compute(scheduler="threads"))
    total = delayed(sum)([delayed(slowinc)(x, delay) for x in range(1, 9)])
    loop, t = timed(lambda: total.compute(scheduler="threads"))
    assert z == zg == 5 and t == 44
    emit("dask_delayed", [
        {"label": "3 calls, serially", "seconds": serial, "workers": 1},
        {"label": "3 calls as a graph (threads)", "seconds": graph, "workers": 2},
        {"label": "8 slowincs + sum (threads)", "seconds": loop},
    ], packages=("dask",), delay=delay)


if __name__ == "__main__":
    main()
