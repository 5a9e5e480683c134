from __future__ import annotations

import json
from pathlib import Path

import pytest

from search import Engine, IndexUnavailable
from search.questions import parse
from search.ranking import Weights

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


def test_filters_combine_values_of_a_facet_and_across_facets(engine: Engine) -> None:
    question = "treated treatment symptoms causes"
    either = engine.search(question, filters={"source": ["Mini", "Genetics"]})
    assert {h.source for h in either.hits} == {"Mini", "Genetics"}
    assert either.facets["source"] == {
        name: count
        for name, count in engine.search(question).facets["source"].items()
        if name in ("Mini", "Genetics")
    }
    both = engine.search(question, filters={"source": ["Mini"], "qtype": ["symptoms"]})
    assert {(h.source, h.qtype) for h in both.hits} == {("Mini", "symptoms")}
    assert both.total == 2


def test_filters_on_unknown_facets_are_ignored_and_unknown_values_match_nothing(
    engine: Engine,
) -> None:
    question = "diabetes"
    assert (
        engine.search(question, filters={"colour": ["red"]}).total == engine.search(question).total
    )
    assert engine.search(question, filters={"source": []}).total == engine.search(question).total
    nothing = engine.search(question, filters={"source": ["Nowhere"]})
    assert (nothing.total, nothing.hits, nothing.facets["source"]) == (0, [], {})


FLU = [
    ("flu-info", "A", "information", "What is flu?", []),
    ("flu-symptoms-a", "A", "symptoms", "What are the symptoms of flu?", []),
    ("flu-symptoms-b", "B", "symptoms", "What are the symptoms of flu?", []),
    ("flu-treatment", "B", "treatment", "How is flu treated?", ["cold-info"]),
    ("flu-causes", "A", "causes", "What causes flu?", []),
    ("flu-info-b", "B", "information", "Who gets flu?", []),
]


@pytest.fixture(scope="module")
def flu(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from search.indexing import build

    root = tmp_path_factory.mktemp("flu")
    lines = [
        json.dumps(
            {
                "id": id_,
                "question": title,
                "answer": "Flu is a viral infection that brings fever, cough and aches.",
                "source": source,
                "focus": "flu",
                "qtype": qtype,
                "related": related,
            }
        )
        for id_, source, qtype, title, related in FLU
    ]
    lines.append(
        json.dumps(
            {
                "id": "cold-info",
                "question": "What is a cold?",
                "answer": "A cold is a viral infection of the nose that brings a cough.",
                "source": "A",
                "focus": "common cold",
                "qtype": "information",
            }
        )
    )
    (root / "flu.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build([root / "flu.jsonl"], root / "index")
    return Engine(root / "index")


def test_related_same_focus_shows_other_question_types_first_in_reading_order(
    flu: Engine,
) -> None:
    assert [h.id for h in flu.related("flu-info")] == [
        "flu-causes",
        "flu-symptoms-a",  # from the article's own source, before the same question from B
        "flu-treatment",
        "flu-info-b",  # the article's own question type comes after the others
        "cold-info",  # similar text fills the rest; flu-symptoms-b repeats a title shown
    ]


def test_related_articles_named_by_the_article_come_first(flu: Engine) -> None:
    related = [h.id for h in flu.related("flu-treatment", limit=3)]
    assert related == ["cold-info", "flu-info-b", "flu-causes"]  # then its own source first


def test_related_never_repeats_an_article_a_title_or_the_article_itself(flu: Engine) -> None:
    for article_id, *_ in FLU:
        hits = flu.related(article_id, limit=10)
        titles = [h.title for h in hits]
        assert article_id not in [h.id for h in hits]
        assert len(set(titles)) == len(titles)
        assert flu.article(article_id).title not in titles  # type: ignore[union-attr]


def article(id_: str, focus: str, qtype: str, question: str, answer: str) -> str:
    """One JSON Lines article from source "Test"."""
    return json.dumps(
        {
            "id": id_,
            "question": question,
            "answer": answer,
            "source": "Test",
            "focus": focus,
            "qtype": qtype,
        }
    )


def test_a_condition_described_in_words_spread_over_its_answers_comes_first(
    tmp_path: Path,
) -> None:
    """No title holds "loose joints" and "stretchy skin", but the answers about one condition,
    taken together, hold both: described, not named, it is still what the reader asks about."""
    from search.indexing import build

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            [
                article(
                    "eds",
                    "Ehlers-Danlos syndrome",
                    "information",
                    "What is Ehlers-Danlos syndrome?",
                    "A group of inherited conditions of connective tissue. Joints are "
                    "often very loose and move beyond the usual range.",
                ),
                article(
                    "eds-sym",
                    "Ehlers-Danlos syndrome",
                    "symptoms",
                    "What are the symptoms of Ehlers-Danlos syndrome?",
                    "The skin may be soft, stretchy and easily bruised; scars widen.",
                ),
                article(
                    "joints",
                    "Joint disorders",
                    "information",
                    "What are joint disorders?",
                    "Joint disorders cause pain and stiffness in the joints.",
                ),
                article(
                    "skin",
                    "Skin conditions",
                    "information",
                    "What are skin conditions?",
                    "Rashes, dryness and itching of the skin are common.",
                ),
            ]
        )
        + "\n"
    )
    build([corpus], tmp_path / "index")
    hits = Engine(tmp_path / "index").search("very loose joints and stretchy skin").hits
    assert hits[0].focus == "Ehlers-Danlos syndrome"


