"""The `motcua` command. Each command group lives in a module of its own here (serve, database,
accounts, unit, procedures, reports, sms, sync, hub); this one builds the parser from them, in
the order `motcua --help` lists the commands, and turns a refused request into exit code 2."""

from __future__ import annotations

import argparse
import sys

from backend.catalog import DEFAULT_CATALOG_DIR as CATALOG_DIR
from backend.cli import accounts, database, hub, procedures, reports, serve, sms, sync, unit
from backend.domain.errors import MotcuaError
from backend.domain.procedures import CatalogError
from drivers.message import Parser

__all__ = ["CATALOG_DIR", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="motcua", description="motcua: phần mềm một cửa / "
                                     "one-stop service centre software")
    parser.add_argument("--db", help="SQLite file (default: $MOTCUA_DB or var/motcua.sqlite)")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (serve.add_serve, database.add_db, database.add_site, accounts.add_user,
                accounts.add_device, unit.add_boot, procedures.add_procedures, reports.add_demo,
                sms.add_sms, reports.add_report, sync.add_sync, hub.add_hub, unit.add_flash,
                unit.add_hw, database.add_backup):
        add(sub)
    return parser


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
