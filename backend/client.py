"""Typed HTTP client for the motcua backend, used by the kiosk, the counter and the tests.

Two kinds of failure, kept apart because the apps react differently: `BackendUnreachable`
(network down, server stopped, timeout: go offline, retry later) and `ApiError` (the server
answered no: show its message).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from drivers.message import BilingualError


class BackendUnreachable(BilingualError):
    key = "unreachable"

    def __init__(self, url: str, cause: Exception):
        super().__init__("Không kết nối được máy chủ, hệ thống sẽ tự thử lại",
                         "Cannot reach the server; will retry automatically")
        self.args = (f"{self.vi} / {self.en} ({url}: {cause})",)
        self.cause = cause


class ApiError(BilingualError):
    """The server's refusal, with the message its JSON body carried."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("vi", "Máy chủ từ chối yêu cầu"),
                         body.get("en", f"The server refused the request (HTTP {status})"),
                         key=body.get("error", "error"))
        self.status = status
        self.field = body.get("field")
        self.body = body


# Base URL -> the transport a client made without one uses there. Empty in production; the
# test suite registers the apps it serves in process, so an app given only a URL (the counter,
# the kiosk) reaches them without a socket and a server thread.
IN_PROCESS: dict[str, BaseAdapter] = {}


class Client:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0,
                 transport: BaseAdapter | None = None):
        """transport: what carries requests to `base_url` (default: HTTP over the network,
        or what IN_PROCESS names for it); `InProcess(app)` calls the app in this process."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()
        transport = transport or IN_PROCESS.get(self.base_url)
        if transport is not None:
            self.session.mount(self.base_url + "/", transport)
            self.session.trust_env = False  # no proxy stands between it and the app

    def _request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                 headers: dict | None = None, data: bytes | None = None) -> dict:
        url = f"{self.base_url}{path}"
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        try:
            response = self.session.request(method, url, json=json, params=params, data=data,
                                            headers=all_headers, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise BackendUnreachable(url, exc) from exc
        return _decode(response)

    # --- accounts -------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict:
        answer = self._request("POST", "/api/v1/auth/login",
                               json={"username": username, "password": password})
        self.token = answer["token"]
        return answer

    def logout(self) -> None:
        self._request("POST", "/api/v1/auth/logout")
        self.token = None

    def me(self) -> dict:
        return self._request("GET", "/api/v1/auth/me")

    def change_password(self, old: str, new: str) -> dict:
        return self._request("POST", "/api/v1/auth/password",
                             json={"old_password": old, "new_password": new})

    def add_user(self, username: str, password: str, role: str, *, full_name: str = "",
                 unit: str | None = None) -> dict:
        return self._request("POST", "/api/v1/admin/users", json={
            "username": username, "password": password, "role": role,
            "full_name": full_name, "unit": unit})

    def set_calendar_override(self, day: str, working: bool, note: str = "") -> dict:
        return self._request("PUT", f"/api/v1/admin/calendar/overrides/{day}",
                             json={"working": working, "note": note})

    # --- catalogue ------------------------------------------------------------------------
    def procedures(self, query: str = "", field: str | None = None) -> list[dict]:
        params = {"q": query, **({"field": field} if field else {})}
        return self._request("GET", "/api/v1/procedures", params=params)["items"]

    def procedure(self, code: str) -> dict:
        return self._request("GET", f"/api/v1/procedures/{quote(code)}")

    def site(self) -> dict:
        return self._request("GET", "/api/v1/site")

    def fields(self) -> list[dict]:
        return self._request("GET", "/api/v1/fields")["items"]

    # --- cases ----------------------------------------------------------------------------
    def intake(self, procedure_code: str, applicant: dict, documents: dict[str, int], *,
               sets: int = 1, return_channel: str = "counter", received: bool = True,
               idempotency_key: str | None = None, offline: dict | None = None,
                notify_sms: bool = False, channel: str | None = None) -> dict:
        """offline: {"code", "received_at" (ISO), "station"} for a case numbered offline;
        notify_sms: the applicant agreed to SMS notices (needs the phone number);
        channel: in_person, post or online (unsaid: in person, online when not received)."""
        body = {"procedure_code": procedure_code, "applicant": applicant,
                "documents": documents, "sets": sets, "return_channel": return_channel,
                "received": received, "idempotency_key": idempotency_key, "offline": offline,
                "channel": channel}
        if notify_sms:  # only when ticked, so an older server is not sent a field it refuses
            body["notify_sms"] = True
        return self._request("POST", "/api/v1/cases", json=body)

    def lease(self, station: str, days: int = 2, count: int = 30) -> list[dict]:
        return self._request("POST", "/api/v1/cases/leases",
                             json={"station": station, "days": days, "count": count})["items"]

    def case(self, code: str) -> dict:
        return self._request("GET", f"/api/v1/cases/{quote(code)}")

    def cases(self, **filters: Any) -> list[dict]:
        params = {k: v for k, v in filters.items() if v is not None}
        return self._request("GET", "/api/v1/cases", params=params)["items"]

    def action(self, code: str, action: str, *, note: str | None = None, **params: Any) -> dict:
        body = {"note": note, **params}
        if hasattr(body.get("new_due_at"), "isoformat"):
            body["new_due_at"] = body["new_due_at"].isoformat()
        body = {k: v for k, v in body.items() if v is not None}
        return self._request("POST", f"/api/v1/cases/{quote(code)}/{action}", json=body)

    def events(self, code: str) -> list[dict]:
        return self._request("GET", f"/api/v1/cases/{quote(code)}/events")["items"]

    # --- public lookup --------------------------------------------------------------------
    def lookup(self, code: str, token: str | None = None) -> dict:
        params = {"t": token} if token else None
        return self._request("GET", f"/api/v1/lookup/{quote(code, safe='')}", params=params)

    # --- queue and ratings -----------------------------------------------------------------
    def queue_status(self) -> dict:
        return self._request("GET", "/api/v1/queue/status")

    def queue_services(self) -> list[dict]:
        return self._request("GET", "/api/v1/queue/services")["items"]

    def reserve_ticket(self, service: str, priority: str | None = None) -> dict:
        return self._request("POST", "/api/v1/queue/tickets",
                             json={"service": service, "priority": priority})

    def ticket_printed(self, ticket_id: int) -> dict:
        return self._request("POST", f"/api/v1/queue/tickets/{ticket_id}/printed")

    def cancel_ticket(self, ticket_id: int) -> dict:
        return self._request("POST", f"/api/v1/queue/tickets/{ticket_id}/cancel")

    def call(self, counter: int, what: str = "next", **body: Any) -> dict:
        """what: next, recall, done, skip or transfer (with to_counter= or to_service=)."""
        return self._request("POST", f"/api/v1/queue/counters/{counter}/{what}",
                             json=body or None)

    def rate(self, code: str, rating: str, token: str | None = None,
             channel: str = "kiosk") -> dict:
        return self._request("POST", "/api/v1/ratings", json={
            "code": code, "token": token, "rating": rating, "channel": channel})

    def request_rating(self, code: str, counter: int) -> dict:
        return self._request("POST", "/api/v1/ratings/requests",
                             json={"code": code, "counter": counter})

    def pending_rating(self, counter: int | None = None) -> dict | None:
        params = {"counter": counter} if counter is not None else None
        return self._request("GET", "/api/v1/ratings/requests/pending", params=params)["request"]

    # --- devices --------------------------------------------------------------------------
    def register_device(self, name: str, kind: str, station: str = "") -> dict:
        return self._request("POST", "/api/v1/devices",
                             json={"name": name, "kind": kind, "station": station})

    def heartbeat(self, version: str, hardware: dict) -> dict:
        return self._request("POST", "/api/v1/devices/heartbeat",
                             json={"version": version, "hardware": hardware})

    def send_selftest(self, report: dict) -> dict:
        """report: {"ok": bool, "checks": [...], "station": str, "version": str}."""
        return self._request("POST", "/api/v1/devices/selftest", json=report)

    def device_me(self) -> dict:
        return self._request("GET", "/api/v1/devices/me")

    def set_device_settings(self, name: str, **settings: Any) -> dict:
        return self._request("PUT", f"/api/v1/devices/{quote(name)}/settings", json=settings)

    def devices(self) -> list[dict]:
        return self._request("GET", "/api/v1/devices")["items"]

    def health(self) -> dict:
        return self._request("GET", "/healthz")


class InProcess(BaseAdapter):
    """A transport that hands each request to an ASGI app in this process: no socket, no
    server thread. Any thread may send; requests run on one event loop of their own."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        status, headers, body = _LOOP.run(_call_app(self.app, request))
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = body
        response.url, response.request = request.url, request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


