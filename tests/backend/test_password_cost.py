"""The cheap argon2 parameters are for the test suite only; production hashes at full cost.
New secret tokens (backend.domain.passwords.new_token) can be passed on a command line."""

import os
import subprocess
import sys

from argon2 import extract_parameters

from backend.domain.passwords import CHEAP_HASH_ENV, make_hasher
from backend.store import accounts

STRONG = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


def params(hasher) -> dict:
    return {name: getattr(hasher, name) for name in STRONG}


def test_production_hasher_uses_the_strong_defaults():
    assert params(make_hasher({})) == STRONG
    assert params(make_hasher({CHEAP_HASH_ENV: "0"})) == STRONG


def test_a_process_started_without_the_setting_hashes_at_full_cost():
    # A fresh interpreter, as `motcua serve` runs, with the test setting removed; the hash it
    # makes at import (the timing equaliser) shows the parameters its logins use.
    env = {k: v for k, v in os.environ.items() if k != CHEAP_HASH_ENV}
    # The counter keeps its offline credential with the same hasher.
    code = ("from backend.store import accounts; print(accounts._DUMMY_HASH)\n"
            "from counter_app.session import Session; print(Session(None, None, None).hasher"
            ".hash('x'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout.split()
    for made in out:
        stored = extract_parameters(made)
        assert (stored.time_cost, stored.memory_cost, stored.parallelism) == (3, 65536, 4)
    assert len(out) == 2


def test_the_suite_hashes_cheaply_and_still_reads_strong_hashes():
    cheap = make_hasher({CHEAP_HASH_ENV: "1"})
    assert params(accounts._hasher) == params(cheap) == {"time_cost": 1, "memory_cost": 8,
                                                         "parallelism": 1}
    # Hashes carry their own parameters: a database made at full cost still logs in.
    strong_hash = make_hasher({}).hash("Matkhau123")
    assert cheap.verify(strong_hash, "Matkhau123")


def test_a_new_token_never_reads_as_a_command_line_option(monkeypatch):
    # `motcua hw selftest --token -x…` failed in CI once: one token in 64 began with "-".
    from backend.domain import passwords

    real = [passwords.new_token() for _ in range(2000)]
    assert all(len(t) == 43 and not t.startswith("-") for t in real) and len(set(real)) == 2000
    drawn = iter(["-AbCd", "_xYz"])
    monkeypatch.setattr(passwords.secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert passwords.new_token() == "_xYz"
