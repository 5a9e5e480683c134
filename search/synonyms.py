"""Synonym groups matched on analysed terms: the curated lay ↔ medical list, applied at query time.

Groups are kept as tuples of index terms ("heart attack" → ("heart", "attack")), so matching a
question needs no second analysis and tolerates plurals, case and possessives the same way the
index does. Changing ``data/synonyms.txt`` takes effect without a rebuild.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from search.analysis import terms, words

Phrase = tuple[str, ...]
# Phrases are looked for at most this many terms long (the longest curated names are shorter).
MAX_PHRASE = 8


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    phrase: Phrase
    alternatives: tuple[Phrase, ...]


def name_phrase(name: str, reviewed: bool = False) -> Phrase | None:
    """The terms to look for in questions for a name, or None when it is unsafe in free text.

    Unsafe: a name the stop list cut down to one word ("passing out" → "pass"), or, unless
    the name was ``reviewed`` for that (the curated list keeps "ekg", "hdl", "eye", "flu"), a
    single word of three letters or fewer, where abbreviations read as ordinary words ("GO",
    "MEN" among the corpus's names).
    """
    phrase = tuple(terms(name))
    if not phrase or len(phrase) > MAX_PHRASE:
        return None
    if len(phrase) == 1 and (len(words(name)) > 1 or (len(phrase[0]) <= 3 and not reviewed)):
        return None
    return phrase


def parse_groups(lines: Iterable[str]) -> list[tuple[Phrase, ...]]:
    """Groups of ``a | b | c`` lines as phrases of index terms; comments and blanks skipped."""
    groups = []
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = (name_phrase(t, reviewed=True) for t in line.split("|"))
        phrases = tuple(dict.fromkeys(p for p in found if p))
        if len(phrases) > 1:
            groups.append(phrases)
    return groups


class SynonymTable:
    def __init__(self, groups: Iterable[Sequence[Phrase]]) -> None:
        self._alternatives: dict[Phrase, tuple[Phrase, ...]] = {}
        for group in groups:
            for phrase in group:
                others = tuple(p for p in group if p != phrase)
                self._alternatives[phrase] = tuple(
                    dict.fromkeys(self._alternatives.get(phrase, ()) + others)
                )

    def alternatives(self, phrase: Phrase) -> tuple[Phrase, ...]:
        return self._alternatives.get(phrase, ())

    def find(self, words: Sequence[str]) -> list[Match]:
        """Non-overlapping synonym phrases in ``words``, longest first, left to right."""
        found: list[Match] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                phrase = tuple(words[i : i + n])
                if phrase in self._alternatives:
                    found.append(Match(i, i + n, phrase, self._alternatives[phrase]))
                    i += n
                    break
            else:
                i += 1
        return found

    def __len__(self) -> int:
        return len(self._alternatives)


@functools.cache
def curated() -> SynonymTable:
    """The reviewed list in ``search/data/synonyms.txt``."""
    text = resources.files("search.data").joinpath("synonyms.txt").read_text(encoding="utf-8")
    return SynonymTable(parse_groups(text.splitlines()))
