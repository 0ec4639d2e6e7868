"""`motcua backup` and `motcua restore`: the command-line side of backend/store/backup.py."""

from __future__ import annotations

import sys
from pathlib import Path


def add_backup_commands(sub) -> None:
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


def _db_path(args) -> Path:
    from backend.app import default_db_path

    return Path(args.db or default_db_path()).resolve()


def _now():
    from datetime import datetime

    from backend.domain.calendar import VN_TZ

    return datetime.now(VN_TZ)


def cmd_backup(args) -> int:
    from backend.store import backup

    db_path = _db_path(args)
    out_dir = Path(args.output) if args.output else backup.default_dir(db_path)
    keep = backup.DEFAULT_KEEP if args.keep is None else args.keep
    path, info, removed = backup.take(db_path, out_dir, keep, _now())
    print(f"Đã sao lưu / backed up: {path} ({info.cases} hồ sơ / cases, {info.events} sự kiện "
          f"/ events, kiểm tra toàn vẹn đạt / integrity checked)")
    for old in removed:
        print(f"Đã xoá bản cũ / removed old backup: {old}")
    return 0


def cmd_restore(args) -> int:
    from backend.store import backup

    done = backup.restore(_db_path(args), Path(args.file), _now(),
                          lambda new, current: args.yes or _ask(new, current, _db_path(args)))
    if done is None:
        print("Không khôi phục / nothing restored")
        return 1
    info, aside = done
    print(f"Đã khôi phục / restored: {info.path} ({info.cases} hồ sơ / cases, {info.events} sự "
          "kiện / events)")
    if aside:
        print(f"CSDL trước đó được giữ lại / the previous database is kept as: {aside}")
    return 0


def _ask(new, current, db_path: Path) -> bool:
    if not sys.stdin.isatty():
        raise SystemExit("Cần --yes khi không có bàn phím / use --yes when not on a terminal")
    print(f"Khôi phục {new.path} ({new.agency}: {new.cases} hồ sơ, {new.events} sự kiện) vào "
          f"{db_path}.\nRestore {new.path} ({new.cases} cases, {new.events} events) into "
          f"{db_path}.")
    if current is not None:
        print("CSDL hiện tại sẽ được đổi tên và giữ lại / the current database will be renamed "
              "and kept.")
    answer = input("Tiếp tục? / Continue? [y/N] ").strip().lower()
    return answer in ("y", "yes", "c", "co", "có")
