"""Backups of the site's SQLite database, and restoring one (Tây Ninh art. 8.8, Ia Pa art. 11.4).

A backup is taken online with SQLite's backup API: one read transaction copies a consistent
snapshot while the server keeps writing (WAL readers never block writers). It is written under
a hidden temporary name, checked (`PRAGMA integrity_check` and the event hash chain, the same
walk as `motcua db verify`), fsynced, and only then renamed to its final name, so a backup file
that exists is a whole, checked one. Retention removes the oldest of this command's own files.

Restore refuses a file that is not a whole motcua database of this centre, and refuses while
any process has the current database open; it keeps the current database aside, renamed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from backend.domain.errors import MotcuaError

NAME = re.compile(r"^motcua-(\d{8}-\d{6})(-\d+)?\.sqlite$")
DEFAULT_KEEP = 14
SQLITE_HEADER = b"SQLite format 3\x00"
# Every connection to a WAL database holds a shared lock on this byte of the -shm file (SQLite's
# "dead-man switch", UNIX_SHM_DMS in os_unix.c); a write lock on it is granted only when no
# other process has the database open.
SHM_DMS_BYTE = 128


class BackupError(MotcuaError):
    key = "backup_failed"


@dataclass(frozen=True)
class Info:
    """What a checked database holds."""

    path: Path
    agency: str
    schema: int
    cases: int
    events: int


def default_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / "backups"


# --- backup -----------------------------------------------------------------------------------

def take(db_path: Path, out_dir: Path, keep: int, now: datetime) -> tuple[Path, Info, list[Path]]:
    """Back the database up into `out_dir`; returns (file, what it holds, files removed)."""
    db_path, out_dir = Path(db_path), Path(out_dir)
    if keep < 1:
        raise BackupError("--keep phải từ 1 trở lên", "--keep must be at least 1")
    _require_database(db_path)
    _make_dir(out_dir)
    for stale in out_dir.glob(".motcua-*.sqlite.part"):  # left by a run cut off by power loss
        _remove_partial(stale)
    final = _free_name(out_dir, now)
    part = out_dir / f".{final.name}.part"
    try:
        with _written(out_dir):
            _create(part)
            info = _copy_and_check(db_path, part)
            _fsync(part)
            os.replace(part, final)
            _fsync(out_dir)
    except BaseException:
        _remove_partial(part)
        raise
    return final, Info(final, info.agency, info.schema, info.cases, info.events), \
        prune(out_dir, keep)


def backups(out_dir: Path) -> list[Path]:
    """This command's backups in `out_dir`, oldest first (the name carries the time)."""
    if not out_dir.is_dir():
        return []
    return sorted((p for p in out_dir.iterdir() if NAME.match(p.name)), key=_order)


