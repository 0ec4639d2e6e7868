"""Hub fixtures: one PostgreSQL server per session (Debian's package, a temporary cluster),
a fresh database per test, and the site fixtures of the backend suite."""

from __future__ import annotations

import itertools
import subprocess

import pytest

from tests.backend.conftest import clock, server, store, template_db  # noqa: F401
from tests.hub.postgres import Postgres

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres():
    try:
        pg = Postgres().init().start()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"{exc} {detail.decode(errors='replace')}", pytrace=False)
    yield pg
    pg.destroy()


@pytest.fixture
def hub_dsn(postgres):
    return postgres.create_database(f"hub{next(_names)}")
