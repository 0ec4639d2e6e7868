"""Numbers a leader can trust: a generated year of cases, played through the real store and
workflow, and the period report compared cell by cell with figures recomputed independently
from the event log (plain Python over events, nothing shared with the report's SQL)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest

from backend.catalog import load_catalog
from backend.cli import CATALOG_DIR
from backend.domain import reports as definitions
from backend.domain.calendar import VN_TZ
from backend.domain.errors import MotcuaError
from backend.domain.procedures import Procedure
from backend.domain.workflow import Actor, responsible_leader_unit
from backend.store import cases, ratings, reports, site, tallies

COLUMNS = definitions.COLUMNS
YEAR_END = datetime(2027, 1, 1, tzinfo=VN_TZ)


def _actor(role: str, unit: str) -> Actor:
    return Actor(f"{role}.{unit.lower()}", role, unit)


def _step_actor(step) -> Actor:
    role = next(r for r in ("officer", "leader", "clerk") if r in step.roles)
    return _actor(role, step.unit)


class Player:
    """Plays cases through `cases.intake` and `cases.act`, with the edges that break reports."""

    def __init__(self, store, rng: random.Random):
        self.store, self.rng = store, rng
        self.site = site.load_site(store)
        self.procs = list(load_catalog(CATALOG_DIR).procedures.values())
        self.desk = _actor("clerk", "MOTCUA")

    def act(self, code: str, name: str, at: datetime, actor: Actor | None = None, **params):
        row = cases.get(self.store, code)
        steps = cases.steps_of(cases.procedure_of(row))
        if actor is None:
            actor = self.desk if name in ("supplied", "paid", "withdraw", "return") else \
                _step_actor(steps[row["step"]])
        note = "Lý do kiểm thử" if name in ("request_supplement", "stop", "withdraw",
                                            "apologize", "refuse") else None
        return cases.act(self.store, self.site, code, name, actor, at, note=note, params=params)

    def intake(self, at: datetime, *, online: bool = False) -> tuple[str, Procedure]:
        proc = self.rng.choice(self.procs)
        documents = {d.id: 1 for d in proc.documents if d.required}
        channel = "online" if online else self.rng.choice(["in_person", "in_person", "post"])
        data = cases.Intake(proc, cases.Applicant("Nguyễn Văn Hùng"), documents,
                            received=not online, channel=channel)
        row, _ = cases.intake(self.store, self.site, data, self.desk, at)
        return row["code"], proc

    def forward(self, code: str, at: datetime) -> None:
        """One step on: transfer, or resolve at the signing step."""
        row = cases.get(self.store, code)
        last = len(cases.procedure_of(row).workflow) - 2
        self.act(code, "resolve" if row["step"] == last else "transfer", at)

    def to_signing_step(self, code: str, at: datetime) -> datetime:
        row = cases.get(self.store, code)
        last = len(cases.procedure_of(row).workflow) - 2
        while cases.get(self.store, code)["step"] < last:
            at += timedelta(hours=self.rng.choice([1, 5, 26]))
            self.act(code, "transfer", at)
        return at

    def apologize(self, code: str, at: datetime) -> None:
        row = cases.get(self.store, code)
        steps = cases.steps_of(cases.procedure_of(row))
        leader = _actor("leader", responsible_leader_unit(steps, row["step"]))
        due = datetime.fromisoformat(row["due_at"])
        self.act(code, "apologize", at, leader, new_due_at=max(due, at) + timedelta(days=5))

    def random_case(self, received: datetime) -> None:
        online = self.rng.random() < 0.15
        code, _ = self.intake(received, online=online)
        at = received
        if online:  # registered on the portal, accepted at the desk a little later
            at += timedelta(hours=self.rng.choice([1, 20]))
            self.act(code, "receive", at)
        for _ in range(self.rng.randint(0, 9)):
            at += timedelta(hours=self.rng.choice([2, 7, 30, 50, 200, 400]))
            if at >= YEAR_END + timedelta(days=20):
                return
            status = cases.get(self.store, code)["status"]
            name = self._pick(status)
            if name is None:
                return
            try:
                if name == "apologize":
                    self.apologize(code, at)
                elif name == "forward":
                    self.forward(code, at)
                else:
                    self.act(code, name, at, channel="post") if name == "return" else \
                        self.act(code, name, at)
            except MotcuaError:
                continue
            if name == "return" and self.rng.random() < 0.7:
                choice = self.rng.choice(["very_satisfied", "satisfied", "unsatisfied"])
                ratings.rate(self.store, code, choice, "kiosk", "kiosk", at + timedelta(hours=1))

    def _pick(self, status: int) -> str | None:
        roll = self.rng.random()
        if status == 5:
            return "supplied"
        if status == 9:
            return "return"
        if status in (2, 4):
            for name, chance in (("request_supplement", 0.15), ("withdraw", 0.05),
                                 ("stop", 0.04), ("apologize", 0.06)):
                if roll < chance:
                    return name
                roll -= chance
            return "forward"
        return None


def _at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), VN_TZ)


def play_year(store, seed: int = 2026, n: int = 160) -> None:
    player = Player(store, random.Random(seed))
    rng = player.rng
    for _ in range(n):
        day = date(2025, 11, 20) + timedelta(days=rng.randint(0, 405))
        player.random_case(_at(day, rng.choice([7, 9, 10, 14, 16]), rng.randint(0, 59)))
    _edges(player)


def _edges(player: Player) -> None:
    """The cases reports get wrong: resolved on the period's last second and its first,
    supplements across the period's end, apologies, withdrawals, refusals."""
    dec = date(2026, 12, 1)
    for when in (_at(date(2026, 12, 31), 23, 59, 59), _at(date(2027, 1, 1), 0, 0, 0),
                 _at(date(2026, 6, 30), 23, 59, 59), _at(date(2026, 7, 1), 0, 0, 0)):
        code, _ = player.intake(_at(dec if when.year == 2027 or when.month == 12
                                    else date(2026, 6, 1), 9))
        player.to_signing_step(code, _at(when.date() - timedelta(days=5), 9))
        player.forward(code, when)
    for received, asked, supplied in (
            (date(2026, 12, 1), _at(date(2026, 12, 29), 10), _at(date(2027, 1, 6), 9)),
            (date(2026, 10, 1), _at(date(2026, 12, 30), 10), _at(date(2027, 1, 4), 9)),
            (date(2025, 12, 20), _at(date(2025, 12, 30), 10), _at(date(2026, 1, 5), 9)),
            (date(2026, 6, 20), _at(date(2026, 6, 25), 10), _at(date(2026, 7, 2), 9))):
        code, _ = player.intake(_at(received, 8))
        player.act(code, "request_supplement", asked)
        player.act(code, "supplied", supplied)
    # Already late when it paused before the year's end, supplied long after: overdue at the
    # end, though the deadline it has today (moved by the wait) lies after the end.
    code, _ = player.intake(_at(date(2026, 12, 1), 8))
    due = datetime.fromisoformat(cases.get(player.store, code)["due_at"])
    player.act(code, "request_supplement", due + timedelta(hours=1))
    player.act(code, "supplied", _at(date(2027, 3, 1), 9))
    late, _ = player.intake(_at(date(2026, 3, 2), 8))
    player.apologize(late, _at(date(2026, 6, 1), 9))
    player.to_signing_step(late, _at(date(2026, 6, 2), 9))
    player.forward(late, _at(date(2026, 6, 15), 9))
    gone, _ = player.intake(_at(date(2025, 12, 1), 8))
    player.act(gone, "withdraw", _at(date(2026, 1, 1), 0, 0, 0))
    for day in (date(2026, 12, 31), date(2026, 5, 5)):
        online, _ = player.intake(_at(day, 9), online=True)
        player.act(online, "refuse", _at(day, 10), player.desk)


