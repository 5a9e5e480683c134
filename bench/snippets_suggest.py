"""Snippets, autocomplete and did-you-mean on MedQuAD, each beside a baseline from the same run.

- snippets: medsearch's ``make_snippet`` against Whoosh's own highlighter (``whoosh.highlight``,
  up to 3 fragments of 200 characters with <mark>) on the same hits of the same questions;
- suggest: ``Engine.suggest`` against a naive linear scan of every title and focus name with
  ``str.startswith`` (no ranking, no typo tolerance);
- did-you-mean: the respelling alone (``Speller.correct``), for misspelled and for well-spelled
  questions (the cost every search pays), and ``Engine.did_you_mean`` (respelling plus the
  search that checks it).

Usage: python bench/snippets_suggest.py [--corpus PATH] [--index DIR]
(``--index``: an index already built from the corpus, to skip the ~30 s build.)
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index as whoosh_index
from whoosh.highlight import Highlighter, HtmlFormatter

from bench.common import data_path, table
from search import Engine, indexing, questions
from search.analysis import SurfaceForms
from search.postings import Postings
from search.sentences import SentenceSplitter
from search.snippets import make_snippet
from search.spelling import Speller
from search.suggest import Completer
from search.vocabulary import Vocabulary

QUESTIONS = 300  # sampled from MedQuAD's own titles
HITS = 10
PREFIXES = 1000
TYPOS = 300
SEED = 4

T = TypeVar("T")


def timed(function: Callable[[T], object], inputs: Iterable[T]) -> list[float]:
    """Milliseconds of ``function`` on each input."""
    times = []
    for item in inputs:
        started = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def row(name: str, times: Sequence[float]) -> tuple[str, ...]:
    ordered = sorted(times)

    def at(share: float) -> str:
        return f"{ordered[min(len(ordered) - 1, int(share * len(ordered)))]:.3f}"

    return (name, f"{len(ordered):,}", at(0.50), at(0.95), at(0.99))


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter deleted, changed, inserted or two swapped."""
    i = rng.randrange(len(word) - 1)
    letter = rng.choice(string.ascii_lowercase)
    return rng.choice(
        [
            word[:i] + word[i + 1 :],
            word[:i] + letter + word[i + 1 :],
            word[:i] + letter + word[i:],
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        ]
    )


def snippet_rows(build: Path, titles: list[str]) -> list[tuple[str, ...]]:
    splitter = SentenceSplitter.load(build)
    # as the engine finds the question's terms in an answer: by the forms the build saved
    surface = SurfaceForms.load(build, Postings(build).fields["body"].terms)
    highlighter = Highlighter(formatter=HtmlFormatter(tagname="mark", between=" … "))
    ours: list[float] = []
    whoosh: list[float] = []
    with whoosh_index.open_dir(str(build)).searcher() as searcher:
        for title in titles:
            question = questions.parse(title)
            terms = set(question.terms)
            for hit in searcher.search(questions.build_query(question), limit=HITS):
                body = hit["body"]  # loaded before either is timed
                started = time.perf_counter()
                make_snippet(body, terms, splitter, find=surface.spans)
                middle = time.perf_counter()
                highlighter.highlight_hit(hit, "body", top=3)
                ours.append((middle - started) * 1000)
                whoosh.append((time.perf_counter() - middle) * 1000)
    return [
        row("snippet: whoosh.highlight (baseline)", whoosh),
        row("snippet: medsearch make_snippet", ours),
    ]


def suggest_rows(
    engine: Engine, vocabulary: Vocabulary, rng: random.Random
) -> list[tuple[str, ...]]:
    names = sorted({*vocabulary.foci, *vocabulary.titles})
    lowered = [name.lower() for name in names]
    foci = sorted(vocabulary.foci)
    prefixes = []
    for _ in range(PREFIXES):
        name = rng.choice(foci).lower()
        prefix = name[: rng.randint(2, max(2, min(len(name), 14)))]
        # A quarter with a typo in the last word, as a reader makes them.
        head, _, last = prefix.rpartition(" ")
        if len(last) >= 4 and rng.random() < 0.25:
            prefix = f"{head} {typo(last, rng)}".lstrip()
        prefixes.append(prefix)

    def naive(prefix: str) -> list[str]:
        return [name for name, low in zip(names, lowered, strict=True) if low.startswith(prefix)][
            :8
        ]

    opened = timed(Completer, [vocabulary])  # what the engine builds once per build
    engine.suggest("warm up")
    return [
        row("suggest: linear startswith scan (baseline)", timed(naive, prefixes)),
        row("suggest: Engine.suggest", timed(engine.suggest, prefixes)),
        row("suggest: first use, building the completer", opened),
    ]


def spelling_rows(
    engine: Engine, vocabulary: Vocabulary, titles: list[str], rng: random.Random
) -> tuple[list[tuple[str, ...]], str]:
    words = sorted(
        {w for name in vocabulary.foci for w in name.lower().split() if w.isalpha() and len(w) >= 5}
    )
    pairs = []
    while len(pairs) < TYPOS:
        word = rng.choice(words)
        wrong = typo(word, rng)
        if wrong not in vocabulary.words:
            pairs.append((wrong, word))
    speller = Speller(vocabulary.words)
    misspelled = [f"what are the symptoms of {wrong}" for wrong, _ in pairs]
    restored = sum(speller.correct(wrong) == word for wrong, word in pairs)
    accuracy = f"{restored} of {len(pairs)} one-edit typos of focus-name words respelled exactly"
    rows = [
        row("respelling, well-spelled question", timed(speller.correct, titles)),
        row("respelling, misspelled question", timed(speller.correct, misspelled)),
        row("Engine.did_you_mean, misspelled (+ search)", timed(engine.did_you_mean, misspelled)),
    ]
    return rows, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.index
        if root is None:
            root = Path(tmp)
            corpus = args.corpus or data_path("medquad")
            print(f"Building {corpus} …", flush=True)
            indexing.build([corpus], root)
        build = indexing.current_build(root)
        if build is None:
            sys.exit(f"no index at {root}")
        engine = Engine(root)
        vocabulary = Vocabulary.load(build)
        rng = random.Random(SEED)
        titles = rng.sample(sorted(vocabulary.titles), QUESTIONS)
        rows = snippet_rows(build, titles)
        rows += suggest_rows(engine, vocabulary, rng)
        spelling, accuracy = spelling_rows(engine, vocabulary, titles, rng)
        rows += spelling
        documents = engine.stats()["documents"]
    print(f"Snippets, suggest and did-you-mean on {documents:,} articles (p50/p95/p99 in ms)")
    print(table(("what", "calls", "p50", "p95", "p99"), rows))
    print(f"Did-you-mean: {accuracy}.")


if __name__ == "__main__":
    main()
