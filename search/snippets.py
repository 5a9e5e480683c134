"""Snippets: the sentences of an answer that best cover the question, highlighted.

This module is the one place where document text becomes HTML: ``_render`` escapes the text
and only the ``<mark>`` tags it adds are markup. Pages and the API use the result as is.

A snippet is one to three sentences, about MIN_CHARS to MAX_CHARS characters: those covering
the most of the question's terms (stemmed, as the index has them) and then of its expansion
terms (synonyms), in the order of the answer. A snippet shorter than MIN_CHARS is filled out
with the sentences around it, so a reader sees the match in context; when nothing matches, it
is the start of the answer. Sentences far apart are joined with " … ".
"""

from __future__ import annotations

import bisect
import html
import itertools
from collections.abc import Callable, Collection
from typing import NamedTuple

from search.analysis import find_terms
from search.sentences import SentenceSplitter

MIN_CHARS = 160
MAX_CHARS = 300
MAX_SENTENCES = 3
SEPARATOR = " … "


class _Sentence(NamedTuple):  # a tuple: made for every piece of ten answers per search
    start: int
    end: int
    matches: tuple[tuple[int, int], ...]  # (start, end) of matched words, absolute offsets
    terms: frozenset[str]


_NONE: frozenset[str] = frozenset()


def _sentences(spans: list[tuple[int, int]], found: list[tuple[str, int, int]]) -> list[_Sentence]:
    """The sentences at ``spans`` with the matched terms ``found`` (in text order) in each."""
    sentences = []
    starts = [start for _, start, _ in found]
    for start, end in spans:
        first = bisect.bisect_left(starts, start)
        last = bisect.bisect_left(starts, end, first)
        if first == last:  # most pieces of an answer match nothing
            sentences.append(_Sentence(start, end, (), _NONE))
            continue
        inside = [match for match in found[first:last] if match[2] <= end]
        matches = tuple((s, e) for _, s, e in inside)
        sentences.append(_Sentence(start, end, matches, frozenset(t for t, _, _ in inside)))
    return sentences


def _length(sentences: list[_Sentence], shown: Collection[int]) -> int:
    """Characters of the snippet showing ``shown``, counting a separator between sentences."""
    joins = len(SEPARATOR) * max(0, len(shown) - 1)
    return joins + sum(sentences[i].end - sentences[i].start for i in shown)


def _choose(sentences: list[_Sentence], question: frozenset[str], max_chars: int) -> list[int]:
    """Greedy cover: each next sentence adds the most terms not yet shown, the question's own
    terms counting before expansions. The first may be over-long (``_window`` cuts it)."""
    chosen: list[int] = []
    covered: set[str] = set()

    def gain(i: int) -> tuple[int, int, int, int]:
        new = sentences[i].terms - covered
        return (len(new & question), len(new), len(sentences[i].matches), -i)

    matching = [i for i, sentence in enumerate(sentences) if sentence.terms]
    while len(chosen) < MAX_SENTENCES:
        room = max_chars - _length(sentences, chosen) - len(SEPARATOR)
        candidates = [
            i
            for i in matching
            if sentences[i].terms - covered
            and (not chosen or sentences[i].end - sentences[i].start <= room)
        ]
        if not candidates:
            break
        best = max(candidates, key=gain)
        chosen.append(best)
        covered |= sentences[best].terms
    return sorted(chosen)


def _fill(
    sentences: list[_Sentence], shown: list[int], min_chars: int, max_chars: int
) -> list[int]:
    """The sentences after, then before, those shown, added while the snippet is short; the
    start of the answer when nothing is shown."""
    shown = shown or [0]
    while len(shown) < MAX_SENTENCES and _length(sentences, shown) < min_chars:
        room = max_chars - _length(sentences, shown) - len(SEPARATOR)
        fitting = [
            i
            for i in [i + 1 for i in shown] + [i - 1 for i in shown]
            if 0 <= i < len(sentences)
            and i not in shown
            and sentences[i].end - sentences[i].start <= room
        ]
        if not fitting:
            break
        shown = sorted([*shown, fitting[0]])
    return shown


