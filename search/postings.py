"""Per-field postings as numpy arrays, written by the build for a fast first stage.

A minimal version of the interface the query side reads (the lead's ``search/postings.py``
on main is the reference): the build adds each article's per-field term frequencies in index
order, shares of a parallel build are joined with ``extend``, and ``save`` writes, per field,
the terms (sorted) and compressed-sparse-row arrays: ``offsets[t]:offsets[t + 1]`` are the
postings of term ``t`` in ``docs`` (ascending document numbers) and ``freqs``; ``lengths`` is
each document's field length in terms.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

POSTING_FIELDS = ("title", "focus", "body")
DIRECTORY = "postings"


class _Field:
    """One field's postings in the order added; plain lists and arrays, so it pickles."""

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}  # term -> its number, in order of first sight
        self.docs = array("I")
        self.term_ids = array("I")
        self.freqs = array("I")
        self.lengths = array("I")


class PostingsWriter:
    """Gathers postings while indexing; picklable, so a worker process can return one."""

    def __init__(self) -> None:
        self.count = 0
        self.ids: list[str] = []
        self.fields = {name: _Field() for name in POSTING_FIELDS}

    def add(self, doc: Mapping[str, Any], analysed: Mapping[str, Mapping[str, int]]) -> None:
        """One article, in index order: ``analysed`` maps each posting field to its terms'
        frequencies in that field (terms exactly as the index analyzer makes them)."""
        docnum = self.count
        self.count += 1
        self.ids.append(str(doc["id"]))
        for name, field in self.fields.items():
            freqs = analysed.get(name) or {}
            terms = field.terms
            # (``<=`` looks each of this article's terms up; ``-`` would walk all the terms)
            if not freqs.keys() <= terms.keys():  # new terms: numbered in order of first sight
                for term in freqs:
                    if term not in terms:
                        terms[term] = len(terms)
            field.term_ids.extend(map(terms.__getitem__, freqs))
            field.freqs.extend(freqs.values())
            field.docs.extend(repeat(docnum, len(freqs)))
            field.lengths.append(sum(freqs.values()))

    def extend(self, other: PostingsWriter) -> None:
        """Append another writer's articles after this one's (shares of a parallel build)."""
        offset = self.count
        self.count += other.count
        self.ids.extend(other.ids)
        for name, field in self.fields.items():
            theirs = other.fields[name]
            terms = field.terms
            renumber = np.array(
                [terms.setdefault(term, len(terms)) for term in theirs.terms], dtype=np.uint32
            )
            their_ids = np.frombuffer(theirs.term_ids, dtype=np.uint32)
            field.term_ids.frombytes(renumber[their_ids].tobytes())
            field.freqs.extend(theirs.freqs)
            their_docs = np.frombuffer(theirs.docs, dtype=np.uint32)
            field.docs.frombytes((their_docs + np.uint32(offset)).tobytes())
            field.lengths.extend(theirs.lengths)

    def save(self, directory: Path) -> None:
        """Write the arrays into the build directory (``postings/<field>.npz`` + terms)."""
        folder = directory / DIRECTORY
        folder.mkdir(exist_ok=True)
        for name, field in self.fields.items():
            terms = sorted(field.terms)
            # rank[term number] = the term's place in sorted order
            rank = np.empty(len(terms), dtype=np.uint32)
            rank[[field.terms[term] for term in terms]] = np.arange(len(terms), dtype=np.uint32)
            term_ranks = rank[np.frombuffer(field.term_ids, dtype=np.uint32)]
            docs = np.frombuffer(field.docs, dtype=np.uint32)
            # Postings were added in document order: a stable sort by term keeps it per term.
            order = np.argsort(term_ranks, kind="stable")
            offsets = np.zeros(len(terms) + 1, dtype=np.int64)
            np.cumsum(np.bincount(term_ranks, minlength=len(terms)), out=offsets[1:])
            np.savez(
                folder / f"{name}.npz",
                offsets=offsets,
                docs=docs[order],
                freqs=np.frombuffer(field.freqs, dtype=np.uint32)[order],
                lengths=np.frombuffer(field.lengths, dtype=np.uint32),
            )
            (folder / f"{name}.terms.json").write_text(
                json.dumps(terms, ensure_ascii=False), encoding="utf-8"
            )
