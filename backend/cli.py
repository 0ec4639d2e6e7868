"""The `motcua` command: serve, db, site, user, device, procedures, demo, report, sync, hub,
flash."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from backend.backup_cli import add_backup_commands
from backend.catalog import DEFAULT_CATALOG_DIR as CATALOG_DIR
from backend.domain.calendar import VN_TZ
from backend.domain.errors import MotcuaError
from backend.domain.procedures import CatalogError
from drivers.hwcli import add_hw_commands


def _now():
    from datetime import datetime

    return datetime.now(VN_TZ)


def _store(args):
    from backend.app import default_db_path
    from backend.store.db import Store

    store = Store(args.db or default_db_path())
    store.migrate()
    return store


NOT_INITIALISED = ("Cơ sở dữ liệu chưa được khởi tạo: {path}. Hãy chạy `motcua db init` "
                   "(hoặc `motcua serve --init`) rồi chạy lại.\n"
                   "The database has not been initialised: {path}. Run `motcua db init` "
                   "(or `motcua serve --init`) first.")


def _initialised(path: Path) -> bool:
    """Checked before anything is written: refusing to start must not leave an empty file."""
    from backend.app import database_state
    from backend.store.db import Store

    if not path.exists():
        return False
    store = Store(path)
    try:
        return database_state(store)["initialised"]
    finally:
        store.close()


def _database_ready(args) -> bool:
    """`serve` on a database `db init` never prepared would start, then fail every lookup."""
    from backend.app import default_db_path

    path = Path(args.db or default_db_path()).resolve()
    if args.init:  # exactly what `motcua db init` with its defaults does
        return cmd_db_init(build_parser().parse_args(["--db", str(path), "db", "init"])) == 0
    if _initialised(path):
        return True
    print(NOT_INITIALISED.format(path=path), file=sys.stderr)
    return False


def _check_trusted_proxies(args) -> None:
    if not args.trusted_proxy:
        return
    from backend.ratelimit import parse_proxies

    try:
        parse_proxies(args.trusted_proxy)
    except ValueError as exc:
        raise SystemExit(f"--trusted-proxy: không phải địa chỉ IP hay mạng / not an IP "
                         f"address or network ({exc})") from None
    os.environ["MOTCUA_TRUSTED_PROXIES"] = ",".join(args.trusted_proxy)


def cmd_serve(args) -> int:
    _check_trusted_proxies(args)  # a bad option is named before anything is looked at
    if not _database_ready(args):
        return 2
    import uvicorn

    from backend.app import default_db_path

    os.environ["MOTCUA_DB"] = str(Path(args.db or default_db_path()).resolve())
    _store(args)  # migrate once before workers race to do it
    print(f"motcua: http://{args.host}:{args.port}/  (API docs: /docs)", flush=True)
    _notify_systemd(args.host, args.port)
    # proxy_headers off: the app alone decides whose X-Forwarded-For to believe.
    uvicorn.run("backend.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=False,
                proxy_headers=False)
    return 0


def _notify_systemd(host: str, port: int) -> None:
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


def cmd_db_init(args) -> int:
    from backend.catalog import load_catalog
    from backend.store import site
    from backend.store.catalog import load_catalog_into

    store = _store(args)
    catalog = load_catalog(CATALOG_DIR)
    site.init_settings(store, site.catalog_defaults(catalog), agency_code=args.agency_code,
                       agency_name=args.agency_name, public_base_url=args.public_address)
    added, units = load_catalog_into(store, catalog)
    print(f"Đã khởi tạo CSDL / database ready: {store.path} "
          f"({added} phiên bản thủ tục mới / new procedure versions, {units} đơn vị / units)")
    return 0


def cmd_site_set(args) -> int:
    from backend.store import site

    value = site.set_public(_store(args), args.name, args.value)
    print(f"{args.name} = {value or '(không có / none)'}")
    return 0


def cmd_site_show(args) -> int:
    from backend.store import site

    current = site.load_site(_store(args))
    print(f"agency_code = {current.agency_code}\nagency_name = {current.agency_name}\n"
          f"public_address = {current.public_base_url or '(không có / none)'}")
    return 0


def cmd_db_migrate(args) -> int:
    store = _store(args)
    print(f"Lược đồ đã cập nhật / schema up to date: {store.path}")
    return 0


def cmd_db_verify(args) -> int:
    """Walk the hash-chained event log; name the first event where it does not hold."""
    from backend.store.cases import verify_events

    store = _store(args)
    count, problem = verify_events(store)
    if problem is None:
        print(f"Nhật ký sự kiện nguyên vẹn: {count} sự kiện / "
              f"event log intact: {count} events ({store.path})")
        return 0
    print(f"Nhật ký sự kiện bị thay đổi: {problem.vi} / event log tampered with: {problem.en} "
          f"({count} sự kiện trước đó nguyên vẹn / earlier events intact)", file=sys.stderr)
    return 1


def _load_procedures(store, directory: Path) -> tuple[int, int]:
    from backend.catalog import load_catalog
    from backend.store.catalog import load_catalog_into

    return load_catalog_into(store, load_catalog(directory))


def cmd_procedures_abolish(args) -> int:
    from datetime import UTC, datetime

    from backend.store import catalog

    catalog.abolish(_store(args), args.code, args.from_day, args.note, "cli",
                    datetime.now(UTC))
    print(f"Thủ tục {args.code} bãi bỏ từ ngày {args.from_day:%d/%m/%Y} / "
          f"procedure {args.code} abolished from {args.from_day}")
    return 0


def cmd_procedures_list(args) -> int:
    from backend.store import catalog

    for entry in catalog.versions(_store(args)):
        print(_procedure_line(entry))
    return 0


def _procedure_line(entry: dict) -> str:
    marks = [v["version"] + (" *" if v["in_force"] else " (sắp tới / upcoming)"
                             if v["upcoming"] else "") for v in entry["versions"]]
    gone = (f"  bãi bỏ từ / abolished from {entry['abolished_from']}"
            if entry["abolished_from"] else "")
    return f"{entry['code']}  {entry['name']}  [{', '.join(marks)}]{gone}"


def cmd_procedures_load(args) -> int:
    added, units = _load_procedures(_store(args), Path(args.directory))
    print(f"Đã nạp {added} phiên bản thủ tục mới, {units} đơn vị / "
          f"loaded {added} new procedure versions, {units} units")
    return 0


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise SystemExit("Cần --password-stdin khi không có bàn phím / "
                         "use --password-stdin when not on a terminal")
    first = getpass.getpass("Mật khẩu / Password: ")
    if first != getpass.getpass("Nhập lại / Repeat: "):
        raise SystemExit("Hai lần nhập không khớp / The two entries differ")
    return first


def cmd_user_add(args) -> int:
    from backend.store import accounts

    user = accounts.add_user(_store(args), args.username, _read_password(args), args.role,
                             full_name=args.full_name, unit=args.unit, must_change=True,
                             actor="cli", now=_now())
    print(f"Đã tạo tài khoản / created user {user['username']} ({user['role']}); "
          "phải đổi mật khẩu khi đăng nhập lần đầu / must change password at first login")
    return 0


def cmd_device_add(args) -> int:
    from backend.store import accounts

    token, device = accounts.register_device(_store(args), args.name, args.kind, args.station,
                                             "cli", _now())
    print(f"Thiết bị / device {device['name']} ({device['kind']})\n"
          f"Mã truy cập (chỉ hiện một lần) / token (shown once): {token}")
    return 0


def cmd_device_revoke(args) -> int:
    from backend.store import accounts

    device = accounts.revoke_device(_store(args), args.name, "cli", _now())
    print(f"Đã thu hồi thiết bị / revoked device {device['name']}: mã truy cập cũ không còn "
          "dùng được / its token no longer works")
    return 0


def cmd_device_rotate(args) -> int:
    from backend.store import accounts

    token, device = accounts.rotate_device(_store(args), args.name, "cli", _now())
    print(f"Thiết bị / device {device['name']} ({device['kind']}): mã cũ hết hiệu lực / "
          f"the old token no longer works\n"
          f"Mã truy cập mới (chỉ hiện một lần) / new token (shown once): {token}")
    return 0


def _ttl(text: str):
    """`30m`, `24h` or `7d`."""
    from datetime import timedelta

    units = {"m": "minutes", "h": "hours", "d": "days"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise argparse.ArgumentTypeError("thời hạn dạng 30m, 24h, 7d / "
                                         "a duration like 30m, 24h, 7d")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def cmd_device_enrol_code(args) -> int:
    from backend.store import enrolment

    made = enrolment.create_code(_store(args), args.station, args.kind, args.ttl, "cli", _now())
    print(f"Mã đăng ký một lần / one-time enrolment code: {made['code']}\n"
          f"trạm / station {made['station']} ({made['kind']}), hết hạn / expires "
          f"{made['expires_at']}")
    return 0


def cmd_firstboot(args) -> int:
    from backend import firstboot

    path = Path(args.provisioning or firstboot.provisioning_path(Path(args.root)))
    return firstboot.run(path, Path(args.root), Path(args.data), tries=args.tries,
                         backoff=args.backoff, say=lambda text: print(text, flush=True),
                         status=Path(args.status) if args.status else None)


def cmd_selftest_due(args) -> int:
    """Exit 0 when the weekly check is due today (systemd ExecCondition), 1 when not."""
    from datetime import date

    import requests

    day = args.date or _now().date().isoformat()
    token = Path(args.token_file).read_text("ascii").strip() if args.token_file else ""
    try:
        answer = requests.get(f"{args.backend.rstrip('/')}/api/v1/devices/selftest-due",
                              params={"day": day}, timeout=10,
                              headers={"Authorization": f"Bearer {token}"})
        answer.raise_for_status()
        due = answer.json()["due"]
    except (requests.RequestException, ValueError, KeyError):
        # The check must still happen with the server away: the national calendar decides.
        from backend.domain.calendar import WorkingCalendar

        print("Không hỏi được lịch của trạm, dùng lịch quốc gia / site calendar unreachable, "
              "using the national calendar", file=sys.stderr)
        due = WorkingCalendar().is_first_working_day_of_week(date.fromisoformat(day))
    print(f"{day}: {'đến hạn kiểm tra / check due' if due else 'chưa đến hạn / not due'}")
    return 0 if due else 1


def cmd_sms_serve(args) -> int:
    """Answer 'TTHC <mã hồ sơ>' SMS on a GSM modem until stopped (SIGTERM or Ctrl-C)."""
    from backend.sms import Notifier, SmsGateway

    store = _store(args)
    notifier = None if args.no_notify else (
        lambda modem: Notifier(store, modem, per_day=args.notify_per_day,
                               hours=args.notify_hours))
    return _serve_sms(args, lambda modem: SmsGateway(store, modem, keyword=args.keyword),
                      notifier)


def _serve_sms(args, gateway, notifier=None) -> int:
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


def cmd_demo(args) -> int:
    from backend import demo

    return demo.run(args)


def cmd_report(args) -> int:
    """The period report to a file, or to standard output when none is named."""
    from backend import forms
    from backend.store.site import load_site

    store = _store(args)
    out = forms.period_report(store, load_site(store), args.first, args.last, args.by,
                              args.format, _now())
    _write(out.body, args.output)


def _write(body: bytes, path: str | None) -> None:
    """A report to its file, or to standard output when none is named."""
    if path:
        Path(path).write_bytes(body)
        print(f"Đã ghi / written: {path}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()


def cmd_sync_connect(args) -> int:
    from backend.store import sync

    token = sys.stdin.readline().strip() if args.token_stdin else (args.token or "")
    sync.connect(_store(args), args.url, token)
    print(f"Đã cấu hình máy chủ tỉnh / hub set: {args.url}")
    return 0


def cmd_sync_run(args) -> int:
    """Push the event log to the hub until stopped (SIGTERM or Ctrl-C); `--once` to catch up."""
    import signal

    from backend.client import ApiError
    from backend.store.sync import Agent

    agent = Agent(_store(args), batch_size=args.batch, max_backoff_s=args.max_backoff,
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
        result = sync.check(_store(args), args.day)
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


def _hub(args):
    from backend.hub.db import HubStore

    if not args.database:
        raise SystemExit("Cần --database postgresql://... (hoặc $MOTCUA_HUB_DATABASE) / "
                         "--database postgresql://... (or $MOTCUA_HUB_DATABASE) is required")
    hub = HubStore(args.database)
    hub.migrate()
    return hub


def cmd_hub_serve(args) -> int:
    import uvicorn

    _check_trusted_proxies(args)
    _hub(args)  # migrate once, and fail here with a clear message if PostgreSQL is away
    os.environ["MOTCUA_HUB_DATABASE"] = args.database
    os.environ["MOTCUA_HUB_LOOKUP_RATE"] = str(args.lookup_rate)
    os.environ["MOTCUA_HUB_LIMITS"] = _hub_limits(args.limits)
    print(f"motcua hub: http://{args.host}:{args.port}/  (API docs: /docs)", flush=True)
    _notify_systemd(args.host, args.port)
    # proxy_headers off: the app alone decides whose X-Forwarded-For to believe.
    uvicorn.run("backend.hub.app:hub_app_from_env", factory=True, host=args.host,
                port=args.port, workers=args.workers, log_level=args.log_level,
                access_log=False, proxy_headers=False)
    return 0


def _hub_limits(path: str | None) -> str:
    """The lookup counters' file every worker shares: the one named, else one in a private
    folder made for this server (never a guessable name in a shared /tmp)."""
    import tempfile

    if path:
        return str(Path(path).resolve())
    state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
    return os.path.join(state or tempfile.mkdtemp(prefix="motcua-hub-"), "limits")


def cmd_hub_site_add(args) -> int:
    from backend.hub.receiver import add_site

    token = add_site(_hub(args), args.agency, args.name)
    print(f"Trung tâm / site {args.agency}\n"
          f"Mã truy cập (chỉ hiện một lần) / token (shown once): {token}")
    return 0


def cmd_hub_reader_add(args) -> int:
    from backend.hub.receiver import add_reader

    token = add_reader(_hub(args), args.name)
    print(f"Mã truy cập báo cáo (chỉ hiện một lần) / report token (shown once): {token}")
    return 0


def cmd_hub_sms(args) -> int:
    """The province's SMS lookup: any centre's code, answered from the hub."""
    from backend.hub.lookup import hub_lookup
    from backend.sms import SmsGateway

    hub = _hub(args)
    return _serve_sms(args, lambda modem: SmsGateway(
        None, modem, keyword=args.keyword,
        lookup=lambda code, now: hub_lookup(hub, code, None, now)))


def cmd_hub_report(args) -> int:
    """The national template for the province, as `motcua report` gives it for one site."""
    from backend.hub.report import period_output

    _write(period_output(_hub(args), args.first, args.last, args.by, args.format, _now()).body,
           args.output)
    return 0


def _confirm_wipe(args):
    """A block device is wiped only after a yes, typed or given as --yes."""
    def confirm(target) -> bool:
        if args.yes or not target.block:
            return True
        if not sys.stdin.isatty():
            raise SystemExit(f"Cần --yes để ghi đè {target.path} khi không có bàn phím / "
                             f"use --yes to overwrite {target.path} when not on a terminal")
        answer = input(f"Xoá toàn bộ {target.path}? Gõ 'yes' / "
                       f"erase all of {target.path}? Type 'yes': ")
        return answer.strip().lower() == "yes"
    return confirm


def _ask_next(text: str) -> bool:
    try:
        input(text + " ")
    except EOFError:
        return False
    return True


def cmd_flash(args) -> int:
    from images import batch, flasher

    targets = [Path(t) for t in args.target]
    bmap = Path(args.bmap) if args.bmap else None
    if args.batch:
        log = Path(args.log or f"{args.batch.rstrip('/')}/flash-log.csv")
        failed = batch.run(Path(args.image), targets, Path(args.batch), log, bmap=bmap,
                           force=args.force, ask=_ask_next)
        print(f"Nhật ký / log: {log}")
        return 1 if failed else 0
    if len(targets) > 1:
        raise SystemExit("Nhiều đích chỉ dùng với --batch / several targets need --batch")
    job = flasher.Job(Path(args.image), targets[0], bmap,
                      Path(args.provision) if args.provision else None, args.force)
    target = flasher.flash(job, confirm=_confirm_wipe(args))
    print(f"Đã ghi và kiểm tra / written and verified: {target.path}"
          + (" (+ motcua.toml)" if args.provision else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua", description="motcua: phần mềm một cửa / "
                                     "one-stop service centre software")
    parser.add_argument("--db", help="SQLite file (default: $MOTCUA_DB or var/motcua.sqlite)")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_serve(sub)
    _add_db(sub)
    _add_site(sub)
    _add_user(sub)
    _add_device(sub)
    _add_unit_commands(sub)
    _add_procedures(sub)
    _add_demo(sub)
    _add_sms(sub)
    _add_report(sub)
    _add_sync(sub)
    _add_hub(sub)
    _add_flash(sub)
    add_hw_commands(sub, send_report=_send_selftest)
    add_backup_commands(sub)
    return parser


def _add_serve(sub) -> None:
    p = sub.add_parser("serve", help="run the backend HTTP server")
    p.add_argument("--init", action="store_true",
                   help="initialise the database first if needed (as `motcua db init`)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log-level", default="warning")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                   help="a reverse proxy (address or network) whose X-Forwarded-For is "
                   "believed for rate limits; repeatable; default: none")
    p.set_defaults(func=cmd_serve)


def _add_db(sub) -> None:
    db = sub.add_parser("db", help="create or upgrade the database").add_subparsers(
        dest="db_command", required=True)
    init = db.add_parser("init", help="create tables, site settings and load the catalogue")
    init.add_argument("--agency-code", help="e.g. 000.00.06.H56")
    init.add_argument("--agency-name")
    init.add_argument("--public-address", metavar="URL",
                      help="where citizens open the lookup page, e.g. https://tracuu.example.vn "
                           "(the receipt QR and web line use it; without it they carry none)")
    init.set_defaults(func=cmd_db_init)
    db.add_parser("migrate", help="apply pending schema migrations").set_defaults(
        func=cmd_db_migrate)
    about = "check the hash-chained event log; exit 1 naming the first broken event"
    db.add_parser("verify", help=about, description=about).set_defaults(func=cmd_db_verify)


def _add_site(sub) -> None:
    site = sub.add_parser("site", help="site settings").add_subparsers(
        dest="site_command", required=True)
    put = site.add_parser("set", help="change a site setting (running servers pick it up)")
    put.add_argument("name", choices=["public_address"])
    put.add_argument("value", help="e.g. https://tracuu.example.vn, or '' for none")
    put.set_defaults(func=cmd_site_set)
    site.add_parser("show", help="the site settings").set_defaults(func=cmd_site_show)


def _add_user(sub) -> None:
    user = sub.add_parser("user", help="staff accounts").add_subparsers(
        dest="user_command", required=True)
    add = user.add_parser("add", help="create a staff account (password changed at first login)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["clerk", "officer", "leader", "admin"])
    add.add_argument("--unit", help="unit code, e.g. MOTCUA")
    add.add_argument("--full-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_user_add)


def _add_device(sub) -> None:
    device = sub.add_parser("device", help="kiosks and counters").add_subparsers(
        dest="device_command", required=True)
    add = device.add_parser("add", help="register a device and print its token")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=["kiosk", "counter", "display"])
    add.add_argument("--station", default="")
    add.set_defaults(func=cmd_device_add)
    revoke = device.add_parser("revoke", help="stop a device's token from working at once")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_device_revoke)
    rotate = device.add_parser("rotate", help="give a device a new token (the old one stops)")
    rotate.add_argument("name")
    rotate.set_defaults(func=cmd_device_rotate)
    code = device.add_parser("enrol-code", help="a one-time code a new unit trades for its token "
                             "at first boot (motcua.toml: enrol_code)")
    code.add_argument("--station", required=True)
    code.add_argument("--kind", default="kiosk", choices=["kiosk", "counter", "display"])
    code.add_argument("--ttl", type=_ttl, default="24h", help="how long it lasts: 30m, 24h, 7d")
    code.set_defaults(func=cmd_device_enrol_code)


def _add_unit_commands(sub) -> None:
    boot = sub.add_parser("firstboot", help="at each boot of a unit: motcua.toml, hostname, time "
                          "zone; at the first, enrolment (retries until it works)")
    boot.add_argument("--provisioning", metavar="FILE", help="motcua.toml (default: as the "
                      "image's /etc/motcua/image.toml says, else /boot/efi/motcua.toml)")
    boot.add_argument("--root", default="/", help="system root to configure")
    boot.add_argument("--data", default="/var/lib/motcua", help="where the device token goes")
    boot.add_argument("--tries", type=int, default=0, help="give up after N tries (0: never)")
    boot.add_argument("--backoff", type=float, default=5.0, help="first wait between tries, s")
    boot.add_argument("--status", metavar="FILE", help="write how it goes here, for the "
                      "first-boot screen (the unit: /run/motcua/firstboot.json)")
    boot.set_defaults(func=cmd_firstboot)
    due = sub.add_parser("selftest-due", help="exit 0 if today is the week's first working day "
                         "(the weekly equipment check), else 1")
    due.add_argument("--backend", required=True, metavar="URL")
    due.add_argument("--token-file", help="the device token file")
    due.add_argument("--date", help="YYYY-MM-DD instead of today")
    due.set_defaults(func=cmd_selftest_due)


def _add_procedures(sub) -> None:
    procs = sub.add_parser("procedures", help="the procedure catalogue").add_subparsers(
        dest="procedures_command", required=True)
    load = procs.add_parser("load", help="validate and load procedure files (new versions only)")
    load.add_argument("directory", nargs="?", default=str(CATALOG_DIR))
    load.set_defaults(func=cmd_procedures_load)
    gone = procs.add_parser("abolish", help="no new intake of a procedure from a date on "
                            "(cases already received keep their version)")
    gone.add_argument("code", help="procedure code, e.g. 1.001612")
    gone.add_argument("--from", dest="from_day", required=True, type=_iso_day,
                      help="first day without intake, YYYY-MM-DD")
    gone.add_argument("--note", default="", help="e.g. the decision that abolished it")
    gone.set_defaults(func=cmd_procedures_abolish)
    procs.add_parser("list", help="every procedure, its versions and which is in force "
                     "today").set_defaults(func=cmd_procedures_list)


def _iso_day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày YYYY-MM-DD / "
                                         "is not a date YYYY-MM-DD") from None


def _add_sms(sub) -> None:
    sms = sub.add_parser("sms", help="SMS lookups over a GSM modem").add_subparsers(
        dest="sms_command", required=True)
    serve = sms.add_parser("serve", help="answer 'TTHC <mã hồ sơ>' messages and send the "
                           "citizens' notices (result ready, supplement, new date) until stopped")
    _sms_options(serve)
    serve.add_argument("--no-notify", action="store_true",
                       help="only answer lookups; leave the notice outbox alone")
    serve.add_argument("--notify-per-day", type=int, default=5, metavar="N",
                       help="notices to one phone number a day at most; more wait a day")
    serve.add_argument("--notify-hours", type=_hours, default=(7, 21), metavar="H-H",
                       help="hours notices go out (default 7-21); outside, they wait")
    serve.set_defaults(func=cmd_sms_serve)


def _sms_options(parser) -> None:
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


def _add_flash(sub) -> None:
    p = sub.add_parser("flash", help="write a unit image to a card (mapped blocks only, verified)")
    p.add_argument("image", help="the .img file (its .bmap beside it is found by name)")
    p.add_argument("target", nargs="+", help="a card (/dev/sdX, /dev/mmcblkN) or a file; "
                   "several with --batch (card readers used in turn)")
    p.add_argument("--bmap", help="the block map, if not beside the image")
    p.add_argument("--provision", metavar="FILE", help="motcua.toml to put on the boot partition")
    p.add_argument("--batch", metavar="DIR", help="one provisioning .toml per unit: flash a card "
                   "for each in turn")
    p.add_argument("--log", help="batch log, CSV (default: DIR/flash-log.csv)")
    p.add_argument("--yes", action="store_true", help="do not ask before erasing the card")
    p.add_argument("--force", action="store_true", help="allow a disk that is not removable")
    p.set_defaults(func=cmd_flash)


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="fresh demo database with procedures, users and cases, "
                       "then serve it")
    p.add_argument("--dir", default="var/demo", help="folder for the demo database")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="only build the demo data")
    p.add_argument("--apps", choices=["auto", "yes", "no"], default="auto",
                   help="start the kiosk and a counter (auto: when a display is available)")
    p.set_defaults(func=cmd_demo)


def _add_report(sub) -> None:
    about = ("period statistics of the national reporting template (received, resolved "
             "early/on time/late, in progress, overdue, withdrawn, ratings) per group")
    p = sub.add_parser("report", help=about, description=about)
    p.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--by", choices=["unit", "field", "procedure"], default="unit")
    p.add_argument("--format", choices=["csv", "xlsx", "pdf", "html"], default="csv")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_report)


def _add_sync(sub) -> None:
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


def _add_hub(sub) -> None:
    hub = sub.add_parser("hub", help="the provincial hub (PostgreSQL)").add_subparsers(
        dest="hub_command", required=True)
    serve = hub.add_parser("serve", help="run the hub's HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8100)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--lookup-rate", type=int, default=30,
                       help="public lookups a minute per client address")
    serve.add_argument("--limits", metavar="FILE",
                       help="the lookup counters shared by every worker (default: "
                       "$STATE_DIRECTORY/limits under systemd, else a private temporary folder)")
    serve.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                       help="a reverse proxy (address or network) whose X-Forwarded-For is "
                       "believed for rate limits; repeatable; default: none")
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=cmd_hub_serve)
    site = hub.add_parser("site", help="centres that push to the hub").add_subparsers(
        dest="hub_site_command", required=True)
    add = site.add_parser("add", help="register a centre and print its token (shown once)")
    add.add_argument("agency", help="the centre's agency code, e.g. 000.00.06.H56")
    add.add_argument("--name", required=True)
    add.set_defaults(func=cmd_hub_site_add)
    reader = hub.add_parser("reader", help="who may read the province report").add_subparsers(
        dest="hub_reader_command", required=True)
    add = reader.add_parser("add", help="issue a report token (shown once)")
    add.add_argument("name")
    add.set_defaults(func=cmd_hub_reader_add)
    sms = hub.add_parser("sms", help="answer 'TTHC <mã hồ sơ>' SMS for every centre's cases")
    _sms_options(sms)
    sms.set_defaults(func=cmd_hub_sms)
    about = ("the national reporting template for the province (the columns of `motcua "
             "report`), by site, unit, field or procedure, from the synced events")
    report = hub.add_parser("report", help=about, description=about)
    report.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--by", choices=["site", "unit", "field", "procedure"], default="site")
    report.add_argument("--format", choices=["csv", "xlsx", "pdf", "html", "json"], default="csv")
    report.add_argument("-o", "--output", help="file to write (default: standard output)")
    report.set_defaults(func=cmd_hub_report)
    for command in (serve, *site.choices.values(), *reader.choices.values(), sms, report):
        command.add_argument("--database", default=os.environ.get("MOTCUA_HUB_DATABASE"),
                             help="postgresql://... (default: $MOTCUA_HUB_DATABASE)")


def _send_selftest(url: str, token: str | None, report: dict) -> None:
    """`motcua hw selftest --backend`: the report goes through the client like every call."""
    from backend.client import ApiError, BackendUnreachable, Client

    try:
        Client(url, token=token, timeout=10).send_selftest(report)
        print("Đã gửi báo cáo lên máy chủ / report sent to the backend")
    except (ApiError, BackendUnreachable) as exc:
        print(f"Không gửi được báo cáo, đã lưu trên máy / report kept locally, not sent: {exc}",
              file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except MotcuaError as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    except CatalogError as exc:
        print(f"Lỗi danh mục / Catalogue error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
