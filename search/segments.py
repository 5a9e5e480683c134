"""One Whoosh segment written from documents whose text is already analysed.

Whoosh's ``SegmentWriter.add_document`` runs each text through the analyzer's token stream
(a Python object per token and filter), queues every posting in a pool as a tuple, sorts the
pool at commit and then re-reads each posting's field length from the column it has just
written. Here the caller analyses each text once (``search.analysis.FastAnalyzer``, which also
feeds the numpy postings), postings are gathered per field and term in document order, so
nothing needs sorting but the terms, and each block of 128 postings goes to Whoosh's own
postings writer whole. The files are Whoosh's own (``W3Codec``): the same per-document
columns, stored fields, term table and posting blocks that ``add_document`` and ``commit``
make, so any Whoosh reader opens the segment. ``tests/test_segments.py`` compares an index
made here with one made by ``add_document``, posting by posting.

A build in two processes writes two segments into the same directory and lists both in the
table of contents (``write_toc``), as Whoosh's ``MpWriter(multisegment=True)`` does.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from itertools import pairwise, repeat
from pickle import dumps
from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.analysis import FastAnalyzer

INDEX_NAME = "MAIN"  # Whoosh's default index name, as ``create_in`` uses it
# Whoosh's W3 codec writes postings in blocks of this many, each pickled and compressed at
# this zlib level (``W3Codec(blocklimit=128, compression=3)``).
BLOCK = 128
COMPRESSION = 3
# The posting blocks' data tuples are pickled with protocol 4, not Whoosh's 2: the readers
# take any protocol (``pickle.loads``), and protocol 2 writes each position list's bytes as
# a call to ``_codecs.encode`` on a latin-1 string. With 4: a third less data before
# compression, half the postings file after it, pickling 4x and unpickling (each query's
# blocks) 5x as fast. 2 gives Whoosh's bytes exactly (tests/test_segments.py).
BLOCK_PICKLE_PROTOCOL = 4
# A term's statistics as ``W3TermInfo.to_bytes`` packs them.
TERM_INFO = W3TermInfo._struct


class SegmentBuilder:
    """Writes documents into one new segment of the index in ``storage``.

    ``add`` takes a document as ``add_document`` would (field name -> value; ``_stored_<name>``
    overrides a stored value) plus, for the text fields, each term's positions. Other indexed
    fields (``ID``) are indexed whole, as Whoosh's ``IDTokenizer`` does.
    """

    def __init__(self, storage: FileStorage, schema: Any, analyzer: FastAnalyzer) -> None:
        self._storage = storage
        self._schema = schema
        self._analyzer = analyzer
        self._codec = default_codec()
        self.segment = self._codec.new_segment(storage, INDEX_NAME)
        self._perdoc = self._codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        # Field -> term -> [docnum, frequency, encoded value, docnum, frequency, value, ...].
        self._postings: dict[str, dict[str, list[Any]]] = {}
        # Field -> document -> its field length as Whoosh reads it back (a byte's worth).
        self._lengths: dict[str, dict[int, int]] = {}
        self._fields = [(name, schema[name]) for name in sorted(schema.names())]

    def add(
        self, fields: Mapping[str, Any], positions: Mapping[str, dict[str, list[int]]]
    ) -> dict[str, dict[str, int]]:
        """Add one document; returns each text field's term frequencies."""
        docnum = self.docnum
        perdoc = self._perdoc
        encode = self._analyzer.encode
        single = self._analyzer.single
        frequencies: dict[str, dict[str, int]] = {}
        perdoc.start_doc(docnum)
        for name, field in self._fields:
            value = fields.get(name)
            if value is None:
                continue
            length = 0
            if field.indexed:
                postings = self._postings.setdefault(name, {})
                places = positions.get(name)
                if places is None:  # an ID field: the value is the one term
                    found = postings.get(value)
                    if found is None:
                        postings[value] = [docnum, 1, b""]
                    else:
                        found += (docnum, 1, b"")
                else:
                    counts = frequencies[name] = {}
                    for term, where in places.items():
                        count = counts[term] = len(where)
                        encoded = single.get(where[0]) if count == 1 else None
                        if encoded is None:
                            encoded = encode(where)
                        found = postings.get(term)
                        if found is None:
                            postings[term] = [docnum, count, encoded]
                        else:
                            found += (docnum, count, encoded)
                    if field.scorable:
                        length = sum(counts.values())
                        if length:
                            self._lengths.setdefault(name, {})[docnum] = byte_to_length(
                                length_to_byte(length)
                            )
            custom = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, custom if field.stored else None, length)
            if field.column_type and custom is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(custom))
        perdoc.finish_doc()
        self.docnum += 1
        return frequencies

    def finish(self) -> Any:
        """Write the postings and close the segment; returns Whoosh's segment object."""
        self._perdoc.close()
        writer = self._codec.field_writer(self._storage, self.segment)
        for name in sorted(self._postings):
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
        lengths = self._lengths.get(name, {})
        # Whoosh keeps a posting's value only if its format has values of varying size
        # (positions); an ID field's format has none.
        keep_values = field.format.fixed_value_size() != 0
        writer.start_field(name, field)
        key_prefix = pack_ushort(writer._fieldid)
        terms = writer._tindex
        postfile = writer._postfile
        base = postfile.tell()
        out = bytearray()
        # UTF-8 keeps code point order, so sorting the strings sorts the term bytes.
        for term in sorted(postings):
            flat = postings[term]
            docs, counts, values = flat[0::3], flat[1::3], flat[2::3]
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
                if all(count == 1 for count in block_counts):
                    weights: Any = None
                elif all(count == block_counts[0] for count in block_counts):
                    weights = float(block_counts[0])
                else:
                    weights = tuple(map(float, block_counts))
                data = dumps(
                    (
                        tuple(gaps),
                        weights,
                        tuple(values[first : first + BLOCK]) if keep_values else None,
                    ),
                    BLOCK_PICKLE_PROTOCOL,
                )
                data = zlib.compress(data, COMPRESSION)
                present = [length for length in map(lengths.get, block_docs, repeat(0)) if length]
                block_min = min(present) if present else None
                block_max = max(present) if present else 0
                block_weight = float(max(block_counts))
                info = dumps(
                    (
                        len(block_docs),
                        block_docs[-1],
                        block_weight,
                        COMPRESSION,
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
            end = base + len(out)
            terms.add(
                key_prefix + term.encode("utf-8"),
                info + pack_long(start) + pack_int(end - start),
            )
        postfile.write(out)
        writer.finish_field()


def write_toc(storage: FileStorage, schema: Any, segments: Sequence[Any]) -> None:
    """List ``segments`` (in document order) as the index's contents, as a commit does."""
    generation = TOC._latest_generation(storage, INDEX_NAME) + 1
    TOC(schema, list(segments), generation).write(storage, INDEX_NAME)
    clean_files(storage, INDEX_NAME, generation, list(segments))
