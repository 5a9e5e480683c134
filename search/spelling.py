"""Did-you-mean: words the index has never seen, replaced by the likeliest word it has.

Candidates are the build's surface words (``search.vocabulary``: answers, titles, focus names,
synonyms). A known word is never corrected. An unknown one becomes the most frequent word
within one edit (words of up to five letters) or two edits (longer words), where an edit is an
inserted, deleted or changed letter, or two neighbouring letters swapped ("nuemonia").

Computing the distance to all ~30,000 words of MedQuAD would take a second in Python, so a
bigram index first narrows them to the few dozen that share enough two-letter pieces.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
from rapidfuzz.distance import OSA

from search.analysis import fold, stopwords

# Shorter words are too ambiguous to correct: "ms" could be "ma", "mi", "my" or an abbreviation.
MIN_LENGTH = 3
# A word seen once in a corpus is about as likely a typo there as a word: it is recognised as
# known, but never offered as a correction.
MIN_COUNT = 2

# Corrections remembered per build (the same unknown words recur: names, common typos).
CACHE_SIZE = 20_000

_TOKEN = re.compile(r"\w+(?:['’]\w+)*")


def max_edits(word: str) -> int:
    """One edit for words of up to five letters, two for longer ones.

    Two edits make too many short words alike ("astma" is two from "asthma", "stoma" and
    "ataxia"), and would cost measuring most of the vocabulary.
    """
    return 1 if len(word) <= 5 else 2


def bigrams(word: str) -> frozenset[str]:
    """Two-letter pieces of ``word``, with its start (^) and end ($) marked."""
    padded = f"^{word}$"
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def _letters(word: str) -> int:
    """The set of letters in ``word`` as bits of an integer, for a fast first comparison."""
    bits = 0
    for char in word:
        bits |= 1 << (ord(char) & 63)
    return bits


def distance(a: str, b: str, limit: int) -> int:
    """Edits from ``a`` to ``b`` (optimal string alignment); ``limit + 1`` once beyond ``limit``.

    rapidfuzz's C++ (~0.2 µs a pair): the Python version took ~30 µs, and a misspelled word
    in a long question is measured against a few dozen words each time it is first seen.
    """
    found: int = OSA.distance(a, b, score_cutoff=limit)
    return found


def _same_case(original: str, word: str) -> str:
    if len(original) > 1 and original.isupper():
        return word.upper()
    return word.capitalize() if original[:1].isupper() else word


class _Candidates:
    """The words a correction can be, indexed by their bigrams."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.words = [
            word
            for word, count in counts.items()
            if count >= MIN_COUNT and len(word) >= MIN_LENGTH and word.isalpha()
        ]
        # As arrays, so narrowing ~30,000 words to the few worth measuring is a few vectorised
        # steps rather than a Python loop over every word sharing a bigram.
        self.letters = np.array([_letters(w) for w in self.words], dtype=np.uint64)
        self.lengths = np.array([len(w) for w in self.words], dtype=np.int32)
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for number, word in enumerate(self.words):
            for gram in bigrams(word):
                postings[gram].append(number)
        self.postings = {gram: np.array(ns, dtype=np.int32) for gram, ns in postings.items()}


class Speller:
    def __init__(self, counts: Mapping[str, int]) -> None:
        self._counts = dict(counts)
        self._corrections: dict[str, str | None] = {}

    @functools.cached_property
    def _candidates(self) -> _Candidates:
        # Built when a word first needs correcting (~70 ms on MedQuAD), not with the speller:
        # a server's first search is usually spelled right, and it counts in start-up.
        return _Candidates(self._counts)

    def known(self, word: str) -> bool:
        return fold(word) in self._counts

    def correct_word(self, word: str) -> str | None:
        """The likeliest vocabulary word for the folded, unknown ``word``; None if none is close.

        Fewer edits win, then the more frequent word: any word one edit away is preferred to
        any word two edits away, so the second, slower round is rarely needed.
        """
        if word in self._corrections:
            return self._corrections[word]
        if len(self._corrections) >= CACHE_SIZE:
            self._corrections.clear()
        found = self._corrections[word] = self._nearest(word)
        return found

    def _nearest(self, word: str) -> str | None:
        index = self._candidates
        grams = bigrams(word)
        lists = [index.postings[gram] for gram in grams if gram in index.postings]
        if not lists:
            return None
        shared = np.bincount(np.concatenate(lists), minlength=len(index.words))
        letters = np.uint64(_letters(word))
        for limit in range(1, max_edits(word) + 1):
            # Cheap bounds first. An edit spoils at most two of a word's bigrams (a swap three),
            # adds or removes at most two distinct letters, and changes the length by one.
            needed = max(1, len(grams) - 2 * limit - 1)
            close = np.flatnonzero(
                (shared >= needed)
                & (np.abs(index.lengths - len(word)) <= limit)
                & (np.bitwise_count(index.letters ^ letters) <= 2 * limit)
            )
            scored = [
                (-self._counts[candidate], candidate)
                for candidate in (index.words[number] for number in close)
                if distance(word, candidate, limit) <= limit
            ]
            if scored:
                return min(scored)[1]
        return None

    def _wants_correcting(self, word: str) -> bool:
        # Stop words carry no meaning in a search, so "correcting" them cannot help.
        return (
            len(word) >= MIN_LENGTH
            and word.isalpha()
            and word not in self._counts
            and word not in stopwords()
        )

    def correct(self, text: str) -> str | None:
        """``text`` with its unknown words corrected, or None when there is nothing to correct.

        The rest of the text is kept as typed, and a correction takes the case of the word it
        replaces: "What is Diabetis?" -> "What is Diabetes?".
        """

        def replace(match: re.Match[str]) -> str:
            word = fold(match.group())
            correction = self.correct_word(word) if self._wants_correcting(word) else None
            return _same_case(match.group(), correction) if correction else match.group()

        corrected = _TOKEN.sub(replace, text)
        return corrected if corrected != text else None
