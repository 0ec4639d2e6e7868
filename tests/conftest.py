"""Settings for the whole suite, read before any test module imports the backend.

Passwords are hashed with cheap argon2 parameters here: the suite logs in thousands of times and
production cost would spend minutes on it. Production never reads this setting unless told to
(tests/backend/test_password_cost.py proves the defaults are the strong ones).
"""

from __future__ import annotations

import os

import pytest

# Before `backend.store.accounts` is imported: its hasher is made at import time. Server
# processes the tests start inherit the setting, so they verify the template's hashes as cheaply.
os.environ.setdefault("MOTCUA_CHEAP_PASSWORD_HASH", "1")  # "0" measures at full cost

# What `make test-fast` leaves out, besides tests marked `slow` in their own module: whole
# modules that start server or app processes or render Kivy screenshots, and every test that
# drives Chromium or an X server.
SLOW_MODULES = {
    "tests/test_demo.py",
    "tests/backend/test_cli.py",
    "tests/backend/test_crash.py",
    "tests/backend/test_workers.py",
    "tests/kiosk_app/test_screens.py",
    "tests/kiosk_app/test_display.py",
    "tests/counter_app/test_screens.py",
    "tests/counter_app/test_offline_real_server.py",
    "tests/counter_app/test_ui_flows.py",
}
SLOW_FIXTURES = {"browser", "page", "screen", "x_server"}
SLOW_TESTS = {  # single tests that start a process, in modules that otherwise do not
    "test_standalone_virtual_printer_process",
    "test_standalone_virtual_printer_simulates_a_profiled_model",
    "test_sms_serve_process_answers_and_stops_on_sigterm",
}


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        module = item.path.relative_to(root).as_posix()
        named = getattr(item, "originalname", item.name) in SLOW_TESTS
        if module in SLOW_MODULES or named or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
