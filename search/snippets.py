"""Snippets: the sentences of an answer that best cover the question, highlighted.

This module is the one place where document text becomes HTML: the text is escaped here and
only the ``<mark>`` tags added here are markup. Pages and the API use the result as is.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass

from search.analysis import text_analyzer
from search.sentences import SentenceSplitter

MAX_CHARS = 300
MAX_SENTENCES = 3
SEPARATOR = " … "

_ANALYZER = text_analyzer()


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    matches: tuple[tuple[int, int], ...]  # (start, end) of matched words, absolute offsets
    terms: frozenset[str]


def _analyse(text: str, start: int, end: int, terms: Collection[str]) -> _Sentence:
    matches: list[tuple[int, int]] = []
    found: set[str] = set()
    for token in _ANALYZER(text[start:end], chars=True):
        if token.text in terms:
            matches.append((start + token.startchar, start + token.endchar))
            found.add(token.text)
    return _Sentence(start, end, tuple(matches), frozenset(found))


def _choose(sentences: list[_Sentence], max_chars: int) -> list[_Sentence]:
    """Greedy cover: each next sentence adds the most question terms not yet shown."""
    chosen: list[_Sentence] = []
    covered: set[str] = set()
    used = 0
    candidates = [s for s in sentences if s.terms]
    while candidates and len(chosen) < MAX_SENTENCES:
        best = max(candidates, key=lambda s: (len(s.terms - covered), len(s.matches), -s.start))
        if chosen and (not best.terms - covered or used + (best.end - best.start) > max_chars):
            break
        chosen.append(best)
        covered |= best.terms
        used += best.end - best.start
        candidates.remove(best)
    return sorted(chosen, key=lambda s: s.start) or sentences[:1]


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
    parts: list[str] = []
    position = start
    for m_start, m_end in matches:
        if m_start < position or m_end > end:
            continue
        parts.append(html.escape(text[position:m_start]))
        parts.append(f"<mark>{html.escape(text[m_start:m_end])}</mark>")
        position = m_end
    parts.append(html.escape(text[position:end]))
    return "".join(parts).strip()


def make_snippet(
    text: str,
    terms: Collection[str],
    splitter: SentenceSplitter,
    max_chars: int = MAX_CHARS,
) -> str:
    """HTML snippet of ``text`` for the analysed query ``terms``: escaped, matches in <mark>."""
    spans = splitter.spans(text) or [(0, len(text))]
    sentences = [_analyse(text, start, end, terms) for start, end in spans]
    pieces = []
    for sentence in _choose(sentences, max_chars):
        start, end = _window(sentence, max_chars, text)
        piece = _render(text, start, end, sentence.matches)
        # An ellipsis where an over-long sentence was cut.
        if start > sentence.start:
            piece = "…" + piece
        if end < sentence.end:
            piece += "…"
        pieces.append(piece)
    return SEPARATOR.join(pieces)


def plain_text(snippet: str) -> str:
    """A snippet from ``make_snippet`` as plain text: the marks dropped, the escaping undone."""
    return html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))
