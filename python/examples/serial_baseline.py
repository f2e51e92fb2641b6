"""01 B1: sum(map(f, range(8))) where f waits 1 s (x TIME_SCALE) and returns x*x, serially."""
import time

from _common import emit, parser, start


def f(x, scale):
    time.sleep(1 * scale)
    return x * x


def main():
    args = start(parser(__doc__))
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    total = sum(f(x, args.time_scale) for x in range(8))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    emit("serial_baseline", [{"label": "serial", "seconds": wall, "workers": 1, "cpu_seconds": cpu}], result=total)


if __name__ == "__main__":
    main()
