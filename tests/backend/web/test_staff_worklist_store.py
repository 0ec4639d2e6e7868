"""The worklist query on a real SQLite file: order across statuses and pages, and that the
unit's cases are counted and ordered in the index, never by reading case rows."""

from datetime import datetime, timedelta

from backend.domain.calendar import VN_TZ
from backend.store import worklist
from backend.store.worklist import Filters


def _seed(store, rows):
    """rows: (status, due offset in hours) for unit KT; ids in insertion order."""
    base = datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ)
    with store.tx() as db:
        for i, (status, hours) in enumerate(rows, start=1):
            db.execute(
                "insert into cases (code, agency, day, seq, procedure_code, procedure_version,"
                " procedure, applicant_name, status, step, current_unit, received_at, due_at)"
                " values (?, 'A', '261201', ?, 'P', '1', '{}', ?, ?, 1, 'KT', ?, ?)",
                [f"C-{i:04d}", i, f"Người {i}", status, base.isoformat(),
                 (base + timedelta(hours=hours)).isoformat()])


def test_pages_merge_statuses_by_due_date(store):
    _seed(store, [(4, 5), (2, 1), (4, 3), (2, 3), (5, 0), (4, -2)])
    first, total = worklist.page(store, "KT", Filters(), limit=3)
    second, _ = worklist.page(store, "KT", Filters(), limit=3, offset=3)
    assert total == 5
    assert [r["code"] for r in first + second] == ["C-0006", "C-0002", "C-0003", "C-0004",
                                                   "C-0001"]
    waiting, paused = worklist.page(store, "KT", Filters(), waiting=True)
    assert paused == 1 and [r["code"] for r in waiting] == ["C-0005"]
    only_received, count = worklist.page(store, "KT", Filters(status=2))
    assert count == 2 and [r["code"] for r in only_received] == ["C-0002", "C-0004"]


def test_the_list_is_counted_and_ordered_in_the_index(store):
    plan = " ".join(str(row[3]) for row in store.conn.execute(
        "explain query plan select c.due_at, c.id from cases c where c.current_unit = ? and "
        "c.status = ? order by c.due_at, c.id limit 50", ["KT", 4]))
    assert "COVERING INDEX cases_worklist" in plan and "TEMP B-TREE" not in plan
    plan = " ".join(str(row[3]) for row in store.conn.execute(
        "explain query plan select count(*) from cases c where c.current_unit = ? and "
        "c.status in (2, 4)", ["KT"]))
    assert "COVERING INDEX" in plan
