"""Every ranking weight in one place, each with the reason it has its value.

Tuned on the *tune* halves of the development sets (``medsearch eval``, ``bench/relevance.py``),
never on single queries; the held-out halves are only reported.
"""

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
    # Curated lay ↔ medical synonyms count less than the reader's own words.
    synonym: float = 0.5
    # Coordination bonus (Whoosh's Or ``scale``): articles matching more of the question's
    # distinct words rank above those repeating one of them.
    coordination: float = 0.9
    # Constant bonuses added to articles that match anyway: the article is about the focus the
    # question names, its type answers the kind of question asked, the focus name stands as a
    # phrase in its title. Together they put "right condition and right kind of answer" first.
    focus_match: float = 10.0
    type_match: float = 6.0
    phrase: float = 1.0
    # Long messages keep their most informative terms (by idf); more cost time and add noise.
    max_terms: int = 16
    max_expansions: int = 8


WEIGHTS = Weights()
