"""Reader questions on MedQuAD: the right condition and the right kind of answer first."""

from __future__ import annotations

import pytest

from search import Engine

EXAMPLES = [
    ("what are the symptoms of diabetes", "Diabetes", "symptoms"),
    ("how is high blood pressure treated", "High Blood Pressure", "treatment"),
    ("is cystic fibrosis hereditary", "cystic fibrosis", "inheritance"),
    ("can you die from a stroke", "Stroke", "outlook"),
    ("why do people get lung cancer", "Lung Cancer", "causes"),
]


@pytest.mark.parametrize(("question", "focus", "qtype"), EXAMPLES)
def test_right_focus_and_type_at_rank_one(
    medquad: Engine, question: str, focus: str, qtype: str
) -> None:
    top = medquad.search(question, limit=1).hits[0]
    assert (top.focus.casefold(), top.qtype) == (focus.casefold(), qtype)


def test_plain_bm25_gets_these_wrong_so_the_test_means_something(medquad: Engine) -> None:
    from search.evaluation import baseline_query

    wrong = 0
    for question, focus, qtype in EXAMPLES:
        top_id = medquad.rank(baseline_query(question), 1)[0][0]
        article = medquad.article(top_id)
        assert article is not None
        wrong += (article.focus.casefold(), article.qtype) != (focus.casefold(), qtype)
    assert wrong >= 2


def test_a_long_message_is_answered_by_what_it_asks(medquad: Engine) -> None:
    message = (
        "my mother\nMy mother had surgery for lung cancer last year and she is 74. Her "
        "doctors were happy with the operation and she has been walking every day since. "
        "We live two hours from the hospital so visits are hard for us. Why would the lung "
        "cancer come back after surgery? Thank you so much, Maria"
    )
    top = medquad.search(message, limit=3).hits
    assert any(hit.focus.casefold().endswith("lung cancer") for hit in top)


def test_the_condition_asked_about_comes_before_others_with_the_kind_of_answer(
    medquad: Engine,
) -> None:
    # MedQuAD has no outlook article with the focus "Lung Cancer": lung cancer's articles come
    # first, not another condition's outlook (Kidney Dysplasia's answers say "outlook" most).
    top = medquad.search("what is the outlook for lung cancer", limit=5).hits
    assert all("lung cancer" in hit.focus.casefold() for hit in top[:2])
    assert all("cancer" in hit.focus.casefold() for hit in top)
