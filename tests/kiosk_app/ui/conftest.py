"""Fixtures for the Kivy checks, which run in their own process (see ../test_screens.py).

One process has one window of one size, so each orientation runs in its own process with its
own KIVY_HOME. Kivy is imported inside the fixtures only: this file is also loaded by the
ordinary test run, which must never open a window.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from tests.kiosk_app.ui import harness


@pytest.fixture(scope="session")
def orientation() -> str:
    return os.environ.get("MOTCUA_UI_ORIENTATION", "portrait")


@pytest.fixture(scope="session")
def backend(template_db, tmp_path_factory):
    """A live backend with cases in known states, for the whole process."""
    path = tmp_path_factory.mktemp("ui-backend") / "motcua.sqlite"
    shutil.copy(template_db, path)
    with harness.Backend(path) as live:
        yield live


@pytest.fixture(scope="session")
def ui(backend, orientation, tmp_path_factory):
    out = tmp_path_factory.mktemp("screens")
    made = harness.UI(backend, orientation, out, now=datetime(2026, 11, 23, 9, 30,
                                                               tzinfo=harness.VN_TZ))
    yield made
    made.close()


@pytest.fixture
def home(ui):
    """Every check starts from the home screen, in Vietnamese, as a citizen finds it."""
    ui.core.reset()
    ui.settle()
    return ui


def reference_dir(orientation: str) -> Path:
    return Path(__file__).resolve().parent.parent / "screenshots" / orientation
