"""Errors that carry one message in Vietnamese and its English twin.

Every layer raises these; the API turns them into a 4xx body and the apps show `vi` first,
`en` beside it, so a clerk and a foreign technician read the same thing.
"""

from __future__ import annotations

from drivers.message import BilingualError, Message  # noqa: F401 - one import for the backend


class MotcuaError(BilingualError):
    """Base of every expected, explainable failure of the backend. `key` is a stable name."""

    status = 400
    key = "bad_request"

    def __init__(self, vi: str, en: str, *, key: str | None = None, field: str | None = None):
        super().__init__(vi, en, key=key)
        self.field = field

    def to_dict(self) -> dict:
        body = {"error": self.key, "message": str(self), "vi": self.vi, "en": self.en,
                "level": self.level}
        if self.field:
            body["field"] = self.field
        return body


class InvalidInput(MotcuaError):
    status = 422
    key = "invalid_input"


class NotFound(MotcuaError):
    status = 404
    key = "not_found"


class Conflict(MotcuaError):
    status = 409
    key = "conflict"


class Forbidden(MotcuaError):
    status = 403
    key = "forbidden"


class Unauthorized(MotcuaError):
    status = 401
    key = "unauthorized"


class TooManyRequests(MotcuaError):
    status = 429
    key = "rate_limited"
