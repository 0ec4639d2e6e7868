"""Production's SQLite files wait for the disk on every commit; only the suite's do not."""

import pytest

from backend.domain.durability import SYNC_ENV, synchronous
from backend.store.db import Store
from counter_app.localstore import LocalStore

FULL, OFF = 2, 0  # what PRAGMA synchronous answers


def test_production_waits_for_the_disk_unless_the_suite_says_off():
    assert synchronous({}) == "FULL"
    assert synchronous({SYNC_ENV: "FULL"}) == synchronous({SYNC_ENV: "off"}) == "FULL"
    assert synchronous({SYNC_ENV: "OFF"}) == "OFF"


@pytest.mark.parametrize(("setting", "level"), [(None, FULL), ("OFF", OFF)])
def test_the_backend_and_the_counter_open_their_files_at_that_level(tmp_path, monkeypatch,
                                                                    setting, level):
    if setting is None:
        monkeypatch.delenv(SYNC_ENV, raising=False)
    else:
        monkeypatch.setenv(SYNC_ENV, setting)
    store, station = Store(tmp_path / "motcua.sqlite"), LocalStore(tmp_path / "counter.sqlite")
    try:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == level
        assert station.conn.execute("PRAGMA synchronous").fetchone()[0] == level
    finally:
        store.close()
        station.close()
