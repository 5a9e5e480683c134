"""medsearch's web app: reader pages over the search engine.

``create_app`` builds a new app each call (no app at import time); the engine is one per app and
opens the index lazily, so gunicorn workers open it after the fork.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, render_template

from search import Engine, IndexUnavailable
from webapp import settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.update(config)
    app.extensions["medsearch.engine"] = Engine(app.config["INDEX"])

    from webapp import pages

    app.register_blueprint(pages.bp)

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(exc: IndexUnavailable) -> tuple[str, int]:
        app.logger.error("index unavailable: %s", exc)
        return render_template(
            "error.html",
            status=503,
            message="The search index is not available right now. Please try again shortly.",
        ), 503

    @app.errorhandler(404)
    def not_found(exc: Exception) -> tuple[str, int]:
        return render_template(
            "error.html", status=404, message="We could not find that page."
        ), 404

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
