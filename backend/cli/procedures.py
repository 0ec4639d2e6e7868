"""`motcua procedures`: load, list and abolish the procedures of the catalogue."""

from __future__ import annotations

from pathlib import Path

from backend.catalog import DEFAULT_CATALOG_DIR as CATALOG_DIR
from backend.cli.common import iso_day, open_store


def add_procedures(sub) -> None:
    procs = sub.add_parser("procedures", help="the procedure catalogue").add_subparsers(
        dest="procedures_command", required=True)
    load = procs.add_parser("load", help="validate and load procedure files (new versions only)")
    load.add_argument("directory", nargs="?", default=str(CATALOG_DIR))
    load.set_defaults(func=cmd_procedures_load)
    gone = procs.add_parser("abolish", help="no new intake of a procedure from a date on "
                            "(cases already received keep their version)")
    gone.add_argument("code", help="procedure code, e.g. 1.001612")
    gone.add_argument("--from", dest="from_day", required=True, type=iso_day,
                      help="first day without intake, YYYY-MM-DD")
    gone.add_argument("--note", default="", help="e.g. the decision that abolished it")
    gone.set_defaults(func=cmd_procedures_abolish)
    procs.add_parser("list", help="every procedure, its versions and which is in force "
                     "today").set_defaults(func=cmd_procedures_list)


def cmd_procedures_load(args) -> int:
    from backend.catalog import load_catalog
    from backend.store.catalog import load_catalog_into

    added, units = load_catalog_into(open_store(args), load_catalog(Path(args.directory)))
    print(f"Đã nạp {added} phiên bản thủ tục mới, {units} đơn vị / "
          f"loaded {added} new procedure versions, {units} units")
    return 0


def cmd_procedures_abolish(args) -> int:
    from datetime import UTC, datetime

    from backend.store import catalog

    catalog.abolish(open_store(args), args.code, args.from_day, args.note, "cli",
                    datetime.now(UTC))
    print(f"Thủ tục {args.code} bãi bỏ từ ngày {args.from_day:%d/%m/%Y} / "
          f"procedure {args.code} abolished from {args.from_day}")
    return 0


def cmd_procedures_list(args) -> int:
    from backend.store import catalog

    for entry in catalog.versions(open_store(args)):
        print(_procedure_line(entry))
    return 0


def _procedure_line(entry: dict) -> str:
    marks = [v["version"] + (" *" if v["in_force"] else " (sắp tới / upcoming)"
                             if v["upcoming"] else "") for v in entry["versions"]]
    gone = (f"  bãi bỏ từ / abolished from {entry['abolished_from']}"
            if entry["abolished_from"] else "")
    return f"{entry['code']}  {entry['name']}  [{', '.join(marks)}]{gone}"
