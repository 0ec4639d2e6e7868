"""`motcua sms serve`: answer lookup SMS and send the citizens' notices on a GSM modem; the
modem loop here is shared with `motcua hub sms`."""

from __future__ import annotations

import argparse
import sys

from backend.cli.common import open_store


def add_sms(sub) -> None:
    sms = sub.add_parser("sms", help="SMS lookups over a GSM modem").add_subparsers(
        dest="sms_command", required=True)
    serve = sms.add_parser("serve", help="answer 'TTHC <mã hồ sơ>' messages and send the "
                           "citizens' notices (result ready, supplement, new date) until stopped")
    add_modem_options(serve)
    serve.add_argument("--no-notify", action="store_true",
                       help="only answer lookups; leave the notice outbox alone")
    serve.add_argument("--notify-per-day", type=int, default=5, metavar="N",
                       help="notices to one phone number a day at most; more wait a day")
    serve.add_argument("--notify-hours", type=_hours, default=(7, 21), metavar="H-H",
                       help="hours notices go out (default 7-21); outside, they wait")
    serve.set_defaults(func=cmd_sms_serve)


def add_modem_options(parser) -> None:
    parser.add_argument("--port", required=True, help="the modem's serial port, e.g. "
                        "/dev/motcua/modem")
    parser.add_argument("--keyword", default="TTHC")
    parser.add_argument("--text-mode", action="store_true",
                        help="send unaccented GSM text instead of Vietnamese UCS-2 (PDU mode)")


def _hours(text: str) -> tuple[int, int]:
    first, _, end = text.partition("-")
    if not (first.isdigit() and end.isdigit() and 0 <= int(first) < int(end) <= 24):
        raise argparse.ArgumentTypeError("giờ dạng 7-21 / hours like 7-21")
    return int(first), int(end)


def cmd_sms_serve(args) -> int:
    """Answer 'TTHC <mã hồ sơ>' SMS on a GSM modem until stopped (SIGTERM or Ctrl-C)."""
    from backend.sms import Notifier, SmsGateway

    store = open_store(args)
    notifier = None if args.no_notify else (
        lambda modem: Notifier(store, modem, per_day=args.notify_per_day,
                               hours=args.notify_hours))
    return serve_sms(args, lambda modem: SmsGateway(store, modem, keyword=args.keyword),
                     notifier)


def serve_sms(args, gateway, notifier=None) -> int:
    """`notifier(modem)`, if given, sends the citizens' notices on a thread of its own."""
    import signal
    import threading

    from drivers.modems import AtModem, ModemError

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    modem = AtModem(args.port, mode="text" if args.text_mode else "pdu")
    modem.on_message = gateway(modem).handle
    try:
        modem.open()
    except ModemError as exc:  # unplugged, no SIM, no network: systemd tries again later
        print(f"Lỗi modem / Modem error ({args.port}): {exc}", file=sys.stderr)
        return 1
    with modem:
        if notifier is not None:
            threading.Thread(target=notifier(modem).run, args=(stop,), daemon=True,
                             name="sms-notify").start()
        print(f"Đang trả lời SMS '{args.keyword} <mã hồ sơ>' trên {args.port} / "
              f"answering lookup SMS on {args.port}", flush=True)
        stop.wait()
    return 0
