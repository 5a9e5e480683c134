"""Text analysis shared by indexing and querying: one analyzer, one stop list, one stemmer.

Both sides must turn "Kidneys" and "kidney" into the same term, so everything that shapes
terms lives here and nowhere else.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection, Mapping, Sequence
from importlib import resources
from itertools import pairwise
from pathlib import Path
from pickle import dumps

import numpy as np
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from search._nltk import SnowballStemmer

# Snowball ("Porter2") keeps medical plurals sane: kidneys -> kidney (Porter: "kidnei").
# ignore_stopwords=False: True would need NLTK's stopword corpus, which cannot be downloaded.
_SNOWBALL = SnowballStemmer("english", ignore_stopwords=False)

# Words joined by internal dots or apostrophes stay whole only for dotted abbreviations
# ("e.g."); hyphens split ("covid-19" -> covid, 19) so "non-small" finds "non small".
# (The same tokens as the earlier ``\w+(\.?\w+)*``, found a sixth faster: no empty dot to try.)
_WORD_PATTERN = r"\w+(\.\w+)*"


def stem(word: str) -> str:
    """Snowball stem of one lowercase word (module-level so analyzers pickle for procs>1)."""
    return str(_SNOWBALL.stem(word))


def _read_wordlist(name: str) -> frozenset[str]:
    text = resources.files("search.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


@functools.cache
def stopwords() -> frozenset[str]:
    """The reviewed stop list in ``search/data/stopwords.txt``."""
    return _read_wordlist("stopwords.txt")


def text_analyzer() -> Analyzer:
    """The analyzer of every full-text field: tokens, lowercase, accents folded, stop, stem.

    ``minsize=1`` keeps one-character terms such as the "2" of "type 2 diabetes" and the "b"
    of "hepatitis b"; the stop list decides which short words go.
    """
    return (
        RegexTokenizer(_WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=stopwords(), minsize=1)
        | StemFilter(stemfn=stem, cachesize=100_000)
    )


# The analyzer above, step for step, without Whoosh's token objects: the same tokens (the same
# pattern, its group made non-capturing for ``findall``), lowercase, accents folded, stop list,
# Snowball. Queries and snippets analyse text on every request; this is about 5x faster.
# tests/test_analysis.py checks it against ``text_analyzer()`` on random and real text.
_TOKENS = re.compile(_WORD_PATTERN.replace("(", "(?:"))
_STEMS: dict[str, str | None] = {}
_UNSEEN = ""  # not a term: ``_term`` gives None or a non-empty stem
_STEM_CACHE_SIZE = 50_000


def _term(token: str) -> str | None:
    """The index term of one token, or None for a stop word."""
    found = _STEMS.get(token)
    if found is None and token not in _STEMS:
        folded = token.lower().translate(accent_map)
        found = None if not folded or folded in stopwords() else stem(folded)
        if len(_STEMS) >= _STEM_CACHE_SIZE:
            _STEMS.clear()  # bounded: a stream of odd words cannot grow it forever
        _STEMS[token] = found
    return found


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order, as the index sees them (stopped and stemmed)."""
    return [term for term in map(_term, _TOKENS.findall(text)) if term is not None]


