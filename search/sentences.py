"""Sentence boundaries for snippets: NLTK's Punkt, trained on the indexed corpus itself.

Punkt learns a corpus's abbreviations ("Dr.", "e.g.", "approx.") from the text, needing no
downloaded model; a short reviewed list (``data/abbreviations.txt``) covers abbreviations a
small corpus may not show often enough to learn. The learned parameters are saved with each
build as JSON (never pickle) and loaded by the engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from search._nltk import (
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
    PunktTrainer,
    punkt,
)
from search.analysis import _read_wordlist

# Punkt trains at roughly 0.5 MB/s; an even sample of this size learns the same abbreviations
# as the whole of MedQuAD (21 MB) in a few seconds instead of a minute.
TRAINING_BUDGET = 1_500_000

FILENAME = "sentences.json"

_LINE_MARKER = re.compile(r"\s*(#{1,6}\s+|[-*+•]\s+|\d{1,3}[.)]\s+)")


def stride(total: int, budget: int = TRAINING_BUDGET) -> int:
    """Every how many texts ``sample`` takes one, for texts of ``total`` characters."""
    return max(1, -(-total // budget))


def sample(texts: Sequence[str], budget: int = TRAINING_BUDGET) -> list[str]:
    """An even sample of ``texts`` of about ``budget`` characters, in corpus order."""
    return list(texts[:: stride(sum(map(len, texts)), budget)])


class _Remembered:
    """A pure function of a string, answered once per distinct string (for one training)."""

    def __init__(self, function: Any) -> None:
        self._function = function
        self._answers: dict[str, Any] = {}

    def __call__(self, text: str) -> Any:
        try:
            return self._answers[text]
        except KeyError:
            found = self._answers[text] = self._function(text)
            return found

    # so it can stand in for the compiled pattern NLTK calls ``.search`` on
    search = __call__


class _RememberingToken(PunktToken):  # type: ignore[misc]
    """A Punkt token whose regular-expression properties are worked out once per distinct
    token text (or type) and remembered for the rest of the training.

    Each is a pure function of the token's text, so the answers are NLTK's own; only their
    cost goes: NLTK runs every match under a time limit through the ``regex`` module, and a
    few thousand distinct tokens make up the quarter of a million that training sees.
    """

    # (no ``__slots__ = ()``: mypy, not seeing NLTK's slots, would refuse ``__init__``'s
    # assignments; an empty ``__dict__`` slot per token costs nothing measurable)
    _type: ClassVar[_Remembered]
    _ellipsis: ClassVar[_Remembered]
    _initial: ClassVar[_Remembered]
    _alpha: ClassVar[_Remembered]

    @classmethod
    def forget(cls) -> None:
        """Start a training with nothing remembered."""
        cls._type = _Remembered(lambda tok: PunktToken._get_type(PunktToken, tok))
        cls._ellipsis = _Remembered(PunktToken._RE_ELLIPSIS.match)
        cls._initial = _Remembered(PunktToken._RE_INITIAL.match)
        cls._alpha = _Remembered(PunktToken._RE_ALPHA.match)

    def __init__(
        self, tok: str, parastart: bool | None = None, linestart: bool | None = None
    ) -> None:
        # NLTK's ``__init__`` (the only arguments training passes), without its loops of
        # ``setattr``: a training makes a quarter of a million tokens.
        self.tok = tok
        self.type = self._type(tok)
        self.period_final = tok.endswith(".")
        self.parastart, self.linestart = parastart, linestart
        self.sentbreak = self.abbr = self.ellipsis = None

    def _get_type(self, tok: str) -> Any:
        return self._type(tok)

    @property
    def is_ellipsis(self) -> Any:
        return self._ellipsis(self.tok)

    @property
    def is_initial(self) -> Any:
        return self._initial(self.tok)

    @property
    def is_alpha(self) -> Any:
        return self._alpha(self.tok)


def train(texts: Iterable[str]) -> dict[str, Any]:
    """Punkt parameters learned from ``texts``, as a JSON-ready mapping."""
    _RememberingToken.forget()
    # NLTK also asks a module-level pattern whether each type has a letter, in the token's
    # ``is_non_punct`` and once per type and text in training: remembered too, for the
    # training only (any other Punkt user meanwhile gets the same answers).
    non_punct = punkt._re_non_punct
    punkt._re_non_punct = _Remembered(non_punct.search)
    try:
        trainer = PunktTrainer(token_cls=_RememberingToken)
        # NLTK splits words with a pattern compiled by ``regex`` and run under a time limit;
        # the stdlib's ``re`` runs the same pattern 3x as fast (this trainer's copy only; the
        # words found are the same, on every line of MedQuAD too). The pattern is NLTK's own
        # and linear: no time limit is needed.
        words = trainer._lang_vars._word_tokenizer_re()
        trainer._lang_vars._re_word_tokenizer = re.compile(words.pattern, re.UNICODE | re.VERBOSE)
        for text in texts:
            trainer.train(text, finalize=False)
        trainer.finalize_training()
    finally:
        punkt._re_non_punct = non_punct
        _RememberingToken.forget()
    params = trainer.get_params()
    return {
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted(list(pair) for pair in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }


def save(params: dict[str, Any], directory: Path) -> None:
    (directory / FILENAME).write_text(json.dumps(params), encoding="utf-8")


# Where Punkt may end a sentence: after ".", "?" or "!" (and any closing quotes or brackets)
# followed by white space. Punkt decides which of these are ends (not "Dr. Lee", "e.g. on").
_MAY_END = re.compile(r"[.?!][\"')\]}\u2019\u201d\xbb]*(?:\s+|(?=[\[({\"'\u2018\u201c\xab]))")


# Punkt's decisions remembered per splitter (word pairs; a bound on memory, not a tuning knob).
ENDS_CACHE_SIZE = 20_000

# A break after a plain word ("disease. The", "help? Call"): letters only, so not an initial
# ("J."), a number, an ellipsis or a dotted abbreviation ("e.g."), the cases where Punkt's
# decision depends on more than the word itself (see ``SentenceSplitter._plainly_ends``).
_PLAIN_BREAK = re.compile(r"[A-Za-z]{2,}([.?!])\s+")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of ``text``, its Markdown marker left out."""
    found = []
    offset = 0
    for line in text.split("\n"):
        marker = _LINE_MARKER.match(line)
        skip = marker.end() if marker else 0
        if line[skip:].strip():
            found.append((offset + skip, offset + len(line)))
        offset += len(line) + 1
    return found


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())


