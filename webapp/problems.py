"""Errors of the JSON API as ``application/problem+json`` (RFC 9457).

``problem`` is the one function that builds an error body; every 4xx/5xx under ``/api`` (and
``/readyz``) comes from it, and a test pins its shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, g, has_request_context, json, request
from pydantic import BaseModel, Field, ValidationError

MEDIA_TYPE = "application/problem+json"

# Problem types this API defines; anything else is "about:blank" (the HTTP status says it all).
INVALID_PARAMETER = "urn:medsearch:problem:invalid-parameter"
INDEX_UNAVAILABLE = "urn:medsearch:problem:index-unavailable"
RATE_LIMITED = "urn:medsearch:problem:rate-limited"
NOT_FOUND = "urn:medsearch:problem:not-found"

TITLES = {
    INVALID_PARAMETER: "Invalid request parameter",
    INDEX_UNAVAILABLE: "Search index unavailable",
    RATE_LIMITED: "Too many requests",
    NOT_FOUND: "Not found",
}


class InvalidParam(BaseModel):
    parameter: str = Field(description="Name of the offending parameter.")
    message: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str = Field(
        "about:blank",
        description="URI of the problem type: `urn:medsearch:problem:invalid-parameter`, "
        "`…:index-unavailable`, `…:rate-limited`, `…:not-found`, or `about:blank` when the "
        "HTTP status says it all.",
    )
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.", ge=400, le=599)
    detail: str = Field(description="What went wrong with this request.")
    instance: str | None = Field(None, description="Path of the request.")
    request_id: str | None = Field(None, description="Echo of the request's X-Request-ID.")
    parameter: str | None = Field(None, description="For invalid requests: the first offender.")
    errors: list[InvalidParam] | None = Field(
        None, description="For invalid requests: every offending parameter."
    )


def problem(
    status: int,
    detail: str,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    errors: list[InvalidParam] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The problem+json response for ``status``: the one place error bodies are made."""
    body = Problem(
        type=type_,
        title=title or TITLES.get(type_) or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=errors or None,
        parameter=errors[0].parameter if errors else None,
    )
    if has_request_context():
        body.instance = request.path
        body.request_id = g.get("request_id")
    response = Response(
        json.dumps(body.model_dump(exclude_none=True)), status=status, mimetype=MEDIA_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _parameter(item: Mapping[str, Any], where: str) -> str:
    """``("source", 0)`` → ``source``; a whole-request check names its parameter in ``ctx``."""
    names = [str(part) for part in item["loc"] if isinstance(part, str)]
    if names:
        return names[0]
    context = item.get("ctx") or {}
    return str(context.get("parameter", where))


def from_validation_error(error: ValidationError, where: str = "query") -> Response:
    """A 400 for a request that failed pydantic validation, naming each offending parameter."""
    errors: list[InvalidParam] = []
    for item in error.errors(include_url=False):
        # "Input should be None" is the other arm of an optional number: noise, not a reason.
        if item["type"] == "none_required":
            continue
        parameter = _parameter(item, where)
        message = item["msg"]
        if not item["loc"] and item["type"] in ("model_type", "model_attributes_type"):
            message = "must be a JSON object of search parameters"
        if all(seen.parameter != parameter for seen in errors):
            errors.append(InvalidParam(parameter=parameter, message=message))
    if not errors:
        errors.append(InvalidParam(parameter=where, message="invalid request"))
    first = errors[0]
    return problem(
        400,
        f"{first.parameter}: {first.message}",
        type_=INVALID_PARAMETER,
        errors=errors,
    )
