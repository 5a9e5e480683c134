import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh.formats import Positions

from search.analysis import (
    FastAnalyzer,
    SurfaceForms,
    _lower_folded,
    encode_positions,
    find_terms,
    fold,
    normalise_key,
    stopwords,
    term_spans,
    terms,
    text_analyzer,
    words,
)
from tests.conftest import FIXTURES


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


# -- the fast analyzer of the build gives exactly text_analyzer()'s terms and positions ------

# Pieces that exercise every filter: stop words, plurals, accents (composed and combining),
# dotted abbreviations, hyphens, apostrophes (straight and curly), digits, underscores,
# capitals, other scripts, punctuation and white space of every kind.
_PIECES = st.sampled_from(
    [
        "the",
        "The",
        "of",
        "a",
        "What",
        "is",
        "are",
        "not",
        "no",
        "kidneys",
        "Kidney",
        "diabetes",
        "Sjögren",
        "SJÖGREN",
        "café",
        "cafe\u0301",
        "naïve",
        "Ærø",
        "straße",
        "e.g.",
        "i.e.",
        "E.G.",
        "Dr.",
        "U.S.A.",
        "3.5",
        "v1.2.3",
        "...",
        "covid-19",
        "non-small",
        "Alzheimer's",
        "alzheimer’s",
        "don't",
        "type 2",
        "B12",
        "_x_",
        "x_1",
        "İstanbul",
        "ǅ",
        "µg",
        "½",
        "²",
        "日本語",
        "Ωmega",
        "-",
        ".",
        ",",
        "?",
        "!",
        "'",
        "(",
        ")",
        ";",
        ":",
        "/",
        "&",
        " ",
        "  ",
        "\t",
        "\n",
        "\u00a0",
        "\u2028",
    ]
)
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=40).map("".join),
    st.lists(_PIECES, max_size=40).map(" ".join),
    st.text(max_size=200),
)
_FORMAT = Positions()


def _whoosh_positions(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for token in text_analyzer()(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
@example("The causes of Kidney Stones (e.g. diet) are... Sjögren's; covid-19, type 2!")
@example("the of the kidneys and the kidneys")
@example("")
def test_fast_analyzer_matches_text_analyzer(text: str) -> None:
    fast = FastAnalyzer()
    for _ in range(2):  # the second time from its memory of tokens
        sequence, positions = fast.analyse(text)
        assert positions == _whoosh_positions(text)
        assert sequence == fast.terms(text) == terms(text)
        for places in positions.values():
            assert encode_positions(places) == _FORMAT.encode(places)


def test_fast_analyzer_matches_on_real_text() -> None:
    from search.corpus import Article, discover, read_file, starter_path

    fast = FastAnalyzer()
    for file, root, kind in discover([starter_path(), FIXTURES / "medquad"]):
        for item in read_file(file, root, kind):
            if isinstance(item, Article):
                for text in (item.title, item.body, item.focus):
                    assert fast.analyse(text)[1] == _whoosh_positions(text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS, st.lists(_PIECES, max_size=6).map(" ".join))
# The boundaries of tokens, in text that is not ASCII and in text that is; forms sharing
# a short start ("ad", "added", "ads").
@example("Kidney e.g. kidney.Stones, kidney_x, ökidney, e.g.kidney, U.S.A. kidney", "kidney U.S.A")
@example("Kidney e.g. kidney.Stones, kidney_x, xkidney, e.g.kidney, U.S.A. KIDNEYS", "kidney")
@example("Ads added: an ad, bad ads, e.g.ad, ad.", "ad ads")
def test_indexed_text_finds_the_terms_term_spans_finds(text: str, question: str) -> None:
    """Snippets find a question's terms in an answer through the forms the build met
    (``SurfaceForms``): the same places, as whole tokens, as analysing the answer would."""
    analyzer = FastAnalyzer()
    analyzer.terms(text)  # the build analyses every answer it stores
    forms = SurfaceForms.of_tokens(analyzer.tokens(), sorted(set(terms(text))))
    wanted = set(terms(question)) | set(terms(text)[:2])
    assert forms.spans(text, wanted) == find_terms(text, wanted)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_words_are_the_folded_word_characters_runs(text: str) -> None:
    assert words(text) == re.findall(r"\w+", fold(text))
    ascii_text = text.encode("ascii", "replace").decode()
    assert words(ascii_text) == re.findall(r"\w+", fold(ascii_text))


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
@example("alzheimer's a'b ''x y'' x''y ’s' '’a")
def test_fold_drops_the_apostrophes_between_word_characters(text: str) -> None:
    assert fold(text) == re.sub(r"(?<=\w)['’](?=\w)", "", _lower_folded(text))
