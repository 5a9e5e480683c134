from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import Engine
from search.indexing import BUILDS, BuildBusy, BuildError, build, current_build, writer_lock
from search.vocabulary import Vocabulary
from tests.conftest import FIXTURES


def test_build_writes_a_build_and_points_current_at_it(tmp_path: Path) -> None:
    report = build([FIXTURES / "mini.jsonl"], tmp_path)
    assert report.indexed == 10
    assert report.path is not None
    assert current_build(tmp_path) == report.path.resolve()
    assert (tmp_path / "current").is_symlink()
    assert not os.path.isabs(os.readlink(tmp_path / "current"))  # the folder can be moved
    assert report.size_bytes > 0
    assert Engine(tmp_path).stats()["documents"] == 10


def test_build_reports_what_it_skipped(tmp_path: Path) -> None:
    report = build([FIXTURES / "medquad"], tmp_path)
    assert report.indexed == 3
    assert report.skipped["no answer text"] == 1
    assert [Path(p.path).name for p in report.problems] == ["0000008.xml"]


def test_duplicate_ids_keep_the_first_and_report_the_second(tmp_path: Path) -> None:
    corpus = tmp_path / "dup.jsonl"
    corpus.write_text(
        '{"id": "x", "question": "First?", "answer": "first answer"}\n'
        '{"id": "x", "question": "Second?", "answer": "second answer"}\n'
    )
    report = build([corpus], tmp_path / "index")
    assert report.indexed == 1
    assert "duplicate id 'x'" in report.problems[0].reason
    article = Engine(tmp_path / "index").article("x")
    assert article is not None and article.title == "First?"


def test_a_build_that_indexes_nothing_fails_and_keeps_the_old_index(tmp_path: Path) -> None:
    first = build([FIXTURES / "mini.jsonl"], tmp_path)
    with pytest.raises(BuildError, match="nothing could be indexed"):
        build([FIXTURES / "pages" / "empty.txt"], tmp_path)
    assert current_build(tmp_path) == first.path.resolve() if first.path else False
    assert Engine(tmp_path).stats()["documents"] == 10
    assert not list((tmp_path / BUILDS).glob("*.partial"))


def test_strict_build_stops_at_the_first_problem_and_switches_nothing(tmp_path: Path) -> None:
    first = build([FIXTURES / "mini.jsonl"], tmp_path)
    with pytest.raises(BuildError, match=r"articles\.jsonl:4"):
        build([FIXTURES / "jsonl" / "articles.jsonl"], tmp_path, strict=True)
    assert first.path is not None and current_build(tmp_path) == first.path.resolve()


def test_an_interrupted_build_leaves_the_served_index_and_no_leftovers(tmp_path: Path) -> None:
    first = build([FIXTURES / "mini.jsonl"], tmp_path)

    def interrupt(files: list[Path]) -> Iterator[Path]:
        yield files[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([FIXTURES / "medquad"], tmp_path, progress=interrupt)
    assert first.path is not None and current_build(tmp_path) == first.path.resolve()
    assert [p.name for p in (tmp_path / BUILDS).iterdir()] == [first.path.name]


def test_new_builds_replace_old_ones_keeping_the_previous(tmp_path: Path) -> None:
    reports = [build([FIXTURES / "mini.jsonl"], tmp_path) for _ in range(3)]
    kept = sorted(p.name for p in (tmp_path / BUILDS).iterdir())
    assert kept == sorted(r.build_id for r in reports[1:])
    assert current_build(tmp_path) == (tmp_path / BUILDS / reports[-1].build_id).resolve()


def test_a_second_writer_is_refused_while_a_build_runs(tmp_path: Path) -> None:
    with writer_lock(tmp_path), pytest.raises(BuildBusy, match="already running"):
        build([FIXTURES / "mini.jsonl"], tmp_path)
    assert current_build(tmp_path) is None


def test_running_engine_serves_a_newly_switched_build(tmp_path: Path) -> None:
    build([FIXTURES / "mini.jsonl"], tmp_path)
    engine = Engine(tmp_path)
    assert engine.search("gout").total == 0
    build([FIXTURES / "medquad"], tmp_path)
    assert engine.search("gout").hits[0].id.startswith("Demo_0000001")


def test_build_saves_the_surface_vocabulary(tmp_path: Path) -> None:
    report = build([FIXTURES / "mini.jsonl"], tmp_path)
    assert report.path is not None
    vocabulary = Vocabulary.load(report.path)
    # Words as written (folded), not stemmed: what spelling suggestions are made of.
    assert vocabulary.words["diabetes"] >= 3 and "diabet" not in vocabulary.words
    assert vocabulary.words["nephrolithiasis"] == 1  # synonyms count too
    assert vocabulary.foci["lung cancer"] == 2
    assert vocabulary.titles["What causes kidney stones?"] == "kidney stones"


def test_builds_without_a_vocabulary_still_serve(tmp_path: Path) -> None:
    report = build([FIXTURES / "mini.jsonl"], tmp_path)
    assert report.path is not None
    (report.path / "vocabulary.json").unlink()  # as made before the vocabulary existed
    engine = Engine(tmp_path)
    assert engine.search("diabetis").did_you_mean is None
    assert engine.suggest("diab") == []
    assert engine.search("diabetes").hits
