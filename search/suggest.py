"""Autocomplete: focus names and question titles that complete what a reader is typing.

Built once per build from its vocabulary (``search.vocabulary``). Each name is filed under its
words and again from each later word but stop words ("heart attack" also as "attack"), in one
sorted list, so the names matching a prefix are a ``bisect`` range. Names are numbered in the
order they are offered: focus names before titles, each by popularity (articles about the
focus), then shorter first; a name matched from its first word comes before one matched inside.

A typo in the last word ("heart attak") is forgiven by trying every one-edit variant of that
word as the prefix (a few hundred bisects, well under a millisecond), and failing that the
spelling correction of the word.
"""

from __future__ import annotations

import heapq
import string
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain

from search.analysis import stopwords, words
from search.spelling import MIN_LENGTH, Speller
from search.vocabulary import Vocabulary

LIMIT = 8
# Past this, the last character of the prefix cannot extend a key (sorts after any text).
_END = "\U0010ffff"


def edits(word: str) -> Iterator[str]:
    """Every string one edit from ``word``: a letter deleted, swapped, changed or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for head, tail in splits:
        if tail:
            yield head + tail[1:]
        if len(tail) > 1:
            yield head + tail[1] + tail[0] + tail[2:]
        for letter in string.ascii_lowercase:
            if tail:
                yield head + letter + tail[1:]
            yield head + letter + tail


def _words(text: str) -> list[str]:
    """Folded words, a plural or possessive "s" dropped, so that "Alzheimer's Disease",
    "Alzheimer disease" and "alzheimers disease" are one name and "alzheimers" completes all."""
    return [word[:-1] if len(word) > 3 and word[-1] == "s" else word for word in words(text)]


def _identity(text: str) -> str:
    return " ".join(_words(text))


def _names(vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(name, identity) of the focus names and titles in the order they are offered, each
    name once."""
    focus_of = {name: _identity(name) for name in vocabulary.foci}
    foci: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for name, count in vocabulary.foci.most_common():  # the most common spelling is shown
        foci[focus_of[name]] += count
        shown.setdefault(focus_of[name], name)
    titles: dict[str, tuple[int, str]] = {}
    for title, focus in vocabulary.titles.items():
        same = _identity(title)
        if same not in foci:
            titles.setdefault(same, (foci[focus_of.get(focus, "")], title))
    ranked = [(0, -count, len(same), same, shown[same]) for same, count in foci.items()]
    ranked += [(1, -count, len(same), same, title) for same, (count, title) in titles.items()]
    return [(name, same) for kind, count, length, same, name in sorted(ranked) if same]


class Completer:
    def __init__(self, vocabulary: Vocabulary, speller: Speller | None = None) -> None:
        names = _names(vocabulary)
        self.names = [name for name, _ in names]
        self._numbers = {same: number for number, (_, same) in enumerate(names)}
        self._speller = speller or Speller(vocabulary.words)
        entries: list[tuple[str, int]] = []
        for number, (_, same) in enumerate(names):
            name_words = same.split(" ")
            for start, word in enumerate(name_words):
                if start and word in stopwords():
                    continue  # nobody starts typing a name at its "of" or "are"
                # Numbers past len(names) mark a match inside a name: offered after the others.
                rank = number + (len(self.names) if start else 0)
                # Keys end in a space, so a finished word ("heart ") still matches its name.
                entries.append((" ".join(name_words[start:]) + " ", rank))
        entries.sort()
        self._keys = [text for text, _ in entries]
        self._ranks = [rank for _, rank in entries]

    def _ranks_for(self, prefix: str) -> list[int]:
        low = bisect_left(self._keys, prefix)
        if low == len(self._keys) or not self._keys[low].startswith(prefix):
            return []
        return self._ranks[low : bisect_left(self._keys, prefix + _END, low)]

    def _complete(self, prefixes: Iterable[str], limit: int) -> list[str]:
        ranks = set(chain.from_iterable(map(self._ranks_for, prefixes)))
        names = (self.names[rank % len(self.names)] for rank in heapq.nsmallest(2 * limit, ranks))
        return list(dict.fromkeys(names))[:limit]

    def suggest(self, prefix: str, limit: int = LIMIT) -> list[str]:
        """Up to ``limit`` names completing ``prefix``, the best first."""
        typed = _identity(prefix)
        if not typed or not self.names or limit < 1:
            return []
        # White space or punctuation after the last word means it is finished: "heart " does
        # not continue as "heartburn". An apostrophe does not: "alzheimer'" is half a word.
        end = " " if not prefix[-1].isalnum() and prefix[-1] not in "'’" else ""
        # A name typed in full comes first ("gas": Gas, then Gastritis).
        exact = [self.names[self._numbers[typed]]] if typed in self._numbers else []
        found = list(dict.fromkeys(exact + self._complete([typed + end], limit)))[:limit]
        head, _, last = typed.rpartition(" ")
        if len(found) == limit or len(last) < MIN_LENGTH:
            return found
        head = f"{head} " if head else ""
        fuzzy = self._complete((head + variant + end for variant in edits(last)), limit)
        if not fuzzy and not self._speller.known(last):
            correction = _identity(self._speller.correct_word(last) or "")
            fuzzy = self._complete([head + correction + end], limit) if correction else []
        return list(dict.fromkeys(found + fuzzy))[:limit]
