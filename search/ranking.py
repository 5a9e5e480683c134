"""Every ranking weight in one place, each with the reason it has its value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    # A question's words in an article's question/title say far more about what the article
    # answers than the same words somewhere in a long answer.
    title: float = 3.0
    # The focus field holds the condition/drug name and its synonyms: a match names the subject.
    focus: float = 2.0
    body: float = 1.0
    # Coordination bonus (Whoosh's Or ``scale``): articles matching more of the question's
    # distinct words rank above those repeating one of them.
    coordination: float = 0.9
    # Long messages are cut to their first terms; beyond this the extra terms cost time and
    # add noise rather than recall.
    max_terms: int = 32


WEIGHTS = Weights()
