"""Text analysis shared by indexing and querying: one analyzer, one stop list, one stemmer.

Both sides must turn "Kidneys" and "kidney" into the same term, so everything that shapes
terms lives here and nowhere else.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from search._nltk import SnowballStemmer

# Snowball ("Porter2") keeps medical plurals sane: kidneys -> kidney (Porter: "kidnei").
# ignore_stopwords=False: True would need NLTK's stopword corpus, which cannot be downloaded.
_SNOWBALL = SnowballStemmer("english", ignore_stopwords=False)

# Words joined by internal dots or apostrophes stay whole only for dotted abbreviations
# ("e.g."); hyphens split ("covid-19" -> covid, 19) so "non-small" finds "non small".
_WORD_PATTERN = r"\w+(\.?\w+)*"


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


def unique_terms(text: str) -> list[str]:
    """``terms`` without repeats, first occurrence first."""
    return list(dict.fromkeys(terms(text)))


_WORD = re.compile(r"\w+")
# Apostrophes inside words are dropped rather than split on: "alzheimer's" -> "alzheimers".
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")


def fold(text: str) -> str:
    """Lowercase, accents folded (as the analyzer folds them), inner apostrophes dropped."""
    return _APOSTROPHE.sub("", text.lower().translate(accent_map))


def words(text: str) -> list[str]:
    """The folded surface words of ``text`` (no stopping, no stemming), for matching names,
    phrases and spellings."""
    return _WORD.findall(fold(text))


def normalise_key(text: str) -> str:
    """A stable key for names such as foci: their terms joined by spaces.

    "Alzheimer's Disease", "alzheimers disease" and "Alzheimer disease" share a key.
    """
    return " ".join(terms(text))
