"""From a reader's question to a Whoosh query — pure functions, no index needed.

User text is never handed to Whoosh's query parser: "?", "*", ":", quotes and brackets are
plain characters here, and a trailing "?" cannot become a wildcard.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query

from search.analysis import unique_terms
from search.ranking import WEIGHTS, Weights

FIELDS = ("title", "focus", "body")


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]


def parse(text: str, weights: Weights = WEIGHTS) -> Question:
    """The question's informative terms (stop words and question words gone, stemmed)."""
    return Question(text=text, terms=tuple(unique_terms(text)[: weights.max_terms]))


def build_query(question: Question, weights: Weights = WEIGHTS) -> query.Query:
    """Each term sought in every field, terms OR-ed with a coordination bonus."""
    boosts = {"title": weights.title, "focus": weights.focus, "body": weights.body}
    per_term = [
        query.Or([query.Term(name, term, boost=boosts[name]) for name in FIELDS])
        for term in question.terms
    ]
    if not per_term:
        return query.NullQuery
    return query.Or(per_term, scale=weights.coordination)
