"""What several `motcua` command groups share: the clock, the site database, a report's
destination, option types and the serving plumbing (trusted proxies, systemd readiness)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from backend.domain.calendar import VN_TZ
from backend.domain.reports import FORMATS


def now():
    from datetime import datetime

    return datetime.now(VN_TZ)


def db_path(args) -> Path:
    from backend.app import default_db_path

    return Path(args.db or default_db_path()).resolve()


def open_store(args):
    from backend.app import default_db_path
    from backend.store.db import Store

    store = Store(args.db or default_db_path())
    store.migrate()
    return store


def write(body: bytes, path: str | None) -> None:
    """A report to its file, or to standard output when none is named."""
    if path:
        Path(path).write_bytes(body)
        print(f"Đã ghi / written: {path}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()


def iso_day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày YYYY-MM-DD / "
                                         "is not a date YYYY-MM-DD") from None


def add_period_options(parser, groups: list[str], default: str) -> None:
    """`--from`, `--to`, `--by`, `--format` and `-o` of `motcua report` and `motcua hub report`."""
    parser.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--by", choices=groups, default=default)
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")


def add_server_options(parser, port: int) -> None:
    """The options `motcua serve` and `motcua hub serve` share, in the order they show."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--workers", type=int, default=1)


def add_trusted_proxy_option(parser) -> None:
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                        help="a reverse proxy (address or network) whose X-Forwarded-For is "
                        "believed for rate limits; repeatable; default: none")


def check_trusted_proxies(args) -> None:
    if not args.trusted_proxy:
        return
    from backend.ratelimit import parse_proxies

    try:
        parse_proxies(args.trusted_proxy)
    except ValueError as exc:
        raise SystemExit(f"--trusted-proxy: không phải địa chỉ IP hay mạng / not an IP "
                         f"address or network ({exc})") from None
    os.environ["MOTCUA_TRUSTED_PROXIES"] = ",".join(args.trusted_proxy)


def run_server(app: str, args, title: str) -> None:
    """uvicorn with the app factory `app`, after saying where it listens."""
    import uvicorn

    print(f"{title}: http://{args.host}:{args.port}/  (API docs: /docs)", flush=True)
    notify_systemd(args.host, args.port)
    # proxy_headers off: the app alone decides whose X-Forwarded-For to believe.
    uvicorn.run(app, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, access_log=False, proxy_headers=False)


def notify_systemd(host: str, port: int) -> None:
    """Under systemd (Type=notify): READY once /healthz answers, then WATCHDOG only while it
    keeps answering, so a server that hangs with its process alive is restarted."""
    import threading

    from drivers.sdnotify import Notifier, watchdog_interval

    notifier = Notifier()
    if notifier.enabled:
        threading.Thread(target=_health_pings, args=(notifier, host, port, watchdog_interval()),
                         daemon=True, name="sd-notify").start()


def _health_pings(notifier, host: str, port: int, every: float) -> None:
    import time

    import requests

    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url, ready = f"http://{host}:{port}/healthz", False
    while True:
        try:
            healthy = requests.get(url, timeout=max(1.0, every / 2)).ok
        except requests.RequestException:
            healthy = False
        if healthy and not ready:
            ready = notifier.ready("serving")
        elif healthy:
            notifier.watchdog()
        time.sleep(every if ready else 0.2)
