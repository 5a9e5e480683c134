"""Error handlers: problem+json under ``/api``, the site's error page everywhere else."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from search import IndexUnavailable
from webapp import problems

API_PREFIX = "/api"
# Headers of an HTTP error that the problem response keeps (405's Allow, 429's Retry-After).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

# The site's error page: (title, message) by status; any other status gets the default.
_PAGES = {
    404: ("Page not found", "We could not find that page."),
    500: ("Something went wrong", "Something went wrong on our side. Please try again shortly."),
    503: (
        "Search is unavailable",
        "The search index is not available right now. Please try again shortly.",
    ),
}
_DEFAULT_PAGE = ("Something went wrong", "Something went wrong with that request.")


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _page(status: int, headers: Mapping[str, str] | None = None) -> Response:
    """The site's error page (never a stack trace), with the error's kept headers."""
    title, message = _PAGES.get(status, _DEFAULT_PAGE)
    page = render_template("error.html", status=status, title=title, message=message)
    return Response(page, status=status, headers=dict(headers or {}), mimetype="text/html")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if exc.response is not None:  # a complete response was given (e.g. the rate limiter's)
            return exc.response  # type: ignore[return-value]
        status = exc.code or 500
        headers = {name: value for name, value in exc.get_headers() if name in KEPT_HEADERS}
        if is_api_request():
            return problems.problem(status, exc.description or "", headers=headers)
        return _page(status, headers)

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(exc: IndexUnavailable) -> Response:
        app.logger.error("index unavailable: %s", exc)
        if is_api_request():
            return problems.problem(
                503,
                "The search index is not available right now; try again shortly.",
                type_=problems.INDEX_UNAVAILABLE,
            )
        return _page(503)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError) -> Response:
        original = exc.original_exception or exc
        app.logger.error("unhandled error: %r", original, exc_info=original)
        if is_api_request():
            return problems.problem(500, "Something went wrong on our side; please try again.")
        return _page(500)
