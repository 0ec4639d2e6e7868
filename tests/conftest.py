"""Settings and fixtures for the whole suite, read before any test module imports the backend.

Passwords are hashed with cheap argon2 parameters here: the suite logs in thousands of times and
production cost would spend minutes on it. Production never reads this setting unless told to
(tests/backend/test_password_cost.py proves the defaults are the strong ones).

Every suite that opens pages shares one real headless Chromium (Debian's) driven by Playwright,
one per session (a second sync_playwright in the same thread refuses to start).
"""

from __future__ import annotations

import os
import shutil

import pytest

# Before `backend.store.accounts` is imported: its hasher is made at import time. Server
# processes the tests start inherit the setting, so they verify the template's hashes as cheaply.
os.environ.setdefault("MOTCUA_CHEAP_PASSWORD_HASH", "1")  # "0" measures at full cost

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
# Without these Chromium reaches for Google's services, which this network refuses.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def screen(browser):
    """A page of a given size and time zone: `screen(390, 844, timezone_id="UTC")`."""
    contexts = []

    def open_page(width: int, height: int, **options):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="vi-VN", **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()

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
