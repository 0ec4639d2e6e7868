"""`motcua procedures abolish` and `list` on a real database file."""

from __future__ import annotations

from datetime import date

import pytest

from backend.cli import CATALOG_DIR, main
from backend.store import catalog
from backend.store.db import Store


@pytest.fixture
def db(tmp_path, capsys):
    path = str(tmp_path / "m.sqlite")
    assert main(["--db", path, "db", "init"]) == 0
    capsys.readouterr()
    return path


def test_abolish_stops_the_procedure_from_its_day(db, capsys):
    assert main(["--db", db, "procedures", "abolish", "1.001612", "--from", "2026-12-01",
                 "--note", "QĐ 12/2026"]) == 0
    assert "bãi bỏ từ ngày 01/12/2026" in capsys.readouterr().out
    store = Store(db)
    codes_on = {day: [p.code for p in catalog.search(store, on=day)]
                for day in (date(2026, 11, 30), date(2026, 12, 1))}
    assert "1.001612" in codes_on[date(2026, 11, 30)]
    assert "1.001612" not in codes_on[date(2026, 12, 1)]
    assert main(["--db", db, "procedures", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("1.001612"))
    assert "abolished from 2026-12-01" in line


def test_list_marks_the_version_in_force(db, capsys):
    assert main(["--db", db, "procedures", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    files = sorted((CATALOG_DIR / "procedures").glob("*.yaml"))
    assert [line.split()[0] for line in lines] == [f.stem for f in files]
    assert all(" *]" in line for line in lines)  # each has a version in force, none upcoming


def test_abolish_refuses_unknown_code_and_bad_date(db, capsys):
    assert main(["--db", db, "procedures", "abolish", "9.999999", "--from", "2026-12-01"]) == 2
    err = capsys.readouterr().err
    assert "Không có thủ tục mã '9.999999'" in err and "No procedure with code" in err
    with pytest.raises(SystemExit):
        main(["--db", db, "procedures", "abolish", "1.001612", "--from", "1/12/2026"])
    err = capsys.readouterr().err
    assert "không phải ngày YYYY-MM-DD" in err and "is not a date YYYY-MM-DD" in err


def test_a_database_from_before_abolition_upgrades(tmp_path):
    from backend.store import migrations

    store = Store(tmp_path / "old.sqlite")
    before = migrations.MIGRATIONS.index(migrations._m12_admin)
    for version, migration in enumerate(migrations.MIGRATIONS[:before]):
        with store.tx() as db:
            migration(db)
            db.execute(f"PRAGMA user_version={version + 1}")
    store.conn.execute("insert into procedures (code, version, name, data) values "
                       "('1.000001', '2025-07-01', 'Cũ', '{}')")
    assert "procedure_abolitions" not in store.db.table_names()
    assert store.migrate() == len(migrations.MIGRATIONS) - before
    assert "procedure_abolitions" in store.db.table_names()
    assert store.one("select name from procedures where code = '1.000001'") == {"name": "Cũ"}
