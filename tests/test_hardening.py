"""A damaged build, security headers, no debug mode, article ids and body limits.

A damaged build (a segment file truncated or missing) is found when it is read, not only when
it is opened: /readyz says so with a reason, the API answers 503 problems, the pages the site's
503 page, and the next build recovers.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.debug import DebuggedApplication

from search.indexing import build, current_build
from tests.conftest import FIXTURES
from webapp import create_app
from webapp.problems import INDEX_UNAVAILABLE, MEDIA_TYPE


def make_app(index: Path, **config: object) -> Flask:
    return create_app({"INDEX": str(index), "RATE_LIMIT": "", **config})


def _truncate_half(segment: Path) -> None:
    with segment.open("r+b") as handle:
        handle.truncate(segment.stat().st_size // 2)


def _truncate_empty(segment: Path) -> None:
    segment.write_bytes(b"")


def _remove(segment: Path) -> None:
    segment.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate_half,
    "emptied": _truncate_empty,
    "missing": _remove,
}


# Whoosh leaks the file handle of a segment it fails to open (once: the engine remembers).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_build_is_reported_and_the_next_build_recovers(
    tmp_path: Path, damage: str
) -> None:
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    served = current_build(index)
    assert served is not None
    segments = list(served.glob("*.seg"))
    assert segments, list(served.iterdir())
    for segment in segments:
        DAMAGE[damage](segment)
    # Not TESTING: exceptions are handled as in production, never propagated.
    client = make_app(index).test_client()

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.mimetype == MEDIA_TYPE
    problem = ready.get_json()
    assert problem["type"] == INDEX_UNAVAILABLE
    assert served.name in problem["detail"], problem  # the reason names the damaged build

    for path in ("/api/search?q=asthma", "/api/articles/mini-asthma-treatment"):
        response = client.get(path)
        assert response.status_code == 503, (path, response.get_data(as_text=True))
        assert response.mimetype == MEDIA_TYPE
        assert response.get_json()["type"] == INDEX_UNAVAILABLE
        assert "Traceback" not in response.get_data(as_text=True)
    posted = client.post("/api/search", json={"q": "asthma"})
    assert posted.status_code == 503 and posted.mimetype == MEDIA_TYPE

    for path in ("/search?q=asthma", "/articles/mini-asthma-treatment"):
        page = client.get(path)
        assert page.status_code == 503, path
        assert page.mimetype == "text/html"
        text = page.get_data(as_text=True)
        assert "Search is unavailable" in text and "Not medical advice" in text
        assert "Traceback" not in text and str(served) not in text

    build([FIXTURES / "mini.jsonl"], index)  # the next build recovers, the same app serves it
    assert client.get("/readyz").status_code == 200
    found = client.get("/api/search?q=asthma").get_json()
    assert found["hits"][0]["id"] == "mini-asthma-treatment"
    assert client.get("/search?q=asthma").status_code == 200


def test_a_build_damaged_while_served_is_reported(tmp_path: Path) -> None:
    """Searchers already open read a segment that goes missing: reported, then recovered."""
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    client = make_app(index).test_client()
    assert client.get("/api/search?q=asthma").status_code == 200
    served = current_build(index)
    assert served is not None
    copy = tmp_path / "copy"
    shutil.copytree(served, copy)
    for segment in served.glob("*.seg"):
        segment.unlink()
    # The open searcher may still read its open file; whatever happens is not a 500.
    assert client.get("/api/search?q=asthma").status_code in (200, 503)
    build([FIXTURES / "mini.jsonl"], index)
    assert client.get("/api/search?q=asthma").status_code == 200
    assert client.get("/readyz").status_code == 200


# -- headers, debug mode, ids, limits -----------------------------------------------------


@pytest.fixture
def client(mini_index: Path) -> FlaskClient:
    return make_app(mini_index).test_client()


REQUESTS = {
    "home": ("GET", "/"),
    "results": ("GET", "/search?q=asthma"),
    "article": ("GET", "/articles/mini-asthma-treatment"),
    "missing page": ("GET", "/no/such/page"),
    "missing article": ("GET", "/articles/no-such-article"),
    "api search": ("GET", "/api/search?q=asthma"),
    "api invalid": ("GET", "/api/search"),
    "api missing": ("GET", "/api/articles/nothing"),
    "api wrong method": ("DELETE", "/api/search"),
    "api suggest": ("GET", "/api/suggest?q=ast"),
    "openapi": ("GET", "/api/openapi.json"),
    "swagger": ("GET", "/api/swagger"),
    "static": ("GET", "/static/style.css"),
    "static missing": ("GET", "/static/nothing.js"),
    "healthz": ("GET", "/healthz"),
    "readyz": ("GET", "/readyz"),
    "metrics": ("GET", "/metrics"),
    "traversal": ("GET", "/articles/..%2f..%2fetc%2fpasswd"),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_every_response_has_the_security_headers(client: FlaskClient, name: str) -> None:
    method, path = REQUESTS[name]
    response = client.open(path, method=method)
    assert response.status_code != 500, name
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, name
    assert response.headers.get("X-Content-Type-Options") == "nosniff", name
    assert response.headers.get("Referrer-Policy") == "same-origin", name
    response.close()  # a static file's response holds the file open


def test_security_headers_on_errors_from_the_app_and_on_413(client: FlaskClient) -> None:
    response = client.post("/api/search", json={"q": "asthma " * 20_000})
    assert response.status_code == 413
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_too_large_body_is_a_413_problem(client: FlaskClient) -> None:
    response = client.post(
        "/api/search", data=b'{"q": "' + b"a" * 200_000 + b'"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.mimetype == MEDIA_TYPE
    assert response.get_json()["status"] == 413
    # A normal body still passes.
    assert client.post("/api/search", json={"q": "asthma"}).status_code == 200


def test_the_production_app_has_no_debug_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    import wsgi

    app = importlib.reload(wsgi).app
    assert app.debug is False
    assert app.config["DEBUG"] is False
    assert app.config["TESTING"] is False
    assert not app.config.get("PROPAGATE_EXCEPTIONS")
    assert not isinstance(app.wsgi_app, DebuggedApplication)
    assert "debugger" not in type(app.wsgi_app).__name__.lower()


def test_an_error_shows_no_stack_trace(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import Engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Engine, "search", broken)
    for path in ("/api/search?q=asthma", "/search?q=asthma"):
        response = client.get(path)
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "secret internals" not in text and "Traceback" not in text


@pytest.mark.parametrize(
    "path",
    [
        "/articles/..%2f..%2fetc%2fpasswd",
        "/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/articles/....//....//etc/passwd",
        "/articles/..\\..\\etc\\passwd",
        "/articles/%00",
        "/articles/" + "a" * 5000,
        "/api/articles/..%2f..%2fetc%2fpasswd",
        "/api/articles/%2e%2e",
        "/api/articles/" + "a" * 5000,
        "/static/..%2fwsgi.py",
        "/static/../../wsgi.py",
        "/static/%2e%2e/__init__.py",
    ],
)
def test_article_ids_and_static_paths_do_not_traverse(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    text = response.get_data(as_text=True)
    assert "root:" not in text and "create_app" not in text and "Traceback" not in text
    if path.startswith("/api/"):
        assert response.mimetype == MEDIA_TYPE


def test_a_segment_truncated_under_the_running_server_ends_in_503s(tmp_path: Path) -> None:
    """A segment truncated under a running server: the worker that reads it (an article, from
    Whoosh's stored fields; searches are answered from the postings arrays) finds the damage,
    and from then on the server answers with 503s, not 500s; the next build recovers. (Whoosh
    reads segments through files, not memory maps, so the reading worker is not killed.)"""
    import json
    import time

    from tests.servers import get, running

    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    with running(index, tmp_path, workers=1, threads=2) as server:
        assert server.json("/api/search?q=asthma")["hits"]
        served = current_build(index)
        assert served is not None
        for segment in served.glob("*.seg"):
            with segment.open("r+b") as handle:
                handle.truncate(1000)
        statuses: list[int] = []
        deadline = time.monotonic() + 30
        for _ in range(100):  # a request may die with the worker; then 503s
            with contextlib.suppress(OSError):  # the worker may die reading the article
                get(server.base + "/api/articles/mini-asthma-treatment")
            try:
                statuses.append(get(server.base + "/api/search?q=cancer")[0])
            except OSError:
                statuses.append(0)
            if statuses[-3:] == [503, 503, 503] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        print("statuses after the truncation:", statuses)
        assert statuses[-3:] == [503, 503, 503], statuses
        assert server.process.poll() is None
        status, _, body = get(server.base + "/readyz")
        assert status == 503 and served.name in json.loads(body)["detail"]
        build([FIXTURES / "mini.jsonl"], index)
        assert server.json("/api/search?q=asthma")["hits"]


RAW_REQUESTS = [
    b"GET /api/search?q=\xff\xfe\xfd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /search?q=\xed\xa0\x80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /api/search?q=%00%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /articles/..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /api/search?q=" + b"a" * 6000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 10000000\r\nConnection: close\r\n\r\n" + b'{"q": "' + b"a" * 70_000,
    b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 20000\r\nConnection: close\r\n\r\n" + b"[" * 10_000 + b"]" * 10_000,
    b"GET /api/search?q=asthma HTTP/1.1\r\nHost: x\r\nX-Request-ID: \xff<script>\r\n"
    b"Connection: close\r\n\r\n",
]


def test_raw_hostile_requests_to_the_real_server_get_no_server_error(tmp_path: Path) -> None:
    """What a test client cannot send (raw bytes, lying lengths) to gunicorn on a loopback
    port: never a 5xx, and the server still answers afterwards."""
    import socket
    from urllib.parse import urlsplit

    from tests.servers import running

    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    with running(index, tmp_path, workers=1, threads=2) as server:
        address = urlsplit(server.base)
        for raw in RAW_REQUESTS:
            with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
                # The server may answer and close before reading it all.
                with contextlib.suppress(OSError):
                    sock.sendall(raw)
                answer = sock.recv(4096)
            status_line = answer.split(b"\r\n", 1)[0]
            assert status_line.startswith(b"HTTP/1.1 "), (raw[:60], answer[:200])
            status = int(status_line.split()[1])
            print(status, raw[:50])
            assert status < 500, (raw[:60], answer[:300])
        assert server.json("/api/search?q=asthma")["hits"]