def term_spans(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of each index term of ``text``: where the reader sees it."""
    found = []
    known = _STEMS.get  # inlined ``_term`` for known tokens: this runs on every answer shown
    for match in _TOKENS.finditer(text):
        token = match.group()
        term = known(token, _UNSEEN)
        if term is _UNSEEN:
            term = _term(token)
        if term is not None:
            found.append((term, match.start(), match.end()))
    return found


def find_terms(text: str, wanted: Collection[str]) -> list[tuple[str, int, int]]:
    """(term, start, end) of each of the ``wanted`` terms in ``text``, in text order."""
    return [found for found in term_spans(text) if found[0] in wanted]


def unique_terms(text: str) -> list[str]:
    """``terms`` without repeats, first occurrence first."""
    return list(dict.fromkeys(terms(text)))


_WORD = re.compile(r"\w+")
# Apostrophes inside words are dropped rather than split on: "alzheimer's" -> "alzheimers".
# (The apostrophe is matched first and the word character before it looked back at: the same
# matches as ``(?<=\w)['’](?=\w)``, found 3x as fast, the engine skipping to apostrophes.)
_APOSTROPHE = re.compile(r"['’](?<=\w['’])(?=\w)")


def _lower_folded(text: str) -> str:
    # ``accent_map`` maps ASCII letters only to their lowercase selves, so lowercase ASCII text
    # is already folded: skipping the (per-character) translate is the same, and faster.
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(accent_map)


def fold(text: str) -> str:
    """Lowercase, accents folded (as the analyzer folds them), inner apostrophes dropped."""
    folded = _lower_folded(text)
    return _APOSTROPHE.sub("", folded) if "'" in folded or "’" in folded else folded


# ASCII text's non-word characters (all but letters, digits and "_") as spaces.
_ASCII_NON_WORD = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)


def words(text: str) -> list[str]:
    """The folded surface words of ``text`` (no stopping, no stemming), for matching names,
    phrases and spellings."""
    folded = fold(text)
    if folded.isascii():  # the same words, in about half the time (a build counts them all)
        return folded.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(folded)


def normalise_key(text: str) -> str:
    """A stable key for names such as foci: their terms joined by spaces.

    "Alzheimer's Disease", "alzheimers disease" and "Alzheimer disease" share a key.
    """
    return " ".join(terms(text))


# A stop word's number in ``FastAnalyzer.numbers`` (term numbers count from 0).
STOPPED = -1


class FastAnalyzer:
    """``text_analyzer()``'s terms and positions, made without Whoosh's token stream.

    Every filter of that chain acts on one token at a time, so a token's term (or its being
    stopped) depends on the token alone: each distinct token is analysed once and remembered
    (MedQuAD: 3.6 million tokens, 42 thousand distinct), and a text costs a ``findall`` and
    dictionary look-ups. Terms are numbered in order of first sight (``names``), so a build
    keeps each text as a list of numbers and inverts them with NumPy, once for the Whoosh
    segment and the numpy postings alike. Positions follow Whoosh's
    ``StopFilter(renumber=True)``: the first kept token keeps its place in the token stream,
    the following ones are numbered on from it with stopped tokens left out.
    ``tests/test_analysis.py`` checks both against Whoosh.
    """

    def __init__(self) -> None:
        # Token as written -> its term's number, STOPPED for a stop word. Per build and
        # unbounded (a corpus has tens of thousands of distinct tokens), unlike the bounded
        # cache ``terms()`` keeps for queries in a long-running server.
        self._numbers: dict[str, int] = {}
        # The same, by folded token ("Kidney", "KIDNEY" and "kidney" are stemmed once).
        self._folded_numbers: dict[str, int] = {}
        self._known: dict[str, int] = {}  # term -> its number
        self.names: list[str] = []  # number -> term
        self._stops = stopwords()

    def _learn(self, tokens: list[str]) -> None:
        numbers, folded_numbers, known = self._numbers, self._folded_numbers, self._known
        for token in set(tokens).difference(numbers):
            folded = _lower_folded(token)
            number = folded_numbers.get(folded)
            if number is None:
                if folded in self._stops:
                    number = STOPPED
                else:
                    term = stem(folded)
                    number = known.get(term)
                    if number is None:
                        number = known[term] = len(self.names)
                        self.names.append(term)
                folded_numbers[folded] = number
            numbers[token] = number

    def numbers(self, text: str) -> list[int]:
        """The term number of each token of ``text`` in order, STOPPED for stop words."""
        tokens = _TOKENS.findall(text)
        try:
            return list(map(self._numbers.__getitem__, tokens))
        except KeyError:
            self._learn(tokens)
            return list(map(self._numbers.__getitem__, tokens))

    def tokens(self) -> dict[str, str]:
        """Each token met so far, as written, and its term ("" for a stop word)."""
        names = self.names
        return {token: names[n] if n != STOPPED else "" for token, n in self._numbers.items()}

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in order, as ``search.analysis.terms`` gives them."""
        names = self.names
        return [names[n] for n in self.numbers(text) if n != STOPPED]

    def analyse(self, text: str) -> tuple[list[str], dict[str, list[int]]]:
        """The terms of ``text`` in order (as ``terms``), and each term's positions as Whoosh's
        ``Positions`` format sees them."""
        numbers = self.numbers(text)
        kept = [self.names[n] for n in numbers if n != STOPPED]
        found: dict[str, list[int]] = {}
        if kept:
            start = next(i for i, n in enumerate(numbers) if n != STOPPED)
            for position, term in enumerate(kept, start):
                found.setdefault(term, []).append(position)
        return kept, found


def encode_positions(positions: list[int]) -> bytes:
    """Whoosh's ``Positions.encode``: the count, then the pickled gaps between positions."""
    gaps = [positions[0]]
    gaps += [after - before for before, after in pairwise(positions)]
    encoded: bytes = pack_uint(len(gaps)) + dumps(gaps, 2)
    return encoded


def _word_character(char: str) -> bool:
    return char.isalnum() or char == "_"  # ``\w`` in a str pattern, by Python's definition


