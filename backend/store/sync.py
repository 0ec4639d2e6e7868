"""The site's side of the provincial sync: the change feed (the event log) pushed to the hub.

Each batch carries events in id order, whole (the hub re-checks the hash chain), and the public
view of every case they touch: what the lookup shows and nothing more (the applicant's name is
sent masked; ID number, phone, address and documents never leave the site). The cursor is the
last event the hub acknowledged; the hub keeps its own, and either side's loss is repaired by
the other's (a resend is recognised by (site, event id) and counted once).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from pydantic_core import to_json

from backend.client import ApiError, BackendUnreachable, Client
from backend.domain.codes import make_token
from backend.domain.errors import InvalidInput, NotFound
from backend.domain.hub_tokens import hub_key, token_digest
from backend.domain.privacy import mask_name
from backend.store.db import Store
from backend.store.lookup import responsible_officials
from backend.store.site import Site, load_site

PUBLIC_COLUMNS = ("code", "day", "procedure_code", "procedure_version", "status", "step",
                  "current_unit", "time_unit", "received_at", "due_at", "paused_at",
                  "new_due_at", "resolved_at", "result_class", "returned_at", "return_channel",
                  "updated_at", "channel")
# What a view is built from: the public columns and the (masked) name, not the procedure
# snapshot, which a thousand cases share and is read once per version.
READ_COLUMNS = ", ".join(("id", *PUBLIC_COLUMNS, "applicant_name"))
# What a case's view carries for the province report grew (2: the channel it came in by and
# the rating it was given); the hub's copies of views an older agent sent lack them, so every
# view is sent again once (`push_views`).
VIEW_VERSION = 2
EVENT_COLUMNS = ("id", "case_id", "action", "actor", "role", "unit", "at", "from_status",
                 "to_status", "note", "data", "prev_hash", "hash")


def connect(store: Store, url: str, token: str) -> None:
    """Where the hub is and this site's token there (from `motcua hub site add`)."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or not token.strip():
        raise InvalidInput("Cần địa chỉ máy chủ tỉnh (http:// hoặc https://) và mã truy cập",
                           "The hub address (http:// or https://) and a token are required",
                           key="invalid_hub", field="url")
    with store.tx() as db:
        db.execute("delete from sync_hubs")  # one hub per site: a new address replaces it
        db["sync_hubs"].insert({"url": url, "token": token.strip(), "last_event_id": 0,
                                "views_version": VIEW_VERSION})


def hub_of(store: Store) -> dict:
    return store.found("select * from sync_hubs", [],
                       NotFound("Chưa cấu hình máy chủ tỉnh: chạy `motcua sync connect URL`",
                                "No hub configured: run `motcua sync connect URL` first",
                                key="no_hub"))


def set_cursor(store: Store, last_event_id: int, now: datetime) -> None:
    with store.tx() as db:
        db.execute("update sync_hubs set last_event_id = ?, last_ok_at = ?, last_error = null",
                   [last_event_id, now.isoformat(timespec="seconds")])


def note_error(store: Store, message: str) -> None:
    with store.tx() as db:
        db.execute("update sync_hubs set last_error = ?", [message])


def read_batch(store: Store, site: Site, after_id: int, limit: int) -> dict:
    """Events after `after_id` and the cases they touch, read in one snapshot. Procedure
    snapshots (a few KB each, shared by thousands of cases) travel once per batch."""
    conn = store.conn
    conn.execute("BEGIN")
    try:
        events = store.all("select e.*, c.code as case_code from events e join cases c on "
                           "c.id = e.case_id where e.id > ? order by e.id limit ?",
                           [after_id, limit])
        rows = _cases(store, sorted({e["case_id"] for e in events}))
        batch = _batch(store, site, rows)
    finally:
        conn.execute("COMMIT")
    batch["events"] = [{k: e[k] for k in (*EVENT_COLUMNS, "case_code")} for e in events]
    return batch


def _batch(store: Store, site: Site, rows: list[dict]) -> dict:
    views = CaseViews(store, site, rows)
    cases = [views.view(row) for row in rows]
    return {"site": site_header(site), "events": [], "procedures": views.procedures,
            "cases": cases}


def _cases(store: Store, case_ids: list[int]) -> list[dict]:
    marks = ", ".join("?" for _ in case_ids)
    return store.all(f"select {READ_COLUMNS} from cases where id in ({marks})",
                     case_ids) if case_ids else []


def site_header(site: Site) -> dict:
    return {"agency": site.agency_code, "name": site.agency_name,
            "units": {code: {"name": unit["name"]} for code, unit in site.units.items()},
            "lookup_key": hub_key(site.secret).hex(), "agency_index": site.agency_index}


