"""02 A3: the lecture's queries [1, 8, 1.5, 2] s (x TIME_SCALE), serially and on ThreadPool(2)."""
import time
from multiprocessing.pool import ThreadPool

from _common import emit, parser, start, timed

QUERIES = [1, 8, 1.5, 2]


def main():
    args = start(parser(__doc__))
    scale = args.time_scale

    def query_database(x):
        time.sleep(x * scale)
        return x * x

    serial, expected = timed(lambda: [query_database(x) for x in QUERIES])
    with ThreadPool(2) as pool:
        pool.map(time.sleep, [0.01, 0.01])
        threads, result = timed(lambda: pool.map(query_database, QUERIES))
        resorted, _ = timed(lambda: pool.map(query_database, sorted(QUERIES)))
    assert result == expected
    emit("gil_threads_io", [
        {"label": "serial", "seconds": serial, "workers": 1},
        {"label": "ThreadPool(2)", "seconds": threads, "workers": 2},
        {"label": "ThreadPool(2), sorted input", "seconds": resorted, "workers": 2},
    ], result=result)


if __name__ == "__main__":
    main()
