"""Tune the second-stage weights of search/ranking.py on the *tune* halves only.

Candidates and their features are computed once per question; coordinate ascent then tries
each weight over a grid, keeping a change only when the mean MRR@10 of the tune halves rises.
The held-out halves are printed for the final weights, never used to choose them.
Usage: python bench/tune.py --index DIR [--first-stage] [--no-heldout]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ir_measures import ScoredDoc

from bench.common import SHARED_DATA, table
from search import Engine, ranking
from search.engine import Candidate
from search.evaluation import FRESH_SETS, DevSet, development_sets, measure, without_heldout
from search.ranking import FEATURES, WEIGHTS, Weights, score

PARAPHRASE = Path(__file__).resolve().parents[1] / "eval" / "paraphrase.tsv"
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 3.0)


def scored(dev: DevSet, pools: dict[str, list[Candidate]], weights: Weights) -> list[ScoredDoc]:
    docs = []
    for topic in dev.topics:
        ranked = ranking.ranked(
            pools[topic.qid],
            lambda c: (score(c.features, weights), c.features["bm25"]),
            lambda c: ranking.same_answer(c.fields),
            weights,
            limit=10,
        )
        docs += [
            ScoredDoc(topic.qid, c.fields["id"], value + 1e-9 * -i)
            for i, (value, c) in enumerate(ranked)
        ]
    return docs


def objective(sets: list[DevSet], pools: dict[str, list[Candidate]], weights: Weights) -> float:
    return sum(measure(dev, scored(dev, pools, weights))["MRR@10"] for dev in sets) / len(sets)


# First-stage (BM25F field) weights tried with --first-stage; each needs the candidates anew.
FIRST_STAGE = {
    "title": (2.0, 3.0, 5.0),
    "focus": (1.0, 2.0, 4.0),
    "synonym": (0.3, 0.5, 1.0),
}


def pools_for(index: Path, sets: list[DevSet], weights: Weights) -> dict[str, list[Candidate]]:
    engine = Engine(index, weights)
    return {t.qid: engine.candidates(t.text) for dev in sets for t in dev.topics}


def tune_first_stage(index: Path, sets: list[DevSet]) -> Weights:
    """Coordinate ascent over the field weights, scoring with the current second stage."""
    tune = [d for d in sets if d.name.endswith("/tune")]
    weights = WEIGHTS
    best = objective(tune, pools_for(index, tune, weights), weights)
    for name, grid in FIRST_STAGE.items():
        for value in grid:
            trial = dataclasses.replace(weights, **{name: value})
            result = objective(tune, pools_for(index, tune, trial), trial)
            print(f"  {name}={value}: tune MRR@10 {result:.4f}")
            if result > best + 1e-4:
                best, weights = result, trial
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--first-stage", action="store_true", help="also tune field weights")
    parser.add_argument(
        "--no-heldout", action="store_true", help="print the tune and validation sets only"
    )
    args = parser.parse_args()
    stored = Engine(args.index).documents()
    sets = development_sets(stored, SHARED_DATA, PARAPHRASE, fresh=FRESH_SETS)
    if args.no_heldout:
        sets = without_heldout(sets)
    start = tune_first_stage(args.index, sets) if args.first_stage else WEIGHTS
    if args.first_stage:
        print("first stage:", {name: getattr(start, name) for name in FIRST_STAGE})
    pools = pools_for(args.index, sets, start)
    tune = [d for d in sets if d.name.endswith("/tune")]
    weights = start
    best = objective(tune, pools, weights)
    print(f"start: tune MRR@10 {best:.4f}")
    for _ in range(3):
        improved = False
        for name in FEATURES[1:]:  # bm25 stays 1.0: the scale the others are relative to
            for value in GRID:
                trial = dataclasses.replace(weights, **{name: value})
                result = objective(tune, pools, trial)
                if result > best + 1e-4:
                    best, weights, improved = result, trial, True
        if not improved:
            break
    print("weights:", {name: getattr(weights, name) for name in FEATURES})
    rows = []
    for dev in sets:
        for label, w in (("current", WEIGHTS), ("tuned", weights)):
            values = measure(dev, scored(dev, pools, w))
            rows.append((dev.name, label, *(f"{v:.3f}" for v in values.values())))
    print(table(("set", "weights", "MRR@10", "nDCG@10", "success@1"), rows))


if __name__ == "__main__":
    main()
