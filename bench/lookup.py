"""Lookup throughput and latency against the real server on loopback.

    .venv/bin/python bench/lookup.py [--cases 100000] [--seconds 10] [--concurrency 32]

Seeds a fresh database, starts `motcua serve`, drives it from a separate process, and prints
throughput and p50/p99 for (a) the baseline GET /healthz (two cheap reads of the database
state, no lookup logic),
(b) public lookups (half with the receipt token) with the rate limit off and (c) the same with
the limiter shared by the workers counting every request, plus the ratios between them. It
also times the limiter alone with 10 and with 100,000 distinct clients: the cost per check
must not grow with the number of clients.
Target on a 2-core machine: >= 2,000 lookups/s with p99 < 50 ms, limiter on.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.ratelimit import RateLimiter
from backend.store import site
from backend.store.db import Store
from bench import loadgen
from bench.seed import seeded_store


def serve(db: str, port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--db", db, "serve",
                             "--port", str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL)
    import requests

    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


@contextmanager
def served(db: str, workers: int = 1, port: int = 0) -> Iterator[int]:
    """`motcua serve` on `db` for the length of a `with` block; gives the loopback port."""
    port = port or loadgen.free_port()
    server = serve(db, port, workers)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(10)


def measure(port: int, paths: list[str], concurrency: int, seconds: float) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    worker = ctx.Process(target=loadgen.drive,
                         args=("127.0.0.1", port, paths, concurrency, seconds, queue))
    worker.start()
    latencies, errors, elapsed = queue.get()
    worker.join()
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "n": len(latencies), "errors": len(errors),
            "p50": 1000 * statistics.median(latencies),
            "p99": 1000 * latencies[int(len(latencies) * 0.99) - 1]}


def report(name: str, result: dict) -> None:
    print(f"{name:<40} {result['rps']:>9,.0f} req/s   p50 {result['p50']:6.2f} ms   "
          f"p99 {result['p99']:6.2f} ms   ({result['n']:,} requests, {result['errors']} errors)")


def lookup_paths(pairs, count: int = 5000) -> list[str]:
    rng = random.Random(3)
    picked = rng.sample(pairs, min(count, len(pairs)))
    return [f"/api/v1/lookup/{code}" + (f"?t={token}" if i % 2 else "")
            for i, (code, token) in enumerate(picked)]


def limiter_cost(path: str, clients: int, checks: int = 200_000) -> float:
    """Microseconds per check with `clients` distinct addresses taking turns."""
    limiter = RateLimiter(path)
    addresses = [f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" for i in range(clients)]
    started = time.perf_counter()
    for i in range(checks):
        limiter.check(addresses[i % clients], 1_000_000_000)
    limiter.close()
    return 1e6 * (time.perf_counter() - started) / checks


def middle(results: list[dict]) -> dict:
    """The run with the median throughput."""
    return sorted(results, key=lambda r: r["rps"])[len(results) // 2]


def set_limit(db: str, per_minute: int) -> None:
    store = Store(db)
    site.set_setting(store, "lookup_rate_per_minute", str(per_minute))
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        started = time.perf_counter()
        store, pairs = seeded_store(db, args.cases)
        store.close()
        print(f"seeded {len(pairs):,} cases in {time.perf_counter() - started:.1f} s")
        few = limiter_cost(str(Path(tmp) / "few-limits"), 10)
        many = limiter_cost(str(Path(tmp) / "many-limits"), 100_000)
        set_limit(db, 0)
        with served(db, args.workers) as port:
            measure(port, ["/healthz"], 4, 1)  # warm-up
            base = measure(port, ["/healthz"], args.concurrency, args.seconds)
            # Off and on take turns, so a neighbour's load on the machine hits both alike.
            runs = {0: [], 1_000_000_000: []}  # on: every request counted, none refused
            for limit in list(runs) * 3:
                set_limit(db, limit)
                runs[limit].append(measure(port, lookup_paths(pairs), args.concurrency,
                                           args.seconds / 3))
            off, on = (middle(r) for r in runs.values())
    print(f"limiter alone: {few:.1f} µs/check with 10 clients, {many:.1f} µs with 100,000 "
          f"(ratio {many / few:.2f})")
    report("baseline: GET /healthz", base)
    report("lookup, limits off (median of 3)", off)
    report("lookup, shared limiter on (median of 3)", on)
    print(f"ratio lookup (limiter on)/baseline throughput: {on['rps'] / base['rps']:.2f}")
    print(f"limiter cost: throughput on/off {on['rps'] / off['rps']:.2f}, "
          f"p99 on/off {on['p99'] / off['p99']:.2f}")
    ok = on["rps"] >= 2000 and on["p99"] < 50 and on["errors"] == 0
    print(f"target >= 2,000 lookups/s, p99 < 50 ms with the limiter on: "
          f"{'MET' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
