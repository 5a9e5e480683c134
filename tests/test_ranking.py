from __future__ import annotations

from search.ranking import VARIANT, WEIGHTS, Asked, features, score

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
    }
    other = features(
        ASKED, doc("Diabetic mastopathy", "diabet mastopathi", "information"), 10.0, 10.0
    )
    assert (other["focus_match"], other["type_match"], other["focus_named"]) == (0.0, 0.0, 0.0)


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
