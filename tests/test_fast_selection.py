"""`make test-fast` leaves out process, screenshot and browser tests and keeps the rest: a test
that starts a slow program without being marked slow fails, and the fast set keeps its size."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `make test-fast` kept 1,916 tests on 2 Dec 2026 (after 14 moved to slow: Xvfb screenshots,
# app and CLI processes, waits of seconds). Fewer than this means tests left the edit loop.
FAST_FLOOR = 1900
PROBE = """
import subprocess, sys
import pytest

def test_starts_the_backend_in_a_process():
    subprocess.run([sys.executable, "-m", "backend.cli", "--help"], capture_output=True)

@pytest.mark.slow
def test_marked_slow_may():
    subprocess.run([sys.executable, "-m", "backend.cli", "--help"], capture_output=True)

def test_a_small_tool_may():
    subprocess.run(["true"], check=True)
"""


def collected(*args: str) -> list[str]:
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_fast_selection_drops_browsers_screenshots_and_processes():
    files = ["tests/backend/web/test_pages.py", "tests/kiosk_app/test_screens.py",
             "tests/backend/test_crash.py", "tests/backend/api/test_transport.py"]
    everything = collected(*files)
    fast = collected("-m", "not slow", *files)
    assert {re.sub(r"::.*", "", t) for t in everything} == set(files)
    assert fast == [t for t in everything if t.startswith("tests/backend/api/test_transport.py")]
    assert fast  # the in-process tests stay in the edit loop
    make = (ROOT / "Makefile").read_text()
    assert re.search(r'^test-fast:.*\n\t\$\(BYTECODE\) \$\(PY\) -m pytest -q \$\(XDIST\) '
                     r'-m "not slow"$', make, re.M)


def test_the_edit_loop_stays_broad():
    assert len(collected("-m", "not slow")) >= FAST_FLOOR


def test_a_slow_program_in_a_test_not_marked_slow_fails_it(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest",
                          "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "markers=slow",
                          "test_probe.py"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "1 failed, 2 passed" in run.stdout, run.stdout[-3000:]
    assert re.search(r"test_starts_the_backend_in_a_process starts `\S+ -m backend.cli --help` "
                     r"but is not marked slow", run.stdout), run.stdout[-3000:]
