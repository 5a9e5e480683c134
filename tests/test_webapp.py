from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.settings import PREFIX, SETTINGS

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def app(mini_index: Path) -> Flask:
    return create_app({"INDEX": str(mini_index), "TESTING": True, "PAGE_SIZE": 3})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_no_index_is_a_503_page_not_a_stack_trace(tmp_path: Path) -> None:
    client = create_app({"INDEX": str(tmp_path), "TESTING": True}).test_client()
    response = client.get("/search", query_string={"q": "asthma"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "<h1>Search is unavailable</h1>" in page and "Traceback" not in page


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for path in ("/", "/search?q=asthma", "/articles/nope", "/healthz"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{PREFIX}{s.name}`" not in readme]
    assert missing == []


def test_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MEDSEARCH_INDEX", str(tmp_path))
    monkeypatch.setenv("MEDSEARCH_PAGE_SIZE", "7")
    app = create_app()
    assert app.config["INDEX"] == str(tmp_path) and app.config["PAGE_SIZE"] == 7
    monkeypatch.setenv("MEDSEARCH_PAGE_SIZE", "many")
    with pytest.raises(ValueError, match="MEDSEARCH_PAGE_SIZE"):
        create_app()
