from __future__ import annotations

import pytest

from search.analysis import terms
from search.questions import (
    FocusIndex,
    article_types,
    asked,
    asked_part,
    build_query,
    normalise,
    parse,
    question_types,
)
from search.synonyms import SynonymTable, curated, parse_groups

FOCI = FocusIndex(
    {
        "diabet": ["Diabetes", "Diabetes mellitus"],
        "type 2 diabet": ["Type 2 diabetes"],
        "lung cancer": ["Lung Cancer", "Non-small cell lung cancer"],
        "alzheim diseas": ["Alzheimer's Disease"],
        "myocardi infarct": ["Myocardial infarction"],
        "cystic fibrosi": ["Cystic fibrosis", "CF"],
        "stroke": ["Stroke"],
    },
    curated(),
)


# -- normalising ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Hi, what causes gout? Thanks, Bob", "what causes gout?"),
        ("Hello doctor. I was wondering if asthma is contagious.", "doctor. asthma is contagious."),
        (
            "Dear Sir/Madam, could you please tell me how to treat eczema? Regards, Ann Lee",
            "how to treat eczema?",
        ),
        (
            "I would like to know what a normal blood sugar is. Thank you in advance",
            "what a normal blood sugar is",
        ),
    ],
)
def test_politeness_greetings_and_signatures_go(message: str, expected: str) -> None:
    assert " ".join(normalise(message).split()) == expected


def test_medical_content_stays_when_normalising() -> None:
    assert (
        normalise("no fever but not sleeping without pain")
        == "no fever but not sleeping without pain"
    )


def test_long_messages_keep_the_subject_and_the_sentences_that_ask() -> None:
    message = (
        "lung cancer\n"
        "My mother had surgery for lung cancer last year. She was doing well and went back to "
        "work in the spring. The doctors said the operation went fine and all the margins were "
        "clear. Now a scan shows a spot on her liver. Why would the cancer come back after "
        "surgery? We live far from the hospital and travel is hard for her."
    )
    asked = asked_part(message)
    assert asked.startswith("lung cancer")
    assert "Why would the cancer come back after surgery?" in asked
    assert "travel" not in asked and "spring" not in asked


def test_short_questions_are_kept_whole() -> None:
    assert asked_part("is cystic fibrosis hereditary") == "is cystic fibrosis hereditary"


# -- question types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what are the symptoms of diabetes", "symptoms"),
        ("how is high blood pressure treated", "treatment"),
        ("is cystic fibrosis hereditary", "inheritance"),
        ("does asthma run in families", "inheritance"),
        ("can you die from a stroke", "outlook"),
        ("why do people get lung cancer", "causes"),
        ("how do doctors diagnose lupus", "diagnosis"),
        ("how can I prevent kidney stones", "prevention"),
        ("how common is celiac disease", "frequency"),
        ("who is at risk for osteoporosis", "susceptibility"),
        ("what happens if diabetes is left untreated", "complications"),
        ("side effects of metformin", "side effects"),
        ("what dose of ibuprofen can I take", "dosage"),
        ("can I take warfarin with aspirin", "interactions"),
        ("what is gout", "information"),
        ("tell me about migraines", "information"),
    ],
)
def test_question_types_are_recognised(question: str, kind: str) -> None:
    assert kind in question_types(question)


def test_information_only_when_nothing_more_specific_is_asked() -> None:
    assert question_types("what are the symptoms of diabetes") == ("symptoms",)
    assert question_types("gout") == ("information",)


def test_question_types_map_to_the_article_types_that_answer_them() -> None:
    assert article_types(["diagnosis"]) == ("exams and tests",)
    assert set(article_types(["inheritance", "genetic changes"])) == {
        "inheritance",
        "genetic changes",
    }


# -- foci -----------------------------------------------------------------------------------


def foci(text: str) -> list[tuple[str, ...]]:
    return [f.keys for f in FOCI.find(terms(text))]


def test_the_longest_focus_name_wins() -> None:
    assert foci("what are the symptoms of type 2 diabetes")[0] == ("type 2 diabet",)


def test_focus_matching_tolerates_plurals_possessives_case_and_hyphens() -> None:
    assert foci("ALZHEIMERS disease signs") == [("alzheim diseas",)]
    assert foci("non small-cell lung cancers") == [("lung cancer",)]
    assert foci("what does Cystic-Fibrosis do") == [("cystic fibrosi",)]


def test_curated_synonyms_name_the_focus_too() -> None:
    assert foci("heart attack warning signs") == [("myocardi infarct",)]


def test_no_focus_in_an_unrelated_question() -> None:
    assert foci("how to sleep better") == []


# -- the query ----------------------------------------------------------------------------------


def test_parse_keeps_informative_terms_and_drops_filler() -> None:
    question = parse("Hi, can you tell me why do people get lung cancer? Thanks", foci=FOCI)
    assert question.terms == ("lung", "cancer")
    assert question.types == ("causes",)
    assert question.foci[0].keys == ("lung cancer",)


def test_long_messages_keep_only_the_most_informative_terms() -> None:
    words = " ".join(f"word{i}" for i in range(40))
    idf = {f"word{i}": float(i) for i in range(40)}
    question = parse(words + " ?", idf=lambda t: idf.get(t, 0.0))
    assert len(question.terms) == 16
    assert set(question.terms) == {f"word{i}" for i in range(24, 40)}


def test_synonyms_expand_the_query() -> None:
    question = parse("how is high blood pressure treated")
    assert ("hypertens",) in question.expansions
    table = SynonymTable(parse_groups(["belly ache | abdominal pain"]))
    assert parse("belly aches", synonyms=table).expansions == (("abdomin", "pain"),)


def test_first_stage_query_seeks_every_term_in_every_field_with_weights() -> None:
    text = str(build_query(parse("symptoms of diabetes")))
    assert "title:diabet^3.0" in text and "focus:diabet^2.0" in text and "body:diabet" in text


def test_the_second_stage_knows_the_focus_and_the_wanted_article_types() -> None:
    wanted = asked(parse("what are the symptoms of diabetes", foci=FOCI))
    assert wanted.focus_keys == {"diabet"}
    assert wanted.types == {"symptoms"}
    assert {"symptom", "diabet"} <= wanted.terms


def test_user_text_is_never_query_syntax() -> None:
    for text in ("diab*", "title:cancer", '"lung', "a OR b", "x~2", "(x]"):
        question = parse(text)
        assert all(t.isalnum() for t in question.terms)
