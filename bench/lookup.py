"""Lookup throughput and latency against the real server on loopback.

    .venv/bin/python bench/lookup.py [--cases 100000] [--seconds 10] [--concurrency 32]

Seeds a fresh database, starts `motcua serve`, drives it from a separate process, and prints
throughput and p50/p99 for (a) the baseline GET /healthz (no database, no lookup logic) and
(b) public lookups (half with the receipt token), plus the ratio between them.
Target on a 2-core machine: >= 2,000 lookups/s with p99 < 50 ms.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
    print(f"{name:<28} {result['rps']:>9,.0f} req/s   p50 {result['p50']:6.2f} ms   "
          f"p99 {result['p99']:6.2f} ms   ({result['n']:,} requests, {result['errors']} errors)")


def lookup_paths(pairs, count: int = 5000) -> list[str]:
    rng = random.Random(3)
    picked = rng.sample(pairs, min(count, len(pairs)))
    return [f"/api/v1/lookup/{code}" + (f"?t={token}" if i % 2 else "")
            for i, (code, token) in enumerate(picked)]


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
        store.conn.execute("insert or replace into settings values "
                           "('lookup_rate_per_minute', '1000000000')")
        store.close()
        print(f"seeded {len(pairs):,} cases in {time.perf_counter() - started:.1f} s")
        port = loadgen.free_port()
        server = serve(db, port, args.workers)
        try:
            measure(port, ["/healthz"], 4, 1)  # warm-up
            base = measure(port, ["/healthz"], args.concurrency, args.seconds)
            look = measure(port, lookup_paths(pairs), args.concurrency, args.seconds)
        finally:
            server.terminate()
            server.wait()
    report("baseline: GET /healthz", base)
    report("lookup (50% with token)", look)
    print(f"ratio lookup/baseline throughput: {look['rps'] / base['rps']:.2f}")
    ok = look["rps"] >= 2000 and look["p99"] < 50 and look["errors"] == 0
    print(f"target >= 2,000 lookups/s, p99 < 50 ms: {'MET' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
