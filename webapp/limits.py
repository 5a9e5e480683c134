"""Per-client rate limits on ``/api``: 429 problem+json with ``Retry-After``.

Counters live in ``RATE_LIMIT_STORAGE``; the default ``memory://`` keeps them per worker
process, so with N gunicorn workers a client may get up to N times the limit (a shared store
such as Redis makes it exact). The client is the connecting address, or the one reverse
proxies report when ``TRUSTED_PROXIES`` says how many to trust.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from limits import parse_many

from webapp import problems
from webapp.errors import is_api_request


def _exempt() -> bool:
    return not is_api_request() or request.method == "OPTIONS"


def _too_many(limit: RequestLimit) -> Response:
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    return problems.problem(
        429,
        f"More than {limit.limit} requests from this client; retry in {retry_after} s.",
        type_=problems.RATE_LIMITED,
        headers={"Retry-After": str(retry_after)},
    )


def init_app(app: Flask) -> Limiter | None:
    """The limiter for ``RATE_LIMIT`` (none when it is empty)."""
    rate = app.config["RATE_LIMIT"].strip()
    if not rate:
        return None
    try:
        parse_many(rate)
    except ValueError as exc:  # refuse at start-up, not on the first request
        raise ValueError(f"MEDSEARCH_RATE_LIMIT={rate!r}: {exc}") from exc
    limiter = Limiter(
        get_remote_address,
        app=app,
        application_limits=[rate],
        storage_uri=app.config["RATE_LIMIT_STORAGE"],
        headers_enabled=False,
        on_breach=_too_many,
        key_prefix="medsearch",
    )
    # A request filter is asked before any limit is looked up: pages, /healthz and /metrics
    # skip the limiter's bookkeeping, not just its counting (a quarter of /healthz's time).
    limiter.request_filter(_exempt)
    return limiter
