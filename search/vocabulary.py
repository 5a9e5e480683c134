"""A build's surface vocabulary: words as written, with counts, plus focus names and titles.

The index holds stemmed terms ("diabet"), which can be neither offered as a spelling nor
completed, so each build also saves the words as readers write them and the names that
autocomplete offers, as JSON next to the index (never pickle). Spelling and autocomplete
match on ``fold``-ed text, so "Alzheimer's", "alzheimers" and "ALZHEIMERS" are one word.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from search.analysis import words
from search.corpus import Article

FILENAME = "vocabulary.json"


def key(text: str) -> str:
    """Folded words joined by single spaces: what names are matched on."""
    return " ".join(words(text))


@dataclass
class Vocabulary:
    """Counted while indexing; loaded by the engine for spelling and autocomplete."""

    # Folded word -> occurrences in titles, answers, focus names and synonyms.
    words: Counter[str] = field(default_factory=Counter)
    # Focus name as written -> articles about it.
    foci: Counter[str] = field(default_factory=Counter)
    # Title as written -> the focus of its (first) article, for ranking titles by popularity.
    titles: dict[str, str] = field(default_factory=dict)

    def add(self, article: Article) -> None:
        # One pass over the texts joined by line breaks: no word or inner apostrophe spans a
        # line break, so the words are those of each text in turn.
        self.words.update(
            words("\n".join((article.title, article.body, article.focus, *article.synonyms)))
        )
        if article.focus:
            self.foci[article.focus] += 1
        self.titles.setdefault(article.title, article.focus)

    def save(self, directory: Path) -> None:
        data = {"words": self.words, "foci": self.foci, "titles": self.titles}
        (directory / FILENAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Vocabulary:
        """The build's vocabulary; empty for builds made before it existed."""
        path = directory / FILENAME
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(Counter(data["words"]), Counter(data["foci"]), dict(data["titles"]))
