"""The `motcua` command: serve, db, site, user, device, procedures, demo, flash."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from backend.domain.calendar import VN_TZ
from backend.domain.errors import MotcuaError
from backend.domain.procedures import DEFAULT_CATALOG_DIR as CATALOG_DIR
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


def cmd_serve(args) -> int:
    if not _database_ready(args):
        return 2
    import uvicorn

    from backend.app import default_db_path

    os.environ["MOTCUA_DB"] = str(Path(args.db or default_db_path()).resolve())
    _store(args)  # migrate once before workers race to do it
    print(f"motcua: http://{args.host}:{args.port}/  (API docs: /docs)", flush=True)
    uvicorn.run("backend.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=False)
    return 0


def cmd_db_init(args) -> int:
    from backend.domain.procedures import load_catalog
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
    from backend.domain.procedures import load_catalog
    from backend.store.catalog import load_catalog_into

    return load_catalog_into(store, load_catalog(directory))


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


def cmd_sms_serve(args) -> int:
    """Answer 'TTHC <mã hồ sơ>' SMS on a GSM modem until stopped (SIGTERM or Ctrl-C)."""
    import signal
    import threading

    from backend.sms import SmsGateway
    from drivers.modems import AtModem

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    modem = AtModem(args.port, mode="text" if args.text_mode else "pdu")
    modem.on_message = SmsGateway(_store(args), modem, keyword=args.keyword).handle
    with modem:
        print(f"Đang trả lời SMS '{args.keyword} <mã hồ sơ>' trên {args.port} / "
              f"answering lookup SMS on {args.port}", flush=True)
        stop.wait()
    return 0


def cmd_demo(args) -> int:
    from backend import demo

    return demo.run(args)


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
    _add_procedures(sub)
    _add_demo(sub)
    _add_sms(sub)
    _add_flash(sub)
    add_hw_commands(sub)
    return parser


def _add_serve(sub) -> None:
    p = sub.add_parser("serve", help="run the backend HTTP server")
    p.add_argument("--init", action="store_true",
                   help="initialise the database first if needed (as `motcua db init`)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log-level", default="warning")
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


def _add_procedures(sub) -> None:
    procs = sub.add_parser("procedures", help="the procedure catalogue").add_subparsers(
        dest="procedures_command", required=True)
    load = procs.add_parser("load", help="validate and load procedure files (new versions only)")
    load.add_argument("directory", nargs="?", default=str(CATALOG_DIR))
    load.set_defaults(func=cmd_procedures_load)


def _add_sms(sub) -> None:
    sms = sub.add_parser("sms", help="SMS lookups over a GSM modem").add_subparsers(
        dest="sms_command", required=True)
    serve = sms.add_parser("serve", help="answer 'TTHC <mã hồ sơ>' messages until stopped")
    serve.add_argument("--port", required=True, help="the modem's serial port, e.g. "
                       "/dev/motcua/modem")
    serve.add_argument("--keyword", default="TTHC")
    serve.add_argument("--text-mode", action="store_true",
                       help="send unaccented GSM text instead of Vietnamese UCS-2 (PDU mode)")
    serve.set_defaults(func=cmd_sms_serve)


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
