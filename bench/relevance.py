"""Relevance on the development sets: plain BM25F (baseline) and medsearch, in the same run.

Builds a MedQuAD index (or uses --index), then prints MRR@10, nDCG@10 and success@1 for each
set and half. Usage: python bench/relevance.py [--index DIR] [--no-heldout]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SHARED_DATA, data_path, table
from search import Engine
from search.evaluation import (
    BLIND,
    FRESH_SETS,
    baseline_query,
    compare,
    development_sets,
    without_heldout,
)
from search.indexing import build
from search.questions import parse

PARAPHRASE = Path(__file__).resolve().parents[1] / "eval" / "paraphrase.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, help="a built MedQuAD index (default: build one)")
    parser.add_argument(
        "--no-heldout",
        action="store_true",
        help="leave the held-out halves out (while changing the ranking: they are for the end)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            index = Path(tmp)
            build([data_path("medquad")], index)
        engine = Engine(index)
        stored = engine.documents()
        sets = development_sets(stored, SHARED_DATA, PARAPHRASE, fresh=(*FRESH_SETS, BLIND))
        if args.no_heldout:
            sets = without_heldout(sets)
        rankers = {
            "plain BM25F (baseline)": lambda text: engine.rank(baseline_query(text), 10),
            "medsearch": lambda text: [(h.id, h.score) for h in engine.search(text, limit=10).hits],
        }
        rows = []
        for name, ranker_name, count, scores in compare(sets, rankers):
            rows.append((name, ranker_name, count, *(f"{v:.3f}" for v in scores.values())))
        print(table(("set", "ranker", "questions", "MRR@10", "nDCG@10", "success@1"), rows))
        for dev in sets:
            if dev.unjudgeable:
                print(
                    f"{dev.name}: {dev.unjudgeable} questions without a relevant article left out"
                )
        # Question understanding alone (no index work), per question.
        texts = [t.text for dev in sets for t in dev.topics]
        build_ = engine._current()
        timings = []
        for text in texts:
            started = time.perf_counter()
            parse(text, foci=build_.foci)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"question understanding: median {statistics.median(timings):.3f} ms "
            f"over {len(texts)} questions"
        )


if __name__ == "__main__":
    main()
