"""Settings and fixtures for the whole suite, read before any test module imports the backend.

Passwords are hashed with cheap argon2 parameters here: the suite logs in thousands of times and
production cost would spend minutes on it. Production never reads this setting unless told to
(tests/backend/test_password_cost.py proves the defaults are the strong ones).

Every suite that opens pages shares one real headless Chromium (Debian's) driven by Playwright,
one per session (a second sync_playwright in the same thread refuses to start).
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import sys

import pytest

# Before `backend.store.accounts` is imported: its hasher is made at import time. Server
# processes the tests start inherit the setting, so they verify the template's hashes as cheaply.
os.environ.setdefault("MOTCUA_CHEAP_PASSWORD_HASH", "1")  # "0" measures at full cost
# The suite's SQLite files are thrown away: no fsync per commit (backend.domain.durability).
os.environ.setdefault("MOTCUA_SQLITE_SYNC", "OFF")  # "FULL" measures with production's fsyncs

# python-escpos reads its printer database as YAML at import (0.2 s of CPU) unless it finds a
# pickle of it where this says; by default that is a new temporary folder per process, so every
# worker and every app a test started paid it. Imported here, in the process that starts the
# workers, so the pickle is written before any worker reads it.
ESCPOS_CACHE = os.path.join(os.path.dirname(os.path.dirname(__file__)), ".pytest_cache", "escpos")
os.makedirs(ESCPOS_CACHE, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", ESCPOS_CACHE)
import escpos.capabilities  # noqa: E402, F401

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
# Without these Chromium reaches for Google's services, which this network refuses.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--lang=vi"]
# Chromium's own words (date fields' dd/mm/yyyy, "Chọn tệp") follow its UI language, which
# needs these as well as --lang and Debian's chromium-l10n; without it they stay American.
VIETNAMESE = {**os.environ, "LANG": "vi_VN.UTF-8", "LANGUAGE": "vi"}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS,
                                        env=VIETNAMESE)
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

@pytest.fixture(autouse=True)
def quick_wrong_passwords(monkeypatch):
    """A wrong password waits half a second before its answer (auth.FAILURE_DELAY); the suite
    types hundreds of them, so here each waits 10 ms. tests/backend/api/test_login.py proves
    the wait with the real delay. Only loaded modules are patched: no app runs without it."""
    auth = sys.modules.get("backend.api.auth")
    if auth is not None:
        monkeypatch.setattr(auth, "FAILURE_DELAY", 0.01)


# What `make test-fast` leaves out, besides tests marked `slow` in their own module: whole
# modules (and folders) that start server, CLI or app processes, render Kivy screenshots, build
# disk images or play a camera in real time; every test that drives Chromium or an X server or
# needs PostgreSQL; and single process-starting tests in modules that otherwise do not.
# The hub's store is PostgreSQL: every hub test needs one (its conftest imports psycopg).
SLOW_DIRS = ("tests/images/", "tests/hub/")
SLOW_MODULES = {
    "tests/test_demo.py",
    "tests/test_fast_selection.py",
    "tests/backend/test_cli.py",
    "tests/backend/test_crash.py",
    "tests/backend/test_workers.py",
    "tests/backend/test_serve_notify.py",
    "tests/backend/test_report_cli.py",
    "tests/hub/test_check.py",
    "tests/hub/test_processes.py",
    "tests/kiosk_app/test_screens.py",
    "tests/kiosk_app/test_display.py",
    "tests/kiosk_app/test_scan_hold.py",
    "tests/counter_app/test_screens.py",
    "tests/counter_app/test_offline_real_server.py",
    "tests/counter_app/test_ui_flows.py",
    "tests/systemd/test_maintenance.py",
    "tests/backend/test_firstboot_screen.py",
    "tests/backend/api/test_fuzz.py",  # minutes of fuzzing; importing schemathesis costs 0.1 s
    # The hard-photo tables: some 60 bench photos and code-free sweeps through every decoder
    # pass, 15 s of CPU, a fifth of the rest together; run them when the decoder changes.
    "tests/drivers/cameras/test_hard_receipts.py",
}
SLOW_FIXTURES = {"browser", "page", "screen", "x_server", "postgres"}
SLOW_TESTS = {
    "test_standalone_virtual_printer_process",
    "test_standalone_virtual_printer_simulates_a_profiled_model",
    "test_standalone_virtual_printer_stops_on_ctrl_c_when_started_in_the_background",
    "test_sms_serve_process_answers_and_stops_on_sigterm",
    "test_ready_watchdog_hang_and_stopping",
    "test_cli_makes_a_code_the_api_accepts",
    "test_selftest_due_follows_the_site_calendar",
    "test_the_command_finds_the_card_where_the_image_says",
    "test_a_process_started_without_the_setting_hashes_at_full_cost",
    "test_two_processes_on_one_file_never_share_a_number",
    "test_ready_after_the_first_heartbeat_then_watchdog_and_stopping",
    "test_no_ready_while_the_backend_refuses_the_token",
    "test_sms_serve_sends_queued_notices",
    "test_backup_onto_a_full_disk_says_so_and_leaves_nothing",
    "test_backup_into_a_read_only_folder_says_so",
    # real-time waits of a second or more: a camera watched for seconds, a modem send left to
    # time out
    "test_an_empty_lobby_is_decoded_about_once_a_second_not_every_frame",
    "test_a_receipt_held_still_is_one_scan_until_it_leaves_the_view",
    "test_a_camera_that_stopped_delivering_has_not_seen_the_receipt_leave",
    "test_a_hung_send_never_holds_up_a_workflow_action",
}


def _slow_module(module: str) -> bool:
    return module in SLOW_MODULES or module.startswith(SLOW_DIRS)


def pytest_ignore_collect(collection_path, config):
    """Under `-m "not slow"` a wholly slow module is not even imported: the selection is the
    same, and the edit loop skips importing Kivy screens, Playwright and image builders."""
    if config.option.markexpr.replace(" ", "") != "notslow" or not collection_path.is_relative_to(
            config.rootpath):
        return None
    module = collection_path.relative_to(config.rootpath).as_posix()
    return True if _slow_module(module) or _slow_module(module + "/") else None


def pytest_collection_finish(session):
    """What collection imported (FastAPI, pydantic, numpy...) lives as long as the worker: the
    cycle collector need not walk those objects again at every full collection (gc.freeze;
    that walk was about 3% of an API module's CPU)."""
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        module = item.path.relative_to(root).as_posix()
        named = getattr(item, "originalname", item.name) in SLOW_TESTS
        if _slow_module(module) or named or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


# What makes a test slow by definition when it starts it: a process of this project's own code,
# an X server, a browser, a database server or a virtual machine. Small tools (systemd-analyze,
# aplay) and `python -c` stand-ins for a device's tool are cheap and stay in the edit loop.
SLOW_PROGRAMS = {"xvfb-run", "Xvfb", "chromium", "postgres", "pg_ctl", "initdb",
                 "qemu-system-x86_64"}
OWN_CODE = re.compile(r"(^|\s)-m\s+(backend|kiosk_app|counter_app|drivers|tests)\b")
_running: list = []  # the test now running when it is not marked slow


def slow_program(argv) -> str | None:
    """The command line, if starting it makes a test slow by definition."""
    words = [os.fspath(a) for a in ([argv] if isinstance(argv, str | bytes) else argv)]
    words = [w.decode() if isinstance(w, bytes) else w for w in words]
    line = " ".join(words)
    if OWN_CODE.search(line) or any(os.path.basename(w.split()[0]) in SLOW_PROGRAMS
                                    for w in words if w.strip()):
        return line
    return None


def _refuse_slow_programs(event: str, args: tuple) -> None:
    if event != "subprocess.Popen" or not _running:
        return
    line = slow_program(args[1] if args[1] is not None else [args[0]])
    if line:
        pytest.fail(f"{_running[0]} starts `{line[:120]}` but is not marked slow: mark it "
                    "`@pytest.mark.slow` (or list it in tests/conftest.py) so `make test-fast` "
                    "stays an edit loop", pytrace=False)


sys.addaudithook(_refuse_slow_programs)


def _guarded(item):
    """While a test that is not slow is set up or runs, starting a slow program fails it at
    once. Teardown is left out: the last test of a worker also tears down the session's
    fixtures (a PostgreSQL server a slow test started), which is not its doing."""
    if not item.get_closest_marker("slow"):
        _running.append(item.nodeid)
    try:
        return (yield)
    finally:
        _running.clear()


pytest_runtest_setup = pytest.hookimpl(wrapper=True)(_guarded)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(_guarded)
