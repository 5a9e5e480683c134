"""The JSON API under ``/api``: search, suggestions and articles.

Views are thin: flask-openapi3 validates the request against the models in ``schemas`` (and
documents them), the view asks the same ``Engine`` the pages use, and the answer is shaped by
the response models. Errors are problem+json (``problems``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, request
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel

from search.safety import notices
from webapp import engine_of, problems
from webapp.schemas import (
    ArticlePath,
    ArticleResponse,
    SearchBody,
    SearchQuery,
    SearchResponse,
    SuggestQuery,
    SuggestResponse,
    article_response,
    search_response,
)


def _problem_doc(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {problems.MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# Fields that change from one call to the next for the same answer: not part of its ETag.
VOLATILE = frozenset({"took_ms"})

NOT_MODIFIED = {"description": "Not modified: the If-None-Match ETag is still current."}

bp = APIBlueprint(
    "api",
    __name__,
    url_prefix="/api",
    abp_tags=[Tag(name="search", description="Answers to health questions.")],
    abp_responses={
        400: _problem_doc("Invalid request: `parameter` names the offending parameter."),
        429: _problem_doc("Too many requests from this client: wait `Retry-After` seconds."),
        503: _problem_doc("The search index is not available yet; try again shortly."),
    },
)


def _json(model: BaseModel, cacheable: bool) -> Response:
    """The model as JSON; when ``cacheable``, with an ETag (304 on a match) and max-age.

    pydantic-core writes the JSON (a fifth of the time ``json.dumps`` of ``model_dump`` takes).
    """
    body = model.model_dump_json()
    response = current_app.response_class(body, mimetype="application/json")
    if not cacheable:
        response.headers["Cache-Control"] = "no-store"
        return response
    # The timing changes on every call, the answer does not: it is left out of the ETag.
    if VOLATILE.isdisjoint(type(model).model_fields):
        stable = body
    else:
        stable = model.model_dump_json(exclude=set(VOLATILE))
    digest = hashlib.sha256(stable.encode("utf-8")).hexdigest()
    response.set_etag(digest[:32])
    seconds = current_app.config["CACHE_SECONDS"]
    response.headers["Cache-Control"] = f"public, max-age={seconds}" if seconds else "no-cache"
    response.make_conditional(request)
    return response


def _search(params: SearchQuery, cacheable: bool) -> Response:
    offset, limit, _, _ = params.window()
    results = engine_of(current_app).search(
        params.q,
        limit=limit,
        offset=offset,
        filters={"source": params.source, "qtype": params.qtype},
    )
    return _json(search_response(params, results, notices(params.q)), cacheable)


@bp.get(
    "/search",
    summary="Search",
    description="Ranked answers to a health question, with snippets, facets and any "
    "emergency notice. Page with `page`/`size` or `offset`/`limit` (first 1,000 results).",
    responses={200: SearchResponse, 304: NOT_MODIFIED},
)
def search(query: SearchQuery) -> Response:
    return _search(query, cacheable=True)


@bp.post(
    "/search",
    summary="Search (JSON body)",
    description="The same search with the parameters in a JSON object (lists for "
    "`source` and `qtype`); not cached.",
    responses={200: SearchResponse},
)
def search_post(body: SearchBody) -> Response:
    return _search(body, cacheable=False)


@bp.get(
    "/suggest",
    summary="Suggest",
    description="Completions for a partly typed question.",
    responses={200: SuggestResponse, 304: NOT_MODIFIED},
)
def suggest(query: SuggestQuery) -> Response:
    suggestions = engine_of(current_app).suggest(query.q, limit=query.limit)
    return _json(SuggestResponse(query=query.q, suggestions=suggestions), cacheable=True)


@bp.get(
    "/articles/<article_id>",
    summary="Article",
    description="One article in full, with related articles.",
    responses={
        200: ArticleResponse,
        304: NOT_MODIFIED,
        404: _problem_doc("No article has this id."),
    },
)
def article(path: ArticlePath) -> Response:
    engine = engine_of(current_app)
    found = engine.article(path.article_id)
    if found is None:
        return problems.problem(
            404, f"No article has the id {path.article_id!r}.", type_=problems.NOT_FOUND
        )
    return _json(article_response(found, engine.related(found.id)), cacheable=True)
