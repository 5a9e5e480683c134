"""Prometheus metrics: requests and latency by endpoint and status, and the served index.

Under gunicorn each worker is a process with its own counters; with ``PROMETHEUS_MULTIPROC_DIR``
set (``gunicorn.conf.py`` does it before any worker starts) prometheus-client keeps them in
files in that folder and ``/metrics`` adds up every worker's, whichever worker answers. The
variable must be set before this module is first imported: the app factory imports it lazily.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from search import Engine, IndexUnavailable

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LABELS = ("endpoint", "method", "status")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "<unmatched>"


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class IndexCollector(Collector):
    """The served build, read when scraped: every worker sees the same index on disk."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("medsearch_index_up", "1 when the search index can be opened.")
        try:
            stats = self.engine.stats()
        except IndexUnavailable:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "medsearch_index_documents",
            "Documents in the served index.",
            value=stats["documents"],
        )
        info = GaugeMetricFamily(
            "medsearch_index_build_info", "The served build (always 1).", labels=["build"]
        )
        info.add_metric([str(stats["build"])], 1)
        yield info


class Metrics:
    def __init__(self, engine: Engine) -> None:
        # One registry per app: several apps in one process (tests) do not collide.
        self.registry = CollectorRegistry()
        self.index = IndexCollector(engine)
        self.requests = Counter(
            "medsearch_http_requests",
            "HTTP requests answered, by endpoint (route), method and status.",
            LABELS,
            registry=self.registry,
        )
        self.latency = Histogram(
            "medsearch_http_request_duration_seconds",
            "Time to answer HTTP requests, by endpoint (route), method and status.",
            LABELS,
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(self.index)

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        labels = (endpoint, method, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def exposition(self) -> bytes:
        """The text format: every worker's counts in multiprocess mode, else this process's."""
        if multiprocess_dir():
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            registry.register(self.index)
            return generate_latest(registry)
        return generate_latest(self.registry)


def init_app(app: Flask, engine: Engine) -> Metrics:
    metrics = Metrics(engine)
    app.extensions["medsearch.metrics"] = metrics

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        started = g.get("metrics_started")
        if started is not None:
            endpoint = request.url_rule.rule if request.url_rule else UNMATCHED
            metrics.observe(
                endpoint, request.method, response.status_code, time.perf_counter() - started
            )
        return response

    def metrics_view() -> Response:
        return Response(metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    # add_url_rule, not the app's ``get``: that would put /metrics in the API's document.
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])

    return metrics
