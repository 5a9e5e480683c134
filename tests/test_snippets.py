from __future__ import annotations

import html
import re

import pytest

from search import Engine
from search.analysis import SurfaceForms, find_terms, terms, unique_terms
from search.indexing import current_build
from search.postings import Postings
from search.questions import parse
from search.sentences import SentenceSplitter, sample, train
from search.snippets import MAX_CHARS, MIN_CHARS, make_snippet, plain_text

SPLITTER = SentenceSplitter()
ASIDE = (
    "This sentence is about something else entirely and it carries on for quite a while, "
    "so that it is long enough to take up room in a snippet."
)
# One sentence too long to share a snippet with another.
LONG_ASIDE = ASIDE[:-1] + ", and " + ASIDE[0].lower() + ASIDE[1:]


def snippet(text: str, question: str, expansions: str = "") -> str:
    return make_snippet(
        text, set(unique_terms(question)), SPLITTER, expansions=set(unique_terms(expansions))
    )


def plain(result: str) -> str:
    return html.unescape(re.sub(r"</?mark>", "", result))


def test_matched_words_are_marked_in_the_best_sentence() -> None:
    text = f"{ASIDE} Gout is caused by uric acid crystals in a joint. {ASIDE}"
    result = snippet(text, "what causes gout")
    assert result.startswith(
        "<mark>Gout</mark> is <mark>caused</mark> by uric acid crystals in a joint."
    )
    assert result.count("<mark>") == 2


def test_sentences_covering_different_terms_are_joined_in_order() -> None:
    text = f"Kidney stones hurt. {LONG_ASIDE} Stones form from calcium. Nothing else."
    result = snippet(text, "kidney calcium")
    assert result == (
        "<mark>Kidney</mark> stones hurt. … Stones form from <mark>calcium</mark>. Nothing else."
    )


def test_a_short_snippet_is_filled_out_with_the_sentences_around_it() -> None:
    text = "Kidney stones hurt. Water is important. Stones form from calcium. Nothing else."
    result = snippet(text, "kidney calcium")
    # Three sentences at most; neighbours read on, with no " … " between them.
    assert plain(result) == "Kidney stones hurt. Water is important. Stones form from calcium."


def test_question_terms_count_before_expansion_terms() -> None:
    synonym_sentence = (
        "Kidney stones are hard deposits of minerals and salts that form inside the kidneys, "
        "and kidney stones can affect any part of the urinary tract up to the bladder."
    )
    question_sentence = (
        "Nephrolithiasis often recurs: about half of the people who have had one stone will "
        "have another within ten years unless they drink more water and change their diet."
    )
    text = f"{synonym_sentence} {question_sentence}"
    result = snippet(text, "does nephrolithiasis recur", expansions="kidney stones")
    assert result.startswith("<mark>Nephrolithiasis</mark> often <mark>recurs</mark>")
    assert "Kidney" not in result  # no room for both: the question's own word wins


def test_synonyms_are_marked_when_the_question_word_is_absent() -> None:
    text = f"{ASIDE} Kidney stones form when urine holds too much calcium. {ASIDE}"
    assert "<mark>" not in snippet(text, "what causes nephrolithiasis")
    result = snippet(text, "what is nephrolithiasis", expansions="kidney stones")
    assert result.startswith("<mark>Kidney</mark> <mark>stones</mark> form when urine")


def test_snippets_of_long_answers_are_about_160_to_300_characters() -> None:
    sentences = [
        f"Sentence {n} talks about topic {n} in a few more words than needed." for n in range(30)
    ]
    text = " ".join(sentences)
    for question in ("topic 3", "topic 12 topic 27", "unrelated words", "sentence"):
        length = len(plain(snippet(text, question)).replace(" … ", " "))
        assert MIN_CHARS <= length <= MAX_CHARS, question


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
    assert snippet(f"First sentence here. {LONG_ASIDE}", "unrelated") == "First sentence here."
    assert snippet("First sentence here. Second one.", "unrelated") == (
        "First sentence here. Second one."
    )


def test_markup_next_to_a_match_is_escaped() -> None:
    result = snippet("Treat <b>gout</b> & rest.", "gout")
    assert result == "Treat &lt;b&gt;<mark>gout</mark>&lt;/b&gt; &amp; rest."


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
    assert SPLITTER.split("one item\ntwo item") == ["one item", "two item"]


