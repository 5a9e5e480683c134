from __future__ import annotations

from pathlib import Path

import pytest

from search import Engine, IndexUnavailable
from search.questions import parse

NASTY = [
    "what is diabetes?",
    "*",
    "diab*",
    "a:b",
    '"lung',
    "(cancer]",
    "~^",
    "AND OR NOT",
    "",
    "??",
]


def test_the_example_question_finds_the_recurrence_article_first(starter_index: Path) -> None:
    results = Engine(starter_index).search("why does lung cancer recur after surgery")
    assert results.hits[0].title == "Why does lung cancer recur after surgery?"


def test_short_question_finds_the_recurrence_article_first(starter_index: Path) -> None:
    results = Engine(starter_index).search("why does lung cancer recur")
    assert results.hits[0].id == "lung-cancer-recurrence"


def test_trailing_question_mark_is_not_a_wildcard(engine: Engine) -> None:
    with_mark = engine.search("What are the symptoms of diabetes?")
    without = engine.search("What are the symptoms of diabetes")
    assert with_mark.hits and [h.id for h in with_mark.hits] == [h.id for h in without.hits]
    assert with_mark.hits[0].id == "mini-diabetes-symptoms"


@pytest.mark.parametrize("text", NASTY)
def test_query_syntax_is_plain_text(engine: Engine, text: str) -> None:
    results = engine.search(text)
    assert results.total >= 0
    assert all("*" not in term and ":" not in term for term in parse(text).terms)


def test_a_question_of_only_stop_words_matches_nothing(engine: Engine) -> None:
    assert engine.search("what is it and how does it").total == 0


def test_hits_carry_what_a_result_list_shows(engine: Engine) -> None:
    hit = engine.search("how is high blood pressure treated").hits[0]
    assert hit.id == "mini-hbp-treatment"
    assert hit.title == "How is high blood pressure treated?"
    assert (hit.source, hit.qtype, hit.focus) == (
        "Health Topics",
        "treatment",
        "high blood pressure",
    )
    assert "<mark>" in hit.snippet and hit.score > 0


def test_more_matching_words_rank_higher(engine: Engine) -> None:
    ids = [h.id for h in engine.search("lung cancer symptoms").hits]
    assert ids[0] == "mini-lung-symptoms"


def test_focus_synonyms_are_searchable(engine: Engine) -> None:
    assert engine.search("nephrolithiasis").hits[0].id == "mini-kidney-stones"


def test_filters_restrict_by_source_and_question_type(engine: Engine) -> None:
    everything = engine.search("treated treatment")
    only = engine.search("treated treatment", filters={"source": ["Health Topics"]})
    assert {h.source for h in only.hits} == {"Health Topics"}
    assert only.total < everything.total
    typed = engine.search("symptoms", filters={"qtype": ["symptoms"]})
    assert {h.qtype for h in typed.hits} == {"symptoms"}


def test_paging_returns_the_next_slice(engine: Engine) -> None:
    first = engine.search("cancer diabetes symptoms treated", limit=2)
    second = engine.search("cancer diabetes symptoms treated", limit=2, offset=2)
    assert first.total == second.total > 4
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_article_and_related(engine: Engine) -> None:
    article = engine.article("mini-lung-recur")
    assert article is not None and article.focus == "lung cancer"
    related = [h.id for h in engine.related("mini-lung-recur")]
    assert related[0] == "mini-lung-symptoms"  # named in "related", same focus
    assert "mini-lung-recur" not in related
    assert engine.article("no-such-id") is None
    assert engine.related("no-such-id") == []


def test_a_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="medsearch build"):
        Engine(tmp_path / "nowhere").search("anything")


def test_facets_count_matches_by_source_and_question_type(engine: Engine) -> None:
    results = engine.search("treated treatment symptoms")
    assert sum(results.facets["source"].values()) == results.total
    assert results.facets["qtype"]["treatment"] == 3
    assert list(results.facets["qtype"].values()) == sorted(
        results.facets["qtype"].values(), reverse=True
    )
    narrowed = engine.search("treated treatment symptoms", filters={"qtype": ["treatment"]})
    assert narrowed.facets["qtype"] == {"treatment": 3}
