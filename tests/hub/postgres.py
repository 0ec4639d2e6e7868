"""A throw-away PostgreSQL server from Debian's `postgresql` package, for tests and benchmarks.

initdb and pg_ctl refuse to run as root, so as root the cluster belongs to `nobody`, in a
private temporary folder that also holds its socket; otherwise to the current user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

MISSING = ("PostgreSQL không có: cần gói Debian `postgresql` (make setup cài nó) / "
           "PostgreSQL is missing: install Debian's `postgresql` package (make setup does)")


def pg_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError(MISSING)
    return os.path.dirname(found[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Postgres:
    def __init__(self, fsync: bool = False):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="motcua-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.fsync = fsync
        self.user = "nobody" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, self.user)

    def _run(self, *argv: str) -> None:
        subprocess.run([os.path.join(self.bin, argv[0]), *argv[1:]], user=self.user,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self) -> Postgres:
        self._run("initdb", "-D", self.data, "-U", "motcua", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        return self

    def start(self) -> Postgres:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=200")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l",
                  os.path.join(self.dir, "log"), "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")

    def server_pid(self) -> int:
        """The postmaster's process id: every backend is one of its children."""
        with open(os.path.join(self.data, "postmaster.pid")) as pid_file:
            return int(pid_file.readline())

    def dsn(self, database: str = "postgres") -> str:
        """Over the server's Unix socket, as a hub beside its database connects (TCP on
        loopback cost both sides a network stack's work per round trip)."""
        return f"postgresql://motcua@/{database}?host={self.dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        return self.dsn(name)

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
