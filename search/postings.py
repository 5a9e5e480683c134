"""The first stage in NumPy: BM25F over per-field postings arrays written with each build.

Whoosh stays the index of record (stored answers, articles, related articles, the evaluation
baselines), but its matchers score a question's postings one document at a time in Python, and
counting facets and the total needs every match collected: 50–250 ms per consumer question on
MedQuAD. The same postings as arrays score a whole term in one vectorised step, so the first
stage, the facet counts and the total take about a millisecond.

Scores are Whoosh's BM25F (``whoosh.scoring.BM25F``: B=0.75, K1=1.2, idf = log(N/(df+1)) + 1,
the document's field length quantised to a byte as Whoosh stores it, the average from exact
totals): a term in a field adds ``boost * idf * tf*(K1+1) / (tf + K1*(1-B+B*len/avg))``. The
per-posting part does not depend on the question, so it is computed once when a build is
opened ("impacts"); a question then costs one multiply-add per matching posting. A phrase (a
multi-word synonym) matches where each pair of its words is adjacent (pairs of adjacent terms
are indexed too; Whoosh's positions skip stop words the same way) and scores the sum of its
words' scores, as Whoosh's phrase query does.

Articles are numbered in build order ("ords"); each carries the stored fields the second stage
and the result list need, so the first stage never touches Whoosh's stored fields.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import sys
import weakref
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.util.numeric import _length_byte_cache

from search.analysis import STOPPED

POSTING_FIELDS = ("title", "focus", "body")
FACETS = ("source", "qtype")
# What each article carries for ranking and for its line in the results.
STORED = ("id", "title", "focus", "focus_key", "source", "qtype", "url")
_FOCUS_KEY, _QTYPE = STORED.index("focus_key"), STORED.index("qtype")
DIRECTORY = "postings"
FORMAT = 1
B = 0.75
K1 = 1.2

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int32]


class PostingsWriter:
    """Collects analysed articles in index order; picklable (plain lists and arrays), so each
    process of a parallel build can return one to be ``extend``-ed in order.

    Each text is kept as its term numbers (``FastAnalyzer.numbers``: ``names`` is the
    numbering, ``STOPPED`` a stop word); ``kept`` inverts nothing but drops the stop words
    with NumPy, for these postings and for the Whoosh segment (``search.segments``) alike.
    """

    def __init__(self, names: list[str] | None = None) -> None:
        self.stored: list[list[str]] = []
        self.bodies: list[str] = []
        self.title_terms: list[list[str]] = []
        self.names: list[str] = [] if names is None else names  # term number -> term
        # Per field: every article's tokens in order as term numbers, and their count.
        self.tokens: dict[str, array[int]] = {name: array("i") for name in POSTING_FIELDS}
        self.counts: dict[str, array[int]] = {name: array("i") for name in POSTING_FIELDS}

    def __len__(self) -> int:
        return len(self.stored)

    def add(self, doc: Mapping[str, Any], numbers: Mapping[str, Sequence[int]]) -> None:
        """One article, in index order: ``doc`` as ``search.indexing`` builds it (the focus
        shown is ``_stored_focus``), ``numbers`` each field's tokens as term numbers."""
        shown = dict(doc, focus=doc.get("_stored_focus", doc.get("focus", "")))
        self.stored.append([str(shown.get(name) or "") for name in STORED])
        self.bodies.append(str(doc.get("body", "")))
        names = self.names
        title = dict.fromkeys(numbers.get("title", ()))
        self.title_terms.append([names[n] for n in title if n != STOPPED])
        for name in POSTING_FIELDS:
            found = numbers.get(name, ())
            self.tokens[name].extend(found)
            self.counts[name].append(len(found))

    def extend(self, other: PostingsWriter) -> None:
        """Append ``other``'s articles after this writer's."""
        self.stored += other.stored
        self.bodies += other.bodies
        self.title_terms += other.title_terms
        known = {term: number for number, term in enumerate(self.names)}
        mapping = np.array(
            [known.setdefault(term, len(known)) for term in other.names] + [STOPPED],
            dtype=np.int32,
        )
        self.names += list(known)[len(self.names) :]
        for name in POSTING_FIELDS:
            # (STOPPED is -1: the mapping's last entry keeps it)
            numbers = mapping[np.frombuffer(other.tokens[name], dtype=np.int32)]
            self.tokens[name].frombytes(numbers.tobytes())
            self.counts[name] += other.counts[name]

    def kept(self, name: str) -> tuple[Ints, Ints, Ints]:
        """Field ``name``'s terms with the stop words left out: every article's term numbers
        in order, each article's number of them (its field length), and where its first one
        stands among its tokens (Whoosh numbers positions on from there)."""
        tokens = np.frombuffer(self.tokens[name], dtype=np.int32)
        counts = np.frombuffer(self.counts[name], dtype=np.int32)
        keep = tokens != STOPPED
        where = np.flatnonzero(keep)
        articles = np.repeat(np.arange(len(counts)), counts)[where]
        lengths = np.bincount(articles, minlength=len(counts)).astype(np.int32)
        starts = np.zeros(len(counts), dtype=np.int32)
        firsts = np.cumsum(lengths) - lengths
        present = lengths > 0
        starts[present] = where[firsts[present]] - (np.cumsum(counts) - counts)[present]
        return tokens[keep], lengths, starts

    def save(self, directory: Path) -> dict[str, list[str]]:
        """Write the arrays into ``directory/postings``: per field, the sorted terms with the
        offsets of their postings (ords ascending) and term frequencies, and the same for
        the pairs of adjacent terms (phrases). Returns each field's sorted terms."""
        out = directory / DIRECTORY
        out.mkdir()
        meta: dict[str, Any] = {
            "format": FORMAT,
            "documents": len(self.stored),
            "stored": STORED,
            "fields": {},
        }
        documents = len(self.stored)
        for name in POSTING_FIELDS:
            kept, lengths, _ = self.kept(name)
            terms, rank = term_order(self.names, kept)
            size = len(terms)
            numbers = rank[kept]
            ords = np.repeat(np.arange(documents, dtype=np.int64), lengths)
            # Postings: one per (term, article), by term then article, with its frequency
            # (sorted by term alone: the articles are in order already).
            order = stable_order(numbers, size)
            keys, tfs = _runs(numbers[order] * documents + ords[order])
            _save_lists(out, name, keys // documents, keys % documents, size)
            np.save(out / f"{name}.tfs.npy", tfs.astype(np.int32))
            np.save(out / f"{name}.lengths.npy", lengths)
            # Adjacent pairs, for phrases: (first * size + second, article), once per article.
            same = ords[:-1] == ords[1:]
            pairs = numbers[:-1][same] * size + numbers[1:][same]
            pair_keys = _unique_counts(pairs * documents + ords[1:][same])[0]
            pairs, pair_ords = pair_keys // documents, pair_keys % documents
            starts = np.flatnonzero(np.r_[len(pairs) > 0, pairs[1:] != pairs[:-1]])
            np.save(out / f"{name}.pairs.npy", pairs[starts])
            np.save(out / f"{name}.pair_offsets.npy", np.r_[starts, len(pairs)].astype(np.int64))
            np.save(out / f"{name}.pair_docs.npy", pair_ords.astype(np.int32))
            meta["fields"][name] = {"terms": terms, "total_length": int(lengths.sum())}
        # The answers, for snippets: one UTF-8 file, so a result page's ten answers cost ten
        # reads, not ten lookups and decompressions in Whoosh.
        encoded = [body.encode("utf-8") for body in self.bodies]
        (out / "bodies.txt").write_bytes(b"".join(encoded))
        np.save(out / "bodies.offsets.npy", np.r_[0, np.cumsum([len(b) for b in encoded])])
        meta["articles"] = self.stored
        meta["title_terms"] = self.title_terms
        (out / "postings.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        return {name: meta["fields"][name]["terms"] for name in POSTING_FIELDS}


def term_order(names: list[str], numbers: Ints) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The terms among ``numbers`` (numbers into ``names``) in sorted order, and each
    number's place in that order (-1 for numbers not among them)."""
    present = np.flatnonzero(np.bincount(numbers, minlength=len(names)))
    terms = [names[n] for n in present.tolist()]
    order = sorted(range(len(terms)), key=terms.__getitem__)
    rank = np.full(len(names), -1, dtype=np.int64)
    rank[present[order]] = np.arange(len(terms))
    return [terms[i] for i in order], rank


def stable_order(keys: npt.NDArray[Any], size: int) -> npt.NDArray[np.intp]:
    """``np.argsort(keys, kind="stable")`` for keys in ``range(size)`` (term numbers): NumPy
    sorts 16-bit keys by radix, 3-4x as fast as wider ones, and a field has fewer than 65,536
    terms on MedQuAD."""
    return np.argsort(keys.astype(np.uint16 if size <= 1 << 16 else np.int64), kind="stable")


def _unique_counts(keys: Any) -> tuple[Any, Any]:
    """``np.unique(keys, return_counts=True)`` for integer keys, by one sort (numpy's
    ``unique`` takes seconds on a few million keys; this a fifth of a second)."""
    return _runs(np.sort(keys, kind="stable"))


def _runs(ordered: Any) -> tuple[Any, Any]:
    """The distinct values of sorted ``ordered`` and how often each occurs."""
    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def _save_lists(out: Path, name: str, numbers: Any, ords: Any, size: int) -> None:
    """Postings sorted by term number then ord, as CSR: ords and each term's start offset."""
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(numbers, minlength=size), out=offsets[1:])
    np.save(out / f"{name}.docs.npy", ords.astype(np.int32))
    np.save(out / f"{name}.offsets.npy", offsets)


@dataclass(frozen=True)
class Matches:
    """The first stage's answer: every matching article's score (0 where none)."""

    scores: Floats
    matched: Ints  # ords of the matching articles, ascending

    def best(self, limit: int) -> list[tuple[int, float]]:
        """(ord, score) of the ``limit`` best, best first; ties in build order (as Whoosh)."""
        if limit <= 0 or not len(self.matched):
            return []
        scores = self.scores[self.matched]
        if len(scores) > limit:
            part = np.argpartition(-scores, limit - 1)[:limit]
            # Everything tied with the last kept score competes on build order.
            floor = scores[part].min()
            part = np.flatnonzero(scores >= floor)
        else:
            part = np.arange(len(scores))
        order = np.lexsort((self.matched[part], -scores[part]))[:limit]
        chosen = part[order]
        return [
            (int(o), float(s)) for o, s in zip(self.matched[chosen], scores[chosen], strict=True)
        ]


class _Field:
    def __init__(self, directory: Path, name: str, meta: Mapping[str, Any], documents: int):
        self.terms = {term: i for i, term in enumerate(meta["terms"])}
        # Memory-mapped (shared by the workers of a server), as plain arrays: slicing numpy's
        # memmap subclass costs microseconds per call.
        self.docs: Ints = np.asarray(np.load(directory / f"{name}.docs.npy", mmap_mode="r"))
        self.offsets = np.load(directory / f"{name}.offsets.npy")
        self.lengths: Ints = np.load(directory / f"{name}.lengths.npy")
        quantised = _as_whoosh_stores(self.lengths)
        average = meta["total_length"] / documents if documents else 1.0
        counts = np.load(directory / f"{name}.tfs.npy")
        tfs = counts.astype(np.float64)
        norm = K1 * ((1 - B) + B * quantised / (average or 1.0))
        self.impacts: Floats = tfs * (K1 + 1) / (tfs + norm[self.docs])
        # The counts themselves, for scores over groups of articles (``raw``); two bytes
        # each (2.2 MB for MedQuAD's answers): saturated far below 65,535 anyway.
        self.counts = np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16)
        self.documents = documents
        self.pairs = np.asarray(np.load(directory / f"{name}.pairs.npy", mmap_mode="r"))
        self.pair_offsets = np.asarray(
            np.load(directory / f"{name}.pair_offsets.npy", mmap_mode="r")
        )
        self.pair_docs: Ints = np.asarray(
            np.load(directory / f"{name}.pair_docs.npy", mmap_mode="r")
        )

    def with_pair(self, first: str, second: str) -> Ints:
        """Ords of the articles where ``second`` directly follows ``first`` (stop words left
        out, as in Whoosh's phrase positions)."""
        a, b = self.terms.get(first), self.terms.get(second)
        if a is None or b is None:
            return np.zeros(0, dtype=np.int32)
        key = a * len(self.terms) + b
        i = int(np.searchsorted(self.pairs, key))
        if i == len(self.pairs) or int(self.pairs[i]) != key:
            return np.zeros(0, dtype=np.int32)
        return self.pair_docs[int(self.pair_offsets[i]) : int(self.pair_offsets[i + 1])]

    def _span(self, term: str) -> slice | None:
        """Where ``term``'s postings are in ``docs`` (and ``impacts``, ``counts``)."""
        number = self.terms.get(term)
        if number is None:
            return None
        return slice(int(self.offsets[number]), int(self.offsets[number + 1]))

    def postings(self, term: str) -> tuple[Ints, Floats] | None:
        """The ords of the articles with ``term`` and its BM25 impact in each."""
        span = self._span(term)
        return None if span is None else (self.docs[span], self.impacts[span])

    def raw(self, term: str) -> tuple[Ints, npt.NDArray[np.uint16]] | None:
        """The ords of the articles with ``term`` and its count in each."""
        span = self._span(term)
        return None if span is None else (self.docs[span], self.counts[span])

    def doc_frequency(self, term: str) -> int:
        number = self.terms.get(term)
        return 0 if number is None else int(self.offsets[number + 1] - self.offsets[number])

    def idf(self, term: str) -> float:
        return math.log(self.documents / (self.doc_frequency(term) + 1)) + 1


