"""A real PostgreSQL server for the tests: ``initdb`` into a temporary directory, started
with ``pg_ctl`` on a free loopback port with its unix socket in that directory, stopped and
removed at the end. As root (CI), the server runs as ``nobody`` (PostgreSQL refuses root).

The binaries are looked up on PATH, then in Debian's /usr/lib/postgresql/*/bin (.ci/run
installs the ``postgresql`` package when neither has them)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

USER = "seglam"


def binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} was not found (install the postgresql package; .ci/run does)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster; :meth:`database` makes a fresh database and returns its URL."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="seglam-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = itertools.count()
        self._as = []
        if os.geteuid() == 0:
            os.chown(self.root, 65534, 65534)  # nobody
            self._as = ["runuser", "-u", "nobody", "--"]
        self._run(binary("initdb"), "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync")
        self.start()
        self._watch()

    def _watch(self) -> None:
        """A detached watchdog stops the server and removes its directory once this process
        is gone, however it ended: a test run stopped by a signal skips ``close()``, and would
        otherwise leave a postmaster running."""
        code = ("import os, shutil, subprocess, sys, time\n"
                "parent, root, data, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]\n"
                "while os.path.isdir(root):\n"
                "    try:\n"
                "        os.kill(parent, 0)\n"
                "    except ProcessLookupError:\n"
                "        subprocess.run(stop + ['-D', data, '-m', 'immediate', 'stop'], capture_output=True)\n"
                "        shutil.rmtree(root, ignore_errors=True)\n"
                "        break\n"
                "    time.sleep(1)\n")
        subprocess.Popen([sys.executable, "-c", code, str(os.getpid()), str(self.root), str(self.data),
                          *self._as, binary("pg_ctl")], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.root)

    def start(self) -> None:
        options = (f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "-t", "120", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "120", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@/{database}?host={self.root}&port={self.port}"

    def database(self) -> str:
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)
