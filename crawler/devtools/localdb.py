"""A throw-away MongoDB wire-protocol server for tests and the demo: FerretDB with its SQLite handler.

The server listens on a free 127.0.0.1 port, keeps its data in a temporary directory, sends no
telemetry and opens no debug port. `MONGO_URI` in the environment replaces it with a real server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

FERRETDB_VERSION = "v1.24.2"
DEFAULT_BINARY = Path.home() / ".cache" / "akhbar" / f"ferretdb-{FERRETDB_VERSION}"


class LocalServerError(RuntimeError):
    """The local FerretDB server could not be found or started."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_ferretdb() -> Path:
    """The FerretDB binary: `$FERRETDB_BIN`, the one `make` builds, or `ferretdb` on PATH."""
    candidates = [os.environ.get("FERRETDB_BIN"), str(DEFAULT_BINARY), shutil.which("ferretdb")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise LocalServerError(
        f"FerretDB {FERRETDB_VERSION} not found (looked at $FERRETDB_BIN, {DEFAULT_BINARY}, PATH); "
        "run `make ferretdb` to build it"
    )


class FerretDB:
    """A FerretDB process on a free loopback port; use as a context manager."""

    def __init__(self, binary: Path | None = None, data_dir: Path | None = None) -> None:
        self.binary = binary or find_ferretdb()
        self._tmp = None if data_dir else tempfile.TemporaryDirectory(prefix="akhbar-ferretdb-")
        self.data_dir = Path(data_dir or self._tmp.name)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.data_dir / "ferretdb.log"

    @property
    def uri(self) -> str:
        """Connection string for this server."""
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 30.0) -> FerretDB:
        """Start the server and wait until it accepts connections."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(self.binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{self.data_dir}/",
            f"--listen-addr=127.0.0.1:{self.port}",
            f"--state-dir={self.data_dir}",  # else a state.json lands in the working directory
            "--telemetry=disable",
            "--debug-addr=-",
            "--log-level=" + os.environ.get("FERRETDB_LOG_LEVEL", "error") + "",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalServerError(
                    f"FerretDB exited with code {self.process.returncode}: "
                    + self.log_path.read_text(errors="replace")[-2000:]
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise LocalServerError(f"FerretDB did not listen on port {self.port} within {timeout}s")

    def stop(self) -> None:
        """Stop the server and remove its data (when the data directory is temporary)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> FerretDB:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