def prune(out_dir: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups; other files in the folder are never touched."""
    old = backups(out_dir)[:-keep]
    for path in old:
        path.unlink()
    if old:
        _fsync(out_dir)
    return old


def _order(path: Path) -> tuple[str, int]:
    match = NAME.match(path.name)
    return match.group(1), int((match.group(2) or "-0")[1:])


def _free_name(out_dir: Path, now: datetime) -> Path:
    stem = f"motcua-{now:%Y%m%d-%H%M%S}"
    candidate, n = out_dir / f"{stem}.sqlite", 1
    while candidate.exists():
        candidate, n = out_dir / f"{stem}-{n}.sqlite", n + 1
    return candidate


def _copy_and_check(db_path: Path, part: Path) -> Info:
    source = sqlite3.connect(db_path, timeout=30)
    target = sqlite3.connect(part, isolation_level=None)
    try:
        with _written(part):
            source.backup(target)  # one step: one read transaction, one consistent snapshot
            # The copy keeps the source's WAL flag; a backup should be one self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
        return inspect(target, db_path)  # a failed check here means the live one is damaged
    finally:
        target.close()
        source.close()


# --- restore ----------------------------------------------------------------------------------

def restore(db_path: Path, backup_file: Path, now: datetime,
            confirm: Callable[[Info, Info | None], bool]) -> tuple[Info, Path | None] | None:
    """Put `backup_file` in place of the database; returns (what it holds, where the old database
    went), or None when `confirm(new, current)` said no. Nothing changes unless it all checks."""
    db_path, backup_file = Path(db_path), Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"Không có tệp sao lưu {backup_file}", f"No backup file {backup_file}")
    current = _current_info(db_path)
    staged = db_path.parent / f".{db_path.name}.restoring"
    try:
        info = _stage(backup_file, staged)
        _same_centre(info, current)
        with _exclusive(db_path), _written(db_path.parent):
            if not confirm(info, current):
                _remove_partial(staged)
                return None
            aside = _set_aside(db_path, now) if db_path.exists() else None
            os.replace(staged, db_path)
            _fsync(db_path.parent)
    except BaseException:
        _remove_partial(staged)
        raise
    return Info(db_path, info.agency, info.schema, info.cases, info.events), aside


def _stage(backup_file: Path, staged: Path) -> Info:
    """Copy the backup beside the database and check the copy: what is checked is what is put
    in place. Made a WAL database like the live one."""
    _check_header(backup_file)
    _create(staged)
    with _written(staged.parent), open(backup_file, "rb") as src, open(staged, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    conn = sqlite3.connect(staged, isolation_level=None)
    try:
        info = inspect(conn, backup_file)
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    _fsync(staged)
    return info


def _current_info(db_path: Path) -> Info | None:
    if not db_path.exists():
        return None
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        return _agency_only(conn, db_path)
    finally:
        conn.close()


def _agency_only(conn: sqlite3.Connection, path: Path) -> Info | None:
    try:
        row = conn.execute("select value from settings where key = 'agency_code'").fetchone()
    except sqlite3.DatabaseError:
        return None  # the current database is damaged or empty: nothing to compare with
    return Info(path, row[0] if row else "", 0, 0, 0)


def _same_centre(info: Info, current: Info | None) -> None:
    if current is not None and current.agency and info.agency != current.agency:
        raise BackupError(
            f"Bản sao lưu của cơ quan khác ({info.agency}), không phải của trung tâm này "
            f"({current.agency}); không khôi phục. Nếu thật sự muốn, hãy chuyển CSDL hiện tại "
            "sang chỗ khác trước.",
            f"This backup belongs to another agency ({info.agency}), not to this centre "
            f"({current.agency}); nothing restored. If you really mean it, move the current "
            "database elsewhere first.", key="foreign_backup")


def _set_aside(db_path: Path, now: datetime) -> Path:
    """Rename, never delete: the database and its WAL files keep their pairing."""
    aside = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    n = 1
    while aside.exists():
        aside, n = aside.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}-{n}"), n + 1
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            os.replace(side, f"{aside}{suffix}")
    os.replace(db_path, aside)
    return aside


@contextlib.contextmanager
def _exclusive(db_path: Path):
    """Refuse while any process has the database open, and hold the lock that says so until
    the swap is done, so no process opens it meanwhile."""
    shm = Path(f"{db_path}-shm")
    if not shm.exists():  # no WAL connection without its -shm file
        yield
        return
    with open(shm, "r+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE)
        except OSError:
            raise in_use(db_path) from None
        yield


def in_use(db_path: Path) -> BackupError:
    return BackupError(
        f"CSDL {db_path} đang được một tiến trình mở (máy chủ, đồng bộ hay SMS); không khôi "
        "phục. Hãy dừng chúng trước: systemctl stop motcua-backend motcua-sms motcua-sync.",
        f"The database {db_path} is open in a running process (server, sync or SMS); nothing "
        "restored. Stop them first: systemctl stop motcua-backend motcua-sms motcua-sync.",
        key="database_in_use")


# --- checks -----------------------------------------------------------------------------------

def inspect(conn: sqlite3.Connection, shown: Path) -> Info:
    """A whole motcua database with an unbroken event chain, or BackupError saying what not."""
    from backend.store.cases import verify_chain
    from backend.store.migrations import MIGRATIONS

    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise corrupt(shown, "; ".join(problems))
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        info = _agency_only(conn, shown)
        if schema == 0 or info is None or not info.agency:
            raise foreign(shown)
        if schema > len(MIGRATIONS):
            raise BackupError(
                f"{shown} do phiên bản motcua mới hơn tạo (lược đồ {schema}); hãy cập nhật "
                "phần mềm trước.", f"{shown} was made by a newer motcua (schema {schema}); "
                "update the software first.", key="newer_schema")
        count, broken = verify_chain(sqlite_utils.Database(conn))
        cases = conn.execute("select count(*) from cases").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise corrupt(shown, str(exc)) from None
    if broken is not None:
        raise BackupError(f"Nhật ký sự kiện trong {shown} bị thay đổi: {broken.vi}",
                          f"The event log in {shown} was tampered with: {broken.en}",
                          key="backup_tampered")
    return Info(shown, info.agency, schema, cases, count)


def corrupt(path: Path, detail: str) -> BackupError:
    return BackupError(f"Tệp {path} bị hỏng, không dùng được ({detail})",
                       f"The file {path} is corrupt and cannot be used ({detail})",
                       key="backup_corrupt")


def foreign(path: Path) -> BackupError:
    return BackupError(f"Tệp {path} không phải CSDL motcua của một trung tâm",
                       f"The file {path} is not a motcua centre database", key="not_motcua")


def _check_header(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        raise foreign(path)


def _require_database(db_path: Path) -> None:
    if not db_path.is_file():
        raise BackupError(f"Không có CSDL {db_path} để sao lưu",
                          f"No database {db_path} to back up", key="no_database")
    _check_header(db_path)


# --- files ------------------------------------------------------------------------------------

def _make_dir(out_dir: Path) -> None:
    with _written(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)


def _create(path: Path) -> None:
    """Fail early and plainly on a folder we cannot write to (SQLite only says 'unable to
    open database file')."""
    with _written(path.parent):
        _remove_partial(path)  # a leftover of a run that was killed
        with open(path, "xb"):
            pass


@contextlib.contextmanager
def _written(where: Path):
    """Turn the ways writing fails into one bilingual message naming the place."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "full" in str(exc):
            raise disk_full(where) from None
        raise BackupError(f"Lỗi ghi {where}: {exc}", f"Could not write {where}: {exc}") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise disk_full(where) from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise BackupError(f"Không có quyền ghi vào {where} ({exc.strerror})",
                              f"Cannot write to {where} ({exc.strerror})",
                              key="not_writable") from None
        raise BackupError(f"Lỗi ghi {where}: {exc.strerror}",
                          f"Could not write {where}: {exc.strerror}") from None


def disk_full(where: Path) -> BackupError:
    return BackupError(f"Hết chỗ trống trên đĩa chứa {where}; không có gì được ghi dở",
                       f"The disk holding {where} is full; nothing was left half-written",
                       key="disk_full")


def _remove_partial(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        if leftover.exists():  # a read-only folder answers EROFS even for a missing file
            leftover.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
