"""The benchmarks that serve a real backend still run end to end, at their smallest sizes.

Nobody runs them between measuring sessions, so without this they rot: the receipt bench asked
for more offline numbers than a station may lease, and the scan bench showed each receipt to
one kiosk twice within a second, which the kiosk rightly does not look up again. Figures are
not judged here (that is the benches' own job, on a quiet machine): only that each completes
and prints its verdict.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RUNS = {
    "receipt.py": (["--rounds", "1"], "target p95 < 100 ms"),
    "scan_to_status.py": (["--runs", "2", "--cases", "50"], "scan → status view (30 fps UI)"),
    "intake.py": (["--seconds", "0.3", "--concurrency", "2"], "codes unique: yes"),
    "lookup.py": (["--cases", "300", "--seconds", "0.3", "--concurrency", "2", "--workers", "1"],
                  "limiter cost: throughput on/off"),
    "worklist.py": (["--cases", "300", "--repeat", "2"], "baseline: SELECT count(*)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("bench", sorted(RUNS))
def test_bench_runs_to_its_verdict(bench):
    args, verdict = RUNS[bench]
    done = subprocess.run([sys.executable, str(ROOT / "bench" / bench), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert verdict in done.stdout, done.stdout[-2000:] + done.stderr[-3000:]
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-3000:]
