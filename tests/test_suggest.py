from __future__ import annotations

from collections import Counter

from search import Engine
from search.corpus import Article
from search.suggest import Completer, edits
from search.vocabulary import Vocabulary


def article(title: str, focus: str, number: int = 0) -> Article:
    return Article(id=f"{focus}-{number}", title=title, body=f"About {focus}.", focus=focus)


def completer(*articles: Article) -> Completer:
    vocabulary = Vocabulary()
    for item in articles:
        vocabulary.add(item)
    return Completer(vocabulary)


COMPLETER = completer(
    *[article(f"Question {n} about diabetes?", "Diabetes", n) for n in range(5)],
    article("What is diabetes insipidus?", "Diabetes Insipidus"),
    article("What causes diabetic retinopathy?", "Diabetic Retinopathy"),
    article("What is a heart attack?", "Heart Attack"),
    article("What causes heartburn?", "Heartburn"),
    article("What is (are) Alzheimer's Disease?", "Alzheimer's Disease", 1),
    article("What is Alzheimer disease?", "Alzheimer disease", 2),
    article("Is type 2 diabetes inherited?", "Type 2 Diabetes"),
)


def test_edits_are_one_change_away() -> None:
    variants = set(edits("atak"))
    assert {"tak", "taak", "attak", "etak", "ataka"} <= variants
    assert "attack" not in variants


def test_focus_names_come_first_and_popular_ones_before_rare() -> None:
    assert COMPLETER.suggest("diab")[:3] == [
        "Diabetes",
        "Diabetes Insipidus",
        "Diabetic Retinopathy",
    ]


def test_names_are_matched_from_any_word_after_those_from_the_first() -> None:
    found = COMPLETER.suggest("diabetes", limit=20)
    assert found.index("Type 2 Diabetes") > found.index("Diabetes Insipidus")
    assert "Is type 2 diabetes inherited?" in found


def test_titles_complete_questions() -> None:
    assert COMPLETER.suggest("what causes h") == ["What causes heartburn?"]


def test_a_finished_word_does_not_continue_into_a_longer_one() -> None:
    assert set(COMPLETER.suggest("heart")[:2]) == {"Heart Attack", "Heartburn"}
    assert COMPLETER.suggest("heart ") == ["Heart Attack", "What is a heart attack?"]


def test_a_typo_in_the_last_word_is_forgiven() -> None:
    assert COMPLETER.suggest("heart attak")[0] == "Heart Attack"
    assert COMPLETER.suggest("diabtes")[0] == "Diabetes"


def test_spellings_of_one_name_are_offered_once() -> None:
    found = COMPLETER.suggest("alzheimers")
    assert found[0] == "Alzheimer's Disease"
    assert "Alzheimer disease" not in found
    assert COMPLETER.suggest("ALZHEIMER'S D")[0] == "Alzheimer's Disease"


def test_limits_and_empty_prefixes() -> None:
    assert len(COMPLETER.suggest("d", limit=2)) == 2
    assert COMPLETER.suggest("") == COMPLETER.suggest("  ?! ") == []
    assert COMPLETER.suggest("zzzz") == []
    assert Completer(Vocabulary(Counter(), Counter(), {})).suggest("diab") == []


# -- the engine ------------------------------------------------------------------------


def test_engine_suggests_focus_names_and_titles(engine: Engine) -> None:
    found = engine.suggest("lung")
    assert found[0] == "lung cancer"  # the focus name, then its questions
    assert set(found[1:]) == {
        "Why does lung cancer come back after surgery?",
        "What are the symptoms of lung cancer?",
    }
    assert engine.suggest("kidney stnes") == ["kidney stones", "What causes kidney stones?"]
    assert engine.suggest("lung", limit=1) == ["lung cancer"]


def test_engine_suggests_from_the_starter_corpus(starter_index: object) -> None:
    found = Engine(starter_index).suggest("alzh")  # type: ignore[arg-type]
    assert found and all("alzheimer" in name.lower() for name in found)


# -- MedQuAD ------------------------------------------------------------------------------


def test_medquad_completions_are_sensible(medquad: Engine) -> None:
    diab = medquad.suggest("diab")
    assert diab[0] == "Diabetes" and len(diab) == 8
    assert all(name.lower().startswith("diab") for name in diab)
    alzh = medquad.suggest("alzh")
    assert alzh[0] == "Alzheimer's Disease"
    assert all("alzheimer" in name.lower() for name in alzh)
    attack = medquad.suggest("heart attak")
    assert attack[0] == "Heart Attack"
    assert all("heart attack" in name.lower() for name in attack)
    assert medquad.suggest("colestrol")[0] == "Cholesterol"
