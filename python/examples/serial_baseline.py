"""01 B1: sum(map(f, range(8))) where f waits 1 s (x TIME_SCALE) and returns x*x, serially."""
import time

from _common import die_with_parent, emit, parser


def f(x, scale):
    time.sleep(1 * scale)
    return x * x


def main():
    args = parser(__doc__).parse_args()
    die_with_parent()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    total = sum(f(x, args.time_scale) for x in range(8))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    emit("serial_baseline", [{"label": "serial", "seconds": wall, "workers": 1, "cpu_seconds": cpu}], result=total)


if __name__ == "__main__":
    main()
