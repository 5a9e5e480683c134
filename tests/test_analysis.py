import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import normalise_key, stopwords, term_spans, terms, text_analyzer


def test_plurals_and_inflections_meet_their_stem() -> None:
    assert terms("kidneys") == terms("kidney") == ["kidney"]
    assert terms("recurring") == terms("recur")


def test_question_words_are_dropped_but_medical_words_stay() -> None:
    assert terms("Why does lung cancer recur?") == ["lung", "cancer", "recur"]


def test_negations_stay_searchable() -> None:
    assert {"no", "not", "without"} <= set(terms("no pain, not swollen, without fever"))
    assert not {"no", "not", "without", "nor"} & stopwords()


def test_short_names_and_numbers_are_kept() -> None:
    assert terms("type 2 diabetes") == ["type", "2", "diabet"]
    assert terms("hepatitis B") == ["hepat", "b"]


def test_accents_and_case_fold() -> None:
    assert terms("Sjögren") == terms("sjogren")


def test_names_share_a_key_despite_possessives_and_case() -> None:
    assert normalise_key("Alzheimer's Disease") == normalise_key("alzheimers disease")


# The fast path (search.analysis.terms/term_spans) must give exactly what the index's Whoosh
# analyzer gives, or queries would miss what the index holds.
SAMPLES = [
    "Sjögren's syndrome (SS) affects ~4 million Americans, e.g. women aged 40-60.",
    "Non-small-cell lung cancer: stage IIIA vs. IIIB; 5.5 mg/dL; U.S. data; naïve T-cells.",
    "Type 2 diabetes — HbA1c ≥6.5 %; café-au-lait spots; Ménière's disease; x.y.z end.",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_terms_are_the_analyzers_terms(text: str) -> None:
    analyzer = text_analyzer()
    assert terms(text) == [token.text for token in analyzer(text)]
    spans = term_spans(text)
    assert [term for term, _, _ in spans] == terms(text)
    expected = [(t.startchar, t.endchar) for t in analyzer(text, chars=True)]
    assert [(start, end) for _, start, end in spans] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_fast_terms_match_the_analyzer_on_any_text(text: str) -> None:
    assert terms(text) == [token.text for token in text_analyzer()(text)]
