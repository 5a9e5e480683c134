"""The JSON API as a service calling it sees it: shapes, paging, errors, caching, limits."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from search.indexing import build
from webapp import create_app, logs
from webapp.problems import MEDIA_TYPE

QUESTION = "cancer diabetes symptoms treated"  # matches 7 of the 10 mini articles


def make_app(index: Path, **config: Any) -> Flask:
    return create_app({"INDEX": str(index), "TESTING": True, **config})


@pytest.fixture
def app(mini_index: Path) -> Flask:
    return make_app(mini_index)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def search(client: FlaskClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def assert_problem(response: Any, status: int, parameter: str | None = None) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == MEDIA_TYPE
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    if parameter is not None:
        assert body["parameter"] == parameter, body
        assert body["errors"][0]["parameter"] == parameter
    return body


def key(labels: dict[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(labels.items())


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Prometheus text → {(sample name, labels): value}."""
    return {
        (sample.name, key(sample.labels)): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


# -- search ----------------------------------------------------------------------------------


def test_search_answers_with_ranked_hits_and_everything_a_service_needs(
    client: FlaskClient,
) -> None:
    body = search(client, q="how is asthma treated?")
    assert set(body) == {
        "query",
        "total",
        "page",
        "size",
        "offset",
        "took_ms",
        "did_you_mean",
        "facets",
        "notices",
        "hits",
    }
    assert body["query"] == "how is asthma treated?"
    assert (body["page"], body["size"], body["offset"]) == (1, 10, 0)
    assert body["total"] == len(body["hits"]) == 3
    assert body["notices"] == [] and body["did_you_mean"] is None
    first = body["hits"][0]
    assert set(first) == {"id", "score", "title", "snippet", "url", "source", "qtype", "focus"}
    assert first["id"] == "mini-asthma-treatment"
    assert (first["source"], first["qtype"], first["focus"]) == (
        "Health Topics",
        "treatment",
        "asthma",
    )
    assert "<mark>Asthma</mark>" in first["snippet"]
    assert body["facets"]["qtype"] == {"treatment": 3}


def test_pages_are_consecutive_slices_of_one_ranking(client: FlaskClient) -> None:
    everything = search(client, q=QUESTION, size=50)
    ids = [hit["id"] for hit in everything["hits"]]
    assert everything["total"] == len(ids) == 7
    first = search(client, q=QUESTION, size=4)
    second = search(client, q=QUESTION, size=4, page=2)
    assert [h["id"] for h in first["hits"] + second["hits"]] == ids
    assert (second["page"], second["size"], second["offset"], second["total"]) == (2, 4, 4, 7)
    beyond = search(client, q=QUESTION, size=4, page=3)
    assert beyond["hits"] == [] and beyond["total"] == 7


def test_offset_and_limit_are_an_alternative_to_page_and_size(client: FlaskClient) -> None:
    by_page = search(client, q=QUESTION, page=2, size=2)
    by_offset = search(client, q=QUESTION, offset=2, limit=2)
    assert [h["id"] for h in by_offset["hits"]] == [h["id"] for h in by_page["hits"]]
    assert (by_offset["page"], by_offset["size"], by_offset["offset"]) == (2, 2, 2)
    odd = search(client, q=QUESTION, offset=3, limit=2)
    assert [h["id"] for h in odd["hits"]] == [
        h["id"] for h in search(client, q=QUESTION, size=50)["hits"][3:5]
    ]


def test_repeatable_filters_restrict_by_source_and_question_type(client: FlaskClient) -> None:
    client_query = [("q", "treated treatment"), ("source", "Health Topics"), ("source", "Mini")]
    both = client.get("/api/search", query_string=client_query).get_json()
    assert {h["source"] for h in both["hits"]} == {"Health Topics", "Mini"}
    one = search(client, q="treated treatment", source="Mini")
    assert {h["source"] for h in one["hits"]} == {"Mini"} and one["total"] < both["total"]
    typed = search(client, q="symptoms", qtype="symptoms")
    assert typed["hits"] and {h["qtype"] for h in typed["hits"]} == {"symptoms"}
    assert typed["facets"]["qtype"] == {"symptoms": typed["total"]}
    assert search(client, q="symptoms", qtype="no-such-type")["total"] == 0


def test_facets_can_be_left_out(client: FlaskClient) -> None:
    assert search(client, q="asthma", facets="false")["facets"] is None
    assert search(client, q="asthma", facets="true")["facets"]["source"]


def test_highlight_false_gives_plain_text_snippets(client: FlaskClient) -> None:
    html_hit = search(client, q="syndrome")["hits"][0]
    text_hit = search(client, q="syndrome", highlight="false")["hits"][0]
    assert html_hit["id"] == text_hit["id"] == "mini-xss"
    assert "<mark>" in html_hit["snippet"] and "&lt;script&gt;" in html_hit["snippet"]
    assert "<mark>" not in text_hit["snippet"] and "&lt;" not in text_hit["snippet"]
    assert "<script>" in text_hit["snippet"]  # plain text: the caller escapes it


def test_post_takes_the_same_parameters_as_json(client: FlaskClient) -> None:
    got = search(client, q=QUESTION, size=2, page=2, qtype="symptoms")
    posted = client.post(
        "/api/search", json={"q": QUESTION, "size": 2, "page": 2, "qtype": ["symptoms"]}
    )
    assert posted.status_code == 200
    body = posted.get_json()
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in got["hits"]]
    assert body["total"] == got["total"]
    assert posted.headers["Cache-Control"] == "no-store" and "ETag" not in posted.headers


