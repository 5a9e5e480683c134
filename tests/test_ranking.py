from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from search.ranking import (
    VARIANT,
    WEIGHTS,
    Asked,
    Weights,
    features,
    populations,
    ranked,
    same_answer,
    score,
)

ASKED = Asked(
    terms=frozenset({"symptom", "diabet"}),
    focus_keys=frozenset({"diabet"}),
    types=frozenset({"symptoms"}),
)


def doc(title: str, focus_key: str, qtype: str) -> dict[str, str]:
    return {"title": title, "focus_key": focus_key, "qtype": qtype}


def test_features_say_whether_an_article_answers_this_question() -> None:
    right = features(
        ASKED, doc("What are the symptoms of Diabetes?", "diabet", "symptoms"), 5.0, 10.0
    )
    assert right == {
        "bm25": 0.5,
        "focus_match": 1.0,
        "type_match": 1.0,
        "both": 1.0,
        "title_cover": 1.0,
        "focus_named": 1.0,
        "population": 0.0,
        "focus_cover": 0.0,
        "focus_profile": 0.0,
    }
    other = features(
        ASKED, doc("Diabetic mastopathy", "diabet mastopathi", "information"), 10.0, 10.0
    )
    assert (other["focus_match"], other["type_match"], other["focus_named"]) == (0.0, 0.0, 0.0)


def test_the_article_for_the_people_asked_about_comes_first() -> None:
    # "what is irritable bowel syndrome in kids": two sources' articles about the condition
    asked = Asked(
        terms=frozenset({"irrit", "bowel", "syndrom", "kid"}),
        focus_keys=frozenset({"irrit bowel syndrom"}),
        variant_keys=frozenset({"irrit bowel syndrom children"}),
        types=frozenset({"information"}),
        populations=populations(["irrit", "bowel", "syndrom", "kid"]),
    )
    general = doc("What is IBS?", "irrit bowel syndrom", "information")
    for_kids = doc("What is IBS in children?", "irrit bowel syndrom children", "information")
    assert score(features(asked, for_kids, 8, 10)) > score(features(asked, general, 9, 10))
    # Not when the question names no one: the general article stays first.
    plain = dataclasses.replace(asked, populations=frozenset())
    assert score(features(plain, general, 9, 10)) > score(features(plain, for_kids, 8, 10))
    # A question naming no one asks about the general case, even when both are its focus and
    # the words match the article for children better.
    both = dataclasses.replace(plain, focus_keys=asked.focus_keys | asked.variant_keys)
    assert score(features(both, general, 6, 10)) > score(features(both, for_kids, 10, 10))


def test_a_longer_name_holding_the_focus_and_more_of_the_question_is_its_focus() -> None:
    # "what is PDGFRB chronic eosinophilic leukemia": "chronic eosinophilic leukemia" found
    asked = Asked(
        terms=frozenset({"pdgfrb", "chronic", "eosinophil", "leukemia"}),
        focus_keys=frozenset({"chronic eosinophil leukemia"}),
        types=frozenset({"information"}),
        focus_words=3,
        focus_phrase=frozenset({"chronic", "eosinophil", "leukemia"}),
    )
    specific = doc(
        "What is PDGFRB-associated CEL?", "pdgfrb associ chronic eosinophil leukemia", ""
    )
    assert features(asked, specific, 1.0, 1.0)["focus_match"] == 1.0
    # One that only shares the focus's words is not more specific.
    other = doc("What is PDGFRA-associated CEL?", "pdgfra associ chronic eosinophil leukemia", "")
    assert features(asked, other, 1.0, 1.0)["focus_match"] < VARIANT + 1e-9


def test_right_focus_and_type_beat_a_higher_bm25_score_on_the_wrong_article() -> None:
    right = features(
        ASKED, doc("What are the symptoms of Diabetes?", "diabet", "symptoms"), 6.0, 10.0
    )
    wrong = features(
        ASKED, doc("Diabetic mastopathy symptoms", "diabet mastopathi", "symptoms"), 10.0, 10.0
    )
    same_focus_other_type = features(
        ASKED, doc("What is diabetes?", "diabet", "information"), 8.0, 10.0
    )
    assert score(right, WEIGHTS) > score(same_focus_other_type, WEIGHTS)
    assert score(right, WEIGHTS) > score(wrong, WEIGHTS)


def test_no_candidates_score_is_zero_safe() -> None:
    values = features(Asked(frozenset(), frozenset(), frozenset()), doc("", "", ""), 0.0, 0.0)
    assert score(values) == 0.0


