"""SIGKILL the real server in the middle of intakes: nothing acknowledged is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid

import pytest

from backend.client import ApiError, BackendUnreachable, Client
from backend.domain.codes import parse_code
from backend.store.db import Store
from tests.backend.api.helpers import APPLICANT, all_documents
from tests.backend.conftest import PASSWORD, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.slow


def start_server(db_path, port: int) -> subprocess.Popen:
    """`motcua serve` as a process, once it answers; generous, as a loaded machine can take
    most of a minute just to import the backend."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "--db", str(db_path), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Client(f"http://127.0.0.1:{port}", timeout=1)

    def answers() -> bool:
        try:
            return bool(client.health())
        except BackendUnreachable:
            return proc.poll() is not None  # exited: stop waiting, the check below says so

    if wait_until(answers, timeout=120, interval=0.05) and proc.poll() is None:
        return proc
    proc.kill()
    proc.wait()
    raise RuntimeError("the server did not start")


def hammer(url: str, token: str, proc: dict, acked: dict, stop: threading.Event) -> None:
    client = Client(url, token=token, timeout=2)
    while not stop.is_set():
        key = str(uuid.uuid4())
        try:
            case = client.intake(proc["code"], APPLICANT, all_documents(proc),
                                 idempotency_key=key)
        except (BackendUnreachable, ApiError):
            return
        acked[key] = case["code"]


class Clerks:
    """`count` clerks taking in cases as fast as the server answers; `acked` maps each
    idempotency key to the code the server acknowledged."""

    def __init__(self, url: str, count: int) -> None:
        token = Client(url).login("clerk", PASSWORD)["token"]
        self.proc = Client(url).procedures()[0]
        self.acked: dict[str, str] = {}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=hammer, args=(url, token, self.proc, self.acked,
                                                              self.stop)) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def halt(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


def test_sigkill_mid_intake_loses_no_acknowledged_case(template_db, tmp_path):
    import shutil

    db_path = tmp_path / "motcua.sqlite"
    shutil.copy(template_db, db_path)
    port = free_port()
    server = start_server(db_path, port)
    clerks = Clerks(f"http://127.0.0.1:{port}", 4)
    acked, proc = clerks.acked, clerks.proc
    # Kill mid-stream as soon as enough intakes are acknowledged, however slow the machine.
    assert wait_until(lambda: len(acked) > 10, timeout=60)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    clerks.halt()
    assert len(acked) > 10, "the server should have acknowledged intakes before the kill"
    last_seq = _check_consistent(db_path, acked)
    _check_event_chain(db_path)
    _check_restart_continues(db_path, acked, proc, last_seq)
    _check_event_chain(db_path)


def _check_event_chain(db_path) -> None:
    """`motcua db verify` walks the hash chain the killed server left behind."""
    run = subprocess.run([sys.executable, "-m", "backend.cli", "--db", str(db_path), "db",
                          "verify"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "event log intact" in run.stdout


def _check_consistent(db_path, acked: dict) -> int:
    store = Store(db_path)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r["idempotency_key"]: r["code"] for r in store.all(
        "select idempotency_key, code from cases")}
    for key, code in acked.items():
        assert stored.get(key) == code, f"acknowledged case {code} lost"
    intake_events = store.one("select count(*) as n from events where action = 'intake'")["n"]
    assert intake_events == len(stored)
    seqs = sorted(r["seq"] for r in store.all("select seq from cases"))
    assert seqs == list(range(1, len(seqs) + 1)), "a gap or duplicate in the day's sequence"
    store.close()
    return seqs[-1]


def _check_restart_continues(db_path, acked: dict, proc: dict, last_seq: int) -> None:
    port = free_port()
    server = start_server(db_path, port)
    try:
        client = Client(f"http://127.0.0.1:{port}")
        client.login("clerk", PASSWORD)
        key, code = next(iter(acked.items()))
        retried = client.intake(proc["code"], APPLICANT, all_documents(proc),
                                idempotency_key=key)
        assert retried["code"] == code and retried["created"] is False
        fresh = client.intake(proc["code"], APPLICANT, all_documents(proc))
        assert fresh["created"] and parse_code(fresh["code"]).seq == last_seq + 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
