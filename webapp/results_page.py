"""What the results page shows besides the hits: the reader's request, filters, page links.

Plain classes and functions (no request, no app), tested without a server.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from search import Engine, Results
from search.engine import FACETS
from webapp.schemas import MAX_FILTER_VALUES, MAX_QUERY, MAX_WINDOW

MAX_FILTER_LENGTH = 100
# What the filters are called on the page, in the order they are shown.
FACET_LABELS = {"qtype": "Type of question", "source": "Source"}
# Page links around the current page (and the first and last page, always).
PAGE_LINKS_AROUND = 2


@dataclass(frozen=True)
class Asked:
    """The question, filters and page a reader asked for, cleaned up."""

    q: str
    page: int = 1
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> Asked:
        q = " ".join(str(args.get("q", "")).split())[:MAX_QUERY]
        try:
            page = int(args.get("page", 1))
        except (TypeError, ValueError):
            page = 1
        filters = []
        for name in FACETS:
            values = [v.strip()[:MAX_FILTER_LENGTH] for v in args.getlist(name)]
            chosen = tuple(dict.fromkeys(v for v in values if v))[:MAX_FILTER_VALUES]
            if chosen:
                filters.append((name, chosen))
        return cls(q=q, page=max(1, page), filters=tuple(filters))

    def offset(self, size: int) -> int:
        """Where this page starts, within the first ``MAX_WINDOW`` answers."""
        return (min(self.page, MAX_WINDOW // size) - 1) * size

    @property
    def chosen(self) -> dict[str, tuple[str, ...]]:
        """The filter values by facet (``Engine.search(filters=...)``)."""
        return dict(self.filters)

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string values for a link that keeps the question and filters (``url_for``).

        ``page=1`` is left out; a facet given as None drops that filter.
        """
        values: dict[str, Any] = {"q": self.q, **{name: list(v) for name, v in self.filters}}
        values["page"] = self.page
        values.update(changes)
        return {
            key: value
            for key, value in values.items()
            if value is not None and value != [] and (key, value) != ("page", 1)
        }


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    chosen: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: tuple[Option, ...]

    @property
    def chosen(self) -> bool:
        return any(option.chosen for option in self.options)


def facets(engine: Engine, asked: Asked, results: Results) -> list[Facet]:
    """The filters to offer, each value with the number of answers it would give.

    Values of one facet combine with "or", facets with "and". So the counts of a facet with
    chosen values come from the search without that facet's own filter (one more search for
    each such facet): the reader sees how many answers each other value would add. A facet with
    a single value and none chosen is left out — it would filter nothing.
    """
    chosen = asked.chosen
    shown = []
    for name, label in FACET_LABELS.items():
        counts = results.facets.get(name, {})
        if name in chosen:
            others = {k: v for k, v in chosen.items() if k != name}
            counts = engine.search(asked.q, limit=1, filters=others).facets.get(name, {})
        picked = chosen.get(name, ())
        options = [_option(name, value, count, value in picked) for value, count in counts.items()]
        options += [_option(name, value, 0, True) for value in picked if value not in counts]
        if len(options) > 1 or picked:
            shown.append(Facet(name, label, tuple(options)))
    return shown


def _option(facet: str, value: str, count: int, chosen: bool) -> Option:
    # Question types are lower-case words ("exams and tests"); sources are names as written.
    label = sentence_case(value) if facet == "qtype" else value
    return Option(value, label, count, chosen)


@dataclass(frozen=True)
class Pager:
    page: int
    last: int

    @classmethod
    def of(cls, page: int, total: int, size: int) -> Pager:
        """Pages of ``size`` answers, up to the first ``MAX_WINDOW`` answers (as the API)."""
        last = max(1, min(math.ceil(total / size), MAX_WINDOW // size))
        return cls(page=page, last=last)

    @property
    def previous(self) -> int | None:
        return self.page - 1 if 1 < self.page <= self.last else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.last else None

    def numbers(self) -> list[int | None]:
        """Page numbers to link: the first, the last and those around the current page; None
        stands for a gap."""
        wanted = {1, self.last} | set(
            range(self.page - PAGE_LINKS_AROUND, self.page + PAGE_LINKS_AROUND + 1)
        )
        shown: list[int | None] = []
        before = 0
        for number in sorted(n for n in wanted if 1 <= n <= self.last):
            if number - before == 2:
                shown.append(number - 1)  # a gap of one page: that page rather than "…"
            elif number - before > 2:
                shown.append(None)
            shown.append(number)
            before = number
        return shown


def sentence_case(text: str) -> str:
    """``exams and tests`` → ``Exams and tests`` (the rest kept: ``HIV`` stays)."""
    return text[:1].upper() + text[1:]
