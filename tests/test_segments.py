"""The build's own segment writing and its two-process build give the index Whoosh's
``add_document`` gives: the same documents, stored fields, field lengths, terms, postings
(document, weight, positions) and block statistics, and so the same answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser

from search import Engine, segments, sentences
from search.analysis import encode_positions, normalise_key
from search.corpus import Article, discover, read_file, starter_path
from search.indexing import build
from search.schema import build_schema
from tests.conftest import FIXTURES

CORPUS = [starter_path(), FIXTURES / "medquad", FIXTURES / "mini.jsonl"]
QUERIES = ["kidney stones", "what causes asthma", '"blood pressure"', "gout treatment", "b12"]


def _old_document(article: Article) -> dict[str, Any]:
    """The document the build gave ``add_document`` before it wrote its own segments."""
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "focus": " | ".join((article.focus, *article.synonyms)),
        "_stored_focus": article.focus,
        "focus_key": normalise_key(article.focus),
        "source": article.source,
        "qtype": article.qtype,
        "url": article.url,
        "synonyms": list(article.synonyms),
        "related": list(article.related),
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus indexed with Whoosh's own writer, one ``add_document`` per article."""
    directory = tmp_path_factory.mktemp("reference")
    index = whoosh_index.create_in(str(directory), build_schema())
    writer = index.writer()
    seen: set[str] = set()
    for file, root, kind in discover(CORPUS):
        for item in read_file(file, root, kind):
            if isinstance(item, Article) and item.id not in seen:
                seen.add(item.id)
                writer.add_document(**_old_document(item))
    writer.commit()
    return directory


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-processes"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(f"built-{request.param}")
    report = build(CORPUS, root, procs=request.param)
    assert report.path is not None
    return report.path


def _postings(reader: Any, field: str, text: bytes) -> Iterator[tuple[int, float, bytes]]:
    matcher = reader.postings(field, text)
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


def test_segments_hold_what_add_document_writes(reference: Path, built: Path) -> None:
    with (
        whoosh_index.open_dir(str(reference)).reader() as expected,
        whoosh_index.open_dir(str(built)).reader() as actual,
    ):
        assert actual.doc_count() == expected.doc_count() > 140
        assert list(actual.all_stored_fields()) == list(expected.all_stored_fields())
        assert sorted(actual.indexed_field_names()) == sorted(expected.indexed_field_names())
        for field in expected.indexed_field_names():
            assert actual.field_length(field) == expected.field_length(field)
            if build_schema()[field].scorable:
                assert actual.max_field_length(field) == expected.max_field_length(field)
                assert actual.min_field_length(field) == expected.min_field_length(field)
            lengths = [expected.doc_field_length(d, field) for d in range(expected.doc_count())]
            assert [actual.doc_field_length(d, field) for d in range(actual.doc_count())] == (
                lengths
            )
            terms = list(expected.lexicon(field))
            assert list(actual.lexicon(field)) == terms
            for text in terms:
                assert list(_postings(actual, field, text)) == list(
                    _postings(expected, field, text)
                ), (field, text)
                mine, theirs = actual.term_info(field, text), expected.term_info(field, text)
                for statistic in ("weight", "doc_frequency", "max_weight"):
                    assert getattr(mine, statistic)() == getattr(theirs, statistic)()
                for statistic in ("min_length", "max_length", "min_id", "max_id"):
                    assert getattr(mine, statistic)() == getattr(theirs, statistic)()


def _segment_files(directory: Path) -> dict[str, bytes]:
    index = whoosh_index.open_dir(str(directory))
    (segment,) = index._segments()
    files = segment.open_compound_file(index.storage)
    name = segment.segment_id()
    return {file.replace(name, ""): files.open_file(file).read() for file in files.list()}


def test_one_process_writes_whooshs_own_bytes(
    reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segments, "WHOOSH_BYTES", True)
    report = build(CORPUS, tmp_path, procs=1)
    assert report.path is not None
    expected, actual = _segment_files(reference), _segment_files(report.path)
    assert sorted(actual) == sorted(expected)
    for name, content in expected.items():
        assert actual[name] == content, name


def test_searches_answer_the_same(reference: Path, built: Path) -> None:
    schema = build_schema()
    parser = MultifieldParser(["title", "body", "focus"], schema)
    with (
        whoosh_index.open_dir(str(reference)).searcher() as expected,
        whoosh_index.open_dir(str(built)).searcher() as actual,
    ):
        for q in QUERIES:
            query = parser.parse(q)
            theirs = [(hit["id"], round(hit.score, 6)) for hit in expected.search(query)]
            mine = [(hit["id"], round(hit.score, 6)) for hit in actual.search(query)]
            assert mine == theirs and theirs, q


_POSITIONS = st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=40, unique=True).map(sorted)


@settings(max_examples=300, deadline=None)
@given(st.lists(_POSITIONS, max_size=8))
@example([list(range(0, 3 * 2001, 3)), [0, 1], list(range(1000)), [255, 256, 65535, 65536]])
def test_positions_are_encoded_at_once_as_one_by_one(postings: list[list[int]]) -> None:
    gaps = [gap for p in postings for gap in (p[0], *np.diff(p).tolist())]
    counts = [len(p) for p in postings]
    encoded = segments._encode_many(np.array(gaps, dtype=np.int64), np.array(counts))
    assert encoded == [encode_positions(p) for p in postings]


def test_punkt_learns_from_the_sample_of_all_indexed_bodies(built: Path) -> None:
    bodies, seen = [], set()
    for file, root, kind in discover(CORPUS):
        for item in read_file(file, root, kind):
            if isinstance(item, Article) and item.id not in seen:
                seen.add(item.id)
                bodies.append(item.body)
    expected = json.dumps(sentences.train(sentences.sample(bodies)))
    assert (built / sentences.FILENAME).read_text(encoding="utf-8") == expected


def test_one_and_two_process_builds_serve_the_same(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    first = build(CORPUS, one, procs=1)
    second = build(CORPUS, two, procs=2)
    assert (first.indexed, first.skipped, first.problems) == (
        second.indexed,
        second.skipped,
        second.problems,
    )
    assert first.path is not None and second.path is not None
    for name in ("foci.json", "vocabulary.json", "sentences.json"):
        assert (first.path / name).read_bytes() == (second.path / name).read_bytes(), name
    postings = sorted(p.name for p in (first.path / "postings").iterdir())
    assert postings == sorted(p.name for p in (second.path / "postings").iterdir())
    for name in postings:
        assert (first.path / "postings" / name).read_bytes() == (
            second.path / "postings" / name
        ).read_bytes(), name
    engines = Engine(one), Engine(two)
    for q in QUERIES:
        answers = [engine.search(q) for engine in engines]
        assert [(h.id, h.score, h.snippet) for h in answers[0].hits] == [
            (h.id, h.score, h.snippet) for h in answers[1].hits
        ]
        assert answers[0].total == answers[1].total


def test_a_two_process_build_beside_other_threads_starts_workers_safely(
    reference: Path, tmp_path: Path
) -> None:
    # Forking a process that runs other threads can copy a lock one of them holds: then the
    # workers come from a fork server (slower to start, the same index).
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        report = build(CORPUS, tmp_path, procs=2)
    finally:
        stop.set()
        other.join()
    assert report.path is not None
    with (
        whoosh_index.open_dir(str(reference)).reader() as expected,
        whoosh_index.open_dir(str(report.path)).reader() as actual,
    ):
        assert list(actual.all_stored_fields()) == list(expected.all_stored_fields())
        assert list(actual.lexicon("body")) == list(expected.lexicon("body"))