# -- MedQuAD ------------------------------------------------------------------------------

EXAMPLE_QUESTIONS = [
    "what are the symptoms of diabetes?",
    "how is high blood pressure treated",
    "is cystic fibrosis inherited?",
    "what causes kidney stones",
    "what is the outlook for lung cancer",
    "how is glaucoma diagnosed?",
]


def well_formed(result: str) -> bool:
    """Only <mark> tags, opened and closed in turn; every other <, > and & escaped."""
    tags = re.findall(r"<[^>]*>", result)
    bare = re.sub(r"</?mark>", "", result)
    return (
        tags == ["<mark>", "</mark>"] * (len(tags) // 2)
        and "<" not in bare
        and ">" not in bare
        and not re.search(r"&(?!(amp|lt|gt|quot|#x27);)", bare)
    )


@pytest.mark.parametrize("question", EXAMPLE_QUESTIONS)
def test_medquad_snippets_show_the_matched_words_as_safe_html(
    medquad: Engine, question: str
) -> None:
    results = medquad.search(question, limit=5)
    assert results.hits
    for hit in results.hits:
        assert well_formed(hit.snippet), hit.snippet
        marked = re.findall(r"<mark>(.*?)</mark>", hit.snippet)
        # The question's words and their curated synonyms are marked, nothing else.
        asked = set(results.terms).union(*parse(question).expansions)
        assert marked and {t for word in marked for t in unique_terms(word)} <= asked
        shown = plain(hit.snippet)
        assert len(shown) <= MAX_CHARS + 2  # the cut marks
        body = medquad.article(hit.id).body  # type: ignore[union-attr]
        for piece in shown.split(" … "):
            assert piece.strip("…") in " ".join(body.split()), piece


def test_markdown_line_markers_are_not_shown() -> None:
    text = "## What it says\n- Take the reliever inhaler when wheezing starts.\n2. Call for help."
    assert SPLITTER.split(text) == [
        "What it says",
        "Take the reliever inhaler when wheezing starts.",
        "Call for help.",
    ]
    assert "##" not in snippet(text, "reliever inhaler") and "- " not in snippet(text, "inhaler")


TRICKY = [
    "Dr. Lee saw the rash, e.g. on the arm, i.e. the left one. Approx. 5 mg was used. Next.",
    'He said "stop." Then he left! Did it help? (It did.) Yes [1]. See ref.[2] More.',
    "Treatment helps (type II).[4126] Prevention matters. U.S. data show 3.5 cases per 1,000.",
    "## Heading here\n- A list item. Another sentence.\n2. Numbered one... and more. End",
]


# A splitter that learned "disease. The" goes together (a collocation): Punkt's second pass
# then joins the two, although "disease" is a plain word.
COLLOCATING = SentenceSplitter({"collocations": [["disease", "the"]]})


@pytest.mark.parametrize(
    ("splitter", "text"),
    [(SPLITTER, text) for text in TRICKY]
    + [(COLLOCATING, "It is a rare disease. The outlook is good. Ask why? A doctor knows!")],
)
def test_sentences_from_pieces_are_punkts_sentences(splitter: SentenceSplitter, text: str) -> None:
    """Snippets ask Punkt only about the breaks between cheap pieces (and remember its
    answers, or answer plain breaks themselves): the sentences must be those Punkt finds
    reading the whole text."""
    pieces = splitter.pieces(text)
    found: list[tuple[int, int]] = []
    for i in range(len(pieces)):
        for span in splitter.sentences_over(text, pieces, i, i):
            if span not in found:
                found.append(span)
    assert found == splitter.spans(text)


@pytest.mark.parametrize("index", ["starter_index", "medquad_index"])
def test_a_build_finds_the_terms_of_its_answers_where_analysis_does(
    index: str, request: pytest.FixtureRequest
) -> None:
    """The engine finds a question's terms in an answer by the forms its build saved, numbered
    as the postings' terms: for answers of a build (MedQuAD's from both build processes) and
    every term in them, the same places as analysing the answer."""
    build = current_build(request.getfixturevalue(index))
    assert build is not None
    postings = Postings(build)
    forms = SurfaceForms.load(build, postings.fields["body"].terms)
    for ord_ in range(0, postings.documents, max(1, postings.documents // 500)):
        body = postings.body(ord_)
        wanted = set(terms(body))
        assert forms.spans(body, wanted) == find_terms(body, wanted)