class _LoopThread:
    """One event loop, on a daemon thread, for every in-process request, as a server has one.
    A loop per request made anyio start a new worker thread for each sync route, and the
    store open a new SQLite connection in each: four fifths of a small request's CPU."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.starting = threading.Lock()

    def run(self, coroutine):
        if threading.current_thread() is self.thread:  # an async route calling in process
            with ThreadPoolExecutor(1) as pool:
                return pool.submit(asyncio.run, coroutine).result()
        return asyncio.run_coroutine_threadsafe(coroutine, self._started()).result()

    def _started(self) -> asyncio.AbstractEventLoop:
        with self.starting:
            if self.loop is None:
                self.loop = asyncio.new_event_loop()
                self.thread = threading.Thread(target=self._serve, name="in-process-app",
                                               daemon=True)
                self.thread.start()
        return self.loop

    def _serve(self) -> None:
        # Under run_until_complete, as under a server's asyncio.run: anyio finds this task as
        # the root and keeps its worker threads until it ends, not just until a request does.
        self.loop.run_until_complete(_forever())


async def _forever() -> None:
    await asyncio.get_running_loop().create_future()


_LOOP = _LoopThread()


async def _call_app(app, request) -> tuple[int, list[tuple[str, str]], bytes]:
    url = urlsplit(request.url)
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else body
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
               for k, v in {"host": url.netloc, **request.headers}.items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": request.method, "scheme": url.scheme, "path": unquote(url.path),
             "raw_path": url.path.encode(), "query_string": url.query.encode(),
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
             "server": (url.hostname, url.port or 80)}
    answered = asyncio.Event()
    start: dict = {}
    chunks: list[bytes] = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        if pending:
            return pending.pop()
        await answered.wait()  # as a client that keeps listening until the answer ends
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                answered.set()

    await app(scope, receive, send)
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
    return start.get("status", 500), headers, b"".join(chunks)


def _decode(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = {"en": response.text[:200] or f"HTTP {response.status_code}"}
    if response.status_code >= 400:
        raise ApiError(response.status_code, body if isinstance(body, dict) else {})
    return body
