"""`make test-fast` leaves out process, screenshot and browser tests and keeps the rest."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    assert re.search(r'^test-fast:.*\n\t\$\(BYTECODE\) \$\(PY\) -m pytest -q \$\(XDIST\) -m "not slow"$', make,
                     re.M)
