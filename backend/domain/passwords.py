"""How passwords are hashed, wherever one is kept: the backend's accounts and the counter's
offline credential (so a clerk can log in at the counter while the server is down).

argon2id at the library's RFC 9106 defaults. Only the test suite asks for cheap parameters
(MOTCUA_CHEAP_PASSWORD_HASH=1): thousands of logins at production cost would take minutes.
"""

from __future__ import annotations

import os

from argon2 import PasswordHasher

CHEAP_HASH_ENV = "MOTCUA_CHEAP_PASSWORD_HASH"


def make_hasher(environ=os.environ) -> PasswordHasher:
    """The strong hasher; the cheap one only when asked for. Hashes carry their own
    parameters, so either kind of hasher verifies the other's hashes."""
    if environ.get(CHEAP_HASH_ENV) == "1":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()
