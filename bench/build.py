"""Build MedQuAD with medsearch and, as baselines, with plain Whoosh, in the same run.

Plain Whoosh: StemmingAnalyzer on the same text fields, default settings; one writer, and
``writer(procs=2, multisegment=True)`` (Whoosh's own two-process build). Every figure is the
wall-clock time of the call that builds (finding the files included), in this process, after
imports: process start-up is not the build's. medsearch also prints where its time went.

Usage: python bench/build.py [--corpus PATH] [--repeat N] [--no-baselines]
"""

from __future__ import annotations

import argparse
import statistics
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
from search.indexing import BuildReport, build


def plain_whoosh(corpus: Path, directory: Path, **writer: object) -> tuple[int, float]:
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
    writer_ = index.writer(**writer)
    count = 0
    for file, root, kind in discover([corpus]):
        for item in read_file(file, root, kind):
            if isinstance(item, Article):
                writer_.add_document(
                    id=item.id,
                    title=item.title,
                    body=item.body,
                    focus=item.focus,
                    source=item.source,
                    qtype=item.qtype,
                    url=item.url,
                )
                count += 1
    writer_.commit()
    return count, time.perf_counter() - started


def size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def row(name: str, docs: int, seconds: float, megabytes: float) -> tuple[str, ...]:
    return (name, f"{docs:,}", f"{seconds:.2f}", f"{docs / seconds:,.0f}", f"{megabytes:.1f}")


def breakdown(report: BuildReport) -> str:
    """Where one build's time went: wall time per phase, CPU time per task."""
    phases, previous = [], 0.0
    for phase, end in report.phases.items():
        phases.append(f"{phase} {end - previous:.2f}")
        previous = end
    cpu = ", ".join(f"{task} {seconds:.2f}" for task, seconds in report.cpu.items())
    total = sum(report.cpu.values())
    return (
        f"  wall by phase (s): {', '.join(phases)}\n"
        f"  CPU by task (s): {cpu}; total {total:.2f} = {total / previous:.2f} cores busy"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="medsearch builds to time")
    parser.add_argument("--no-baselines", action="store_true", help="time medsearch only")
    args = parser.parse_args()
    corpus = args.corpus or data_path("medquad")
    rows = []
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_baselines:
            for name, options in (
                ("plain Whoosh, one writer (baseline)", {}),
                ("plain Whoosh, procs=2 multisegment", {"procs": 2, "multisegment": True}),
            ):
                directory = Path(tmp) / name.replace(" ", "-")
                directory.mkdir()
                docs, seconds = plain_whoosh(corpus, directory, **options)
                rows.append(row(name, docs, seconds, size(directory)))
        timings = []
        for run in range(args.repeat):
            started = time.perf_counter()
            report = build([corpus], Path(tmp) / "medsearch")
            seconds = time.perf_counter() - started
            timings.append(seconds)
            assert report.path is not None
            label = "medsearch build" + (f" (run {run + 1})" if args.repeat > 1 else "")
            rows.append(row(label, report.indexed, seconds, report.size_bytes / 1e6))
            notes.append(f"{label}:\n{breakdown(report)}")
    print(f"Build of {corpus}")
    print(table(("indexer", "documents", "seconds", "docs/s", "index MB"), rows))
    if args.repeat > 1:
        print(f"medsearch: median {statistics.median(timings):.2f} s of {args.repeat} builds")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
