"""Hub fixtures: one PostgreSQL server per session (Debian's package, a temporary cluster),
a fresh database per test, and the site fixtures of the backend suite."""

from __future__ import annotations

import itertools
import subprocess

import pytest

from backend.hub.app import create_hub_app
from backend.hub.receiver import add_site
from backend.store import sync
from backend.store.site import load_site

# The site fixtures, shared with the backend suite.
from tests.backend.conftest import LiveServer, clock, free_port, server, store, template_db  # noqa: F401
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


@pytest.fixture
def hub(hub_dsn, clock):  # noqa: F811
    live = LiveServer(create_hub_app(hub_dsn, lookup_rate_per_minute=10_000, clock=clock),
                      free_port()).start()
    yield live
    live.stop()
    live.app.state.hub.close()


@pytest.fixture
def connected(server, hub):  # noqa: F811
    """The site's token issued at the hub and stored at the site."""
    site = load_site(server.app.state.store)
    token = add_site(hub.app.state.hub, site.agency_code, site.agency_name)
    sync.connect(server.app.state.store, hub.url, token)
    return token


@pytest.fixture
def second_site(template_db, tmp_path, clock, hub):  # noqa: F811
    """Another centre pushing to the same hub; its own agency has index 0 too, so its
    numeric barcodes share their first digits with the first site's."""
    import shutil

    from backend.app import create_app
    from backend.store import site as site_settings
    from backend.store.db import Store

    path = tmp_path / "second.sqlite"
    shutil.copy(template_db, path)
    other = Store(path)
    with other.tx() as db:  # a centre of its own: its agency is its number 0
        db.execute("delete from agencies")
    site_settings.init_settings(other, agency_code="000.00.08.H56",
                                agency_name="Trung tâm phường Bình Minh")
    live = LiveServer(create_app(other.path, clock=clock), free_port()).start()
    token = add_site(hub.app.state.hub, "000.00.08.H56", "Trung tâm phường Bình Minh")
    sync.connect(other, hub.url, token)
    yield live
    live.stop()
    other.close()
