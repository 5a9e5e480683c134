from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

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


def test_home_page_has_a_labelled_search_box_and_examples(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "<search>" in page and '<label for="q">' in page
    assert "Why does lung cancer recur after surgery?" in page
    assert "Not medical advice" in page


def test_results_page_lists_answers_with_highlighted_snippets(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "how is asthma treated?"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="how is asthma treated?"' in page
    assert "<mark>Asthma</mark>" in page
    assert page.index("How is asthma treated?") < page.index("How is diabetes treated?")
    assert "<title>how is asthma treated? – medsearch</title>" in page


def test_results_are_paged(client: FlaskClient) -> None:
    first = client.get("/search", query_string={"q": "treated symptoms cancer"}).get_data(
        as_text=True
    )
    assert 'rel="next"' in first
    second = client.get(
        "/search", query_string={"q": "treated symptoms cancer", "page": 2}
    ).get_data(as_text=True)
    assert '<ol class="results" start="4">' in second


def test_stored_html_is_escaped_everywhere(client: FlaskClient) -> None:
    results = client.get("/search", query_string={"q": "syndrome"}).get_data(as_text=True)
    article = client.get("/articles/mini-xss").get_data(as_text=True)
    for page in (results, article):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
    assert "javascript:" not in article  # only http(s) links to the original


def test_article_page_shows_the_answer_source_and_related(client: FlaskClient) -> None:
    page = client.get("/articles/mini-lung-recur?q=lung").get_data(as_text=True)
    assert "<h1>Why does lung cancer come back after surgery?</h1>" in page
    assert "Regular follow-up scans" in page
    assert 'href="/articles/mini-lung-symptoms"' in page
    assert "Back to results" in page


def test_unknown_article_is_a_404_page_in_the_site_style(client: FlaskClient) -> None:
    response = client.get("/articles/nope")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_no_index_is_a_503_page_not_a_stack_trace(tmp_path: Path) -> None:
    client = create_app({"INDEX": str(tmp_path), "TESTING": True}).test_client()
    response = client.get("/search", query_string={"q": "asthma"})
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)


HOSTILE = ["*", "a" * 5000, "\x00", "((((", "' OR 1=1 --", "🤒 حمى", "<script>x</script>"]


@pytest.mark.parametrize("q", [quote(q) for q in HOSTILE] + ["%ED%A0%80", "%FF%FE", "%"])
def test_any_query_string_gets_a_page(client: FlaskClient, q: str) -> None:
    # Raw query strings: "%ED%A0%80" is a lone surrogate, "%FF%FE" not UTF-8 at all.
    response = client.get(f"/search?q={q}")
    assert response.status_code == 200
    assert "<script>x" not in response.get_data(as_text=True)


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for path in ("/", "/search?q=asthma", "/articles/nope", "/healthz"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_handlers(client: FlaskClient) -> None:
    page = client.get("/search?q=asthma").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)


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
