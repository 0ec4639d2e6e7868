"""The hub's schema, numbered; pending migrations run in one transaction under an advisory
lock, so two hub processes starting together migrate once."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class HubStore(Protocol):
    """What migrating needs of backend.hub.db.HubStore; named here so db may import this module
    and not the other way round."""

    def tx(self) -> AbstractContextManager: ...

    def one(self, sql: str, params=()) -> dict | None: ...

GENESIS = "0" * 64
LOCK_ID = 0x6D6F7463  # "motc": any constant the hub alone uses


def _m1_sites_events_cases(conn) -> None:
    conn.execute(f"""
        create table sites (
            agency text primary key, name text not null, token_hash text not null unique,
            lookup_key bytea, units jsonb not null default '{{}}',
            created_at timestamptz not null default now(), last_push_at timestamptz,
            last_event_id bigint not null default 0,
            last_hash text not null default '{GENESIS}')""")
    conn.execute("""
        create table events (
            site text not null references sites (agency), id bigint not null,
            case_id bigint not null, case_code text not null, action text not null,
            actor text, role text, unit text, at text not null, from_status int,
            to_status int, note text, data text, prev_hash text not null,
            hash text not null, primary key (site, id))""")
    conn.execute("create index events_case on events (case_code, id)")
    conn.execute("create index events_day on events (site, (substr(at, 1, 10)), id)")
    # Thousands of cases share a handful of procedure versions: keep each snapshot once.
    conn.execute("create table procedures (digest text primary key, snapshot text not null, "
                 "code text, name text, field_code text, field_name text)")
    conn.execute("""
        create table cases (
            code text primary key, site text not null references sites (agency),
            day text not null, procedure_code text, procedure_digest text not null
                references procedures (digest),
            status int not null, current_unit text, received_at text not null,
            view jsonb not null, last_event_id bigint not null)""")
    conn.execute("create index cases_site_status on cases (site, status)")
    # Who may read the province report: a name and the hash of its token.
    conn.execute("create table readers (name text primary key, token_hash text not null "
                 "unique, created_at timestamptz not null default now())")


def _m2_agency_index(conn) -> None:
    """The site's number for its own agency: the first two digits of its numeric barcode."""
    conn.execute("alter table sites add column agency_index int")
    conn.execute("create index sites_agency_index on sites (agency_index)")


def _m3_header_version(conn) -> None:
    """Changes whenever a site's units or lookup key do (not with every push), so each hub
    worker keeps them and reads them again only then."""
    conn.execute("alter table sites add column header_version text generated always as "
                 "(md5(units::text || coalesce(encode(lookup_key, 'hex'), ''))) stored")


# A case's history as the public lookup reads it, in event order (the events' data as sent).
HISTORY = ("(select coalesce(json_agg(json_build_object('at', e.at, 'action', e.action, "
           "'unit', e.unit, 'to_status', e.to_status, 'data', e.data) order by e.id), '[]') "
           "from events e where e.case_code = cases.code)::text")


def _m4_case_history(conn) -> None:
    """Each case's history kept beside its view, written with its events, so a lookup with
    the receipt token reads one column where it gathered the events on every request."""
    conn.execute("alter table cases add column history text")
    conn.execute(f"update cases set history = {HISTORY}")


MIGRATIONS = [_m1_sites_events_cases, _m2_agency_index, _m3_header_version, _m4_case_history]


def apply(store: HubStore) -> int:
    applied = 0
    with store.tx() as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", [LOCK_ID])
        conn.execute("create table if not exists hub_schema (version int not null)")
        row = conn.execute("select max(version) as v from hub_schema").fetchone()
        for number, migration in enumerate(MIGRATIONS[row["v"] or 0:], start=(row["v"] or 0) + 1):
            migration(conn)
            conn.execute("insert into hub_schema (version) values (%s)", [number])
            applied += 1
    return applied


def version(store: HubStore) -> int:
    row = store.one("select max(version) as v from hub_schema")
    return row["v"] or 0
