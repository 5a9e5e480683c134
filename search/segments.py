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
from collections.abc import Mapping, Sequence
from pickle import dumps
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import _lengths as TABLE_LENGTHS
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_ushort

from search.analysis import STOPPED, encode_positions
from search.postings import PostingsWriter, length_bytes, stable_order, term_order

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

Ints = npt.NDArray[Any]  # integers of any width


class _FieldPostings(NamedTuple):
    """One indexed field's postings in the order written: by term, then document."""

    terms: list[str]  # sorted
    keys: Ints  # each posting's term (its place in ``terms``)
    docs: Ints
    counts: Ints
    values: list[bytes] | None  # encoded positions (text fields only)
    codes: Ints  # the length byte of each posting's document (0 where none)


class SegmentBuilder:
    """Writes documents into one new segment of the index in ``storage``.

    ``add`` takes a document as ``add_document`` would (field name -> value; ``_stored_<name>``
    overrides a stored value) plus each text field's tokens as term numbers
    (``FastAnalyzer.numbers``); the other indexed fields (``ID``) are indexed whole, as
    Whoosh's ``IDTokenizer`` does. ``finish`` inverts the text fields from the same numbers as
    the numpy postings keep them (``PostingsWriter``).
    """

    def __init__(self, storage: FileStorage, schema: Any) -> None:
        self._storage = storage
        self._schema = schema
        self._codec = default_codec()
        self.segment = self._codec.new_segment(storage, INDEX_NAME)
        self._perdoc = self._codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self._fields = [(name, schema[name]) for name in sorted(schema.names())]
        # ID fields: (value, document) of each document that has one
        self._whole: dict[str, list[tuple[str, int]]] = {
            name: [] for name, field in self._fields if field.indexed
        }
        # The encoding of "seen once, at position p", by p.
        self._single: list[bytes] = []

    def add(self, fields: Mapping[str, Any], numbers: Mapping[str, Sequence[int]]) -> None:
        docnum = self.docnum
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name, field in self._fields:
            value = fields.get(name)
            if value is None:
                continue
            length = 0
            if field.indexed:
                found = numbers.get(name)
                if found is None:  # an ID field: the value is the one term
                    self._whole[name].append((value, docnum))
                elif field.scorable:
                    length = len(found) - found.count(STOPPED)
            custom = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, custom if field.stored else None, length)
            if field.column_type and custom is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(custom))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self, texts: PostingsWriter) -> Any:
        """Write the postings (the text fields' from ``texts``, which holds the same documents)
        and close the segment; returns Whoosh's segment object."""
        self._perdoc.close()
        writer = self._codec.field_writer(self._storage, self.segment)
        for name in sorted(self._whole):
            if name in texts.tokens:
                postings = self._text_postings(texts, name)
            else:
                postings = self._whole_postings(name)
            if postings.terms:
                self._write_field(writer, name, postings)
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

    def _text_postings(self, texts: PostingsWriter, name: str) -> _FieldPostings:
        """One posting per (term, document) of a text field, with its positions: the field's
        terms put in term order by one stable sort (documents and positions stay in order)."""
        kept, lengths, starts = texts.kept(name)
        assert len(lengths) == self.docnum
        terms, rank = term_order(texts.names, kept)
        offsets = np.cumsum(lengths) - lengths
        docs = np.repeat(np.arange(len(lengths)), lengths)
        positions = np.arange(len(kept)) - offsets[docs] + starts[docs]
        keys = rank[kept]
        order = stable_order(keys, len(terms))
        keys, docs, positions = keys[order], docs[order], positions[order]
        changes = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
        new = np.flatnonzero(np.r_[len(keys) > 0, changes])
        counts = np.diff(np.r_[new, len(keys)])
        values = self._encoded(positions, new, counts)
        codes = length_bytes(lengths)[docs[new]]
        return _FieldPostings(terms, keys[new], docs[new], counts, values, codes)

    def _encoded(self, positions: Ints, starts: Ints, counts: Ints) -> list[bytes]:
        """Each posting's positions (``positions[start : start + count]``) as Whoosh's
        ``Positions`` format encodes them (``encode_positions``)."""
        gaps = np.diff(positions, prepend=0)
        gaps[starts] = positions[starts]
        many = counts > 1
        values = np.empty(len(counts), dtype=object)
        values[many] = _encode_many(gaps[np.repeat(many, counts)], counts[many])
        firsts = positions[starts[~many]]
        if WHOOSH_BYTES:
            values[~many] = [encode_positions([p]) for p in firsts.tolist()]
        else:
            single = self._single
            end = int(firsts.max(initial=-1)) + 1
            single.extend(encode_positions([p]) for p in range(len(single), end))
            values[~many] = np.array(single, dtype=object)[firsts]
        encoded: list[bytes] = values.tolist()
        return encoded

    def _whole_postings(self, name: str) -> _FieldPostings:
        found = self._whole[name]
        terms = sorted({value for value, _ in found})
        number = {term: i for i, term in enumerate(terms)}
        keys = np.array([number[value] for value, _ in found], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        docs = np.array([doc for _, doc in found], dtype=np.int64)[order]
        ones = np.ones(len(found), dtype=np.int64)
        return _FieldPostings(terms, keys[order], docs, ones, None, ones * 0)

    def _write_field(self, writer: Any, name: str, postings: _FieldPostings) -> None:
        """Write one field's terms and posting blocks as ``W3FieldWriter`` and
        ``W3PostingsWriter`` do (``add_postings``, ``_write_block``, ``finish_postings``),
        gathering the postings file's bytes in memory and writing them once. Each block's and
        term's statistics are worked out for all of them at once."""
        field = self._schema[name]
        terms, keys, docs, counts, values, codes = postings
        # Whoosh keeps a posting's value only if its format's values vary in size (positions).
        if field.format.fixed_value_size() == 0:
            values = None
        frequency = np.bincount(keys, minlength=len(terms))
        firsts = np.cumsum(frequency) - frequency
        # Each term's postings go in blocks of BLOCK.
        starts = np.flatnonzero((np.arange(len(docs)) - firsts[keys]) % BLOCK == 0)
        term_blocks: list[int] = np.searchsorted(starts, np.append(firsts, len(docs))).tolist()
        gaps = np.diff(docs, prepend=0)
        gaps[starts] = docs[starts]
        by_block = [
            reduce(values_, starts).tolist()
            for reduce, values_ in (
                (np.minimum.reduceat, counts),
                (np.maximum.reduceat, counts),
                (np.minimum.reduceat, codes),
                (np.maximum.reduceat, codes),
            )
        ]
        least, most, shortest, longest = by_block
        by_term = [
            reduce(values_, firsts).tolist()
            for reduce, values_ in (
                (np.add.reduceat, counts),
                (np.maximum.reduceat, counts),
                (np.minimum.reduceat, codes),
                (np.maximum.reduceat, codes),
            )
        ]
        weights, max_weights, min_codes, max_codes = by_term
        ends: list[int] = np.r_[starts[1:], len(docs)].tolist()
        starts_: list[int] = starts.tolist()
        all_gaps, all_docs, all_counts = gaps.tolist(), docs.tolist(), counts.tolist()
        frequencies = frequency.tolist()
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
        for number, term in enumerate(terms):
            start = base + len(out)
            out += WHOOSH3_HEADER_MAGIC
            last = term_blocks[number + 1] - 1
            for block in range(term_blocks[number], last + 1):
                first, end = starts_[block], ends[block]
                if most[block] == 1:
                    block_weights: Any = None
                elif least[block] == most[block]:
                    block_weights = float(most[block])
                else:
                    block_weights = tuple(map(float, all_counts[first:end]))
                block_values = tuple(values[first:end]) if values is not None else None
                data = dumps((tuple(all_gaps[first:end]), block_weights, block_values), protocol)
                compression = COMPRESSION if len(data) >= small else 0
                if compression:
                    data = zlib.compress(data, compression)
                info = dumps(
                    (
                        end - first,
                        all_docs[end - 1],
                        float(most[block]),
                        compression,
                        shortest[block],
                        longest[block],
                    ),
                    2,
                )
                size = len(info) + len(data)
                out += pack_int(-size if block == last else size)
                out += info
                out += data
            info = TERM_INFO.pack(
                False,
                float(weights[number]),
                frequencies[number],
                min_codes[number],
                max_codes[number],
                float(max_weights[number]),
                all_docs[starts_[term_blocks[number]]],
                all_docs[ends[last] - 1],
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


# ``pickle.dumps(list, 2)`` of a list of ints, as the C pickler writes it: a header (PROTO 2,
# EMPTY_LIST, BINPUT 0), then for each run of up to 1000 items MARK, the items, APPENDS (a
# list of one item is written differently, with APPEND: ``encode_positions`` makes those);
# each int as BININT1, BININT2 or BININT (little-endian), by size; STOP.
_PICKLE_HEADER = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)
_PICKLE_RUN = 1000
MARK, APPENDS, STOP = b"(e."
BININT1, BININT2, BININT = b"KMJ"


def _encode_many(gaps: Ints, counts: Ints) -> list[bytes]:
    """``encode_positions`` of many postings of two positions or more at once, from their
    gaps (each posting's in turn, the first its first position) and how many each has: one
    buffer laid out with NumPy, cut into each posting's bytes."""
    if not len(counts):
        return []
    first = np.cumsum(counts) - counts
    posting = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(len(gaps)) - first[posting]
    width = np.where(gaps < 256, 2, np.where(gaps < 65536, 3, 5))
    runs = (counts + _PICKLE_RUN - 1) // _PICKLE_RUN
    header = 4 + len(_PICKLE_HEADER)  # the count (``pack_uint``), then the pickle's header
    sizes = header + 2 * runs + np.add.reduceat(width, first) + 1
    ends = np.cumsum(sizes)
    begins = ends - sizes
    before = np.cumsum(width) - width  # the widths of the items before, in all postings
    # Each item's opcode: after its posting's header and the items before it in the posting,
    # and after MARK (and APPENDS before it) for each run begun.
    run = within // _PICKLE_RUN
    at = begins[posting] + header + (before - before[first][posting]) + 2 * run + 1
    out = np.zeros(int(ends[-1]), dtype=np.uint8)
    for shift in (24, 16, 8, 0):  # the count, big-endian
        out[begins + (24 - shift) // 8] = (counts >> shift) & 255
    out[begins[:, None] + 4 + np.arange(len(_PICKLE_HEADER))] = _PICKLE_HEADER
    out[at[within % _PICKLE_RUN == 0] - 1] = MARK
    last = (within % _PICKLE_RUN == _PICKLE_RUN - 1) | (within == counts[posting] - 1)
    out[(at + width)[last]] = APPENDS
    out[ends - 1] = STOP
    out[at] = np.where(width == 2, BININT1, np.where(width == 3, BININT2, BININT))
    for byte in range(4):
        has = width > byte + 1
        out[at[has] + 1 + byte] = (gaps[has] >> (8 * byte)) & 255
    data = out.tobytes()
    return [data[a:b] for a, b in zip(begins.tolist(), ends.tolist(), strict=True)]


def write_toc(storage: FileStorage, schema: Any, segments: Sequence[Any]) -> None:
    """List ``segments`` (in document order) as the index's contents, as a commit does."""
    generation = TOC._latest_generation(storage, INDEX_NAME) + 1
    TOC(schema, list(segments), generation).write(storage, INDEX_NAME)
    clean_files(storage, INDEX_NAME, generation, list(segments))
