"""One Whoosh segment written from documents whose text is already analysed.

Whoosh's ``SegmentWriter.add_document`` runs each text through the analyzer's token stream
(a Python object per token and filter), queues every posting in a pool as a tuple, sorts the
pool at commit and then reads each posting's field length back from the column it has just
written. Here each text is analysed once (``search.analysis.FastAnalyzer``: the same terms
and positions; the term sequences feed the numpy postings too); a document's postings are
appended to flat arrays (term number, document, frequency, encoded positions), put in term
order at the end by one stable numpy sort, and each term's blocks of 128 postings are written
as ``W3PostingsWriter`` writes them. The files are Whoosh's own (``W3Codec``): the same
per-document columns, stored fields, term table and posting blocks, which any Whoosh reader
opens. With ``WHOOSH_BYTES`` they are byte for byte what ``add_document`` and ``commit``
write (``tests/test_segments.py``); by default three things differ, none in what a reader
decodes (see ``WHOOSH_BYTES``).

A build in two processes writes two segments into the same directory and lists both in the
table of contents (``write_toc``), as Whoosh's ``MpWriter(multisegment=True)`` does.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Mapping, Sequence
from itertools import pairwise, repeat
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import _lengths as TABLE_LENGTHS
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.analysis import encode_positions

INDEX_NAME = "MAIN"  # Whoosh's default index name, as ``create_in`` uses it
# Whoosh's W3 codec writes postings in blocks of this many, each pickled and compressed at
# this zlib level (``W3Codec(blocklimit=128, compression=3)``).
BLOCK = 128
COMPRESSION = 3
# False (the default) differs from Whoosh's bytes in three ways a reader cannot tell apart:
# - block data is pickled with protocol 4, not 2 (readers use ``pickle.loads``, which takes
#   any): protocol 2 writes every position list's bytes as a call to ``_codecs.encode`` on a
#   latin-1 string; 4 makes a third less data before compression, half the postings file
#   after it, and pickles 4x and unpickles (each query's blocks) 5x as fast;
# - a block whose pickle is shorter than ``SMALL_BLOCK`` is stored uncompressed (the block
#   says so; Whoosh meant to do this, its ``_write_block`` overrides the test): deflate
#   cannot shrink it, and a term seen in one document is most terms;
# - a term seen once in a text, at position p, has one shared bytes object per p, so pickle
#   writes repeats in a block as references.
WHOOSH_BYTES = False
SMALL_BLOCK = 64
# A term's statistics as ``W3TermInfo.to_bytes`` packs them.
TERM_INFO = W3TermInfo._struct


class _Postings:
    """One indexed field's postings, in the order added."""

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}  # term -> its number, in order of first sight
        self.term_ids = array("I")
        self.docs = array("I")
        self.counts = array("I")
        self.values: list[bytes] = []  # encoded positions (text fields only)
        # document -> its field length as Whoosh reads it back (a byte's worth)
        self.lengths: dict[int, int] = {}

    def number(self, terms: Mapping[str, Any]) -> None:
        """Give the new ones of ``terms`` numbers, in order."""
        known = self.terms
        # (``<=`` looks each of these up; ``-`` would walk all the known terms)
        if not terms.keys() <= known.keys():
            for term in terms:
                if term not in known:
                    known[term] = len(known)


