"""What every example script shares: its arguments, a missing-module report, the one JSON line.

Convention (kernel-helpers' `runPythonExample` relies on it):
- options are `--kebab-case VALUE`; every script takes `--time-scale` (the notebook's TIME_SCALE);
- the script prints exactly one JSON line on stdout, last:
  {"example", "python", "versions", "rows": [{"label", "seconds", "workers"?}], ...extra};
- a module that cannot be imported is reported as {"missing_module": name} with exit code 3,
  so the caller tells it apart without reading Python's error text;
- the script dies with its parent (a restarted kernel leaves no Python behind).
"""
import argparse
import importlib
import json
import os
import platform
import signal
import sys
import threading
import time

MISSING_MODULE_EXIT = 3


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--time-scale", type=float, default=1.0, help="the notebook's TIME_SCALE (multiplies waits and work)")
    return p


def require(*modules):
    """Imports each module; if one is missing, reports it as JSON and exits with MISSING_MODULE_EXIT."""
    loaded = []
    for name in modules:
        try:
            loaded.append(importlib.import_module(name))
        except ImportError:
            print(json.dumps({"missing_module": name, "python": sys.executable}), flush=True)
            sys.exit(MISSING_MODULE_EXIT)
    return loaded


def versions(*distributions):
    """Installed versions, read from the running Python itself."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in distributions:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def emit(example, rows, packages=(), **extra):
    line = {
        "example": example,
        "python": platform.python_version(),
        "executable": sys.executable,
        "versions": versions(*packages),
        "rows": rows,
    }
    line.update(extra)
    print(json.dumps(line), flush=True)


def die_with_parent():
    """Kills this script's process group (its pool workers too) once its parent is gone."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                try:
                    os.killpg(os.getpgrp(), signal.SIGKILL)
                finally:
                    os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def start(p):
    """Parses the command line, then dies with the parent: how every example begins."""
    args = p.parse_args()
    die_with_parent()
    return args


def warm_up(executor_map, workers):
    """Every worker answers once before timing starts (the notebooks' warm-up rule)."""
    list(executor_map(time.sleep, [0.05] * workers * 2))


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result
