"""The real server for tests: gunicorn with gunicorn.conf.py on ``wsgi:app``, on a free
loopback port, over an index the test built.

``running`` starts it as a subprocess, polls a probe until it answers 200, yields, then stops
it with SIGTERM and prints its log (pytest shows it when the test failed).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    def __init__(self, base: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base = base
        self.process = process
        self.log = log

    def json(self, path: str, **headers: str) -> Any:
        status, _, body = get(self.base + path, headers)
        assert status == 200, (path, status, body[:300])
        return json.loads(body)


@contextmanager
def running(
    index: Path,
    folder: Path,
    *,
    probe: str = "/readyz",
    workers: int = 2,
    threads: int = 2,
) -> Iterator[Server]:
    """The server on ``index``, its log and metrics in ``folder``; no rate limit."""
    port = free_port()
    log = folder / "server.log"
    env = {
        **os.environ,
        "MEDSEARCH_INDEX": str(index),
        "MEDSEARCH_HOST": "127.0.0.1",
        "MEDSEARCH_PORT": str(port),
        "MEDSEARCH_WORKERS": str(workers),
        "MEDSEARCH_THREADS": str(threads),
        "MEDSEARCH_RATE_LIMIT": "",
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, "server exited:\n" + log.read_text()
            try:
                if get(base + probe)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server not ready:\n" + log.read_text()
            time.sleep(0.2)
        yield Server(base, process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # Shown by pytest only when the test failed.
        print("server log:\n" + log.read_text())