def _starts_token(text: str, start: int) -> bool:
    """Whether a token of ``_TOKENS`` may start at ``start``: not after a word character, or
    after a word character and a dot ("e.g" is one token)."""
    return not start or not (
        _word_character(text[start - 1])
        or (text[start - 1] == "." and start > 1 and _word_character(text[start - 2]))
    )


class SurfaceForms:
    """Where an indexed answer's terms are, found without analysing the answer.

    Snippets look for a question's few terms in ten answers per search, and tokenising and
    stemming whole answers for it was half the time of a search. The build met every token
    of every answer (``FastAnalyzer.tokens``) and saves each answer term's forms, lowercased
    ("kidneys kidney" for "kidney"; a token's term depends only on the token lowercased), one
    line per term in the order of the postings' term numbers: 0.27 MB on MedQuAD, kept as one
    string in each worker. In an ASCII answer (99% of MedQuAD's) lowercased, a term is found
    by one ``str.find`` (in C) for the start its forms share, and each place kept when the
    whole token there is one of them; other answers are analysed (``find_terms``). A regular
    expression of all the forms would scan faster but costs more to compile, per question,
    than the search it serves (~8 µs a form). For text the build analysed, ``spans`` finds
    what ``find_terms`` finds (tests/test_analysis.py).
    """

    FILENAME = "surface.txt"
    # A shared start shorter than this is found too often ("ad" for "ad", "added", "ads"):
    # such a term's forms are searched one by one.
    _MIN_SHARED = 3
    _CACHE_SIZE = 20_000  # terms' forms, as sets, for the terms questions ask about

    def __init__(self, numbers: Mapping[str, int], lines: str) -> None:
        """``lines``: the forms of the term numbered ``i`` in ``numbers`` on line ``i``."""
        self._numbers = numbers
        self._lines = lines
        ends = np.flatnonzero(np.frombuffer(lines.encode("ascii"), dtype=np.uint8) == ord("\n"))
        self._starts = np.r_[0, ends + 1]
        self._searched: dict[str, tuple[str, frozenset[str]]] = {}

    @classmethod
    def of_tokens(cls, tokens: Mapping[str, str], terms: Sequence[str]) -> SurfaceForms:
        """The forms of ``terms`` (numbered in that order) among ``tokens``: each token met,
        as written, and its term (``FastAnalyzer.tokens``)."""
        forms: dict[str, set[str]] = {}
        for token, term in tokens.items():
            if term and token.isascii():
                forms.setdefault(term, set()).add(token.lower())
        lines = "".join(" ".join(sorted(forms.get(term, ()))) + "\n" for term in terms)
        return cls({term: number for number, term in enumerate(terms)}, lines)

    def save(self, directory: Path) -> None:
        (directory / self.FILENAME).write_text(self._lines, encoding="ascii")

    @classmethod
    def load(cls, directory: Path, numbers: Mapping[str, int]) -> SurfaceForms:
        return cls(numbers, (directory / cls.FILENAME).read_text(encoding="ascii"))

    def _search(self, term: str) -> tuple[str, frozenset[str]]:
        """The start shared by ``term``'s forms, and the forms."""
        found = self._searched.get(term)
        if found is None:
            number = self._numbers.get(term)
            start, end = (0, 0) if number is None else self._starts[number : number + 2]
            forms = self._lines[start:end].split()
            # character by character, as wanted here (not by path components)
            shared = os.path.commonprefix(forms)  # noqa: RUF071
            if len(self._searched) >= self._CACHE_SIZE:
                self._searched.clear()
            found = self._searched[term] = (shared, frozenset(forms))
        return found

    def spans(self, text: str, wanted: Collection[str]) -> list[tuple[str, int, int]]:
        """(term, start, end) of each of the ``wanted`` terms in ``text``, in text order."""
        if not text.isascii():
            return find_terms(text, wanted)
        lowered = text.lower()  # ASCII: every offset and every word character kept
        found: list[tuple[str, int, int]] = []
        for term in wanted:
            shared, forms = self._search(term)
            if not forms:
                continue
            if len(shared) >= self._MIN_SHARED:
                starts = _places(lowered, shared)
            else:  # two forms ("ad", "ads") can be found at the start of one token
                starts = sorted({place for form in forms for place in _places(lowered, form)})
            for start in starts:
                token = _TOKENS.match(lowered, start)
                if token and token.group() in forms and _starts_token(lowered, start):
                    found.append((term, start, token.end()))
        found.sort(key=lambda match: match[1])
        return found


def _places(text: str, piece: str) -> list[int]:
    """Where ``piece`` is in ``text``."""
    found = []
    start = text.find(piece)
    while start >= 0:
        found.append(start)
        start = text.find(piece, start + 1)
    return found