def _window(sentence: _Sentence, max_chars: int, text: str) -> tuple[int, int]:
    """A part of an over-long sentence around its first match, cut at spaces."""
    if sentence.end - sentence.start <= max_chars:
        return sentence.start, sentence.end
    anchor = sentence.matches[0][0] if sentence.matches else sentence.start
    start = max(sentence.start, anchor - max_chars // 3)
    if start > sentence.start:
        start = text.find(" ", start, anchor) + 1 or start
    end = min(sentence.end, start + max_chars)
    if end < sentence.end:
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return start, end


def _render(text: str, start: int, end: int, matches: tuple[tuple[int, int], ...]) -> str:
    """``text[start:end]`` as HTML: escaped, with the matched words in <mark>."""
    pieces: list[tuple[int, int, bool]] = []  # (start, end, marked)
    position = start
    for m_start, m_end in matches:
        if m_start >= position and m_end <= end:
            pieces += [(position, m_start, False), (m_start, m_end, True)]
            position = m_end
    pieces.append((position, end, False))
    parts = []
    for p_start, p_end, marked in pieces:
        escaped = html.escape(text[p_start:p_end])  # the only escaping of document text
        parts.append(f"<mark>{escaped}</mark>" if marked else escaped)
    return "".join(parts).strip()


def _piece(text: str, sentence: _Sentence, max_chars: int) -> str:
    start, end = _window(sentence, max_chars, text)
    # An ellipsis where an over-long sentence was cut.
    before = "…" if start > sentence.start else ""
    after = "…" if end < sentence.end else ""
    return before + _render(text, start, end, sentence.matches) + after


def make_snippet(
    text: str,
    terms: Collection[str],
    splitter: SentenceSplitter,
    expansions: Collection[str] = (),
    max_chars: int = MAX_CHARS,
    min_chars: int = MIN_CHARS,
    find: Callable[[str, Collection[str]], list[tuple[str, int, int]]] = find_terms,
) -> str:
    """HTML snippet of ``text`` for the analysed question ``terms`` and ``expansions`` (terms
    of synonyms of the question's words, analysed the same way): escaped, matches marked.
    ``find`` gives where the terms are (``SurfaceForms.spans`` for indexed answers)."""
    found = find(text, {*terms, *expansions})
    # Sentences are chosen among cheap pieces (cut wherever a sentence may end); Punkt, the
    # slow part, then reads only around the chosen ones to give their true extent.
    pieces = splitter.pieces(text) or [(0, len(text))]
    candidates = _sentences(pieces, found)
    shown = _fill(
        candidates, _choose(candidates, frozenset(terms), max_chars), min_chars, max_chars
    )
    spans: list[tuple[int, int]] = []
    for i in shown:
        for span in splitter.sentences_over(text, pieces, i, i):
            if not spans or span[0] >= spans[-1][1]:  # neighbouring pieces, one sentence
                spans.append(span)
    # A piece's sentence can be longer than the piece: choose again among the true sentences.
    resolved = _sentences(spans, found)
    kept = _choose(resolved, frozenset(terms), max_chars) or [0]
    sentences = [resolved[i] for i in _fill(resolved, kept, min_chars, max_chars)]
    parts = [_piece(text, sentences[0], max_chars)]
    for previous, sentence in itertools.pairwise(sentences):
        # Neighbouring sentences read on; a gap between two is marked.
        gap = text[previous.end : sentence.start]
        parts += [SEPARATOR if gap.strip() else " ", _piece(text, sentence, max_chars)]
    return "".join(parts)


def plain_text(snippet: str) -> str:
    """A snippet from ``make_snippet`` as plain text: the marks dropped, the escaping undone."""
    return html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))