# --- the independent recomputation --------------------------------------------------------


def expected(store, start: datetime, end: datetime, by: str) -> dict[str, dict[str, int]]:
    events = defaultdict(list)
    for event in store.all("select * from events order by id"):
        event["at"] = datetime.fromisoformat(event["at"])
        event["data"] = json.loads(event["data"] or "{}")
        events[event["case_id"]].append(event)
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for row in store.all("select id, procedure from cases"):
        proc = Procedure.from_snapshot(json.loads(row["procedure"]))
        group = {"field": proc.field.name, "procedure": f"{proc.code} {proc.name}",
                 "unit": proc.workflow[1].unit}[by]
        _count_case(table[group], events[row["id"]], start, end)
    for rating in store.all("select r.*, c.procedure from ratings r join cases c "
                            "on c.id = r.case_id"):
        if start <= datetime.fromisoformat(rating["at"]) < end:
            proc = Procedure.from_snapshot(json.loads(rating["procedure"]))
            group = {"field": proc.field.name, "procedure": f"{proc.code} {proc.name}",
                     "unit": proc.workflow[1].unit}[by]
            table[group]["rated_" + rating["rating"]] += 1
    return {g: v for g, v in table.items() if any(v.values())}


def _count_case(cells: dict, events: list[dict], start: datetime, end: datetime) -> None:
    received_at = events[0]["at"]
    opened = any(e["to_status"] == 2 for e in events)
    ends = [e for e in events if e["action"] in ("resolve", "withdraw", "stop", "refuse")]
    finished = ends[0]["at"] if ends else None
    inside = lambda moment: start <= moment < end  # noqa: E731
    if opened and received_at < start and (finished is None or finished >= start):
        cells["carried_over"] += 1
    if opened and inside(received_at):
        cells["received"] += 1
        channel = events[0]["data"]["channel"]
        cells[{"in_person": "received_in_person", "post": "received_by_post",
               "online": "received_online"}[channel]] += 1
    for event in events:
        if not inside(event["at"]):
            continue
        if event["action"] == "resolve":
            cells["resolved_" + event["data"]["result_class"]] += 1
        names = {"return": "returned", "withdraw": "withdrawn", "stop": "stopped",
                 "refuse": "refused"}
        if event["action"] in names:
            cells[names[event["action"]]] += 1
    if opened and received_at < end and (finished is None or finished >= end):
        cells["in_progress_overdue" if _late_at(events, end) else "in_progress_in_time"] += 1


