"""How passwords are hashed, wherever one is kept: the backend's accounts and the counter's
offline credential (so a clerk can log in at the counter while the server is down); and how
the secret tokens devices and centres are given are drawn.

argon2id at the library's RFC 9106 defaults. Only the test suite asks for cheap parameters
(MOTCUA_CHEAP_PASSWORD_HASH=1): thousands of logins at production cost would take minutes.
"""

from __future__ import annotations

import os
import secrets

from argon2 import PasswordHasher

CHEAP_HASH_ENV = "MOTCUA_CHEAP_PASSWORD_HASH"


def make_hasher(environ=os.environ) -> PasswordHasher:
    """The strong hasher; the cheap one only when asked for. Hashes carry their own
    parameters, so either kind of hasher verifies the other's hashes."""
    if environ.get(CHEAP_HASH_ENV) == "1":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def new_token() -> str:
    """256 random bits, URL-safe, for a device, a centre or a session. Never starting with "-":
    a technician passes it on a command line (`--token T`), where one would read as an option;
    one token in 64 is drawn again, which costs no strength worth counting."""
    while (token := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return token
