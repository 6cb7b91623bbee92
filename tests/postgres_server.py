"""A throw-away PostgreSQL server for the suite, on a free loopback port.

``initdb`` into a temporary directory (as the ``postgres`` user when the tests run as root,
since initdb refuses root), started with fsync off and trust authentication on 127.0.0.1
only, stopped and deleted at the end of the session. Each test gets its own database,
copied from a template in which ``liaison db init``'s code created the schema once, so a
fresh database costs one ``CREATE DATABASE … TEMPLATE``.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

TEMPLATE = "liaison_template"
USER = "postgres"
TEST_POOL = {"pool_size": 2, "pool_overflow": 8}
"""Small pools: every test's Liaison opens its own, and a few tests run several."""


def binaries() -> Path:
    """Debian's PostgreSQL (the newest installed), or LIAISON_TEST_PG_BIN."""
    configured = os.environ.get("LIAISON_TEST_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """``durable``: as a production server is set, for benchmarks; the suite's is not."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin = binaries()
        self.root = Path(tempfile.mkdtemp(prefix="liaison-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0

    # lifecycle

    def start(self) -> None:
        if self._as_postgres:
            shutil.chown(self.root, USER)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        fast = ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                *([] if self.durable else fast),
                "-c max_connections=300",
                f"-c shared_buffers={'256MB' if self.durable else '64MB'}",
            ]
        )
        for _attempt in range(5):  # the port may be taken between choosing and binding
            self.port = _free_port()
            started = self._run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "30",
                "-o",
                f"-p {self.port} {options}",
                "start",
                check=False,
            )
            if started.returncode == 0:
                return
        raise RuntimeError(f"PostgreSQL did not start:\n{self.log()}")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self, tail: int | None = 4000) -> str:
        """The server's log (its end, unless ``tail`` is None)."""
        path = self.root / "server.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text if tail is None else text[-tail:]

    # databases

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True
        )

    def create_database(self, name: str | None = None, template: str = "template0") -> str:
        """A new database (empty unless ``template`` says otherwise); returns its name."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(  # ~30 ms for the template
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def prepare_template(self) -> None:
        """The schema, made once by the code of ``liaison db init``, then frozen."""
        from liaison.bootstrap import create_schema
        from liaison.settings import Settings

        self.create_database(TEMPLATE)
        create_schema(Settings(database_url=self.url(TEMPLATE), **TEST_POOL))  # type: ignore[arg-type]
        with self.admin() as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true").format(sql.Identifier(TEMPLATE))
            )

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """A database with the schema and nothing else; dropped afterwards."""
        name = self.create_database(template=TEMPLATE)
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    # helpers

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if check and result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stderr or result.stdout}")
        return result


@contextlib.contextmanager
def running_server(durable: bool = False) -> Iterator[PostgresServer]:
    server = PostgresServer(durable)
    try:
        server.start()
        deadline = time.monotonic() + 10
        while True:  # pg_ctl -w has returned, but be sure TCP answers too
            try:
                server.admin().close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        server.prepare_template()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_server() as server:
        yield server