def _same_line(text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
    return "\n" not in text[before[1] : after[0]]


class SentenceSplitter:
    """Splits text into sentence spans; newlines (list items, paragraphs) always end one."""

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        learned = params or {}
        punkt = PunktParameters()
        punkt.abbrev_types = set(learned.get("abbrev_types", ())) | _read_wordlist(
            "abbreviations.txt"
        )
        punkt.collocations = {tuple(pair) for pair in learned.get("collocations", ())}
        punkt.sent_starters = set(learned.get("sent_starters", ()))
        for word, flags in learned.get("ortho_context", {}).items():
            punkt.ortho_context[word] = flags
        self._punkt = PunktSentenceTokenizer(punkt)
        self._ends: dict[tuple[str, int], bool] = {}
        self._abbreviations = frozenset(punkt.abbrev_types)
        self._collocation_starts = frozenset(first for first, _ in punkt.collocations)

    @classmethod
    def load(cls, directory: Path) -> SentenceSplitter:
        path = directory / FILENAME
        if not path.exists():
            return cls()
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence of ``text``, white space trimmed.

        A line's Markdown marker ("## ", "- ", "2. ") is not part of its first sentence: a
        snippet shows "What it says", not "## What it says".
        """
        return [
            (start + a, start + b)
            for start, end in _lines(text)
            for a, b in self._punkt.span_tokenize(text[start:end])
        ]

    def pieces(self, text: str) -> list[tuple[int, int]]:
        """The lines of ``text`` cut wherever a sentence *may* end (see ``_MAY_END``): each of
        Punkt's sentences is one or more whole pieces. Cheap: no Punkt."""
        found = []
        for start, end in _lines(text):
            position = start
            for match in _MAY_END.finditer(text, start, end):
                found.append(_trimmed(text, position, match.start() + len(match.group().rstrip())))
                position = match.end()
            if text[position:end].strip():
                found.append(_trimmed(text, position, end))
        return found

    def sentences_over(
        self, text: str, pieces: Sequence[tuple[int, int]], first: int, last: int
    ) -> list[tuple[int, int]]:
        """Punkt's sentences holding pieces ``first``..``last`` of ``text`` (see ``pieces``):
        a sentence runs on over every place between pieces that Punkt does not end."""
        low, high = first, last
        while low > 0 and not self.ends(text, pieces[low - 1], pieces[low]):
            low -= 1
        while high + 1 < len(pieces) and not self.ends(text, pieces[high], pieces[high + 1]):
            high += 1
        found = []
        start = pieces[low][0]
        for i in range(low, high):
            if self.ends(text, pieces[i], pieces[i + 1]):
                found.append((start, pieces[i][1]))
                start = pieces[i + 1][0]
        found.append((start, pieces[high][1]))
        return found

    def ends(self, text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
        """Whether Punkt ends a sentence between two neighbouring pieces of ``text``.

        Punkt decides from the word before the break and the word after it (is "Dr." an
        abbreviation, is "Lee" capitalised, do they often go together), so asking it about
        those two words alone gives its answer in the text, and the answer is remembered:
        the same pairs ("disease. The") recur across answers, and Punkt takes ~35 µs a pair.
        """
        if not _same_line(text, before, after):
            return True
        start = max(before[0], text.rfind(" ", before[0], before[1]) + 1)
        space = text.find(" ", after[0], after[1])
        context = text[start : space if space > 0 else after[1]]
        where = after[0] - start  # where the next sentence would start in ``context``
        if self._plainly_ends(context, where):
            return True
        key = (context, where)
        found = self._ends.get(key)
        if found is None:
            if len(self._ends) >= ENDS_CACHE_SIZE:
                self._ends.clear()
            spans = self._punkt.span_tokenize(context)
            found = self._ends[key] = any(begin == where for begin, _ in spans)
        return found

    def _plainly_ends(self, context: str, where: int) -> bool:
        """Punkt's answer for the commonest break, without asking it: a plain word, then ".",
        "?" or "!", then white space. Punkt's first pass ends a sentence after every such word
        that is not a known abbreviation; its second pass reconsiders only abbreviations,
        ellipses, initials, numbers and words that begin one of its collocations ("vs. the"),
        so for any other word the next word cannot change the answer."""
        plain = _PLAIN_BREAK.match(context)
        if plain is None or plain.end() != where:
            return False
        if plain.group(1) != ".":
            return True
        word = context[: plain.start(1)].lower()
        return word not in self._abbreviations and word not in self._collocation_starts

    def split(self, text: str) -> list[str]:
        return [text[start:end] for start, end in self.spans(text)]
