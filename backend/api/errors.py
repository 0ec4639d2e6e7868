"""Turn every failure into a 4xx with a Vietnamese and an English message, never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from backend.domain.errors import MotcuaError, TooManyRequests
from drivers.message import validation_words

log = logging.getLogger("motcua.api")

_HTTP_VI = {404: "Không tìm thấy địa chỉ này", 405: "Phương thức không được hỗ trợ",
            413: "Dữ liệu gửi lên quá lớn"}


def _where(error: dict) -> str:
    return ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    said = [(_where(e), validation_words(e)) for e in errors]  # the YAML loaders' own words
    vi = "; ".join(f"{where}: {words.vi}" for where, words in said)
    en = "; ".join(f"{where}: {words.en}" for where, words in said)
    vi, en = f"Dữ liệu không hợp lệ: {vi}", f"Invalid input: {en}"
    body = {"error": "invalid_input", "message": f"{vi} / {en}", "vi": vi, "en": en,
            "field": _where(errors[0]) if errors else None}
    return JSONResponse(body, status_code=422)


async def _motcua(request: Request, exc: MotcuaError) -> JSONResponse:
    headers = None
    if isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(getattr(exc, "retry_after", 60))}
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


async def _http(request: Request, exc: HTTPException) -> JSONResponse:
    vi = _HTTP_VI.get(exc.status_code, "Yêu cầu không hợp lệ")
    key = "body_too_large" if exc.status_code == 413 else "http_error"
    body = {"error": key, "vi": vi, "en": str(exc.detail),
            "message": f"{vi} / {exc.detail}"}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
    # A number too large for SQLite or a date past the calendar's end: the caller's mistake.
    vi, en = "Giá trị quá lớn", "A value is out of range"
    return JSONResponse({"error": "out_of_range", "vi": vi, "en": en,
                         "message": f"{vi} / {en}"}, status_code=422)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    body = {"error": "internal", "vi": "Lỗi hệ thống, vui lòng thử lại sau",
            "en": "Internal error, please try again later"}
    body["message"] = f"{body['vi']} / {body['en']}"
    return JSONResponse(body, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(MotcuaError, _motcua)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(OverflowError, _overflow)
    app.add_exception_handler(Exception, _unexpected)
