"""Query speed on MedQuAD: plain Whoosh BM25F (the baseline) and medsearch, in the same run.

Questions: the consumer questions of ../shared/data/liveqa-train (subject and message, as
readers sent them) and the short lay questions of eval/paraphrase.tsv. Each is asked once:
- plain Whoosh: BM25F, the question's terms OR-ed over title, focus and body, top 10, no
  snippets (``search.evaluation.baseline_query``, the relevance baseline);
- medsearch: ``Engine.search``, top 10 *with snippets*, spelling, facets and total, its answer
  cache off, so every question is searched;
- medsearch, repeated: the same questions again with the answer cache on (as a server answers
  a question it has seen).
Both engines first answer 20 MedQuAD titles (not timed): the build is opened and warm.
Wall-clock times on one core; the load average is printed, since other work on the machine
slows every row alike.

Usage: python bench/query.py [--index DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SHARED_DATA, data_path, table
from search import Engine
from search.evaluation import baseline_query, read_liveqa, read_paraphrase
from search.indexing import build

PARAPHRASE = Path(__file__).resolve().parents[1] / "eval" / "paraphrase.tsv"
TARGETS = {"p50": 4.0, "p95": 15.0, "p99": 40.0}
SPEED_UPS = {"p50": 10.0, "p95": 30.0}


def percentile(sorted_ms: Sequence[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(share * len(sorted_ms)))]


def timed(ask: Callable[[str], object], questions: Sequence[str]) -> dict[str, float]:
    times = []
    for question in questions:
        started = time.perf_counter()
        ask(question)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {name: percentile(times, float(name[1:]) / 100) for name in ("p50", "p95", "p99")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, help="a built MedQuAD index (default: build one)")
    args = parser.parse_args()
    liveqa = sorted(data_path("liveqa-train").glob("*.xml"))
    sets = {
        "consumer (LiveQA)": [topic.text for topic in read_liveqa(liveqa)],
        "short lay (paraphrase)": [topic.text for topic, _ in read_paraphrase(PARAPHRASE)],
    }
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            index = Path(tmp)
            build([data_path("medquad")], index)
        cold = Engine(index, cache_size=0)
        cached = Engine(index)
        warm = [doc["title"] for doc in cold.documents()[::800]][:20]
        for text in warm:
            cold.rank(baseline_query(text), 10)
            cold.search(text)
            cached.search(text)
        rows = []
        verdicts = []
        for name, questions in sets.items():
            plain = timed(lambda q: cold.rank(baseline_query(q), 10), questions)
            ours = timed(lambda q: cold.search(q, limit=10), questions)
            for q in questions:
                cached.search(q, limit=10)
            again = timed(lambda q: cached.search(q, limit=10), questions)
            for ranker, figures in (
                ("plain Whoosh BM25F, no snippets (baseline)", plain),
                ("medsearch, top 10 with snippets", ours),
                ("medsearch, repeated (answer cache)", again),
            ):
                rows.append((name, ranker, len(questions), *(f"{v:.2f}" for v in figures.values())))
            for stat, target in TARGETS.items():
                verdicts.append(f"{name} {stat}: {ours[stat]:.2f} ms (target ≤ {target:g} ms)")
            for stat, factor in SPEED_UPS.items():
                ratio = plain[stat] / ours[stat]
                verdicts.append(
                    f"{name} {stat} speed-up over plain Whoosh: {ratio:.1f}x (target ≥ {factor:g}x)"
                )
    print(f"Query latency on {SHARED_DATA / 'medquad'}, ms (load average {os.getloadavg()[0]:.2f})")
    print(table(("questions", "engine", "n", "p50", "p95", "p99"), rows))
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
