"""Intake throughput against the real server, and a uniqueness check of every code made.

    .venv/bin/python bench/intake.py [--seconds 8] [--concurrency 16]

Baseline (same run): one clerk making intakes one after another. Then many clerks at once.
Every intake is one durable transaction (synchronous=FULL), so this measures the write path.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.client import Client
from backend.domain.calendar import VN_TZ
from backend.store import accounts
from bench.lookup import served
from bench.seed import seeded_store

APPLICANT = {"name": "Phạm Thị Thu", "phone": "0903123456"}


def clerk_loop(url: str, token: str, proc: dict, until: float, made: list, lat: list) -> None:
    client = Client(url, token=token, timeout=30)
    documents = {d["id"]: 1 for d in proc["documents"] if d["required"]}
    while time.perf_counter() < until:
        started = time.perf_counter()
        case = client.intake(proc["code"], APPLICANT, documents,
                             idempotency_key=str(uuid.uuid4()))
        lat.append(time.perf_counter() - started)
        made.append(case["code"])


def run(url: str, token: str, proc: dict, clients: int, seconds: float) -> dict:
    made, lat = [], []
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=clerk_loop, args=(url, token, proc, until, made, lat))
               for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lat.sort()
    return {"rate": len(made) / (time.perf_counter() - started), "codes": made,
            "p50": 1000 * statistics.median(lat), "p99": 1000 * lat[int(len(lat) * .99) - 1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        store, _ = seeded_store(db, 10_000)
        accounts.add_user(store, "bench", "Nhanh-2026x", "clerk", unit="MOTCUA",
                          must_change=False, now=datetime.now(VN_TZ))
        store.close()
        with served(db) as port:
            url = f"http://127.0.0.1:{port}"
            token = Client(url).login("bench", "Nhanh-2026x")["token"]
            proc = Client(url).procedures()[0]
            base = run(url, token, proc, 1, args.seconds)
            many = run(url, token, proc, args.concurrency, args.seconds)
    for name, result in (("baseline: 1 clerk", base), (f"{args.concurrency} clerks", many)):
        print(f"{name:<20} {result['rate']:8.1f} intakes/s   p50 {result['p50']:6.1f} ms   "
              f"p99 {result['p99']:6.1f} ms   ({len(result['codes'])} cases)")
    print(f"ratio concurrent/baseline: {many['rate'] / base['rate']:.2f}")
    codes = base["codes"] + many["codes"]
    unique = len(set(codes)) == len(codes)
    print(f"codes unique: {'yes' if unique else 'NO'} ({len(codes)} codes)")
    sys.exit(0 if unique else 1)


if __name__ == "__main__":
    main()
