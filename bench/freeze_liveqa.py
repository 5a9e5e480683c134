"""Freeze the LiveQA judgements into eval/liveqa-train.qrels.

The judging rule (``search.evaluation.liveqa_set``) matches annotated foci with the focus-name
code of question understanding; run this only when the *rule* is meant to change, never to
follow a change of the ranking code. Usage: python bench/freeze_liveqa.py --index DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import data_path
from search import Engine
from search.evaluation import LIVEQA_QRELS, freeze_liveqa, liveqa_set, read_liveqa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True, help="a built MedQuAD index")
    args = parser.parse_args()
    topics = read_liveqa(sorted(data_path("liveqa-train").glob("*.xml")))
    dev = liveqa_set(topics, Engine(args.index).documents())
    freeze_liveqa(dev, LIVEQA_QRELS)
    print(f"{LIVEQA_QRELS}: {len(dev.topics)} questions, {len(dev.qrels)} judgements")


if __name__ == "__main__":
    main()
