"""The test suite's own speed: a slice of tests on a baseline revision and on this working tree,
back to back in one run, as `make test` runs them on each.

    .venv/bin/python bench/suite.py                       # the default slice, baseline 635e501
    .venv/bin/python bench/suite.py --base REV tests/counter_app tests/backend/web

The baseline is checked out with `git worktree add --detach` into a temporary folder (removed
afterwards) and run with this virtualenv's Python from that folder, so its own code and its own
pytest settings are used. Wall seconds and CPU seconds (user + system of every test process)
are printed for each, and the ratios. On a shared machine wall time follows the load: read the
ratio, run the two back to back, and say the load average beside it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "635e501"  # main before the suite was made quicker (issue 11, item 5)
SLICE = ["tests/counter_app", "tests/backend/web/test_staff_auth.py",
         "tests/backend/web/test_staff_worklist.py", "tests/backend/api/test_login.py",
         "tests/systemd"]
XDIST = ["-n", "auto", "--maxprocesses", "4", "--dist", "loadfile"]  # as the Makefile's XDIST


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_pytest(folder: Path, args: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s, pytest's last line) for one pytest run in `folder`."""
    cpu, started = children_cpu(), time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *args], cwd=folder, capture_output=True, text=True)
    wall = time.monotonic() - started
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    return wall, children_cpu() - cpu, last


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASELINE, help=f"baseline revision ({BASELINE})")
    parser.add_argument("tests", nargs="*", default=SLICE, help="test paths (a default slice)")
    args = parser.parse_args(argv)
    holder = Path(tempfile.mkdtemp(prefix="motcua-bench-suite-"))
    base = holder / "base"
    subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        print(f"load before: {load()}")
        rows = [("baseline " + args.base, *timed_pytest(base, args.tests)),
                ("this tree (make test)", *timed_pytest(ROOT, [*XDIST, *args.tests]))]
        print(f"load after:  {load()}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT,
                       capture_output=True)
        shutil.rmtree(holder, ignore_errors=True)
    for name, wall, cpu, last in rows:
        print(f"{name:24} wall {wall:7.1f} s  CPU {cpu:7.1f} s  {last}")
    (_, base_wall, base_cpu, _), (_, wall, cpu, _) = rows
    print(f"ratio to baseline: wall {wall / base_wall:.2f}, CPU {cpu / base_cpu:.2f} "
          f"({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
