"""The clerk's session: a personal account, the forced first password change, offline login.

Each official logs in with their own account (Mỹ Tho art. 13.3) and must change the password an
administrator gave them before doing anything else. When the server is down the station still
lets a clerk in who has logged in here before: it keeps an argon2 hash of the password from the
last good online login (never the password itself, never a temporary password), and keeps the
typed password in memory only until it can log in online again and send the outbox.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError

from backend.client import ApiError
from backend.domain.passwords import make_hasher
from counter_app.link import Link
from counter_app.localstore import LocalStore
from counter_app.strings import fail
from counter_app.texts import OfflineError

ROLES = ("clerk",)  # the counter's work (intake, queue, return) is the clerk's


class Session:
    def __init__(self, link: Link, store: LocalStore, clock: Callable[[], datetime]) -> None:
        self.link, self.store, self.clock = link, store, clock
        self.hasher = make_hasher()
        self.user: dict | None = None
        self.must_change = False
        self.offline_auth = False
        self._password: str | None = None  # only while logged in offline

    @property
    def ready(self) -> bool:
        """Logged in and allowed to work."""
        return self.user is not None and not self.must_change

    @property
    def full_name(self) -> str:
        return (self.user or {}).get("full_name") or (self.user or {}).get("username", "")

    def require(self) -> dict:
        if self.user is None:
            raise fail("login_required")
        if self.must_change:
            raise fail("password_change_required")
        return self.user

    def login(self, username: str, password: str) -> dict:
        username = username.strip()
        if not username or not password:
            raise fail("missing_credentials")
        try:
            answer = self.link.call(self.link.client.login, username, password)
        except OfflineError:
            return self._login_offline(username, password)
        self._check_role(answer["user"])
        self.user, self.offline_auth = answer["user"], False
        self.must_change = bool(answer["must_change_password"])
        if not self.must_change:
            self._remember(username, password)
        return self.user

    def _check_role(self, user: dict) -> None:
        if user["role"] not in ROLES:
            self.link.client.token = None
            raise fail("wrong_role", role=user['role'])

    def change_password(self, old: str, new: str, again: str | None = None) -> None:
        if again is not None and new != again:
            raise fail("password_mismatch", field="again")
        self.link.call(self.link.client.change_password, old, new)
        self.must_change = False
        self._remember(self.user["username"], new)

    def logout(self) -> None:
        if self.link.client.token and self.link.online:
            with contextlib.suppress(OfflineError, ApiError):
                self.link.call(self.link.client.logout)
        self.link.client.token = None
        self.user, self.must_change, self.offline_auth, self._password = None, False, False, None

    def resume_online(self) -> bool:
        """Back online after an offline login: get a real session to send the outbox with."""
        if not (self.offline_auth and self._password and self.user):
            return not self.offline_auth
        answer = self.link.call(self.link.client.login, self.user["username"], self._password)
        self.user, self.offline_auth, self._password = answer["user"], False, None
        return True

    # -- the offline credential ------------------------------------------------------------
    def _remember(self, username: str, password: str) -> None:
        with self.store.tx() as db:
            db["credentials"].upsert({
                "username": username, "hash": self.hasher.hash(password),
                "user": json.dumps(self.user, ensure_ascii=False),
                "updated_at": self.clock().isoformat()}, pk="username")

    def _login_offline(self, username: str, password: str) -> dict:
        row = self.store.one("select * from credentials where username = ?", [username])
        if row is None or not self._verify(row["hash"], password):
            raise fail("offline_login_refused")
        self.user, self.must_change = json.loads(row["user"]), False
        self.offline_auth, self._password = True, password
        return self.user

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
