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
os.environ["MOTCUA_CHEAP_PASSWORD_HASH"] = "1"

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
