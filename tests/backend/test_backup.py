"""`motcua backup` / `motcua restore`: a backup taken while a real server acknowledges intakes
holds every case acknowledged before it began; bad files, full disks and read-only folders are
refused with a clear message and leave nothing half-written."""

from __future__ import annotations

import hashlib
import io
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest

from backend.cli import main
from backend.client import Client
from backend.domain.calendar import VN_TZ
from backend.store import backup
from backend.store.db import Store
from tests.backend.conftest import free_port
from tests.backend.test_crash import Clerks, start_server

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=VN_TZ)


def motcua_process(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backend.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=180)


def motcua(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """`motcua --db DB ARGS` in this process, answered as its own process would be: the exit
    code (a SystemExit message goes to stderr with code 1) and what it printed, with no
    terminal on stdin. A second interpreter would cost a second's CPU per call."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), patch.object(sys, "stdin",
                                                                   io.StringIO(stdin)):
        try:
            code = main(["--db", str(db), *args])
        except SystemExit as exit:
            code = exit.code
            if not isinstance(code, int | None):
                print(code, file=sys.stderr)
                code = 1
    return subprocess.CompletedProcess(args, code or 0, out.getvalue(), err.getvalue())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codes_in(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("select code from cases")}
    finally:
        conn.close()


@pytest.fixture
def db(template_db, tmp_path) -> Path:
    path = tmp_path / "site" / "motcua.sqlite"
    path.parent.mkdir()
    shutil.copy(template_db, path)
    return path


@pytest.mark.slow
def test_backup_under_write_load_then_restore(db, tmp_path):
    port = free_port()
    server = start_server(db, port)
    try:
        clerks = Clerks(f"http://127.0.0.1:{port}", 3)
        time.sleep(1.5)
        before = set(dict(clerks.acked).values())  # acknowledged before the backup began
        made = motcua_process("backup", "-o", str(tmp_path / "backups"), db=db)
        time.sleep(0.5)
        clerks.halt()
        assert made.returncode == 0, made.stderr
        assert len(before) > 5 and len(clerks.acked) > len(before), \
            "intakes went on during the backup"
        [taken] = backup.backups(tmp_path / "backups")
        refused = motcua_process("restore", str(taken), "--yes", db=db)  # the server still runs
        assert refused.returncode == 2 and "đang được một tiến trình mở" in refused.stderr
        assert "is open in a running process" in refused.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    live = codes_in(db)
    assert before <= codes_in(taken) <= live
    restored = motcua_process("restore", str(taken), "--yes", db=db)
    assert restored.returncode == 0, restored.stderr
    assert before <= codes_in(db) == codes_in(taken)
    [aside] = db.parent.glob("motcua.sqlite.before-restore-*")
    assert codes_in(aside) == live, "the database replaced is kept whole, renamed"
    verified = motcua_process("db", "verify", db=db)
    assert verified.returncode == 0 and "event log intact" in verified.stdout
    _serves_after_restore(db, sorted(before)[0])


def _serves_after_restore(db: Path, code: str) -> None:
    port = free_port()
    server = start_server(db, port)
    try:
        assert Client(f"http://127.0.0.1:{port}").lookup(code)["code"] == code
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def test_backup_is_checked_then_named_and_retention_keeps_the_newest(db, tmp_path):
    out = tmp_path / "backups"
    out.mkdir()
    (out / "notes.txt").write_text("not a backup")
    (out / ".motcua-20261201-023000.sqlite.part").write_bytes(b"cut off by a power loss")
    made = [backup.take(db, out, 3, NOW + timedelta(days=d))[0] for d in range(5)]
    assert backup.backups(out) == made[-3:]
    assert (out / "notes.txt").exists(), "retention touches only its own files"
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in made[-3:]),
                                                            "notes.txt"])
    conn = sqlite3.connect(made[-1])
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one whole file
    conn.close()
    same_second = backup.take(db, out, 5, NOW + timedelta(days=4))[0]
    assert same_second != made[-1] and same_second.exists()


def test_restore_refuses_corrupt_files_and_changes_nothing(db, tmp_path):
    good, _, _ = backup.take(db, tmp_path / "b", 5, NOW)
    before = digest(db)
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    scrambled = tmp_path / "scrambled.sqlite"
    data = bytearray(good.read_bytes())
    data[8192:40960] = bytes(range(256)) * 128  # pages in the middle overwritten
    scrambled.write_bytes(bytes(data))
    for bad in (truncated, scrambled):
        run = motcua("restore", str(bad), "--yes", db=db)
        assert run.returncode == 2, run.stdout
        assert "bị hỏng" in run.stderr and "is corrupt" in run.stderr
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["motcua.sqlite"]


def test_restore_refuses_foreign_files(db, tmp_path):
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    other_sqlite = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other_sqlite)
    conn.execute("create table notes (text)")
    conn.commit()
    conn.close()
    for wrong in (picture, other_sqlite):
        with pytest.raises(backup.BackupError, match="không phải CSDL motcua") as caught:
            backup.restore(db, wrong, NOW, lambda *_: True)
        assert "not a motcua centre database" in caught.value.en
    other_centre = tmp_path / "other-centre.sqlite"
    shutil.copy(db, other_centre)
    conn = sqlite3.connect(other_centre)
    conn.execute("update settings set value = '000.00.07.H56' where key = 'agency_code'")
    conn.commit()
    conn.close()
    run = motcua("restore", str(other_centre), "--yes", db=db)
    assert run.returncode == 2 and "cơ quan khác (000.00.07.H56)" in run.stderr
    assert "another agency" in run.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == ["motcua.sqlite"]


def test_restore_refuses_a_tampered_event_log(db, tmp_path):
    store = Store(db)
    _one_case(store)
    store.close()
    good, _, _ = backup.take(db, tmp_path / "b", 5, NOW)
    conn = sqlite3.connect(good)
    conn.execute("drop trigger events_no_update")
    conn.execute("update events set actor = 'someone else' where id = 1")
    conn.commit()
    conn.close()
    with pytest.raises(backup.BackupError, match="bị thay đổi") as caught:
        backup.restore(db, good, NOW, lambda *_: True)
    assert "content changed" in caught.value.en


def test_restore_asks_and_needs_yes_without_a_terminal(db, tmp_path):
    good, _, _ = backup.take(db, tmp_path / "b", 5, NOW)
    run = motcua("restore", str(good), db=db, stdin="y\n")
    assert run.returncode == 1 and "--yes" in run.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == ["motcua.sqlite"]
    declined = backup.restore(db, good, NOW, lambda *_: False)
    assert declined is None
    assert sorted(p.name for p in db.parent.iterdir()) == ["motcua.sqlite"]


def _one_case(store: Store) -> None:
    from backend.domain.workflow import Actor
    from backend.store import cases, catalog
    from backend.store.site import load_site

    proc = next(p for p in catalog.search(store) if not p.sensitive)
    cases.intake(store, load_site(store), cases.Intake(
        proc, cases.Applicant("Trần Thị Mai"), {d.id: 1 for d in proc.documents if d.required}),
        Actor("clerk", "clerk", "MOTCUA"), NOW)


def in_small_mount(options: str, db: Path, target: Path, *after: str) -> str:
    """`motcua backup -o target` with `target` a tmpfs mounted with `options`, in a private
    mount namespace (no root needed where user namespaces are allowed); prints the command's
    exit code and what the folder holds afterwards."""
    assert shutil.which("unshare"), "apt install util-linux"
    target.mkdir()
    script = (f"mount -t tmpfs -o {options} tmpfs {target} || exit 99; "
              f"{sys.executable} -m backend.cli --db {db} backup -o {target}; "
              f"echo rc=$?; ls -A {target}; echo end")
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                         text=True, timeout=180, cwd=Path(__file__).resolve().parents[2])
    assert "rc=" in run.stdout, run.stderr
    return run.stdout + run.stderr


def test_backup_onto_a_full_disk_says_so_and_leaves_nothing(db, tmp_path):
    out = in_small_mount("size=64k", db, tmp_path / "full")
    assert "rc=2" in out
    assert "Hết chỗ trống trên đĩa" in out and "is full" in out
    listing = out.split("rc=2", 1)[1].split("end")[0]
    assert listing.strip() == "", f"something was left behind: {listing!r}"


def test_backup_into_a_read_only_folder_says_so(db, tmp_path):
    out = in_small_mount("ro,size=1m", db, tmp_path / "ro")
    assert "rc=2" in out
    assert "Không có quyền ghi vào" in out and "Cannot write to" in out


def test_backup_of_a_missing_database_says_so(tmp_path):
    run = motcua("backup", "-o", str(tmp_path / "b"), db=tmp_path / "none.sqlite")
    assert run.returncode == 2
    assert "Không có CSDL" in run.stderr and "No database" in run.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_restore_onto_a_new_machine_without_a_database(db, tmp_path):
    store = Store(db)
    _one_case(store)
    store.close()
    good, _, _ = backup.take(db, tmp_path / "b", 5, NOW)
    fresh = tmp_path / "new-server" / "motcua.sqlite"
    fresh.parent.mkdir()
    info, aside = backup.restore(fresh, good, NOW, lambda *_: True)
    assert aside is None and info.cases == 1 and codes_in(fresh) == codes_in(db)
    assert sorted(p.name for p in fresh.parent.iterdir()) == ["motcua.sqlite"]
    verified = motcua("db", "verify", db=fresh)
    assert verified.returncode == 0 and "1 events" in verified.stdout