def test_another_sources_name_or_most_of_a_longer_name_is_nearly_the_focus() -> None:
    asked = Asked(
        terms=frozenset({"sign", "breast", "cancer", "men"}),
        focus_keys=frozenset({"breast cancer"}),
        types=frozenset({"symptoms"}),
        variant_keys=frozenset({"breast cancer women"}),
    )
    exact = features(asked, doc("", "breast cancer", "symptoms"), 1.0, 1.0)
    variant = features(asked, doc("", "breast cancer women", "symptoms"), 1.0, 1.0)
    longer = features(asked, doc("", "male breast cancer", "symptoms"), 1.0, 1.0)
    unrelated = features(asked, doc("", "lung cancer", "symptoms"), 1.0, 1.0)
    assert exact["focus_match"] == 1.0
    assert variant["focus_match"] == longer["focus_match"] == VARIANT < 1.0
    assert unrelated["focus_match"] == 0.0  # one word of two is not most of the name


def test_a_longer_name_sharing_only_the_words_of_the_focus_found_is_not_the_focus() -> None:
    asked = Asked(
        terms=frozenset({"facioscapulohumer", "muscular", "dystrophi", "gene"}),
        focus_keys=frozenset({"facioscapulohumer muscular dystrophi"}),
        types=frozenset({"genetic changes"}),
        focus_words=3,
    )
    other = features(asked, doc("", "oculopharyng muscular dystrophi", "genetic changes"), 1, 1)
    assert other["focus_match"] == 0.0


def test_words_for_a_kind_of_illness_name_no_condition() -> None:
    # "why does CHILD syndrome happen in girls, is it passed down from the mother"
    asked = Asked(
        terms=frozenset({"child", "syndrom", "girl", "pass", "down", "mother"}),
        focus_keys=frozenset({"child syndrom"}),
        types=frozenset({"inheritance"}),
        focus_words=2,
        focus_phrase=frozenset({"child", "syndrom"}),
    )
    down = features(asked, doc("Is Down syndrome inherited?", "down syndrom", "inheritance"), 1, 1)
    assert down["focus_match"] == 0.0


def _by_score(item: dict[str, Any]) -> tuple[float, float]:
    return (float(item["score"]), 0.0)


def _order(items: list[dict[str, Any]], weights: Weights = WEIGHTS) -> list[str]:
    return [item["id"] for _, item in ranked(items, _by_score, same_answer, weights)]


def test_a_second_copy_of_the_same_answer_goes_below_another_answer() -> None:
    items = [
        {"id": "gard-symptoms", "focus_key": "gout", "qtype": "symptoms", "score": 3.2},
        {"id": "ghr-symptoms", "focus_key": "gout", "qtype": "symptoms", "score": 3.1},
        {"id": "other-focus", "focus_key": "pseudogout", "qtype": "symptoms", "score": 2.8},
        {"id": "gout-causes", "focus_key": "gout", "qtype": "causes", "score": 1.2},
    ]
    assert _order(items) == ["gard-symptoms", "other-focus", "ghr-symptoms", "gout-causes"]
    # With no weight on copies the order is the scores'.
    plain = dataclasses.replace(WEIGHTS, duplicate=0.0)
    assert _order(items, plain) == ["gard-symptoms", "ghr-symptoms", "other-focus", "gout-causes"]


def test_articles_without_a_focus_are_never_copies_of_one_another() -> None:
    items = [
        {"id": "a", "focus_key": "", "qtype": "information", "score": 2.0},
        {"id": "b", "focus_key": "", "qtype": "information", "score": 1.9},
        {"id": "c", "focus_key": "asthma", "qtype": "information", "score": 1.5},
    ]
    assert [value for value, _ in ranked(items, _by_score, same_answer)] == [2.0, 1.9, 1.5]


@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from((0.0, 0.5, 1.0, 2.0, 2.5, 3.0))),
        max_size=30,
    ),
    st.integers(min_value=0, max_value=35),
)
def test_the_best_few_are_the_first_of_the_whole_order(
    drawn: list[tuple[str, float]], limit: int
) -> None:
    items = [
        {"id": str(i), "focus_key": key, "qtype": "symptoms", "score": value}
        for i, (key, value) in enumerate(drawn)
    ]
    # The whole order, written plainly: each copy's score less 0.5 per better copy before it.
    first = sorted(range(len(items)), key=lambda i: -items[i]["score"])
    seen: dict[str, int] = {}
    adjusted = []
    for place, i in enumerate(first):
        copies = seen.get(items[i]["focus_key"], 0)
        seen[items[i]["focus_key"]] = copies + 1
        adjusted.append((items[i]["score"] - WEIGHTS.duplicate * copies, -place, items[i]["id"]))
    whole = [item_id for _, _, item_id in sorted(adjusted, reverse=True)]
    assert _order(items) == whole
    few = ranked(items, _by_score, same_answer, limit=limit)
    assert [item["id"] for _, item in few] == whole[:limit]
