"""medsearch's web app: reader pages and a JSON API over the same search engine.

``create_app`` builds a new app each call (no app at import time); the engine is one per app and
opens the index lazily, so gunicorn workers open it after the fork. Modules that import
prometheus-client are imported here lazily too: under gunicorn, ``PROMETHEUS_MULTIPROC_DIR``
must be set before their first import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, Request, Response
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property

from search import Engine
from webapp import settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The largest request body read (a search's JSON object is well under 4 kB): larger is a 413.
MAX_CONTENT_LENGTH = 64 * 1024
API_DESCRIPTION = """\
Answers to health questions from a library of question-and-answer articles.

**Not medical advice.** Show any `notices` (emergency or crisis) of a search prominently.

Errors are `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`;
an invalid request also names the offending `parameter`. Successful `GET` answers carry an
`ETag` (send it in `If-None-Match` for a `304`) and `Cache-Control`. Every response echoes
`X-Request-ID` (yours, or a new one). Requests are rate-limited per client (`429` with
`Retry-After`).
"""


class _Request(Request):
    """Hostile requests are bad requests, not server errors."""

    @cached_property
    def args(self) -> MultiDict[str, str]:
        # Werkzeug decodes raw (not percent-encoded) bytes of the query string strictly.
        try:
            return super().args
        except UnicodeDecodeError:
            pairs = parse_qsl(
                self.query_string.decode("utf-8", "replace"),
                keep_blank_values=True,
                errors="werkzeug.url_quote",
            )
            return self.parameter_storage_class(pairs)


class _JSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        # Deeply nested arrays exhaust the parser's recursion: invalid JSON (a 400), not a 500.
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def _validation_problem(error: ValidationError) -> Response:
    from flask import request

    from webapp import problems

    return problems.from_validation_error(error, "body" if request.method == "POST" else "query")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    from webapp import logs

    values = settings.from_environment()
    values.update(config or {})
    logs.configure(str(values["LOG_LEVEL"]))

    from webapp import problems

    app = OpenAPI(
        __name__,
        info=Info(title="medsearch API", version=_version(), description=API_DESCRIPTION),
        # flask-openapi3 4.3 writes `securitySchemes: null` without this, an invalid document.
        security_schemes={},
        doc_prefix="/api",
        doc_url="/openapi.json",
        validation_error_status=400,
        validation_error_model=problems.Problem,
        validation_error_callback=_validation_problem,
    )
    app.request_class = _Request
    app.json = _JSONProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.config.from_mapping(values)
    # Swagger UI (served from the package, no CDN) started by a script file: the CSP forbids
    # inline scripts.
    app.config.setdefault("SWAGGER_HTML_STRING", _SWAGGER_PAGE)
    app.config.setdefault("OPENAPI_HTML_STRING", _DOCS_INDEX_PAGE)
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    engine = Engine(app.config["INDEX"])
    app.extensions["medsearch.engine"] = engine

    from webapp import api, errors, limits, metrics, ops, pages

    # Request ids first: the limiter's refusals and every later log line carry them.
    logs.init_app(app)
    metrics.init_app(app, engine)
    limits.init_app(app)
    errors.init_app(app)
    origins = _origins(app.config["CORS_ORIGINS"])
    CORS(
        app,
        resources={r"/api/*": {"origins": origins}},
        send_wildcard=origins == "*",
        expose_headers=["ETag", "Retry-After", logs.HEADER],
        max_age=600,
    )
    app.register_blueprint(pages.bp)
    app.register_blueprint(ops.bp)
    app.register_api(api.bp)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


def engine_of(app: Flask) -> Engine:
    engine: Engine = app.extensions["medsearch.engine"]
    return engine


def _origins(value: str) -> str | list[str]:
    origins = [origin.strip() for origin in value.split(",") if origin.strip()]
    return "*" if origins in ([], ["*"]) else origins


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("medsearch")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


_SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>medsearch API</title>
  <link rel="stylesheet" href="swagger/css/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{{ doc_url }}"></div>
  <script src="swagger/js/swagger-ui-bundle.js"></script>
  <script src="{{ url_for('static', filename='api-docs.js') }}"></script>
</body>
</html>
"""

_DOCS_INDEX_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>medsearch API</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}">
</head>
<body>
  <main id="main">
    <h1>medsearch API</h1>
    <ul>
      <li><a href="{{ url_for('swagger.swagger') }}">Interactive documentation</a></li>
      <li><a href="{{ url_for('openapi.doc_url') }}">OpenAPI document</a> (JSON)</li>
    </ul>
  </main>
</body>
</html>
"""
