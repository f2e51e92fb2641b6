"""04 B10: the length of every word, serially, with Pool(cores).map, ProcessPoolExecutor.map and ThreadPoolExecutor.map."""
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool

from _common import emit, parser, start, timed, warm_up

# Used when no --words are given: a lorem-ipsum paragraph of the usual length.
DEFAULT_TEXT = (
    "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore "
    "magna aliqua Ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
    "consequat Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur"
)


def main():
    p = parser(__doc__)
    p.add_argument("--words", default=DEFAULT_TEXT, help="the words, separated by spaces (the notebook passes its paragraph's)")
    args = start(p)
    words = args.words.split()
    cores = os.cpu_count() or 1
    serial, expected = timed(lambda: list(map(len, words)))
    rows = [{"label": "serial", "seconds": serial, "workers": 1}]
    with Pool(cores) as pool:
        warm_up(pool.map, cores)
        seconds, result = timed(lambda: pool.map(len, words))
        assert result == expected
        rows.append({"label": "Pool.map", "seconds": seconds, "workers": cores})
    for name, executor in (("ProcessPoolExecutor.map", ProcessPoolExecutor), ("ThreadPoolExecutor.map", ThreadPoolExecutor)):
        with executor(max_workers=cores) as e:
            warm_up(e.map, cores)
            seconds, result = timed(lambda: list(e.map(len, words)))
        assert result == expected
        rows.append({"label": name, "seconds": seconds, "workers": cores})
    emit("word_lengths", rows, words=len(words))


if __name__ == "__main__":
    main()
