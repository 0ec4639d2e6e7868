"""`motcua sync check`: site and hub compared per day, what the hub lacks sent again."""

from __future__ import annotations

import subprocess
import sys

from backend.store import sync
from tests.hub.test_sync import some_cases


def check_cli(store, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backend.cli", "--db", store.path, "sync",
                           "check", *args], capture_output=True, text=True, timeout=120)


def lose_tail(central, keep: int) -> None:
    """As if the hub came back from a backup older than what the site's cursor says."""
    with central.tx() as conn:
        conn.execute("delete from events where id > %s", [keep])
        row = conn.execute("select hash from events where id = %s", [keep]).fetchone()
        conn.execute("update sites set last_event_id = %s, last_hash = %s", [keep, row["hash"]])


def held(central) -> list[tuple]:
    return [(r["id"], r["hash"]) for r in central.all("select id, hash from events order by id")]


def test_check_finds_the_missing_day_and_sends_it_again(server, hub, connected):
    some_cases(server, 3)
    store, central = server.app.state.store, hub.app.state.hub
    sync.Agent(store, log=lambda _: None).run(once=True)
    lose_tail(central, 2)
    mine = [(r["id"], r["hash"]) for r in store.all("select id, hash from events order by id")]
    day = store.one("select substr(at, 1, 10) as day from events")["day"]
    done = check_cli(store, "--day", day)
    assert done.returncode == 0, done.stderr
    assert f"{day}: trung tâm / site {len(mine)}, tỉnh / hub 2" in done.stdout
    assert f"resent {len(mine) - 2} sự kiện" in done.stdout
    assert held(central) == mine
    again = check_cli(store)
    assert again.returncode == 0 and "site and hub agree" in again.stdout


def test_a_hub_that_differs_from_the_site_is_reported_not_papered_over(server, hub, connected):
    some_cases(server, 1)
    store, central = server.app.state.store, hub.app.state.hub
    sync.Agent(store, log=lambda _: None).run(once=True)
    with central.tx() as conn:
        conn.execute("update events set hash = repeat('f', 64) where id = 1")
    done = check_cli(store)
    assert done.returncode == 1
    assert "Vẫn khác / still differs" in done.stderr


def test_a_malformed_day_gets_a_bilingual_message(server, hub, connected):
    done = check_cli(server.app.state.store, "--day", "23/11/2026")
    assert done.returncode == 2
    assert "ngày phải có dạng YYYY-MM-DD / the day must be YYYY-MM-DD" in done.stderr


def test_check_without_a_hub_says_how_to_set_one(store):
    done = check_cli(store)
    assert done.returncode == 2
    assert "motcua sync connect URL" in done.stderr


def test_run_once_with_a_revoked_token_says_why(server, hub, connected):
    some_cases(server, 1)
    store = server.app.state.store
    sync.connect(store, hub.url, "revoked-token")
    done = subprocess.run([sys.executable, "-m", "backend.cli", "--db", store.path, "sync",
                           "run", "--once"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Mã truy cập của trung tâm không đúng / Unknown site token" in done.stderr
