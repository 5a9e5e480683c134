"""Reader pages: search box, results, article."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from webapp import engine_of

bp = Blueprint("pages", __name__)

MAX_QUERY = 512
EXAMPLES = (
    "Why does lung cancer recur after surgery?",
    "What are the symptoms of diabetes?",
    "How is high blood pressure treated?",
    "Is cystic fibrosis hereditary?",
)


@bp.get("/")
@bp.get("/search")
def search() -> str:
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, min(page, 50))
    size = current_app.config["PAGE_SIZE"]
    results = engine_of(current_app).search(q, limit=size, offset=(page - 1) * size) if q else None
    return render_template(
        "search.html", q=q, results=results, page=page, size=size, examples=EXAMPLES
    )


@bp.get("/articles/<article_id>")
def article(article_id: str) -> str:
    engine = engine_of(current_app)
    found = engine.article(article_id)
    if found is None:
        abort(404)
    return render_template(
        "article.html",
        article=found,
        paragraphs=[p for p in found.body.split("\n") if p.strip()],
        related=engine.related(article_id),
        q=request.args.get("q", "")[:MAX_QUERY],
    )
