"""Reader pages: the home page, results and articles.

Views only read the request, ask the engine and pick a template; what the pages show is
shaped in ``results_page`` and ``article_text``, the notices come from ``search.safety`` (the
same function the API uses).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from search.safety import notices
from webapp import engine_of
from webapp.article_text import blocks, original_link
from webapp.results_page import Asked, Pager, facets, sentence_case

bp = Blueprint("pages", __name__)

EXAMPLES = (
    "Why does lung cancer recur after surgery?",
    "What are the symptoms of diabetes?",
    "How is high blood pressure treated?",
    "Is cystic fibrosis hereditary?",
)


@bp.app_context_processor
def site() -> dict[str, Any]:
    """What every page's template may use (error pages included)."""
    return {"examples": EXAMPLES}


@bp.app_template_filter("sentence")
def sentence(text: str) -> str:
    return sentence_case(text)


@bp.get("/")
def home() -> str:
    return render_template("home.html", q="")


@bp.get("/search")
def search() -> str | Response:
    asked = Asked.from_args(request.args)
    if not asked.q:
        return redirect(url_for("pages.home"))
    engine = engine_of(current_app)
    size = current_app.config["PAGE_SIZE"]
    results = engine.search(asked.q, limit=size, offset=asked.offset(size), filters=asked.chosen)
    pager = Pager.of(asked.page, results.total, size)
    if asked.page > pager.last:
        return redirect(url_for("pages.search", **asked.args(page=pager.last)))
    return render_template(
        "search.html",
        q=asked.q,
        asked=asked,
        results=results,
        facets=facets(engine, asked, results),
        pager=pager,
        notices=notices(asked.q),
    )


@bp.get("/articles/<article_id>")
def article(article_id: str) -> str:
    engine = engine_of(current_app)
    found = engine.article(article_id)
    if found is None:
        abort(404)
    q = Asked.from_args(request.args).q
    return render_template(
        "article.html",
        q=q,
        article=found,
        blocks=blocks(found.body),
        original=original_link(found.url),
        related=engine.related(article_id),
        notices=notices(q) if q else [],
    )
