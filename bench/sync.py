"""Provincial hub: catch-up time of the sync, and lookups per second at a full hub.

    .venv/bin/python bench/sync.py [--events 100000] [--sites 100] [--cases-per-site 10000]
                                   [--seconds 10] [--concurrency 32] [--workers 2]

PostgreSQL is Debian's, started in a temporary folder (fsync on, as in production).

1. Catch-up: a site with --events cases (one intake event each) pushes its whole log to a
   fresh hub through `motcua hub serve` (HTTP, the agent's batches of 2000, every hash
   re-checked).
   Baseline: bulk COPY of the very rows the hub ended with into empty tables, same server.
   Target: catch-up under 60 s.
2. Lookups: the hub holds --sites × --cases-per-site cases (one site synced for real, the
   others copies of it under their own agency codes, secrets and token digests). Public
   lookups (50 codes of each site, half with the receipt token) at the hub against the
   baseline of the same lookups at one site's own backend (`motcua serve`, its SQLite, 50 of
   its codes, half with the token): the same --workers and --concurrency, both limiters
   counting every request and refusing none. Site and hub take turns (three rounds each).
   Also printed: CPU time per lookup of each side's processes, PostgreSQL's counted with the
   hub's since it shares the cores. Target: ratio at least 1.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from psycopg.types.json import Jsonb

from backend.domain.codes import make_token
from backend.domain.hub_tokens import hub_key, token_digest
from backend.hub.db import HubStore
from backend.hub.receiver import EVENT_COLUMNS, add_site
from backend.store import sync
from bench import loadgen
from bench.lookup import measure, report
from bench.seed import seeded_store
from bench.suite import load
from tests.hub.postgres import Postgres

CASE_COLUMNS = ("code", "site", "day", "procedure_code", "procedure_digest", "status",
                "current_unit", "received_at", "view", "last_event_id", "history")


def serve_hub(dsn: str, port: int, workers: int) -> subprocess.Popen:
    return _started(["hub", "serve", "--database", dsn, "--port", str(port), "--workers",
                     str(workers), "--lookup-rate", "1000000000"], port)


def serve_site(db: str, port: int, workers: int) -> subprocess.Popen:
    return _started(["--db", db, "serve", "--port", str(port), "--workers", str(workers)], port)


def _started(argv: list[str], port: int) -> subprocess.Popen:
    """A server up and answering; on a loaded machine that can take a minute."""
    import requests

    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", *argv],
                            stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.terminate()
    proc.wait()
    raise RuntimeError(f"{argv[0]} did not start")


def site_db(tmp: str, name: str, n_cases: int):
    store, pairs = seeded_store(str(Path(tmp) / f"{name}.sqlite"), n_cases)
    store.conn.execute("insert or replace into settings values "
                       "('lookup_rate_per_minute', '1000000000')")
    return store, pairs


def synced_hub(pg: Postgres, store, name: str, workers: int) -> tuple[HubStore, str, int, float]:
    """A new hub database, served while `store`'s site enrols and its agent pushes once through
    the hub API: the hub, its DSN, the events pushed and the seconds the push took."""
    dsn = pg.create_database(name)
    hub = HubStore(dsn)
    hub.migrate()
    site = sync.load_site(store)
    port = loadgen.free_port()
    server = serve_hub(dsn, port, workers)
    try:
        sync.connect(store, f"http://127.0.0.1:{port}", add_site(hub, site.agency_code, "A"))
        started = time.perf_counter()
        pushed = sync.Agent(store, log=lambda _: None).run(once=True)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    return hub, dsn, pushed, elapsed


def catch_up(pg: Postgres, store, workers: int) -> float:
    hub, _, pushed, elapsed = synced_hub(pg, store, "catchup", workers)
    held = hub.one("select count(*) as n from events")["n"]
    assert pushed == held, f"pushed {pushed}, hub holds {held}"
    copy_s = copy_baseline(pg, hub)
    hub.close()
    print(f"catch-up of {pushed:,} events through the hub API: {elapsed:6.1f} s "
          f"({pushed / elapsed:,.0f} events/s)")
    print(f"baseline: bulk COPY of the same rows:          {copy_s:6.1f} s")
    print(f"ratio catch-up/COPY time: {elapsed / copy_s:.2f}")
    print(f"target catch-up < 60 s: {'MET' if elapsed < 60 else 'NOT MET'}")
    return elapsed


def copy_baseline(pg: Postgres, source: HubStore) -> float:
    """The same events, cases and procedures COPYed into an empty hub schema."""
    target = HubStore(pg.create_database("copybase"))
    target.migrate()
    dumped = {t: _dump(source, t) for t in ("sites", "procedures", "events", "cases")}
    started = time.perf_counter()
    with target.tx() as conn:
        for table, (columns, data) in dumped.items():
            with conn.cursor().copy(f"copy {table} ({columns}) from stdin") as copy:
                copy.write(data)
    elapsed = time.perf_counter() - started
    target.close()
    return elapsed


def _dump(store: HubStore, table: str) -> tuple[str, bytes]:
    columns = ", ".join(r["column_name"] for r in store.all(
        "select column_name from information_schema.columns where table_name = %s "
        "and is_generated = 'NEVER' order by ordinal_position", [table]))  # COPY refuses those
    data = bytearray()
    with store.connection() as conn, conn.cursor().copy(
            f"copy {table} ({columns}) to stdout") as copy:
        for block in copy:
            data += block
    return columns, bytes(data)


def fill_hub(pg: Postgres, store, pairs, n_sites: int, workers: int) -> tuple[str, list]:
    """One site synced for real, then n_sites-1 copies of it under their own codes."""
    hub, dsn, _, _ = synced_hub(pg, store, "province", workers)
    agency = sync.load_site(store).agency_code
    rng = random.Random(5)
    sample = [("0", code, token) for code, token in rng.sample(pairs, min(50, len(pairs)))]
    cases = hub.all("select * from cases")
    events = hub.all(f"select {', '.join(EVENT_COLUMNS)} from events")
    started = time.perf_counter()
    for k in range(1, n_sites):
        sample += _copy_site(hub, agency, k, cases, events, rng)
    settle(hub)
    total = hub.one("select count(*) as n from cases")["n"]
    size = hub.one("select pg_database_size(current_database()) as n")["n"]
    print(f"hub filled: {total:,} cases of {n_sites} sites "
          f"(copies in {time.perf_counter() - started:.0f} s); database {size / 2**30:.2f} GiB, "
          f"{size / total / 1024:.1f} KiB a case with its events and indexes")
    hub.close()
    return dsn, sample


def settle(hub: HubStore) -> None:
    """The hub as it runs day to day, not just after a bulk load: every copied row's hint
    bits set and the tables' visibility map made (else the first lookups of each page write
    it again, and autovacuum sets about it during the measurement), the dirty pages written
    (else the checkpoint the load started spreads its writes over the measurement); both
    would be charged to the hub's CPU and share the cores with both sides."""
    started = time.perf_counter()
    with hub.connection() as conn:  # autocommit: vacuum refuses a transaction
        conn.execute("vacuum (analyze)")
        conn.execute("checkpoint")
    print(f"hub settled (vacuum, analyze, checkpoint) in {time.perf_counter() - started:.0f} s")