def _late_at(events: list[dict], end: datetime) -> bool:
    due, paused = None, None
    for event in events:
        if event["at"] >= end:
            break
        if event["action"] in ("request_supplement", "request_payment"):
            paused = event["at"]
        elif event["action"] in ("intake", "supplied", "paid"):
            paused = None
            due = datetime.fromisoformat(event["data"]["due_at"])
    return (paused or end) > due


@pytest.fixture(scope="module")
def year(template_db, tmp_path_factory):
    import shutil

    from backend.store.db import Store

    path = tmp_path_factory.mktemp("year") / "motcua.sqlite"
    shutil.copy(template_db, path)
    store = Store(path)
    play_year(store)
    yield store
    store.close()


@pytest.mark.parametrize(("first", "last", "by"), [
    ("2026-01-01", "2026-12-31", "field"),
    ("2026-01-01", "2026-12-31", "unit"),
    ("2026-06-01", "2026-06-30", "procedure"),
    ("2026-12-01", "2026-12-31", "unit"),
])
def test_every_cell_matches_the_event_log(year, first, last, by):
    period = definitions.period(first, last)
    got = reports.period_report(year, period, by)
    assert got[-1][0] == "TOTAL"
    want = expected(year, period.start, period.end, by)
    assert {g: v for g, v in got[:-1] if any(v.values())} == want
    totals = {c: sum(v[c] for v in want.values()) for c in COLUMNS}
    assert got[-1][1] == totals
    # The generated year really has the edges the report must get right.
    year_totals = got[-1][1]
    if first == "2026-01-01":
        assert all(year_totals[c] > 0 for c in ("carried_over", "resolved_early",
                                                "resolved_late", "in_progress_overdue",
                                                "in_progress_in_time", "withdrawn",
                                                "stopped", "refused", "returned",
                                                "rated_satisfied", "received_in_person",
                                                "received_by_post", "received_online"))


def test_edges_fall_on_the_right_side_of_the_period(year):
    december = reports.period_report(year, definitions.period("2026-12-01", "2026-12-31"),
                                     "unit")[-1][1]
    january = reports.period_report(year, definitions.period("2027-01-01", "2027-01-31"),
                                    "unit")[-1][1]
    resolved_dec = sum(december[c] for c in ("resolved_early", "resolved_on_time",
                                             "resolved_late"))
    resolved_jan = sum(january[c] for c in ("resolved_early", "resolved_on_time",
                                            "resolved_late"))
    got = {e["at"][:19] for e in year.all("select at from events where action = 'resolve'")}
    assert "2026-12-31T23:59:59" in got and "2027-01-01T00:00:00" in got
    assert resolved_dec >= 1 and resolved_jan >= 1
    # A case waiting for papers across the year's end is in progress, and not overdue for it.
    assert december["in_progress_in_time"] + december["in_progress_overdue"] == \
        january["carried_over"]


def test_tallies_kept_by_every_write_equal_a_recount(year):
    """Intakes, actions and ratings keep the report's daily tallies exactly as a recount from
    the cases would find them (the recount is what upgrading an old database fills in)."""
    kept = set(year.conn.execute("select day, fact, procedure_code, procedure_version, n "
                                 "from report_days where n <> 0"))
    assert kept == tallies.recounted(year)
    assert {fact for _, fact, *_ in kept} >= {"received_by_post", "received_online",
                                              "finished", "rated_unsatisfied"}
