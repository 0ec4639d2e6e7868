"""The event log is hash-chained: the database refuses rewrites, and `motcua db verify` names
the first event where someone got round that (triggers dropped, rows replaced or deleted)."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import datetime

import pytest

from backend.cli import main
from backend.domain.calendar import VN_TZ
from backend.domain.workflow import Actor
from backend.store import cases, catalog, migrations
from backend.store.db import Store
from backend.store.site import load_site

CLERK = Actor("clerk", "clerk", "MOTCUA")


def fill(store: Store, count: int = 3) -> None:
    """A few cases, each received and moved one step, straight through the store."""
    the_site = load_site(store)
    proc = catalog.search(store)[0]
    documents = {d.id: 1 for d in proc.documents if d.required}
    now = datetime(2026, 11, 23, 10, 0, tzinfo=VN_TZ)
    for _ in range(count):
        row, _ = cases.intake(store, the_site, cases.Intake(proc, cases.Applicant("Lê Văn Tám"),
                                                            documents), CLERK, now)
        cases.act(store, the_site, row["code"], "transfer", CLERK, now)


def verify(store: Store, capsys) -> tuple[int, str]:
    code = main(["--db", store.path, "db", "verify"])
    out = capsys.readouterr()
    return code, out.out + out.err


def drop_guards(store: Store) -> None:
    """What someone with the file and the sqlite3 shell could do."""
    for name in ("events_no_update", "events_no_delete", "events_chained"):
        store.conn.execute(f"DROP TRIGGER {name}")


def test_each_event_links_to_the_one_before_and_verify_passes(store, capsys):
    fill(store)
    rows = store.all("select id, prev_hash, hash from events order by id")
    assert [r["id"] for r in rows] == list(range(1, 7))
    assert rows[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    assert verify(store, capsys) == (0, verify_text(6, store))


def verify_text(count: int, store: Store) -> str:
    return (f"Nhật ký sự kiện nguyên vẹn: {count} sự kiện / event log intact: {count} events "
            f"({store.path})\n")


def test_the_database_refuses_replace_and_out_of_chain_inserts(store):
    fill(store, 1)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("REPLACE INTO events (id, case_id, action, at, to_status, data) "
                           "VALUES (1, 1, 'intake', '2026-11-23', 4, '{}')")
    with pytest.raises(sqlite3.IntegrityError, match="hash-chained"):
        store.conn.execute("INSERT INTO events (id, case_id, action, at, to_status, prev_hash, "
                           "hash) VALUES (3, 1, 'resolve', '2026-11-23', 9, 'x', 'y')")
    assert store.one("select count(*) as n from events")["n"] == 2


def test_verify_names_an_event_replaced_behind_the_triggers_back(store, capsys):
    fill(store)
    drop_guards(store)
    store.conn.execute(
        "REPLACE INTO events SELECT id, case_id, action, 'someone.else', role, unit, at, "
        "from_status, to_status, note, data, prev_hash, hash FROM events WHERE id = 3")
    code, text = verify(store, capsys)
    assert code == 1
    assert "sự kiện #3: nội dung đã bị sửa" in text and "event #3: content changed" in text


def test_verify_names_a_deleted_row(store, capsys):
    fill(store)
    drop_guards(store)
    store.conn.execute("DELETE FROM events WHERE id = 4")
    code, text = verify(store, capsys)
    assert code == 1 and "row missing before event #5 (after #3)" in text
    assert "thiếu sự kiện trước #5" in text


def test_verify_names_a_link_rewritten_to_hide_an_edit(store, capsys):
    fill(store)
    drop_guards(store)
    row = store.one("select * from events where id = 2")
    row["note"] = "sửa lén"
    store.conn.execute("UPDATE events SET note = ?, hash = ? WHERE id = 2",
                       [row["note"], cases.event_hash(row, row["prev_hash"])])
    code, text = verify(store, capsys)
    assert code == 1 and "event #3: link broken" in text and "mắt xích bị đứt" in text


def test_the_migration_chains_the_events_of_an_existing_database(tmp_path, capsys):
    store = Store(tmp_path / "old.sqlite")
    for number, migration in enumerate(migrations.MIGRATIONS[:7], start=1):
        with store.tx() as db:
            migration(db)
            db.execute(f"PRAGMA user_version={number}")
    for case_id in (1, 2):
        store.conn.execute("insert into cases (id, code, seq, status, received_at, due_at) "
                           "values (?, ?, ?, 4, '2026-11-23', '2026-11-30')",
                           [case_id, f"000.00.06.H56-261123-000{case_id}", case_id])
        for action in ("intake", "transfer"):
            store.conn.execute("insert into events (case_id, action, actor, at, to_status, "
                               "data) values (?, ?, 'clerk', '2026-11-23', 4, '{}')",
                               [case_id, action])
    assert store.migrate() == len(migrations.MIGRATIONS) - 7
    assert store.one("select count(*) as n from events where hash is null")["n"] == 0
    assert verify(store, capsys)[0] == 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("update events set note = 'x'")


def test_verify_has_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["db", "verify", "--help"])
    assert done.value.code == 0 and "first broken event" in capsys.readouterr().out