class CaseViews:
    """What the hub needs to answer a lookup exactly as this site does, for a batch of cases:
    a few set-wise queries rather than several per case."""

    def __init__(self, store: Store, site: Site, rows: list[dict]):
        self.site, self.key = site, hub_key(site.secret)
        ids = [r["id"] for r in rows]
        marks = ", ".join("?" for _ in ids)
        self.last = dict(store.conn.execute(
            f"select case_id, max(id) from events where case_id in ({marks}) group by case_id",
            ids).fetchall())
        # The rating itself (not who gave it) for the province report.
        self.ratings = {r[0]: (r[1], r[2]) for r in store.conn.execute(
            f"select case_id, rating, at from ratings where case_id in ({marks})", ids)}
        # The same function as the site's lookup, so the two can never name different people.
        self.handlers = responsible_officials(store, ids)
        self.snapshots = _snapshots(store, {(r["procedure_code"], r["procedure_version"])
                                            for r in rows})
        self.procedures: dict[str, str] = {}

    def view(self, row: dict) -> dict:
        digest, snapshot = self.snapshots[row["procedure_code"], row["procedure_version"]]
        self.procedures[digest] = snapshot
        token = make_token(row["code"], self.site.secret)
        rating, rated_at = self.ratings.get(row["id"], (None, None))
        return {**{k: row[k] for k in PUBLIC_COLUMNS},
                "procedure_digest": digest,
                "applicant": mask_name(row["applicant_name"] or ""),
                "handler": self.handlers.get(row["id"]), "rated": rating is not None,
                "rating": rating, "rated_at": rated_at,
                "token_digest": token_digest(self.key, row["code"], token),
                "last_event_id": self.last[row["id"]]}


def _snapshots(store: Store, versions: set[tuple[str, str]]) -> dict[tuple, tuple[str, str]]:
    """(digest, snapshot) of each procedure version, read from one case received under it:
    a version's snapshot never changes (`motcua procedures load` adds only new versions)."""
    found = {}
    for code, version in versions:
        text = store.one("select procedure from cases where procedure_code = ? and "
                         "procedure_version = ? limit 1", [code, version])["procedure"]
        found[code, version] = (_digest(text), text)
    return found


@functools.lru_cache(maxsize=256)
def _digest(snapshot: str) -> str:
    """Snapshots repeat across thousands of cases: hash each once."""
    return hashlib.sha256(snapshot.encode()).hexdigest()


def day_digests(store: Store, day: str | None = None) -> dict[str, dict]:
    """Per day of the event time (local date): how many events and a digest of their hashes."""
    where, params = ("where substr(at, 1, 10) = ?", [day]) if day else ("", [])
    days: dict[str, list[str]] = {}
    for row in store.db.query(f"select substr(at, 1, 10) as day, hash from events {where} "
                              "order by id", params):
        days.setdefault(row["day"], []).append(row["hash"])
    return {d: {"count": len(h), "digest": digest_of(h)} for d, h in days.items()}


def digest_of(hashes: list[str]) -> str:
    return hashlib.sha256("".join(hashes).encode()).hexdigest()


class HubClient(Client):
    """The hub's sync API, with this site's token."""

    def push(self, batch: dict) -> dict:
        # Encoded in Rust: a catch-up sends megabytes a second, and the standard encoder was
        # a large part of the site's time.
        return self._request("POST", "/api/v1/sync/events", data=to_json(batch),
                             headers={"Content-Type": "application/json"})

    def state(self) -> dict:
        return self._request("GET", "/api/v1/sync/state")

    def days(self, day: str | None = None) -> dict[str, dict]:
        return self._request("GET", "/api/v1/sync/days", params={"day": day} if day else None)


def push_events(store: Store, hub: HubClient, batch_size: int, now: datetime,
                stop: threading.Event | None = None, log=None) -> int:
    """Push batches after the cursor until caught up; returns how many events the hub newly
    holds. The next batch is read while the hub stores this one: the site's reading and the
    hub's writing overlap instead of taking turns."""
    site = load_site(store)
    batch, total = read_batch(store, site, hub_of(store)["last_event_id"], batch_size), 0
    with ThreadPoolExecutor(1) as pool:
        while batch["events"] and not (stop and stop.is_set()):
            last = batch["events"][-1]["id"]
            ahead = pool.submit(_read_ahead, store, site, last, batch_size)
            answer = _send(store, hub, batch, now)
            upcoming = ahead.result()
            if answer is None:
                return total
            total += answer["accepted"]
            if log and answer["accepted"]:
                log(f"Đã gửi {answer['accepted']} sự kiện, đến #{answer['last_event_id']} / "
                    f"pushed {answer['accepted']} events, up to #{answer['last_event_id']}")
            if answer["last_event_id"] != last:
                return total  # the hub is elsewhere: start again from where it says
            batch = upcoming
    return total


def _read_ahead(store: Store, site: Site, after_id: int, limit: int) -> dict:
    try:
        return read_batch(store, site, after_id, limit)
    finally:
        store.close()  # this worker thread's own connection


