"""`motcua serve`: the backend's HTTP server, on a database `motcua db init` has prepared."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from backend.cli.common import (
    add_server_options,
    add_trusted_proxy_option,
    check_trusted_proxies,
    db_path,
    open_store,
    run_server,
)
from backend.cli.database import init_with_defaults

NOT_INITIALISED = ("Cơ sở dữ liệu chưa được khởi tạo: {path}. Hãy chạy `motcua db init` "
                   "(hoặc `motcua serve --init`) rồi chạy lại.\n"
                   "The database has not been initialised: {path}. Run `motcua db init` "
                   "(or `motcua serve --init`) first.")


def add_serve(sub) -> None:
    p = sub.add_parser("serve", help="run the backend HTTP server")
    p.add_argument("--init", action="store_true",
                   help="initialise the database first if needed (as `motcua db init`)")
    add_server_options(p, port=8000)
    p.add_argument("--log-level", default="warning")
    add_trusted_proxy_option(p)
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    check_trusted_proxies(args)  # a bad option is named before anything is looked at
    if not _database_ready(args):
        return 2
    os.environ["MOTCUA_DB"] = str(db_path(args))
    open_store(args)  # migrate once before workers race to do it
    run_server("backend.app:app_from_env", args, "motcua")
    return 0


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
    path = db_path(args)
    if args.init:
        return init_with_defaults(path) == 0
    if _initialised(path):
        return True
    print(NOT_INITIALISED.format(path=path), file=sys.stderr)
    return False