# Whoosh keeps a document's field length in one byte: the smallest of these 256 lengths that is
# at least the true one (``whoosh.util.numeric.length_to_byte``), exact for short fields.
_BYTE_LENGTHS = np.array(_length_byte_cache, dtype=np.float64)


def length_bytes(lengths: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """``length_to_byte`` of each of ``lengths``."""
    return np.minimum(np.searchsorted(_BYTE_LENGTHS, lengths, side="left"), 255)


def _as_whoosh_stores(lengths: npt.NDArray[Any]) -> Floats:
    return _BYTE_LENGTHS[length_bytes(lengths)]


class Postings:
    """A build's postings arrays, opened read-only (memory-mapped where they are not derived)."""

    def __init__(self, build_dir: Path) -> None:
        directory = build_dir / DIRECTORY
        meta = json.loads((directory / "postings.json").read_text("utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{directory}: postings format {meta.get('format')}, need {FORMAT}")
        self.documents = int(meta["documents"])
        self.fields = {
            name: _Field(directory, name, meta["fields"][name], self.documents)
            for name in POSTING_FIELDS
        }
        names = tuple(meta["stored"])
        if names != STORED:
            raise ValueError(f"{directory}: stored fields {names}, need {STORED}")
        # Rows of shared strings, not dicts: a dict per article costs ~400 bytes in every
        # worker, and an article's source, type and focus repeat across thousands of them.
        self._rows: list[tuple[str, ...]] = [
            tuple(map(sys.intern, row)) for row in meta["articles"]
        ]
        self._title_terms: list[list[str]] = meta["title_terms"]
        # Read with pread, not mapped: mapped pages count in a worker's resident memory once
        # touched, and over a day every answer is shown once.
        self._bodies = os.open(directory / "bodies.txt", os.O_RDONLY)
        weakref.finalize(self, os.close, self._bodies)
        self._body_offsets = np.load(directory / "bodies.offsets.npy")
        column = {name: i for i, name in enumerate(STORED)}
        self.by_id = {row[column["id"]]: ord_ for ord_, row in enumerate(self._rows)}
        by_focus: dict[str, list[int]] = {}
        for ord_, row in enumerate(self._rows):
            if row[column["focus_key"]]:
                by_focus.setdefault(row[column["focus_key"]], []).append(ord_)
        self.by_focus = {key: np.array(ords, dtype=np.int32) for key, ords in by_focus.items()}
        # Facet values as small integer codes, for masks and counting.
        self.facet_values: dict[str, list[str]] = {}
        self.facet_codes: dict[str, Ints] = {}
        for facet in FACETS:
            values = sorted({row[column[facet]] for row in self._rows})
            code = {value: i for i, value in enumerate(values)}
            self.facet_values[facet] = values
            self.facet_codes[facet] = np.array(
                [code[row[column[facet]]] for row in self._rows], dtype=np.int32
            )

    def article(self, ord_: int) -> dict[str, Any]:
        """The stored fields of article ``ord_`` (``STORED``), with its title's terms as
        ``title_terms`` (for the second stage)."""
        fields: dict[str, Any] = dict(zip(STORED, self._rows[ord_], strict=True))
        fields["title_terms"] = self._title_terms[ord_]  # (a list: only intersected)
        return fields

    def ranked_fields(self, ord_: int) -> tuple[str, str, list[str]]:
        """The focus key, type and title terms of article ``ord_``: what the second stage
        needs, without the dict of ``article``."""
        row = self._rows[ord_]
        return row[_FOCUS_KEY], row[_QTYPE], self._title_terms[ord_]

    def body(self, ord_: int) -> str:
        """The answer text of article ``ord_``."""
        start, end = int(self._body_offsets[ord_]), int(self._body_offsets[ord_ + 1])
        return os.pread(self._bodies, end - start, start).decode("utf-8")

    def doc_frequency(self, term: str, field: str = "body") -> int:
        return self.fields[field].doc_frequency(term)

    def match(
        self,
        sought: Iterable[tuple[Sequence[str], float]],
        boosts: Mapping[str, float],
        allowed: npt.NDArray[np.bool_] | None = None,
    ) -> Matches:
        """BM25F scores of every article for any of the ``sought`` (words, weight) — a term or
        a phrase — in any of the fields, each field weighted by its boost."""
        scores = np.zeros(self.documents)
        for words, weight in sought:
            for name, boost in boosts.items():
                self._add(scores, self.fields[name], words, boost * weight)
        if allowed is not None:
            scores[~allowed] = 0.0
        return Matches(scores, np.flatnonzero(scores > 0).astype(np.int32))

    def _add(self, scores: Floats, field: _Field, words: Sequence[str], weight: float) -> None:
        lists = [field.postings(word) for word in words]
        if not lists or any(found is None for found in lists):
            return
        present = [found for found in lists if found is not None]
        if len(present) == 1:
            docs, impacts = present[0]
            # Ords are unique within a posting list, so fancy-index addition is exact.
            scores[docs] += (weight * field.idf(words[0])) * impacts
            return
        # A phrase: the articles with each pair of its words adjacent in this field, each word
        # scored as Whoosh scores a phrase (the sum of its words' scores).
        count = np.zeros(self.documents, dtype=np.int16)
        for first, second in itertools.pairwise(words):
            count[field.with_pair(first, second)] += 1
        every = count == len(words) - 1
        for word, (docs, impacts) in zip(words, present, strict=True):
            keep = every[docs]
            scores[docs[keep]] += (weight * field.idf(word)) * impacts[keep]

    def allowed(self, filters: Mapping[str, Sequence[str]] | None) -> npt.NDArray[np.bool_] | None:
        """The articles passing ``filters`` (any of the values of each facet), or None."""
        mask: npt.NDArray[np.bool_] | None = None
        for facet, values in (filters or {}).items():
            if facet not in FACETS or not values:
                continue
            index = {value: i for i, value in enumerate(self.facet_values[facet])}
            wanted = [index[v] for v in values if v in index]
            passing = np.isin(self.facet_codes[facet], wanted)
            mask = passing if mask is None else mask & passing
        return mask

    def facets(self, ords: Ints) -> dict[str, dict[str, int]]:
        """Counts of ``ords`` by each facet's values, most first (empty values left out)."""
        counted: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            values = self.facet_values[facet]
            counts = np.bincount(self.facet_codes[facet][ords], minlength=len(values))
            pairs = [(values[i], int(counts[i])) for i in np.flatnonzero(counts) if values[i]]
            counted[facet] = dict(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))
        return counted

    def about(self, keys: Iterable[str]) -> Ints:
        """Ords of the articles whose focus key is one of ``keys``."""
        found = [self.by_focus[key] for key in keys if key in self.by_focus]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int32)

    def contains(self, ord_: int, term: str) -> bool:
        """Whether article ``ord_`` has ``term`` in any field."""
        for field in self.fields.values():
            found = field.postings(term)
            if found is not None:
                docs = found[0]
                i = int(np.searchsorted(docs, ord_))
                if i < len(docs) and docs[i] == ord_:
                    return True
        return False
