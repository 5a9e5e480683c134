"""Request and response models of the JSON API.

The same pydantic models validate requests, shape responses and generate the OpenAPI document
(``/api/openapi.json``), so the document cannot drift from what the code accepts and returns.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from search import ArticleView, Hit, Results
from search.snippets import plain_text

MAX_QUERY = 512
MAX_SIZE = 50
# page × size (or offset + limit) stays within the first 1,000 results.
MAX_WINDOW = 1000
DEFAULT_SIZE = 10
MAX_FILTER_VALUES = 20
MAX_SUGGESTIONS = 20

# Response headers of cacheable answers, for the OpenAPI document (flask-openapi3 reads
# ``openapi_extra`` from a response model's config).
_CACHE_HEADERS = {
    "ETag": {
        "description": "Version of this answer (GET only); send it in If-None-Match.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "How long the answer may be reused.",
        "schema": {"type": "string"},
    },
}
_CACHEABLE = ConfigDict(openapi_extra={"headers": _CACHE_HEADERS})  # type: ignore[typeddict-unknown-key]


def _query_bool(value: Any) -> Any:
    """Booleans in a query string are ``true`` or ``false`` (any case), nothing else."""
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise PydanticCustomError("bool_parsing", "must be true or false")
    return value


QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
FACETS_HELP = "Count the matches by source and question type (default true)."
HIGHLIGHT_HELP = (
    "Snippets as HTML with the matched words in `<mark>` (default true); false: plain text."
)


def _no_null_defaults(schema: dict[str, Any]) -> None:
    """Optional numbers are absent when not given, never null: the document says so too."""
    for field in schema.get("properties", {}).values():
        if "default" in field and field["default"] is None:
            del field["default"]


FilterValue = Annotated[str, Field(min_length=1, max_length=100)]

_SCHEMAS: dict[Any, dict[str, Any]] = {}


class _Parameters(BaseModel):
    """A model of query-string parameters whose JSON schema is made once.

    flask-openapi3 asks the query model for its JSON schema on every request (to see which
    parameters are lists), and pydantic generates it afresh each time: about 1 ms, more than
    the rest of the web layer together. A model's schema never changes, so it is generated once.
    That call (no arguments) only reads the schema and gets the one made; the OpenAPI document's
    calls (with arguments, once per start) get a copy, as the generator may change it.
    """

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return schema if not (args or kwargs) else copy.deepcopy(schema)


class SearchQuery(_Parameters):
    """Parameters of a search, from the query string (GET) or a JSON body (POST)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=_no_null_defaults)

    q: str = Field(
        min_length=1,
        max_length=MAX_QUERY,
        description="The question, in plain words (1–512 characters), e.g. "
        "`why does lung cancer recur after surgery`.",
    )
    page: Annotated[int, Field(ge=1, le=MAX_WINDOW)] | SkipJsonSchema[None] = Field(
        None, description="Page number, from 1 (default 1)."
    )
    size: Annotated[int, Field(ge=1, le=MAX_SIZE)] | SkipJsonSchema[None] = Field(
        None, description="Results per page, at most 50 (default 10)."
    )
    offset: Annotated[int, Field(ge=0, lt=MAX_WINDOW)] | SkipJsonSchema[None] = Field(
        None, description="Instead of page/size: results to skip (default 0)."
    )
    limit: Annotated[int, Field(ge=1, le=MAX_SIZE)] | SkipJsonSchema[None] = Field(
        None, description="Instead of page/size: results to return, at most 50 (default 10)."
    )
    source: list[FilterValue] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="Only these sources (repeat the parameter for several).",
    )
    qtype: list[FilterValue] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="Only these question types, e.g. `treatment` (repeatable).",
    )
    facets: QueryBool = Field(True, description=FACETS_HELP)
    highlight: QueryBool = Field(True, description=HIGHLIGHT_HELP)

    @field_validator("page", "size", "offset", "limit", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Absent is fine (the default); an explicit null is not a number.
        if value is None:
            raise PydanticCustomError("int_type", "must be a whole number")
        return value

    @model_validator(mode="after")
    def _paging(self) -> Self:
        by_page = self.page is not None or self.size is not None
        if by_page and (self.offset is not None or self.limit is not None):
            raise _paging_error(
                "offset" if self.offset is not None else "limit",
                "use page and size, or offset and limit, not both",
            )
        offset, limit, _, _ = self.window()
        if offset + limit > MAX_WINDOW:
            parameter = ("page" if self.page is not None else "size") if by_page else "offset"
            what = "page × size" if by_page else "offset + limit"
            raise _paging_error(parameter, f"{what} must be at most {MAX_WINDOW}")
        return self

    def window(self) -> tuple[int, int, int, int]:
        """(offset, limit, page, size) of the results asked for."""
        if self.offset is not None or self.limit is not None:
            limit = self.limit or DEFAULT_SIZE
            offset = self.offset or 0
            return offset, limit, offset // limit + 1, limit
        size = self.size or DEFAULT_SIZE
        page = self.page or 1
        return (page - 1) * size, size, page, size


class SearchBody(SearchQuery):
    """The same parameters as a JSON object: types are JSON's, not converted from text."""

    model_config = ConfigDict(extra="ignore", strict=True, json_schema_extra=_no_null_defaults)

    facets: bool = Field(True, description=FACETS_HELP)
    highlight: bool = Field(True, description=HIGHLIGHT_HELP)


def _paging_error(parameter: str, message: str) -> PydanticCustomError:
    # ``parameter`` names the offender for the problem response (a model check has no field).
    return PydanticCustomError("paging", message, {"parameter": parameter})


class SuggestQuery(_Parameters):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(min_length=1, max_length=MAX_QUERY, description="What has been typed so far.")
    limit: int = Field(8, ge=1, le=MAX_SUGGESTIONS, description="Suggestions to return.")


class ArticlePath(BaseModel):
    article_id: str = Field(min_length=1, max_length=256, description="The article's id.")


class SearchHit(BaseModel):
    id: str = Field(description="Article id, for `/api/articles/{id}`.")
    score: float = Field(description="Relevance score (only comparable within one search).")
    title: str
    snippet: str = Field(
        description="The best-matching sentences. HTML: the text is escaped and its only tags "
        "are `<mark>` around matched words; with `highlight=false`, plain text."
    )
    url: str = Field(description="The original article, when known.")
    source: str
    qtype: str = Field(description="Question type, e.g. `treatment`.")
    focus: str = Field(description="What the article is about, e.g. `lung cancer`.")


class Notice(BaseModel):
    """A message to show above the results, e.g. to call the emergency number now."""

    kind: str = Field(description="`emergency` or `crisis`.")
    title: str
    message: str


class SearchResponse(BaseModel):
    """Ranked answers. Not medical advice: show any `notices` prominently, above the hits."""

    model_config = _CACHEABLE

    query: str
    total: int = Field(description="All matching articles (not just this page).")
    page: int
    size: int
    offset: int
    took_ms: float = Field(description="Search time in milliseconds.")
    did_you_mean: str | None = Field(description="A corrected question, when one looks likely.")
    facets: dict[str, dict[str, int]] | None = Field(
        description="Matches by `source` and `qtype` value, most first; null when not asked."
    )
    notices: list[Notice] = Field(
        description="Emergency or crisis notices the question calls for; usually empty."
    )
    hits: list[SearchHit]


class RelatedArticle(BaseModel):
    id: str
    title: str
    url: str
    source: str
    qtype: str
    focus: str


class ArticleResponse(BaseModel):
    model_config = _CACHEABLE

    id: str
    title: str
    body: str = Field(description="The answer, plain text; paragraphs separated by newlines.")
    url: str
    source: str
    qtype: str
    focus: str
    synonyms: list[str]
    related: list[RelatedArticle] = Field(description="Related articles, most related first.")


class SuggestResponse(BaseModel):
    model_config = _CACHEABLE

    query: str
    suggestions: list[str]


def _hit(hit: Hit, highlight: bool) -> SearchHit:
    snippet = hit.snippet if highlight else plain_text(hit.snippet)
    return SearchHit(
        id=hit.id,
        score=hit.score,
        title=hit.title,
        snippet=snippet,
        url=hit.url,
        source=hit.source,
        qtype=hit.qtype,
        focus=hit.focus,
    )


def search_response(
    params: SearchQuery, results: Results, notices: list[dict[str, str]]
) -> SearchResponse:
    offset, _, page, size = params.window()
    return SearchResponse(
        query=params.q,
        total=results.total,
        page=page,
        size=size,
        offset=offset,
        took_ms=results.took_ms,
        did_you_mean=results.did_you_mean,
        facets=results.facets if params.facets else None,
        notices=[Notice.model_validate(notice) for notice in notices],
        hits=[_hit(hit, params.highlight) for hit in results.hits],
    )


def article_response(article: ArticleView, related: list[Hit]) -> ArticleResponse:
    return ArticleResponse(
        id=article.id,
        title=article.title,
        body=article.body,
        url=article.url,
        source=article.source,
        qtype=article.qtype,
        focus=article.focus,
        synonyms=list(article.synonyms),
        related=[
            RelatedArticle(
                id=hit.id,
                title=hit.title,
                url=hit.url,
                source=hit.source,
                qtype=hit.qtype,
                focus=hit.focus,
            )
            for hit in related
        ],
    )
