"""Error handlers: problem+json under ``/api``, the site's error page everywhere else."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from search import IndexUnavailable
from webapp import problems

API_PREFIX = "/api"
# Headers of an HTTP error that the problem response keeps (405's Allow, 429's Retry-After).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

_PAGE_MESSAGES = {
    404: "We could not find that page.",
    503: "The search index is not available right now. Please try again shortly.",
    500: "Something went wrong on our side. Please try again shortly.",
}


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _page(status: int) -> tuple[str, int]:
    message = _PAGE_MESSAGES.get(status, "Something went wrong with that request.")
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response | tuple[str, int] | HTTPException:
        if exc.response is not None:  # a complete response was given (e.g. the rate limiter's)
            return exc.response  # type: ignore[return-value]
        status = exc.code or 500
        if is_api_request():
            given = exc.get_headers()
            headers = {name: value for name, value in given if name in KEPT_HEADERS}
            return problems.problem(status, exc.description or "", headers=headers)
        if status in _PAGE_MESSAGES:
            return _page(status)
        return exc

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(exc: IndexUnavailable) -> Response | tuple[str, int]:
        app.logger.error("index unavailable: %s", exc)
        if is_api_request():
            return problems.problem(
                503,
                "The search index is not available right now; try again shortly.",
                type_=problems.INDEX_UNAVAILABLE,
            )
        return _page(503)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError) -> Response | tuple[str, int]:
        original = exc.original_exception or exc
        app.logger.error("unhandled error: %r", original, exc_info=original)
        if is_api_request():
            return problems.problem(500, "Something went wrong on our side; please try again.")
        return _page(500)
