"""Endpoints for operators and orchestrators: liveness and readiness (metrics: ``metrics``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app

from search import IndexUnavailable
from webapp import engine_of, problems

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """Alive: the process answers. Says nothing about the index (that is ``/readyz``)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> dict[str, Any] | Response:
    """Ready to answer searches: the index opens and reads. 503 (problem+json) with the reason
    (no index yet, or which build is damaged) until it does."""
    try:
        stats = engine_of(current_app).stats()
    except IndexUnavailable as exc:
        current_app.logger.warning("not ready: %s", exc)
        return problems.problem(
            503,
            f"The search index is not available: {exc}",
            type_=problems.INDEX_UNAVAILABLE,
        )
    return {"status": "ready", "build": stats["build"], "documents": stats["documents"]}