class SegmentBuilder:
    """Writes documents into one new segment of the index in ``storage``.

    ``add`` takes a document as ``add_document`` would (field name -> value; ``_stored_<name>``
    overrides a stored value) plus each text field's term positions; the other indexed fields
    (``ID``) are indexed whole, as Whoosh's ``IDTokenizer`` does.
    """

    def __init__(self, storage: FileStorage, schema: Any) -> None:
        self._storage = storage
        self._schema = schema
        self._codec = default_codec()
        self.segment = self._codec.new_segment(storage, INDEX_NAME)
        self._perdoc = self._codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self._fields = [(name, schema[name]) for name in sorted(schema.names())]
        self._postings = {name: _Postings() for name, field in self._fields if field.indexed}
        # The encoding of "seen once, at position p", by p.
        self._single: list[bytes] = []

    def _encoded(self, places: Mapping[str, list[int]]) -> list[bytes]:
        if WHOOSH_BYTES:
            return [encode_positions(where) for where in places.values()]
        single = self._single
        try:
            return [single[w[0]] if len(w) == 1 else encode_positions(w) for w in places.values()]
        except IndexError:
            end = max(where[0] for where in places.values()) + 1
            single.extend(encode_positions([p]) for p in range(len(single), end))
            return self._encoded(places)

    def add(
        self, fields: Mapping[str, Any], positions: Mapping[str, Mapping[str, list[int]]]
    ) -> None:
        docnum = self.docnum
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name, field in self._fields:
            value = fields.get(name)
            if value is None:
                continue
            length = 0
            if field.indexed:
                postings = self._postings[name]
                places = positions.get(name)
                if places is None:  # an ID field: the value is the one term
                    postings.number({value: None})
                    postings.term_ids.append(postings.terms[value])
                    postings.docs.append(docnum)
                    postings.counts.append(1)
                else:
                    postings.number(places)
                    postings.term_ids.extend(map(postings.terms.__getitem__, places))
                    postings.docs.extend(repeat(docnum, len(places)))
                    start = len(postings.counts)
                    postings.counts.extend(map(len, places.values()))
                    postings.values += self._encoded(places)
                    if field.scorable:
                        length = sum(postings.counts[start:])
                        if length:
                            postings.lengths[docnum] = byte_to_length(length_to_byte(length))
            custom = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, custom if field.stored else None, length)
            if field.column_type and custom is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(custom))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self) -> Any:
        """Write the postings and close the segment; returns Whoosh's segment object."""
        self._perdoc.close()
        writer = self._codec.field_writer(self._storage, self.segment)
        for name in sorted(self._postings):
            if self._postings[name].terms:
                self._write_field(writer, name)
        writer.close()
        self.segment.set_doc_count(self.docnum)
        if self.segment.should_assemble():  # one compound file, as SegmentWriter makes
            self.segment.create_compound_file(self._storage)
            self.segment.compound = True
        return self.segment

    def cancel(self) -> None:
        """Close the files of an unfinished segment (its folder is about to be removed)."""
        if not self._perdoc.is_closed:
            self._perdoc.close()

    def _write_field(self, writer: Any, name: str) -> None:
        """Write one field's terms and posting blocks as ``W3FieldWriter`` and
        ``W3PostingsWriter`` do (``add_postings``, ``_write_block``, ``finish_postings``),
        gathering the postings file's bytes in memory and writing them once."""
        field = self._schema[name]
        postings = self._postings[name]
        # UTF-8 keeps code point order, so sorting the strings sorts the term bytes.
        terms = sorted(postings.terms)
        rank = np.empty(len(terms), dtype=np.int64)
        rank[[postings.terms[term] for term in terms]] = np.arange(len(terms))
        keys = rank[np.frombuffer(postings.term_ids, dtype=np.uint32)]
        # Postings were added in document order; a stable sort keeps it within each term.
        order = np.argsort(keys, kind="stable")
        all_docs = np.frombuffer(postings.docs, dtype=np.uint32)[order].tolist()
        all_counts = np.frombuffer(postings.counts, dtype=np.uint32)[order].tolist()
        # Whoosh keeps a posting's value only if its format's values vary in size (positions).
        keep_values = field.format.fixed_value_size() != 0
        all_values = [postings.values[i] for i in order.tolist()] if keep_values else []
        ends = np.cumsum(np.bincount(keys, minlength=len(terms))).tolist()
        lengths = postings.lengths
        protocol = 2 if WHOOSH_BYTES else 4
        small = 0 if WHOOSH_BYTES else SMALL_BLOCK

        writer.start_field(name, field)
        key_prefix = pack_ushort(writer._fieldid)
        postfile = writer._postfile
        base = postfile.tell()
        out = bytearray()
        # The term table's entries, as ``OrderedHashWriter.add`` writes them (keys ascending).
        table = writer._tindex
        table_base = table.dbfile.tell()
        table_out = bytearray()
        hashed, buckets, positions = table.hashfn, table.buckets, table.index
        key = b""
        begin = 0
        for term, end in zip(terms, ends, strict=True):
            docs, counts = all_docs[begin:end], all_counts[begin:end]
            values = all_values[begin:end]
            begin = end
            start = base + len(out)
            out += WHOOSH3_HEADER_MAGIC
            total = len(docs)
            weight = 0.0
            min_length: int | None = None
            max_length = 0
            max_weight = 0.0
            for first in range(0, total, BLOCK):
                block_docs = docs[first : first + BLOCK]
                block_counts = counts[first : first + BLOCK]
                gaps = [block_docs[0]]
                gaps += [after - before for before, after in pairwise(block_docs)]
                if block_counts.count(1) == len(block_counts):
                    weights: Any = None
                elif block_counts.count(block_counts[0]) == len(block_counts):
                    weights = float(block_counts[0])
                else:
                    weights = tuple(map(float, block_counts))
                block_values = tuple(values[first : first + BLOCK]) if keep_values else None
                data = dumps((tuple(gaps), weights, block_values), protocol)
                compression = COMPRESSION if len(data) >= small else 0
                if compression:
                    data = zlib.compress(data, compression)
                # (a document with a posting in a text field has a length; ID fields have none)
                present = list(map(lengths.__getitem__, block_docs)) if lengths else []
                block_min = min(present) if present else None
                block_max = max(present) if present else 0
                block_weight = float(max(block_counts))
                info = dumps(
                    (
                        len(block_docs),
                        block_docs[-1],
                        block_weight,
                        compression,
                        length_to_byte(block_min),
                        length_to_byte(block_max),
                    ),
                    2,
                )
                size = len(info) + len(data)
                out += pack_int(-size if first + BLOCK >= total else size)
                out += info
                out += data
                weight += sum(block_counts)
                if min_length is None:
                    min_length = block_min
                elif block_min is not None:
                    min_length = min(min_length, block_min)
                max_length = max(max_length, block_max)
                max_weight = max(max_weight, block_weight)
            info = TERM_INFO.pack(
                False,
                weight,
                total,
                0 if min_length is None else length_to_byte(min_length),
                length_to_byte(max_length),
                max_weight,
                docs[0],
                docs[-1],
            )
            key = key_prefix + term.encode("utf-8")
            value = info + pack_long(start) + pack_int(base + len(out) - start)
            position = table_base + len(table_out)
            positions.append(position)
            table_out += TABLE_LENGTHS.pack(len(key), len(value))
            table_out += key
            table_out += value
            hash_value = hashed(key)
            buckets[hash_value & 255].append((hash_value, position))
        postfile.write(out)
        table.dbfile.write(table_out)
        table.lastkey = key
        writer.finish_field()


def write_toc(storage: FileStorage, schema: Any, segments: Sequence[Any]) -> None:
    """List ``segments`` (in document order) as the index's contents, as a commit does."""
    generation = TOC._latest_generation(storage, INDEX_NAME) + 1
    TOC(schema, list(segments), generation).write(storage, INDEX_NAME)
    clean_files(storage, INDEX_NAME, generation, list(segments))