def _copy_site(hub: HubStore, agency: str, k: int, cases, events, rng) -> list:
    other = f"000.{10 + k // 100:02d}.{k % 100:02d}.H56"  # never the synced site's code
    secret = secrets.token_bytes(32)
    key = hub_key(secret)
    with hub.tx() as conn:
        conn.execute("insert into sites (agency, name, token_hash, lookup_key, units) "
                     "select %s, %s, %s, %s, units from sites where agency = %s",
                     [other, f"Trung tâm {k}", secrets.token_hex(32), key, agency])
        with conn.cursor().copy(f"copy cases ({', '.join(CASE_COLUMNS)}) from stdin") as copy:
            for row in cases:
                code = row["code"].replace(agency, other, 1)
                view = {**row["view"], "code": code,
                        "token_digest": token_digest(key, code, make_token(code, secret))}
                copy.write_row([code, other, *(row[c] for c in CASE_COLUMNS[2:8]), Jsonb(view),
                                *(row[c] for c in CASE_COLUMNS[9:])])
        with conn.cursor().copy(f"copy events ({', '.join(EVENT_COLUMNS)}) from stdin") as copy:
            for event in events:
                copy.write_row([other, *(event[c] for c in EVENT_COLUMNS[1:3]),
                                event["case_code"].replace(agency, other, 1),
                                *(event[c] for c in EVENT_COLUMNS[4:])])
    # As many codes as the site's own sample, each with its token: the same mix of lookups.
    codes = [c["code"].replace(agency, other, 1) for c in rng.sample(cases, min(50, len(cases)))]
    return [(str(k), code, make_token(code, secret)) for code in codes]


