"""`c2pa-verify serve` as a real process on a free loopback port, for the server's tests.

The server picks its own port (`--port 0`) and says which in its `listening` log line;
its stderr (JSON lines) is collected in a thread so tests can read the access log.
Every wait has a timeout; closing sends SIGTERM, then SIGKILL if it does not stop.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
#: Seconds for the server to print its port and answer /readyz (workers import c2pa).
START_SECONDS = 90.0
STOP_SECONDS = 30.0


class ServeProcess:
    """Runs `c2pa-verify serve ARGS --port 0`; `url` once started."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = ["--host", "127.0.0.1", "--port", "0", *args]
        self.env = {**os.environ, **(env or {})}
        # Workers import the test hooks (tests/pool_hooks.py) by module name.
        self.env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(TESTS), self.env.get("PYTHONPATH", "")) if p
        )
        self.lines: list[str] = []
        self._lines_lock = threading.Lock()
        self._listening = threading.Event()
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def __enter__(self) -> ServeProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "verify.cli", "serve", *self.args],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        try:
            self._wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _read_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lines_lock:
                self.lines.append(line)
            if not self._listening.is_set():
                event = _json(line)
                if event.get("event") == "listening":
                    self.url = str(event["url"])
                    self._listening.set()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        assert self.process is not None
        while not self._listening.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("serve did not start:\n" + "\n".join(self.log_lines()))
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=5.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("serve never became ready:\n" + "\n".join(self.log_lines()))

    def log_lines(self) -> list[str]:
        with self._lines_lock:
            return list(self.lines)

    def events(self, kind: str) -> list[dict[str, Any]]:
        """The JSON log lines of one event kind (`access`, `listening`, `log`)."""
        return [e for e in map(_json, self.log_lines()) if e.get("event") == kind]

    def close(self) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL); its exit status."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_SECONDS)
        if self._reader is not None:
            self._reader.join(STOP_SECONDS)
        if process.stderr is not None:
            process.stderr.close()
        return process.returncode


def _json(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
