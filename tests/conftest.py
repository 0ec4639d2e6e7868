"""Settings for the whole suite, read before any test module imports the backend.

Passwords are hashed with cheap argon2 parameters here: the suite logs in thousands of times and
production cost would spend minutes on it. Production never reads this setting unless told to
(tests/backend/test_password_cost.py proves the defaults are the strong ones).
"""

from __future__ import annotations

import os

# Before `backend.store.accounts` is imported: its hasher is made at import time. Server
# processes the tests start inherit the setting, so they verify the template's hashes as cheaply.
os.environ["MOTCUA_CHEAP_PASSWORD_HASH"] = "1"
