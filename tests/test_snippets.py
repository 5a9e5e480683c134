from __future__ import annotations

import html
import re

from search.analysis import unique_terms
from search.sentences import SentenceSplitter, sample, train
from search.snippets import make_snippet, plain_text

SPLITTER = SentenceSplitter()


def snippet(text: str, question: str) -> str:
    return make_snippet(text, set(unique_terms(question)), SPLITTER)


def test_matched_words_are_marked_in_the_best_sentence() -> None:
    text = "Asthma is common. Gout is caused by uric acid crystals in a joint. Rest helps."
    result = snippet(text, "what causes gout")
    assert result == "<mark>Gout</mark> is <mark>caused</mark> by uric acid crystals in a joint."


def test_sentences_covering_different_terms_are_joined_in_order() -> None:
    text = "Kidney stones hurt. Water is important. Stones form from calcium. Nothing else."
    result = snippet(text, "kidney calcium")
    assert result.index("Kidney") < result.index("calcium")
    assert " … " in result
    assert "Nothing else" not in result


def test_document_html_is_shown_as_text_never_as_markup() -> None:
    text = "A rare syndrome <script>alert('x')</script> with <img src=x onerror=alert(1)> signs."
    result = snippet(text, "rare syndrome")
    assert "<script>" not in result and "<img" not in result
    assert "&lt;script&gt;" in result
    assert set(re.findall(r"</?[a-z]+", result)) <= {"<mark", "</mark"}
    assert html.unescape(re.sub(r"</?mark>", "", result)) == text


def test_plain_text_undoes_marks_and_escaping() -> None:
    text = "A rare syndrome <script>alert('x')</script> & more."
    assert plain_text(snippet(text, "rare syndrome")) == text
    assert plain_text("<mark>Gout</mark> &amp; joints") == "Gout & joints"


def test_no_match_falls_back_to_the_first_sentence() -> None:
    assert snippet("First sentence here. Second one.", "unrelated") == "First sentence here."


def test_long_sentences_are_cut_around_the_match() -> None:
    text = "word " * 200 + "diabetes " + "word " * 200
    result = snippet(text.strip(), "diabetes")
    assert "<mark>diabetes</mark>" in result
    assert len(re.sub(r"</?mark>", "", result)) <= 310
    assert result.startswith("…") and result.endswith("…")


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Lee saw the rash, e.g. on the arm, i.e. the left one. Approx. 5 mg was used. Next."
    assert SPLITTER.split(text) == [
        "Dr. Lee saw the rash, e.g. on the arm, i.e. the left one.",
        "Approx. 5 mg was used.",
        "Next.",
    ]


def test_punkt_learns_abbreviations_from_the_corpus() -> None:
    corpus = ["The wound was dressed by Sgt. Brown before the ambulance came."] * 40 + [
        "Most people recover. Some do not."
    ] * 40
    learned = SentenceSplitter(train(sample(corpus)))
    assert learned.split("Ask Sgt. Brown. He knows.") == ["Ask Sgt. Brown.", "He knows."]
    assert SENTENCES_UNTRAINED.split("Ask Sgt. Brown. He knows.") != learned.split(
        "Ask Sgt. Brown. He knows."
    )


SENTENCES_UNTRAINED = SentenceSplitter()


def test_newlines_end_sentences() -> None:
    assert SPLITTER.split("- one item\n- two item") == ["- one item", "- two item"]
