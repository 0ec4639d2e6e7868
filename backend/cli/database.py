"""`motcua db`, `motcua site`, `motcua backup` and `motcua restore`: the site database, its
settings, and its copies (the work itself is in backend/store/)."""

from __future__ import annotations

import sys
from pathlib import Path

from backend.catalog import DEFAULT_CATALOG_DIR as CATALOG_DIR
from backend.cli.common import db_path, now, open_store
from drivers.message import Parser


def add_db(sub) -> None:
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


def add_site(sub) -> None:
    site = sub.add_parser("site", help="site settings").add_subparsers(
        dest="site_command", required=True)
    put = site.add_parser("set", help="change a site setting (running servers pick it up)")
    put.add_argument("name", choices=["public_address"])
    put.add_argument("value", help="e.g. https://tracuu.example.vn, or '' for none")
    put.set_defaults(func=cmd_site_set)
    site.add_parser("show", help="the site settings").set_defaults(func=cmd_site_show)


def add_backup(sub) -> None:
    about = ("online backup of the database (safe while serving), checked, fsynced, then kept "
             "with the newest N")
    p = sub.add_parser("backup", help=about, description=about)
    p.add_argument("-o", "--output", metavar="DIR",
                   help="folder for backups (default: backups/ beside the database)")
    p.add_argument("--keep", type=int, default=None, metavar="N",
                   help="keep the newest N backups in the folder (default: 14)")
    p.set_defaults(func=cmd_backup)
    about = ("put a backup in place of the database, after checking it; the current database "
             "is kept aside, renamed; refused while a process has the database open")
    p = sub.add_parser("restore", help=about, description=about)
    p.add_argument("file", help="a backup made by `motcua backup`")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)


def init_with_defaults(path: Path) -> int:
    """Exactly what `motcua --db PATH db init` does with its defaults (`serve --init`)."""
    parser = Parser(prog="motcua")
    parser.add_argument("--db")
    add_db(parser.add_subparsers(dest="command", required=True))
    return cmd_db_init(parser.parse_args(["--db", str(path), "db", "init"]))


def cmd_db_init(args) -> int:
    from backend.catalog import load_catalog
    from backend.store import site
    from backend.store.catalog import load_catalog_into

    store = open_store(args)
    catalog = load_catalog(CATALOG_DIR)
    site.init_settings(store, site.catalog_defaults(catalog), agency_code=args.agency_code,
                       agency_name=args.agency_name, public_base_url=args.public_address)
    added, units = load_catalog_into(store, catalog)
    print(f"Đã khởi tạo CSDL / database ready: {store.path} "
          f"({added} phiên bản thủ tục mới / new procedure versions, {units} đơn vị / units)")
    return 0


def cmd_db_migrate(args) -> int:
    store = open_store(args)
    print(f"Lược đồ đã cập nhật / schema up to date: {store.path}")
    return 0


def cmd_db_verify(args) -> int:
    """Walk the hash-chained event log; name the first event where it does not hold."""
    from backend.store.cases import verify_events

    store = open_store(args)
    count, problem = verify_events(store)
    if problem is None:
        print(f"Nhật ký sự kiện nguyên vẹn: {count} sự kiện / "
              f"event log intact: {count} events ({store.path})")
        return 0
    print(f"Nhật ký sự kiện bị thay đổi: {problem.vi} / event log tampered with: {problem.en} "
          f"({count} sự kiện trước đó nguyên vẹn / earlier events intact)", file=sys.stderr)
    return 1


def cmd_site_set(args) -> int:
    from backend.store import site

    value = site.set_public(open_store(args), args.name, args.value)
    print(f"{args.name} = {value or '(không có / none)'}")
    return 0


def cmd_site_show(args) -> int:
    from backend.store import site

    current = site.load_site(open_store(args))
    print(f"agency_code = {current.agency_code}\nagency_name = {current.agency_name}\n"
          f"public_address = {current.public_base_url or '(không có / none)'}")
    return 0


def cmd_backup(args) -> int:
    from backend.store import backup

    path_now = db_path(args)
    out_dir = Path(args.output) if args.output else backup.default_dir(path_now)
    keep = backup.DEFAULT_KEEP if args.keep is None else args.keep
    path, info, removed = backup.take(path_now, out_dir, keep, now())
    print(f"Đã sao lưu / backed up: {path} ({info.cases} hồ sơ / cases, {info.events} sự kiện "
          f"/ events, kiểm tra toàn vẹn đạt / integrity checked)")
    for old in removed:
        print(f"Đã xoá bản cũ / removed old backup: {old}")
    return 0


def cmd_restore(args) -> int:
    from backend.store import backup

    done = backup.restore(db_path(args), Path(args.file), now(),
                          lambda new, current: args.yes or _ask(new, current, db_path(args)))
    if done is None:
        print("Không khôi phục / nothing restored")
        return 1
    info, aside = done
    print(f"Đã khôi phục / restored: {info.path} ({info.cases} hồ sơ / cases, {info.events} sự "
          "kiện / events)")
    if aside:
        print(f"CSDL trước đó được giữ lại / the previous database is kept as: {aside}")
    return 0


def _ask(new, current, path: Path) -> bool:
    if not sys.stdin.isatty():
        raise SystemExit("Cần --yes khi không có bàn phím / use --yes when not on a terminal")
    print(f"Khôi phục {new.path} ({new.agency}: {new.cases} hồ sơ, {new.events} sự kiện) vào "
          f"{path}.\nRestore {new.path} ({new.cases} cases, {new.events} events) into "
          f"{path}.")
    if current is not None:
        print("CSDL hiện tại sẽ được đổi tên và giữ lại / the current database will be renamed "
              "and kept.")
    answer = input("Tiếp tục? / Continue? [y/N] ").strip().lower()
    return answer in ("y", "yes", "c", "co", "có")
