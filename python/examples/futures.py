"""03 B3: sum(map(f, range(8))) with f waiting 1 s (x TIME_SCALE): serial, ProcessPoolExecutor(4), ThreadPoolExecutor(4)."""
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from _common import emit, parser, start, timed, warm_up


def f(item):
    x, scale = item
    time.sleep(1 * scale)
    return x * x


def main():
    args = start(parser(__doc__))
    items = [(x, args.time_scale) for x in range(8)]
    serial, total = timed(lambda: sum(f(item) for item in items))
    rows = [{"label": "serial", "seconds": serial, "workers": 1}]
    for name, executor in (("ProcessPoolExecutor(4)", ProcessPoolExecutor), ("ThreadPoolExecutor(4)", ThreadPoolExecutor)):
        with executor(max_workers=4) as e:
            warm_up(e.map, 4)
            seconds, result = timed(lambda: sum(e.map(f, items)))
        assert result == total == 140
        rows.append({"label": name, "seconds": seconds, "workers": 4})
    emit("futures", rows, result=total)


if __name__ == "__main__":
    main()
