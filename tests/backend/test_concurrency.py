"""Code allocation under load: no duplicate, no gap, across threads and across processes."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from backend.client import Client
from backend.domain.calendar import VN_TZ
from backend.domain.codes import parse_code
from backend.domain.workflow import Actor
from backend.store import cases, catalog
from backend.store.db import Store
from backend.store.site import load_site
from tests.backend.api.helpers import APPLICANT, all_documents, pick_procedure


def test_fifty_concurrent_intakes_get_fifty_consecutive_codes(server, store):
    token = server.client("clerk").token
    proc = pick_procedure(server.client())

    def one(i: int) -> str:
        client = Client(server.url, token=token, timeout=30)
        return client.intake(proc["code"], APPLICANT, all_documents(proc),
                             idempotency_key=f"concurrent-{i:04d}")["code"]

    with ThreadPoolExecutor(max_workers=50) as pool:
        made = list(pool.map(one, range(50)))
    assert len(set(made)) == 50
    assert sorted(parse_code(c).seq for c in made) == list(range(1, 51))
    assert store.one("select count(*) as n from events where action = 'intake'")["n"] == 50


def _intake_many(path: str, count: int, queue) -> None:
    store = Store(path)
    the_site = load_site(store)
    proc = catalog.search(store)[0]
    documents = {d.id: 1 for d in proc.documents if d.required}
    now = datetime(2026, 11, 23, 10, 0, tzinfo=VN_TZ)
    made = [cases.intake(store, the_site, cases.Intake(proc, cases.Applicant("Lê Văn Tám"),
                                                       documents),
                         Actor("clerk", "clerk", "MOTCUA"), now)[0]["code"]
            for _ in range(count)]
    queue.put(made)


def test_two_processes_on_one_file_never_share_a_number(store):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_intake_many, args=(store.path, 25, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    made = queue.get(timeout=120) + queue.get(timeout=120)
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(parse_code(c).seq for c in made) == list(range(1, 51))
    count, broken = cases.verify_events(store)  # both processes extended one chain
    assert (count, broken) == (50, None)