def lookup_paths(sample: list, site_only: bool) -> list[str]:
    """Half with the receipt token, as bench/lookup.py asks the site."""
    paths = []
    for i, (site_no, code, token) in enumerate(sample):
        if site_only and site_no != "0":
            continue
        with_token = token and i % 2
        paths.append(f"/api/v1/lookup/{code}" + (f"?t={token}" if with_token else ""))
    return paths


def lookups(pg: Postgres, dsn: str, site_path: str, sample: list, args) -> None:
    site_port, hub_port = loadgen.free_port(), loadgen.free_port()
    site_server = serve_site(site_path, site_port, args.workers)
    try:
        hub_server = serve_hub(dsn, hub_port, args.workers)
    except RuntimeError:
        site_server.terminate()
        site_server.wait()
        raise
    # PostgreSQL shares the cores: the hub's CPU is its workers' and the server's together.
    sides = {"site": (site_port, lookup_paths(sample, True), [site_server.pid]),
             "hub": (hub_port, lookup_paths(sample, False), [hub_server.pid, pg.server_pid()])}
    try:
        for port, paths, _ in sides.values():
            measure(port, ["/healthz"], 4, 1)
            measure(port, paths, args.concurrency, 1)  # warm-up: plans, caches, connections
        results = _take_turns(sides, args)
    finally:
        for proc in (site_server, hub_server):
            proc.terminate()
            proc.wait()
    base, central = results["site"], results["hub"]
    report("baseline: site's own lookup", base)
    report("hub lookup (all sites)", central)
    print(f"CPU per lookup (servers' processes; the hub's with PostgreSQL's): site "
          f"{base['cpu_us']:,.0f} µs, hub {central['cpu_us']:,.0f} µs (its workers "
          f"{central['cpu_parts_us'][0]:,.0f} µs, PostgreSQL "
          f"{central['cpu_parts_us'][1]:,.0f} µs)")
    ratio = central["rps"] / base["rps"]
    print(f"ratio hub/site lookup throughput: {ratio:.2f} (load average {load()})")
    ok = ratio >= 1 and central["errors"] == 0
    print(f"target hub lookups at least as fast as one site's: {'MET' if ok else 'NOT MET'}")


def _take_turns(sides: dict, args, rounds: int = 3) -> dict[str, dict]:
    """Site and hub take turns, so a neighbour's load on the machine hits both alike;
    the sums of the rounds are reported."""
    runs: dict[str, list] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, (port, paths, pids) in sides.items():
            cpu = [cpu_seconds([pid]) for pid in pids]
            result = measure(port, paths, args.concurrency, args.seconds / rounds)
            runs[name].append({**result, "seconds": result["n"] / result["rps"],
                               "cpu": [cpu_seconds([pid]) - was
                                       for pid, was in zip(pids, cpu, strict=True)]})
    return {name: _summed(found) for name, found in runs.items()}


def _summed(runs: list[dict]) -> dict:
    """`cpu_us`: CPU time per lookup of all the side's processes; `cpu_parts_us`: of each
    process given (with its descendants)."""
    n, seconds = sum(r["n"] for r in runs), sum(r["seconds"] for r in runs)
    middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    parts = [1e6 * sum(part) / n for part in zip(*(r["cpu"] for r in runs), strict=True)]
    return {"rps": n / seconds, "n": n, "errors": sum(r["errors"] for r in runs),
            "p50": middle["p50"], "p99": middle["p99"], "cpu_us": sum(parts),
            "cpu_parts_us": parts}


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time so far of these processes and all their descendants."""
    total, todo = 0, list(pids)
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo += [int(child) for child in task.read_text().split()]
        except OSError:  # ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--cases-per-site", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-catch-up", action="store_true")
    parser.add_argument("--skip-lookups", action="store_true")
    args = parser.parse_args()
    pg = Postgres(fsync=True).init().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if not args.skip_catch_up:
                big, _ = site_db(tmp, "big", args.events)
                catch_up(pg, big, args.workers)
                big.close()
            if args.skip_lookups:
                return
            one, pairs = site_db(tmp, "one", args.cases_per_site)
            dsn, sample = fill_hub(pg, one, pairs, args.sites, args.workers)
            one.close()
            lookups(pg, dsn, str(Path(tmp) / "one.sqlite"), sample, args)
    finally:
        pg.destroy()


if __name__ == "__main__":
    main()
