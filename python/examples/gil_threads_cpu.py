"""02 A5: train_neural_network on [1, 8, 1.5, 2], serially, on ThreadPool(2) and on Pool(2).

CPython counts about 100 times slower than V8, so a unit of x is 6e6 steps here against the
notebook's 6e8: about as many seconds of work per unit in both languages.
"""
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

from _common import emit, parser, start, timed, warm_up

QUERIES = [1, 8, 1.5, 2]


def train_neural_network(x, count_per_unit):
    n = round(x * count_per_unit)
    while n > 0:
        n -= 1
    return x * x


def main():
    p = parser(__doc__)
    p.add_argument("--count-per-unit", type=float, default=6e6, help="countdown steps per unit of x at TIME_SCALE 1")
    args = start(p)
    count = args.count_per_unit * args.time_scale
    tasks = [(x, count) for x in QUERIES]
    serial, expected = timed(lambda: [train_neural_network(*t) for t in tasks])
    with ThreadPool(2) as threads:
        thread_s, thread_result = timed(lambda: threads.starmap(train_neural_network, tasks))
    with Pool(2) as processes:
        warm_up(processes.map, 2)
        process_s, process_result = timed(lambda: processes.starmap(train_neural_network, tasks))
    assert thread_result == expected and process_result == expected
    emit("gil_threads_cpu", [
        {"label": "serial", "seconds": serial, "workers": 1},
        {"label": "ThreadPool(2) (the GIL)", "seconds": thread_s, "workers": 2},
        {"label": "Pool(2) processes", "seconds": process_s, "workers": 2},
    ], result=expected, count_per_unit=count)


if __name__ == "__main__":
    main()
