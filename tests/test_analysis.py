from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh.formats import Positions

from search.analysis import (
    FastAnalyzer,
    encode_positions,
    normalise_key,
    stopwords,
    terms,
    text_analyzer,
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
        positions = fast.positions(text)
        assert positions == _whoosh_positions(text)
        assert fast.terms(text) == terms(text)
        for places in positions.values():
            assert encode_positions(places) == _FORMAT.encode(places)


def test_fast_analyzer_matches_on_real_text() -> None:
    from search.corpus import Article, discover, read_file, starter_path

    fast = FastAnalyzer()
    for file, root, kind in discover([starter_path(), FIXTURES / "medquad"]):
        for item in read_file(file, root, kind):
            if isinstance(item, Article):
                for text in (item.title, item.body, item.focus):
                    assert fast.positions(text) == _whoosh_positions(text)
