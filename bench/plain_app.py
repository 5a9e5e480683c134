"""The baseline of ``bench/http_load.py``: plain Whoosh behind a tiny Flask app.

Same index, same fields, same gunicorn settings as medsearch's server, none of its work: the
question's terms OR-ed over title, focus and body (``search.evaluation.baseline_query``),
Whoosh's BM25F, top 10 as JSON. No question understanding, spelling, facets, snippets,
validation, request ids, JSON logs, metrics, rate limits, CORS or ETags.

- ``/api/search?q=``: that search as JSON (id, title, url, score);
- ``/search?q=``: the same hits as a bare HTML list;
- ``/api/suggest?q=``: titles matching the typed words, the last one as a prefix (top 8);
- ``/healthz``: ``{"status": "ok"}``.

Run: ``gunicorn -w 2 --threads 4 -k gthread 'bench.plain_app:create_app()'`` with
``MEDSEARCH_INDEX`` set; the index opens on the first request, after the fork.
"""

from __future__ import annotations

import html
import json
import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.analysis import terms

FIELDS = ("title", "focus", "body")
LIMIT = 10
SUGGESTIONS = 8


def plain_query(text: str) -> wq.Query:
    """The text's terms OR-ed over the fields (as ``search.evaluation.baseline_query``)."""
    words = list(dict.fromkeys(terms(text)))
    return wq.Or([wq.Term(f, w) for w in words for f in FIELDS])


def prefix_query(text: str) -> wq.Query | None:
    words = terms(text)
    if not words:
        return None
    last = text.split()[-1].lower() if text.split() else ""
    clauses: list[wq.Query] = [wq.Term("title", w) for w in words[:-1]]
    clauses.append(wq.Prefix("title", last) if last.isalnum() else wq.Term("title", words[-1]))
    return wq.And(clauses)


def create_app(index_dir: str | None = None) -> Flask:
    root = Path(index_dir or os.environ.get("MEDSEARCH_INDEX", "index"))
    app = Flask(__name__)
    lock = threading.Lock()
    opened: dict[str, Any] = {}
    local = threading.local()

    def searcher() -> Any:
        if "index" not in opened:
            with lock:
                if "index" not in opened:
                    current = root / "current"
                    path = current.resolve() if current.exists() else root
                    opened["index"] = whoosh_index.open_dir(str(path))
        if getattr(local, "searcher", None) is None:
            local.searcher = opened["index"].searcher()
        return local.searcher

    def hits(text: str) -> list[dict[str, Any]]:
        found = searcher().search(plain_query(text), limit=LIMIT)
        return [
            {"id": h["id"], "title": h["title"], "url": h.get("url", ""), "score": h.score}
            for h in found
        ]

    def as_json(payload: Any) -> Response:
        return Response(json.dumps(payload), mimetype="application/json")

    @app.get("/api/search")
    def api_search() -> Response:
        q = request.args.get("q", "")
        return as_json({"query": q, "hits": hits(q)})

    @app.get("/search")
    def page() -> str:
        q = request.args.get("q", "")
        items = "".join(
            f'<li><a href="{html.escape(h["url"])}">{html.escape(h["title"])}</a></li>'
            for h in hits(q)
        )
        return f"<!doctype html><title>{html.escape(q)}</title><ol>{items}</ol>"

    @app.get("/api/suggest")
    def suggest() -> Response:
        q = request.args.get("q", "")
        query = prefix_query(q)
        titles = [h["title"] for h in searcher().search(query, limit=SUGGESTIONS)] if query else []
        return as_json({"query": q, "suggestions": titles})

    @app.get("/healthz")
    def healthz() -> Response:
        return as_json({"status": "ok"})

    return app
