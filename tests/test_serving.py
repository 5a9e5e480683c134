"""The real server: gunicorn with gunicorn.conf.py and several workers, on a loopback port.

Checks what only shows across processes: metrics add up every worker's counts (prometheus-client
multiprocess mode set up by the config's hooks), logs are JSON lines with request ids, and a
rebuild is served by every worker without a restart. Requests are few and bounded; the server
is stopped at the end and its log printed when a check fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from search.indexing import build
from tests.conftest import FIXTURES
from tests.servers import Server, get, running

REQUESTS = 12


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    with running(index, tmp_path) as started:
        yield started


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
