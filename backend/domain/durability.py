"""How hard the SQLite files (the backend's and the counter's) hold on to a write.

FULL in production: an acknowledged case or a receipt handed over must survive a power cut,
not only a crash, so every commit waits for the disk (fsync). Only the test suite asks for OFF
(MOTCUA_SQLITE_SYNC=OFF, tests/conftest.py): its files are thrown away after each test, and on
a shared disk thousands of fsyncs made up a third of the fast suite's time. A crash of the
process still loses nothing with OFF; only the operating system's crash could.
"""

from __future__ import annotations

import os

SYNC_ENV = "MOTCUA_SQLITE_SYNC"


def synchronous(environ=os.environ) -> str:
    """The PRAGMA synchronous level: FULL unless the test suite's setting says OFF."""
    return "OFF" if environ.get(SYNC_ENV) == "OFF" else "FULL"