def test_the_condition_most_about_the_described_words_wins_and_is_found_beyond_bm25f(
    tmp_path: Path,
) -> None:
    """Both conditions' answers hold "pouches" and "colon", one in passing: the one whose
    answers are about them comes first, though its articles each hold only one of the words
    and so score lower by BM25F; and it is found even when BM25F's best leave it out."""
    from search.indexing import build

    question = "pouches in the colon"
    articles = [
        article(
            "div",
            "Diverticular disease",
            "information",
            "What is diverticular disease?",
            "Small pouches bulge out through weak spots; the pouches can become inflamed.",
        ),
        article(
            "div-causes",
            "Diverticular disease",
            "causes",
            "What causes diverticular disease?",
            "Pressure inside the colon over years strains the wall of the colon.",
        ),
        article(
            "digestive",
            "Digestive diseases",
            "information",
            "What are digestive diseases?",
            "Many conditions affect the gut. Some people get pouches, others a polyp in the "
            "colon, and others have reflux or ulcers or gallstones.",
        ),
    ]
    (tmp_path / "three.jsonl").write_text("\n".join(articles) + "\n")
    build([tmp_path / "three.jsonl"], tmp_path / "three")
    assert Engine(tmp_path / "three").search(question).hits[0].focus == "Diverticular disease"

    # Ten titles with "colon" fill BM25F's ten best: the articles about pouches are not among
    # them, but the answers about diverticular disease still match the question best.
    articles += [
        article(
            f"colon-{n}",
            f"Colon problem {n}",
            "information",
            f"What is colon problem {n} of the colon?",
            f"Colon problem {n} is a problem.",
        )
        for n in range(10)
    ]
    (tmp_path / "more.jsonl").write_text("\n".join(articles) + "\n")
    build([tmp_path / "more.jsonl"], tmp_path / "more")
    narrow = Engine(tmp_path / "more", weights=Weights(candidates=1))
    assert "Diverticular disease" in {hit.focus for hit in narrow.search(question).hits}


def test_how_often_the_answers_write_a_word_as_an_illness_name(tmp_path: Path) -> None:
    from search.indexing import build

    answers = [f"Sharp pain in the chest number {n} needs a doctor." for n in range(9)]
    answers += ["Sharp syndrome is another name for mixed connective tissue disease."]
    answers += ["Stargardt disease affects the retina.", "Stargardt disease is inherited."]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            article(f"a{n}", "", "information", f"Question {n}?", text)
            for n, text in enumerate(answers)
        )
        + "\n"
    )
    build([corpus], tmp_path / "index")
    opened = Engine(tmp_path / "index")._current()
    assert opened.as_name("sharp") == 0.1  # one answer of ten
    assert opened.as_name("stargardt") == 1.0  # too few answers to tell: a name