def test_emergency_questions_carry_a_notice(client: FlaskClient) -> None:
    body = search(client, q="crushing chest pain and I can't breathe")
    assert [n["kind"] for n in body["notices"]] == ["emergency"]
    assert set(body["notices"][0]) == {"kind", "title", "message"}
    crisis = search(client, q="I want to end my life")
    assert crisis["notices"][0]["kind"] == "crisis"
    assert search(client, q="chest pain after exercise in a healthy 20-year-old")["notices"] == []


def test_the_api_and_the_pages_run_the_same_search(client: FlaskClient) -> None:
    hits = search(client, q="how is asthma treated?", size=3)["hits"]
    page = client.get("/search", query_string={"q": "how is asthma treated?"}).get_data(
        as_text=True
    )
    positions = [page.index(hit["snippet"]) for hit in hits]
    assert positions == sorted(positions)


# -- validation and problems -----------------------------------------------------------------

INVALID = [
    ({}, "q"),
    ({"q": ""}, "q"),
    ({"q": "a" * 513}, "q"),
    ({"q": "asthma", "size": 51}, "size"),
    ({"q": "asthma", "size": 0}, "size"),
    ({"q": "asthma", "page": 0}, "page"),
    ({"q": "asthma", "page": "two"}, "page"),
    ({"q": "asthma", "page": 21, "size": 50}, "page"),
    ({"q": "asthma", "page": 101}, "page"),  # 101 × the default 10
    ({"q": "asthma", "size": 50, "page": 30}, "page"),
    ({"q": "asthma", "limit": 51}, "limit"),
    ({"q": "asthma", "offset": 995}, "offset"),
    ({"q": "asthma", "offset": -1}, "offset"),
    ({"q": "asthma", "page": 2, "offset": 10}, "offset"),
    ({"q": "asthma", "size": 5, "limit": 5}, "limit"),
    ({"q": "asthma", "facets": "maybe"}, "facets"),
    ({"q": "asthma", "highlight": "1"}, "highlight"),
    ({"q": "asthma", "source": ""}, "source"),
]


@pytest.mark.parametrize(("params", "parameter"), INVALID)
def test_invalid_parameters_are_a_400_naming_the_parameter(
    client: FlaskClient, params: dict[str, Any], parameter: str
) -> None:
    body = assert_problem(client.get("/api/search", query_string=params), 400, parameter)
    assert body["type"] == "urn:medsearch:problem:invalid-parameter"
    assert body["detail"].startswith(f"{parameter}: ")


def test_the_largest_allowed_window_is_accepted(client: FlaskClient) -> None:
    assert search(client, q="asthma", page=20, size=50)["hits"] == []
    assert search(client, q="asthma", offset=950, limit=50)["page"] == 20
    assert search(client, q="asthma", page=100)["size"] == 10


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"q": "asthma", "page": "2"}, "page"),  # JSON types are not converted
        ({"q": "asthma", "facets": "true"}, "facets"),
        ({"q": "asthma", "source": "Mini"}, "source"),
        ({"q": 5}, "q"),
        ({"q": "asthma", "size": None}, "size"),
        ({}, "q"),
        ([], "body"),
        ("asthma", "body"),
    ],
)
def test_invalid_json_bodies_are_a_400_naming_the_field(
    client: FlaskClient, body: Any, parameter: str
) -> None:
    assert_problem(client.post("/api/search", json=body), 400, parameter)