def _send(store: Store, hub: HubClient, batch: dict, now: datetime) -> dict | None:
    """The hub's answer with the cursor moved to it, or None after a gap moved it back."""
    try:
        answer = hub.push(batch)
    except ApiError as exc:
        if exc.key != "sync_gap":
            raise
        # The hub holds less (or more) than the cursor says, e.g. restored from a backup:
        # continue from what it really holds.
        set_cursor(store, int(exc.body["last_event_id"]), now)
        return None
    set_cursor(store, int(answer["last_event_id"]), now)
    return answer


def push_ratings(store: Store, hub: HubClient, now: datetime) -> int:
    """Cases rated since the last push, sent again as views (a rating is not an event)."""
    after = hub_of(store)["ratings_at"] or ""
    rows = store.all("select c.*, r.at as rated_at from ratings r join cases c on "
                     "c.id = r.case_id where r.at > ? order by r.at", [after])
    if not rows:
        return 0
    hub.push(_batch(store, load_site(store), rows))
    with store.tx() as db:
        db.execute("update sync_hubs set ratings_at = ?, last_ok_at = ?",
                   [rows[-1]["rated_at"], now.isoformat(timespec="seconds")])
    return len(rows)


def push_views(store: Store, hub: HubClient, batch_size: int) -> int:
    """Every case's view again, in batches, while the hub may hold views older than
    VIEW_VERSION; the hub keeps a view unless it holds a newer one. Resumed from the start
    after a failure (sending a view twice changes nothing)."""
    if hub_of(store)["views_version"] >= VIEW_VERSION:
        return 0
    site, after, sent = load_site(store), 0, 0
    while rows := store.all(f"select {READ_COLUMNS} from cases where id > ? and exists ("
                            "select 1 from events e where e.case_id = cases.id) "
                            "order by id limit ?", [after, batch_size]):
        hub.push(_batch(store, site, rows))
        after, sent = rows[-1]["id"], sent + len(rows)
    with store.tx() as db:
        db.execute("update sync_hubs set views_version = ?", [VIEW_VERSION])
    return sent


class Agent:
    """`motcua sync run`: push in batches until caught up, wait, repeat; back off on failure."""

    def __init__(self, store: Store, *, batch_size: int = 2000, idle_s: float = 2.0,
                 max_backoff_s: float = 60.0, clock=None, log=print):
        self.store, self.batch_size, self.idle_s = store, batch_size, idle_s
        self.max_backoff_s, self.log = max_backoff_s, log
        self.clock = clock or (lambda: datetime.now().astimezone())
        self.stop = threading.Event()

    def run(self, once: bool = False) -> int:
        row, backoff, total = hub_of(self.store), 1.0, 0
        hub = HubClient(row["url"], token=row["token"], timeout=60)
        while not self.stop.is_set():
            try:
                pushed = self._step(hub)
            except (BackendUnreachable, ApiError) as exc:
                if once and isinstance(exc, ApiError):
                    raise
                note_error(self.store, str(exc))
                self.log(f"Đồng bộ lỗi, thử lại sau {backoff:.0f} s / sync failed, retrying "
                         f"in {backoff:.0f} s: {exc}")
                self.stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            backoff, total = 1.0, total + max(pushed, 0)
            if pushed < 0:
                if once:
                    return total
                self.stop.wait(self.idle_s)
        return total

    def _step(self, hub: HubClient) -> int:
        """Events newly pushed, or -1 when there is nothing left to push."""
        if self._caught_up():
            views = push_views(self.store, hub, self.batch_size)
            return 0 if push_ratings(self.store, hub, self.clock()) or views else -1
        return push_events(self.store, hub, self.batch_size, self.clock(), self.stop,
                           self.log)

    def _caught_up(self) -> bool:
        last = self.store.one("select coalesce(max(id), 0) as id from events")["id"]
        return hub_of(self.store)["last_event_id"] >= last


def differences(site_days: dict[str, dict], hub_days: dict[str, dict]) -> list[dict]:
    """Days whose event count or digest differ between the site and the hub."""
    return [{"day": d, "site": site_days.get(d, {"count": 0}).get("count"),
             "hub": hub_days.get(d, {"count": 0}).get("count")}
            for d in sorted(set(site_days) | set(hub_days))
            if site_days.get(d) != hub_days.get(d)]


def check(store: Store, day: str | None = None, *, log=print) -> dict:
    """`motcua sync check`: compare per day, re-send from what the hub really holds, compare
    again; and send every case's view again if the hub's may be older (`push_views`).
    Differences left after the re-send (the hub holding events the site does not)
    need a person."""
    row = hub_of(store)
    hub = HubClient(row["url"], token=row["token"], timeout=60)
    before = differences(day_digests(store, day), hub.days(day))
    resent = 0
    if before:
        held = int(hub.state()["last_event_id"])
        set_cursor(store, min(held, row["last_event_id"]), datetime.now().astimezone())
        resent = Agent(store, log=log).run(once=True)
    after = differences(day_digests(store, day), hub.days(day)) if before else []
    views = push_views(store, hub, 2000)
    return {"differ": before, "resent": resent, "remaining": after, "views": views}
