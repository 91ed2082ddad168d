"""FerretDB on this machine: the managed local store, and throw-away servers for tests and benches.

**The managed store** (`LocalStore`) is where akhbar keeps the corpus when `MONGO_URI` is not set
(DESIGN.md, Running): one FerretDB (SQLite) server per user, started on demand by whatever needs
the database first (a crawl, `akhbar stats`, the demo), left running for the next command, and
stopped by `akhbar db stop`. Its data, log, port file and pid file live in the data directory:
`$AKHBAR_HOME`, else `$XDG_DATA_HOME/akhbar`, else `~/.local/share/akhbar`. It listens on
127.0.0.1 only. `akhbar db uri` prints its address for mongosh and Compass.

**Throw-away servers** (`FerretDB`) keep their data in a temporary directory and stop with their
`with` block: the tests, the demo under `MONGO_URI`-less CI and the benchmarks use them.

Both send no telemetry, open no debug port, and keep FerretDB's state file in their own directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
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
        "run `make ferretdb` to build it, or set MONGO_URI to use a MongoDB server"
    )


def ferretdb_command(binary: Path, data_dir: Path, port: int) -> list[str]:
    """The FerretDB command line for a loopback server keeping everything in `data_dir`."""
    return [
        str(binary),
        "--handler=sqlite",
        f"--sqlite-url=file:{data_dir}/",
        f"--listen-addr=127.0.0.1:{port}",
        f"--state-dir={data_dir}",  # else a state.json lands in the working directory
        "--telemetry=disable",
        "--debug-addr=-",
        "--log-level=" + os.environ.get("FERRETDB_LOG_LEVEL", "error"),
    ]


def listening(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_listening(exited, port: int, log: Path, timeout: float) -> None:
    """Wait until the server on `port` accepts connections; `exited()` is its exit code or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = exited()
        if code is not None:
            raise LocalServerError(
                f"FerretDB exited with code {code}: " + log.read_text(errors="replace")[-2000:]
            )
        if listening(port):
            return
        time.sleep(0.05)
    raise LocalServerError(f"FerretDB did not listen on port {port} within {timeout}s")


def pid_alive(pid: int) -> bool:
    """True when a process with this pid runs on this machine (a zombie, exited but not yet
    reaped by its parent, does not count; neither does a pid of 0 or less)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def uri_for(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/"


class FerretDB:
    """A throw-away FerretDB process on a free loopback port; use as a context manager."""

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
        return uri_for(self.port)

    def start(self, timeout: float = 30.0) -> FerretDB:
        """Start the server and wait until it accepts connections."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                ferretdb_command(self.binary, self.data_dir, self.port),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_listening(self.process.poll, self.port, self.log_path, timeout)
        except LocalServerError:
            self.stop()
            raise
        return self

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


def data_home() -> Path:
    """The managed store's directory (see the module docstring)."""
    if os.environ.get("AKHBAR_HOME"):
        return Path(os.environ["AKHBAR_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "akhbar"


@dataclass
class StoreStatus:
    """What `akhbar db status` shows."""

    running: bool
    home: Path
    pid: int | None = None
    port: int | None = None
    data_bytes: int = 0

    @property
    def uri(self) -> str | None:
        return uri_for(self.port) if self.running and self.port else None


class LocalStore:
    """The managed, persistent FerretDB server of this user (see the module docstring)."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or data_home()
        self.data_dir = self.home / "ferretdb"
        self.port_file = self.home / "ferretdb.port"
        self.pid_file = self.home / "ferretdb.pid"
        self.log_path = self.home / "ferretdb.log"

    def _recorded(self) -> tuple[int | None, int | None]:
        try:
            pid = int(self.pid_file.read_text().strip())
            port = int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None, None
        return pid, port

    def status(self) -> StoreStatus:
        pid, port = self._recorded()
        running = bool(pid and port and pid_alive(pid) and listening(port))
        size = sum(p.stat().st_size for p in self.data_dir.glob("**/*") if p.is_file())
        return StoreStatus(running, self.home, pid if running else None, port, size)

    @contextlib.contextmanager
    def _locked(self):
        # One starter at a time: two crawls starting together must not start two servers.
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / "ferretdb.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def ensure(self, timeout: float = 30.0) -> str:
        """The store's URI, starting the server first when it is not running."""
        status = self.status()
        if status.running:
            return status.uri
        with self._locked():
            status = self.status()
            if status.running:
                return status.uri
            self.data_dir.mkdir(parents=True, exist_ok=True)
            port = free_port()
            command = shlex.join(ferretdb_command(find_ferretdb(), self.data_dir, port))
            # Started through a shell that exits at once: the server belongs to no akhbar process
            # (it outlives the command that started it) and to its own session (a Ctrl-C on a
            # crawl does not reach it).
            launcher = subprocess.run(
                ["/bin/sh", "-c", f"{command} >>{shlex.quote(str(self.log_path))} 2>&1 "
                 "</dev/null & echo $!"],
                capture_output=True, text=True, check=True, start_new_session=True,
            )  # fmt: skip
            pid = int(launcher.stdout.strip())

            def exited() -> int | None:
                return None if pid_alive(pid) else -1

            try:
                _wait_listening(exited, port, self.log_path, timeout)
            except LocalServerError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                raise
            self.port_file.write_text(f"{port}\n")
            self.pid_file.write_text(f"{pid}\n")
            return uri_for(port)

    def stop(self, timeout: float = 15.0) -> bool:
        """Stop the server; True when one was running."""
        with self._locked():
            pid, _ = self._recorded()
            running = bool(pid and pid_alive(pid))
            if running:
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + timeout
                while pid_alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
            for path in (self.pid_file, self.port_file):
                path.unlink(missing_ok=True)
            return running


def resolve_uri(uri: str | None = None) -> str:
    """The MongoDB to use: `uri` when given, else `MONGO_URI`, else the managed local store
    (started when it is not running)."""
    return uri or os.environ.get("MONGO_URI") or LocalStore().ensure()