def test_a_body_that_is_not_json_is_a_400(client: FlaskClient) -> None:
    response = client.post("/api/search", data="q=asthma", content_type="text/plain")
    assert_problem(response, 400, "body")


def test_problem_shape_is_pinned(client: FlaskClient) -> None:
    response = client.get(
        "/api/search", query_string={"q": "asthma", "size": 99}, headers={"X-Request-ID": "r-1"}
    )
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json(force=True) == {
        "type": "urn:medsearch:problem:invalid-parameter",
        "title": "Invalid request parameter",
        "status": 400,
        "detail": "size: Input should be less than or equal to 50",
        "instance": "/api/search",
        "request_id": "r-1",
        "parameter": "size",
        "errors": [{"parameter": "size", "message": "Input should be less than or equal to 50"}],
    }
    not_found = client.get("/api/articles/nope", headers={"X-Request-ID": "r-2"})
    assert not_found.get_json(force=True) == {
        "type": "urn:medsearch:problem:not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No article has the id 'nope'.",
        "instance": "/api/articles/nope",
        "request_id": "r-2",
    }


def test_every_api_error_is_problem_json(client: FlaskClient) -> None:
    assert_problem(client.get("/api/no-such-endpoint"), 404)
    not_allowed = assert_problem(client.delete("/api/search"), 405)
    assert not_allowed["type"] == "about:blank" and not_allowed["title"] == "Method Not Allowed"
    assert "GET" in client.delete("/api/search").headers["Allow"]
    assert_problem(client.get("/api/suggest"), 400, "q")
    # The reader pages keep their HTML error page.
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_a_missing_index_is_a_503_but_a_bad_request_is_still_a_400(tmp_path: Path) -> None:
    client = make_app(tmp_path / "nothing-built").test_client()
    body = assert_problem(client.get("/api/search", query_string={"q": "asthma"}), 503)
    assert body["type"] == "urn:medsearch:problem:index-unavailable"
    assert str(tmp_path) not in body["detail"]  # no server paths in public answers
    assert_problem(client.get("/api/articles/x"), 503)
    assert_problem(client.get("/api/search", query_string={"size": 5}), 400, "q")
    assert_problem(client.get("/readyz"), 503)
    assert client.get("/healthz").status_code == 200


def test_an_unexpected_error_is_a_500_problem_without_internals(
    mini_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(mini_index, TESTING=False)
    engine = app.extensions["medsearch.engine"]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "search", broken)
    response = app.test_client().get("/api/search", query_string={"q": "asthma"})
    body = assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True) and body["type"] == "about:blank"


# -- suggest and articles --------------------------------------------------------------------


