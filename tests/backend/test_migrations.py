"""Upgrading a database made before the access migration keeps its data and cleans its names."""

from __future__ import annotations

import unicodedata

from backend.store import migrations
from backend.store.db import Store


def _at_version(path, version: int) -> Store:
    store = Store(path)
    for number, step in enumerate(migrations.MIGRATIONS[:version]):
        with store.tx() as db:
            step(db)
            db.execute(f"PRAGMA user_version={number + 1}")
    return store


def test_the_access_migration_composes_stored_names_and_adds_its_tables(tmp_path):
    before = migrations.MIGRATIONS.index(migrations._m9_access)
    store = _at_version(tmp_path / "old.sqlite", before)
    decomposed = unicodedata.normalize("NFD", "Trần Thị Ánh\x00")
    with store.tx() as db:
        db["users"].insert({"username": "lan", "full_name": decomposed, "role": "clerk",
                            "password_hash": "x", "must_change": 0, "active": 1})
        db["devices"].insert({"name": "kiosk-1", "kind": "kiosk", "active": 1})
    assert store.migrate() == len(migrations.MIGRATIONS) - before
    assert store.one("select full_name from users")["full_name"] == "Trần Thị Ánh"
    device = store.one("select * from devices")
    assert device["name"] == "kiosk-1" and device["last_used"] is None
    assert "revoked_at" in device
    assert store.all("select * from login_failures") == []
    assert store.migrate() == 0


def test_the_channel_migration_counts_old_cases_as_received_in_person(tmp_path):
    before = migrations.MIGRATIONS.index(migrations._m15_channel)
    store = _at_version(tmp_path / "old.sqlite", before)
    with store.tx() as db:
        db.execute("insert into cases (code, seq, status, procedure_code, procedure_version, "
                   "received_at, due_at, updated_at) values ('X-260105-0001', 1, 4, 'P', '1', "
                   "'2026-01-05T09:00:00+07:00', '2026-01-09T17:00:00+07:00', "
                   "'2026-01-05T09:00:00+07:00')")
    assert store.migrate() == len(migrations.MIGRATIONS) - before
    assert store.one("select channel from cases")["channel"] == "in_person"
    assert store.all("select day, fact, n from report_days order by fact") == [
        {"day": "2026-01-05", "fact": "received", "n": 1},
        {"day": "2026-01-05", "fact": "received_in_person", "n": 1}]


def test_a_site_synced_before_views_were_versioned_sends_them_again(tmp_path):
    from backend.store import sync

    before = migrations.MIGRATIONS.index(migrations._m16_hubreport)
    store = _at_version(tmp_path / "old.sqlite", before)
    with store.tx() as db:
        db["sync_hubs"].insert({"url": "http://hub", "token": "t", "last_event_id": 9})
    assert store.migrate() == len(migrations.MIGRATIONS) - before
    assert sync.hub_of(store)["views_version"] == 0  # its views may lack channel and rating
    sync.connect(store, "http://new-hub", "t2")  # a new hub gets every view from this agent
    assert sync.hub_of(store)["views_version"] == sync.VIEW_VERSION
