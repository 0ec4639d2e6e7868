"""What the API accepts, bounded: request bodies, text, whole numbers, moments, body sizes.

Every body model derives from `Body`, so every string in every request (names, addresses,
notes, dictionary keys) is cleaned in one place before it is validated or stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException

from backend.domain.errors import InvalidInput
from backend.domain.text import clean

MAX_INT = 2**63 - 1  # SQLite's integers are 64-bit; a larger one must be a 422, not a crash
MAX_DEPTH = 16
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)

# Moments carry their offset (a clock without one is a guess) and stay far from the calendar's
# ends, where adding a deadline would overflow.
Moment = Annotated[AwareDatetime, Field(ge=EARLIEST, le=LATEST)]
Day = Annotated[date, Path(ge=EARLIEST.date(), le=LATEST.date())]
TicketId = Annotated[int, Path(ge=1, le=MAX_INT)]
CounterNo = Annotated[int, Path(ge=1, le=99)]
Offset = Annotated[int, Query(ge=0, le=MAX_INT)]


def cleaned(value: Any, depth: int = 0) -> Any:
    """Every string in a JSON value, keys included, through `text.clean`."""
    if depth > MAX_DEPTH:
        raise InvalidInput("Dữ liệu lồng nhau quá sâu", "The data is nested too deeply")
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {cleaned(k, depth + 1): cleaned(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v, depth + 1) for v in value]
    return value


class Body(BaseModel):
    """The base of every request body: unknown fields refused, all text cleaned first."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        return cleaned(data)


# Bytes a request body may have: small where the payload is known, 64 KB for everything else.
DEFAULT_BODY_LIMIT = 64 * 1024
BODY_LIMITS = (("/api/v1/auth/", 4 * 1024), ("/api/v1/ratings", 2 * 1024),
               ("/api/v1/queue/", 2 * 1024), ("/api/v1/devices/heartbeat", 16 * 1024))


def body_limit(path: str) -> int:
    return next((limit for prefix, limit in BODY_LIMITS if path.startswith(prefix)),
                DEFAULT_BODY_LIMIT)


class BodyLimit:
    """ASGI middleware: a body past its limit gets a 413 after at most `limit` bytes are read.

    A declared Content-Length is judged before anything is read; a chunked body is counted as
    it arrives and reading stops at the limit, so a 100 MB upload never sits in memory.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            return await self.app(scope, receive, send)  # no route here reads their body
        limit = body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await too_large(limit)(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"The request body is larger than {limit} bytes")
            return message

        await self.app(scope, counted, send)


def too_large(limit: int) -> JSONResponse:
    vi = f"Dữ liệu gửi lên quá lớn (tối đa {limit} byte)"
    en = f"The request body is too large (at most {limit} bytes)"
    return JSONResponse({"error": "body_too_large", "vi": vi, "en": en,
                         "message": f"{vi} / {en}"}, status_code=413)