def test_suggest_answers_with_the_engines_suggestions(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = app.extensions["medsearch.engine"]
    seen: list[tuple[str, int]] = []

    def suggest(prefix: str, limit: int = 8) -> list[str]:
        seen.append((prefix, limit))
        return ["diabetes symptoms", "diabetes treatment"][:limit]

    monkeypatch.setattr(engine, "suggest", suggest)
    response = client.get("/api/suggest", query_string={"q": "diab", "limit": 1})
    assert response.get_json() == {"query": "diab", "suggestions": ["diabetes symptoms"]}
    assert seen == [("diab", 1)]
    assert_problem(client.get("/api/suggest", query_string={"q": "d", "limit": 0}), 400, "limit")


def test_article_in_full_with_related_articles(client: FlaskClient) -> None:
    body = client.get("/api/articles/mini-lung-recur").get_json()
    assert body["title"] == "Why does lung cancer come back after surgery?"
    assert body["body"].startswith("Lung cancer can recur after surgery")
    assert body["synonyms"] == ["lung carcinoma"] and body["focus"] == "lung cancer"
    assert body["related"][0]["id"] == "mini-lung-symptoms"
    assert set(body["related"][0]) == {"id", "title", "url", "source", "qtype", "focus"}


# -- caching ---------------------------------------------------------------------------------


def test_search_answers_carry_an_etag_and_304_when_unchanged(client: FlaskClient) -> None:
    params = {"q": "how is asthma treated", "size": 2}
    first = client.get("/api/search", query_string=params)
    again = client.get("/api/search", query_string=params)
    etag = first.headers["ETag"]
    assert etag == again.headers["ETag"]  # took_ms differs, the answer does not
    assert first.headers["Cache-Control"] == "public, max-age=60"
    cached = client.get("/api/search", query_string=params, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.get_data() == b""
    assert cached.headers["ETag"] == etag
    other = client.get("/api/search", query_string={**params, "page": 2})
    assert other.headers["ETag"] != etag
    stale = client.get("/api/search", query_string=params, headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200
    article = client.get("/api/articles/mini-lung-recur")
    assert (
        client.get(
            "/api/articles/mini-lung-recur", headers={"If-None-Match": article.headers["ETag"]}
        ).status_code
        == 304
    )


def test_cache_lifetime_is_configurable(mini_index: Path) -> None:
    client = make_app(mini_index, CACHE_SECONDS=0).test_client()
    response = client.get("/api/search", query_string={"q": "asthma"})
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]


# -- CORS ------------------------------------------------------------------------------------


def test_cors_allows_any_origin_by_default_on_the_api_only(client: FlaskClient) -> None:
    origin = {"Origin": "https://app.example"}
    response = client.get("/api/search", query_string={"q": "asthma"}, headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/", headers=origin).headers


def test_cors_origins_are_configurable(mini_index: Path) -> None:
    client = make_app(mini_index, CORS_ORIGINS="https://a.example, https://b.example").test_client()
    allowed = client.get(
        "/api/search", query_string={"q": "x"}, headers={"Origin": "https://b.example"}
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    refused = client.get(
        "/api/search", query_string={"q": "x"}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
    preflight = client.options(
        "/api/search",
        headers={
            "Origin": "https://a.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


# -- rate limits -----------------------------------------------------------------------------


def test_rate_limit_is_per_client_with_429_and_retry_after(mini_index: Path) -> None:
    app = make_app(mini_index, RATE_LIMIT="3/minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/search", query_string={"q": "asthma"}).status_code == 200
    refused = client.get("/api/articles/mini-xss", headers={"X-Request-ID": "busy-1"})
    body = assert_problem(refused, 429)
    assert body["type"] == "urn:medsearch:problem:rate-limited"
    assert body["request_id"] == "busy-1"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    # Another client still gets answers; pages and probes are not limited.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert other.get("/api/search", query_string={"q": "asthma"}).status_code == 200
    assert client.get("/search", query_string={"q": "asthma"}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_the_rate_limit_can_be_switched_off(mini_index: Path) -> None:
    client = make_app(mini_index, RATE_LIMIT="").test_client()
    for _ in range(5):
        assert client.get("/api/suggest", query_string={"q": "a"}).status_code == 200


def test_several_limits_and_bad_limits(mini_index: Path) -> None:
    client = make_app(mini_index, RATE_LIMIT="5/minute;2/hour").test_client()
    statuses = [client.get("/api/suggest", query_string={"q": "a"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    with pytest.raises(ValueError, match="MEDSEARCH_RATE_LIMIT"):
        make_app(mini_index, RATE_LIMIT="lots")


def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(mini_index: Path) -> None:
    client = make_app(mini_index, RATE_LIMIT="1/minute", TRUSTED_PROXIES=1).test_client()
    first = {"X-Forwarded-For": "203.0.113.1"}
    second = {"X-Forwarded-For": "203.0.113.2"}
    assert client.get("/api/suggest?q=a", headers=first).status_code == 200
    assert client.get("/api/suggest?q=a", headers=first).status_code == 429
    assert client.get("/api/suggest?q=a", headers=second).status_code == 200


# -- request ids and logs --------------------------------------------------------------------


def test_request_ids_are_kept_or_made_and_echoed(client: FlaskClient) -> None:
    given = client.get("/api/search?q=asthma", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-ID"] != made
    hostile = client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert hostile.headers["X-Request-ID"] != "x" * 500


def test_every_log_line_is_json_with_the_request_id(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    handler = logs.configure("INFO", stream=stream)
    engine = app.extensions["medsearch.engine"]
    real_search = engine.search

    def logged_search(*args: Any, **kwargs: Any) -> Any:
        logging.getLogger("search.engine").warning("searching")
        return real_search(*args, **kwargs)

    monkeypatch.setattr(engine, "search", logged_search)
    try:
        client.get("/api/search?q=private+question", headers={"X-Request-ID": "trace-7"})
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["searching", "GET /api/search 200"]
    assert {line["request_id"] for line in lines} == {"trace-7"}
    access = lines[-1]
    assert access["logger"] == "medsearch.access" and access["status"] == 200
    assert "timestamp" in access and access["level"] == "INFO"
    assert "private" not in stream.getvalue()  # questions are not logged


# -- probes and metrics ----------------------------------------------------------------------


def test_readyz_reports_the_build_and_its_documents(client: FlaskClient) -> None:
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["documents"] == 10
    assert re.fullmatch(r"\d{8}T\d+Z-[0-9a-f]+", body["build"])


def test_metrics_count_requests_and_latency_by_endpoint_and_status(client: FlaskClient) -> None:
    for _ in range(2):
        client.get("/api/search", query_string={"q": "asthma"})
    client.get("/api/search", query_string={"q": "asthma", "size": 99})
    client.get("/api/articles/mini-xss")
    response = client.get("/metrics")
    assert response.mimetype == "text/plain"
    found = samples(response.get_data(as_text=True))
    ok = {"endpoint": "/api/search", "method": "GET", "status": "200"}
    assert found["medsearch_http_requests_total", key(ok)] == 2
    assert found["medsearch_http_requests_total", key({**ok, "status": "400"})] == 1
    assert found["medsearch_http_request_duration_seconds_count", key(ok)] == 2
    assert found["medsearch_http_request_duration_seconds_bucket", key({**ok, "le": "+Inf"})] == 2
    article = {"endpoint": "/api/articles/<article_id>", "method": "GET", "status": "200"}
    assert found["medsearch_http_requests_total", key(article)] == 1  # routes, not raw paths
    assert found["medsearch_index_documents", key({})] == 10
    assert found["medsearch_index_up", key({})] == 1


def test_metrics_say_when_the_index_is_missing(tmp_path: Path) -> None:
    found = samples(make_app(tmp_path).test_client().get("/metrics").get_data(as_text=True))
    assert found["medsearch_index_up", key({})] == 0
    assert not any(name == "medsearch_index_documents" for name, _ in found)


# -- index switches --------------------------------------------------------------------------


def test_a_rebuild_is_served_without_a_restart(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "old-1", "question": "What is gout?", "answer": "Gout is arthritis."}\n'
    )
    index = tmp_path / "index"
    build([corpus], index)
    client = make_app(index).test_client()
    before = client.get("/api/search", query_string={"q": "gout"}).get_json()
    assert [h["id"] for h in before["hits"]] == ["old-1"]
    build_before = client.get("/readyz").get_json()["build"]

    corpus.write_text(
        '{"id": "new-1", "question": "How is gout treated?", "answer": "Gout is treated '
        'with rest."}\n'
        '{"id": "new-2", "question": "What causes gout?", "answer": "Uric acid causes gout."}\n'
    )
    build([corpus], index)
    after = client.get("/api/search", query_string={"q": "gout"}).get_json()
    assert sorted(h["id"] for h in after["hits"]) == ["new-1", "new-2"]
    ready = client.get("/readyz").get_json()
    assert ready["documents"] == 2 and ready["build"] != build_before
    assert client.get("/api/articles/old-1").status_code == 404


# -- documentation ---------------------------------------------------------------------------


def test_openapi_document_describes_the_api(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/search", "/api/suggest", "/api/articles/{article_id}"} <= set(spec["paths"])
    assert set(spec["paths"]["/api/search"]) == {"get", "post"}
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params["size"]["schema"]["maximum"] == 50
    assert params["q"]["schema"]["maxLength"] == 512
    assert params["source"]["schema"]["type"] == "array"
    assert spec["components"]["securitySchemes"] == {}
    bad_request = spec["paths"]["/api/search"]["get"]["responses"]["400"]
    assert list(bad_request["content"]) == ["application/problem+json"]
    assert {"type", "title", "status", "detail", "parameter"} <= set(
        spec["components"]["schemas"]["Problem"]["properties"]
    )


def test_docs_page_needs_no_cdn_and_no_inline_script(client: FlaskClient) -> None:
    page = client.get("/api/swagger")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        url = asset if asset.startswith("/") else "/api/" + asset
        with client.get(url) as response:
            assert response.status_code == 200, url
    assert client.get("/api/").status_code == 200
