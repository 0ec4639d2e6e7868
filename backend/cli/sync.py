"""`motcua sync`: push this site's event log to the provincial hub, and check that both agree
(the agent itself is backend/store/sync.py)."""

from __future__ import annotations

import argparse
import sys

from backend.cli.common import open_store


def add_sync(sub) -> None:
    sync = sub.add_parser("sync", help="push this site's cases to the provincial hub"
                          ).add_subparsers(dest="sync_command", required=True)
    connect = sync.add_parser("connect", help="set the hub address and this site's token")
    connect.add_argument("url", help="e.g. https://hub.example.vn")
    connect.add_argument("--token", help="the token from `motcua hub site add`")
    connect.add_argument("--token-stdin", action="store_true", help="read the token from stdin")
    connect.set_defaults(func=cmd_sync_connect)
    run = sync.add_parser("run", help="push the event log to the hub, in order, until stopped")
    run.add_argument("--once", action="store_true", help="stop once the hub has caught up")
    run.add_argument("--batch", type=int, default=2000, help="events per request")
    run.add_argument("--max-backoff", type=float, default=60.0, metavar="S",
                     help="longest wait between retries while the hub is away")
    run.set_defaults(func=cmd_sync_run)
    check = sync.add_parser("check", help="compare site and hub per day; re-send what is missing")
    check.add_argument("--day", help="YYYY-MM-DD (default: every day)", type=_day)
    check.set_defaults(func=cmd_sync_check)


def _day(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD / the day must be "
                                         f"YYYY-MM-DD: {text!r}") from None


def cmd_sync_connect(args) -> int:
    from backend.store import sync

    token = sys.stdin.readline().strip() if args.token_stdin else (args.token or "")
    sync.connect(open_store(args), args.url, token)
    print(f"Đã cấu hình máy chủ tỉnh / hub set: {args.url}")
    return 0


def cmd_sync_run(args) -> int:
    """Push the event log to the hub until stopped (SIGTERM or Ctrl-C); `--once` to catch up."""
    import signal

    from backend.client import ApiError
    from backend.store.sync import Agent

    agent = Agent(open_store(args), batch_size=args.batch, max_backoff_s=args.max_backoff,
                  log=lambda line: print(line, flush=True))
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: agent.stop.set())
    try:
        total = agent.run(once=args.once)
    except ApiError as exc:  # --once: the hub refused; say why rather than retry forever
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    print(f"Đã gửi / pushed {total} sự kiện / events", flush=True)
    return 0


def cmd_sync_check(args) -> int:
    from backend.client import ApiError, BackendUnreachable
    from backend.store import sync

    try:
        result = sync.check(open_store(args), args.day)
    except (BackendUnreachable, ApiError) as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    if result["views"]:
        print(f"Đã gửi lại / resent {result['views']} hồ sơ (bản công khai) / case views")
    for diff in result["differ"]:
        print(f"{diff['day']}: trung tâm / site {diff['site']}, tỉnh / hub {diff['hub']} "
              "sự kiện / events")
    if not result["differ"]:
        print("Trung tâm và máy chủ tỉnh khớp nhau / site and hub agree")
        return 0
    print(f"Đã gửi lại / resent {result['resent']} sự kiện / events")
    for diff in result["remaining"]:
        print(f"Vẫn khác / still differs: {diff['day']}: trung tâm / site {diff['site']}, "
              f"tỉnh / hub {diff['hub']}", file=sys.stderr)
    return 1 if result["remaining"] else 0
