"""Build MedQuAD with medsearch and, as the baseline, with plain Whoosh, in the same run.

Plain Whoosh: StemmingAnalyzer on the same text fields, one writer, default settings.
Usage: python bench/build.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema

from bench.common import data_path, table
from search.corpus import Article, discover, read_file
from search.indexing import build


def plain_whoosh(corpus: Path, directory: Path) -> tuple[int, float]:
    analyzer = StemmingAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        focus=TEXT(analyzer=analyzer, stored=True),
        source=ID(stored=True),
        qtype=ID(stored=True),
        url=STORED,
    )
    started = time.perf_counter()
    index = whoosh_index.create_in(str(directory), schema)
    writer = index.writer()
    count = 0
    for file, root, kind in discover([corpus]):
        for item in read_file(file, root, kind):
            if isinstance(item, Article):
                writer.add_document(
                    id=item.id,
                    title=item.title,
                    body=item.body,
                    focus=item.focus,
                    source=item.source,
                    qtype=item.qtype,
                    url=item.url,
                )
                count += 1
    writer.commit()
    return count, time.perf_counter() - started


def size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    corpus = args.corpus or data_path("medquad")
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = Path(tmp) / "plain"
        base_dir.mkdir()
        base_docs, base_seconds = plain_whoosh(corpus, base_dir)
        report = build([corpus], Path(tmp) / "medsearch")
        assert report.path is not None
        rows = [
            (
                "plain Whoosh (baseline)",
                f"{base_docs:,}",
                f"{base_seconds:.1f}",
                f"{base_docs / base_seconds:,.0f}",
                f"{size(base_dir):.1f}",
            ),
            (
                "medsearch build",
                f"{report.indexed:,}",
                f"{report.seconds:.1f}",
                f"{report.docs_per_second:,.0f}",
                f"{report.size_bytes / 1e6:.1f}",
            ),
        ]
    print(f"Build of {corpus}")
    print(table(("indexer", "documents", "seconds", "docs/s", "index MB"), rows))


if __name__ == "__main__":
    main()
