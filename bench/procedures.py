"""The public procedure list (GET /api/v1/procedures, the kiosk's and the counter's search),
timed in the server against the same answer sent through its response model.

    .venv/bin/python bench/procedures.py [--repeat 300]

A fresh database with the shipped catalogue; each request goes straight through the ASGI app
in this process on one event loop (as bench/worklist.py does), so no network or client time is
counted. Printed, medians of interleaved rounds, the whole list and `?q=hộ tịch`:
  (a) baseline: the same search returned as a dict from a route added for the bench, which
      FastAPI validates and re-serialises through ProcedureList (as the route did before);
  (b) GET /api/v1/procedures as it is (a ready JSONResponse; the model only documents it);
  and, for scale, GET /api/v1/site (one settings read, a small dict).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import Depends

from backend.api import deps
from backend.api.answers import ProcedureList, answers
from backend.app import create_app
from backend.store import catalog
from bench.seed import seeded_store
from bench.worklist import asgi_get

QUERY = "?q=h%E1%BB%99%20t%E1%BB%8Bch"
PATHS = {"baseline list": "/bench/procedures", "list": "/api/v1/procedures",
         "baseline q=": "/bench/procedures" + QUERY, "q=": "/api/v1/procedures" + QUERY,
         "/site": "/api/v1/site"}


def with_model_route(app):
    """The list as the route built it before, left for FastAPI to check against its model."""
    @app.get("/bench/procedures", **answers(ProcedureList))
    def through_model(q: str = "", store=Depends(deps.store), today=Depends(deps.today)):
        found = catalog.search(store, q, None, today)
        return {"items": [p.model_dump(mode="json") for p in found], "count": len(found)}
    return app


async def median_ms(app, target: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        status, _ = await asgi_get(app, target)
        runs.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"{target} answered {status}")
    return statistics.median(runs)


async def rounds(app, repeat: int) -> dict[str, float]:
    """Interleaved, so a burst of load on the shared machine hits every route alike."""
    found: dict[str, list[float]] = {name: [] for name in PATHS}
    for _ in range(5):
        for name, target in PATHS.items():
            found[name].append(await median_ms(app, target, max(repeat // 5, 1)))
    return {name: statistics.median(values) for name, values in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        store, _ = seeded_store(os.path.join(tmp, "bench.sqlite"), 0)
        app = with_model_route(create_app(store.path))
        same = [asyncio.run(asgi_get(app, PATHS[name]))[1] for name in ("baseline list", "list")]
        if same[0] != same[1]:
            raise RuntimeError("the route's JSON differs from the model's")
        asyncio.run(rounds(app, 10))  # warm-up
        ms = asyncio.run(rounds(app, args.repeat))
    print(f"{json.loads(same[1])['count']} procedures, {len(same[1])} bytes, the same JSON both "
          f"ways; load average {os.getloadavg()[0]:.1f}")
    for name in ("list", "q="):
        base, now = ms[f"baseline {name}"], ms[name]
        print(f"{name:5} through the model {base:6.2f} ms, as sent now {now:6.2f} ms "
              f"(ratio {now / base:.2f})")
    print(f"/site {ms['/site']:6.2f} ms")


if __name__ == "__main__":
    main()
