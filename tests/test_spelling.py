from __future__ import annotations

from collections import Counter

import pytest

from search import Engine
from search.spelling import Speller, distance

SPELLER = Speller(
    Counter(
        {
            "diabetes": 50,
            "diabetic": 10,
            "asthma": 20,
            "pneumonia": 8,
            "cholesterol": 9,
            "hypertension": 7,
            "heart": 40,
            "hearth": 2,
            "cancer": 30,
            "canker": 3,
            "rare": 5,
            "whet": 3,
            "symtoms": 1,  # a typo in the corpus: known, but never offered
            "symptoms": 25,
        }
    )
)


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("astma", "asthma", 1),
        ("diabetis", "diabetes", 1),
        ("nuemonia", "pneumonia", 2),  # a letter missing and two swapped
        ("colestrol", "cholesterol", 2),
        ("hypertenshun", "hypertension", 2),
        ("abc", "abc", 0),
    ],
)
def test_distance_counts_insertions_deletions_changes_and_swaps(a: str, b: str, edits: int) -> None:
    assert distance(a, b, limit=2) == edits


def test_distance_stops_beyond_its_limit() -> None:
    assert distance("asthma", "sclerosis", limit=2) == 3


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("diabetis", "diabetes"),
        ("astma", "asthma"),
        ("nuemonia", "pneumonia"),
        ("colestrol", "cholesterol"),
        ("hypertenshun", "hypertension"),
        ("hart", "heart"),  # one edit from both: the more frequent word wins
        ("canser", "cancer"),
    ],
)
def test_misspelled_words_become_the_likeliest_close_word(typed: str, meant: str) -> None:
    assert SPELLER.correct(typed) == meant


def test_the_rest_of_the_question_is_kept_as_typed() -> None:
    assert SPELLER.correct("What are the Symptoms of Diabetis?") == (
        "What are the Symptoms of Diabetes?"
    )
    assert SPELLER.correct("ASTMA and hart") == "ASTHMA and heart"


def test_known_words_are_never_corrected() -> None:
    assert SPELLER.correct("diabetic cancer") is None
    assert SPELLER.correct("symtoms") is None  # in the vocabulary, however odd
    assert SPELLER.correct("Diabetes, heart!") is None


def test_words_too_short_far_or_odd_are_left_alone() -> None:
    assert SPELLER.correct("xq") is None  # too short to guess
    assert SPELLER.correct("zzzzzzzz") is None  # nothing close
    assert SPELLER.correct("covid-19 b12") is None  # nothing close; numbers are not words
    assert SPELLER.correct("when") is None  # a stop word, though one edit from "whet"


def test_words_seen_once_are_not_offered() -> None:
    assert SPELLER.correct("symptons") == "symptoms"


# -- the engine ------------------------------------------------------------------------


def test_a_misspelled_question_offers_the_respelled_question(engine: Engine) -> None:
    results = engine.search("how is astma treated?")
    assert results.did_you_mean == "how is asthma treated?"
    assert engine.did_you_mean("Symptoms of diabetis") == "Symptoms of diabetes"


def test_no_suggestion_for_well_spelled_questions(engine: Engine) -> None:
    assert engine.search("how is asthma treated?").did_you_mean is None
    assert engine.did_you_mean("kidney stones") is None


def test_no_suggestion_when_the_respelling_finds_nothing_better(engine: Engine) -> None:
    # "cancr" respells as "cancer", which the question already asks about.
    assert engine.did_you_mean("zzzzzz") is None
    assert engine.did_you_mean("lung cancer symptoms cancr") is None


# -- MedQuAD ------------------------------------------------------------------------------

MISSPELLINGS = {
    "diabetis": "diabetes",
    "alzhimers": "alzheimers",
    "astma": "asthma",
    "nuemonia": "pneumonia",
    "colestrol": "cholesterol",
    "hypertenshun": "hypertension",
}


@pytest.mark.parametrize(("typed", "meant"), MISSPELLINGS.items())
def test_medquad_misspellings_get_the_right_suggestion(
    medquad: Engine, typed: str, meant: str
) -> None:
    assert medquad.did_you_mean(typed) == meant
    assert medquad.did_you_mean(f"what are the symptoms of {typed}?") == (
        f"what are the symptoms of {meant}?"
    )
    results = medquad.search(meant, limit=3)
    assert results.hits and results.did_you_mean is None


def test_medquad_words_of_the_vocabulary_are_not_corrected(medquad: Engine) -> None:
    for question in ("cystic fibrosis", "what is glaucoma", "acromegaly treatment"):
        assert medquad.did_you_mean(question) is None
