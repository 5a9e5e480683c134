"""The real server: gunicorn with gunicorn.conf.py and several workers, on a loopback port.

Checks what only shows across processes: metrics add up every worker's counts (prometheus-client
multiprocess mode set up by the config's hooks), logs are JSON lines with request ids, and a
rebuild is served by every worker without a restart. Requests are few and bounded; the server
is stopped at the end and its log printed when a check fails.
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
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from search.indexing import build
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60
REQUESTS = 12


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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "MEDSEARCH_INDEX": str(index),
        "MEDSEARCH_HOST": "127.0.0.1",
        "MEDSEARCH_PORT": str(port),
        "MEDSEARCH_WORKERS": "2",
        "MEDSEARCH_THREADS": "2",
        "MEDSEARCH_RATE_LIMIT": "",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
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
            assert process.poll() is None, log.read_text()
            try:
                if get(base + "/readyz")[0] == 200:
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


def test_workers_share_metrics_log_json_and_serve_a_rebuild(server: Server, tmp_path: Path) -> None:
    for number in range(REQUESTS):
        body = server.json("/api/search?q=asthma", **{"X-Request-ID": f"req-{number}"})
        assert body["hits"][0]["id"] == "mini-asthma-treatment"

    metrics = get(server.base + "/metrics")[2].decode()
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.name == "medsearch_http_requests_total":
                endpoint = sample.labels["endpoint"]
                totals[endpoint] = totals.get(endpoint, 0) + sample.value
            if sample.name == "medsearch_index_documents":
                assert sample.value == 10
    # Every worker's requests, whichever worker answered the scrape.
    assert totals["/api/search"] == REQUESTS
    assert list((tmp_path / "metrics").glob("counter_*.db"))

    corpus = tmp_path / "new.jsonl"
    corpus.write_text(
        '{"id": "fresh-asthma", "question": "How is asthma managed?", '
        '"answer": "Asthma is managed with inhalers."}\n'
    )
    build([corpus], tmp_path / "index")
    for _ in range(6):  # more requests than workers × threads: every worker sees the switch
        body = server.json("/api/search?q=asthma")
        assert [hit["id"] for hit in body["hits"]] == ["fresh-asthma"]
    assert server.json("/readyz")["documents"] == 1

    # Every line the server wrote is a JSON object (json.loads fails on any other).
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]
    access = [line for line in lines if line.get("logger") == "medsearch.access"]
    assert {f"req-{n}" for n in range(REQUESTS)} <= {line.get("request_id") for line in access}
    assert all(line.get("request_id") for line in access)
    assert any(line.get("logger") == "gunicorn.error" for line in lines)
