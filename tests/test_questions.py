from __future__ import annotations

import pytest

from search.analysis import terms
from search.questions import (
    Asking,
    FocusIndex,
    age_groups,
    article_types,
    asked,
    asked_part,
    build_query,
    derived_names,
    foci_named_by_words,
    focus_phrase,
    normalise,
    parse,
    question_types,
    subject_line,
    without_name,
)
from search.ranking import WEIGHTS
from search.synonyms import SynonymTable, curated, name_phrase, parse_groups

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


_STORY = (
    "My muscles are cramping in my feet and legs, slowly getting worse over the months. It "
    "started at night and now it happens through the day, my back and neck are stiff too and "
    "I find myself stretching out without meaning to."
)


def test_a_sentence_asking_politely_is_what_is_asked() -> None:
    # "Please can you tell me…" asks, though the politeness itself goes.
    asked = asked_part(
        f"Clinic - Question - general information\n{_STORY} Please can you tell me what the "
        "early symptoms of stiff person syndrome are."
    )
    assert "early symptoms of stiff person syndrome" in asked
    assert "tell me" not in asked and "cramping" not in asked


def test_a_message_whose_sentences_do_not_ask_is_kept_whole() -> None:
    # Neither a bare subject line nor "Can you help me." (politeness only) is the question.
    asked = asked_part(f"Stiff person syndrome\n{_STORY} Can you help me.")
    assert "cramping" in asked and "stiff person syndrome" in asked.lower()


def test_a_long_messages_short_first_sentence_is_its_heading() -> None:
    asked = asked_part(f"Stiff person syndrome. {_STORY} What are the early symptoms?")
    assert asked.startswith("Stiff person syndrome")
    assert "What are the early symptoms?" in asked and "cramping" not in asked


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


def test_a_message_subject_line_is_its_short_first_line() -> None:
    message = "Tests for haemophilia\nMy brother is a carrier."
    assert subject_line(message) == "Tests for haemophilia"
    assert subject_line("is cystic fibrosis hereditary") == ""
    assert subject_line("Short first line\n   ") == ""  # nothing below it: not a subject
    long_first = "my son has had a rash on his arms and legs for weeks now and it will not go"
    assert subject_line(f"{long_first}\nwhat is it?") == ""


def test_the_kind_of_answer_a_subject_line_names_comes_first() -> None:
    message = (
        "Tests for haemophilia\nMy brother is a carrier of the gene. Are blood clotting assays"
        " always positive if one has mild haemophilia?"
    )
    assert parse(message).types[0] == "diagnosis"
    assert {"inheritance", "genetic changes"} <= set(parse(message).types)
    # Without the subject line the most specific kind asked for comes first, as before.
    assert parse(message.split("\n", 1)[1]).types[0] == "genetic changes"


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


def test_the_focus_a_story_names_is_asked_about_when_the_question_says_it() -> None:
    question = parse(
        "My nephew was born with cystic fibrosis. My sister and her husband are both healthy "
        "and nobody in either family has ever had anything like it, the doctors were surprised "
        "too and we are all still trying to understand what happened and what comes next. How "
        "could they have a baby with this, and could it happen again with another child?",
        foci=FOCI,
    )
    assert "born" not in question.terms  # the story is left out ...
    assert {"cystic", "fibrosi"} <= set(question.terms)  # ... but not what "this" stands for


def test_with_no_focus_found_the_story_is_what_this_condition_is() -> None:
    question = parse(
        "My husband and I have been trying for a baby for two years. His tests came back and "
        "the urologist said he was born without the vas deferens on both sides, which we had "
        "never heard of before and nobody explained it to us properly at the appointment. "
        "What exactly is this condition and does it mean he can never be a father?",
        foci=FOCI,
    )
    assert {"vas", "deferen"} <= set(question.terms)


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


def test_the_reviewed_list_keeps_short_words_the_corpus_names_do_not() -> None:
    # "EKG", "HDL", "eye" are in the reviewed list; a corpus name of three letters or fewer
    # ("GO", "MEN") reads as an ordinary word in questions and names nothing.
    assert ("electrocardiogram",) in parse("what does my ekg show").expansions
    assert name_phrase("GO") is None and name_phrase("ekg", reviewed=True) == ("ekg",)


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


# -- one condition under several names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "names"),
    [
        (
            "Parasites - Enterobiasis (also known as Pinworm Infection)",
            {"Enterobiasis", "Pinworm Infection"},
        ),
        ("What I need to know about Crohn's Disease", {"Crohn Disease"}),
        ("Irritable Bowel Syndrome in Children", {"Irritable Bowel Syndrome"}),
        (
            "Interstitial Cystitis/Painful Bladder Syndrome",
            {"Interstitial Cystitis", "Painful Bladder Syndrome"},
        ),
        (
            "Duchenne/Becker muscular dystrophy",
            {"Duchenne muscular dystrophy", "Becker muscular dystrophy"},
        ),
        ("Insulin Resistance and Prediabetes", {"Insulin Resistance", "Prediabetes"}),
        ("Bile Duct Cancer (Cholangiocarcinoma)", {"Bile Duct Cancer", "Cholangiocarcinoma"}),
        ("Wilms Tumor and Other Childhood Kidney Tumors", {"Wilms Tumor"}),
    ],
)
def test_names_inside_medquad_titles_are_derived(title: str, names: set[str]) -> None:
    assert names <= set(derived_names(title))


def test_features_of_a_syndrome_and_qualifiers_are_not_names() -> None:
    assert derived_names("Cataract and cardiomyopathy") == []  # sentence case: one syndrome
    # A code's number written together or apart
    assert derived_names("DFNA 23") == ["DFNA23"] and derived_names("MEN1") == ["MEN 1"]
    assert derived_names("type 2") == []  # no capital: a type, not a code
    assert derived_names("Knee Injuries and Disorders") == ["Knee Injuries"]
    assert derived_names("Water Safety (Recreational)") == ["Water Safety"]
    assert "MODED" not in derived_names("microcephaly-oculo-digito-esophageal (MODED) syndrome")


VARIANTS = FocusIndex(
    {
        "pinworm": ["Pinworms", "Enterobiasis"],
        "parasit enterobiasi known pinworm infect": [
            "Parasites - Enterobiasis (also known as Pinworm Infection)"
        ],
        "fuch endotheli dystrophi": [
            "Fuchs endothelial dystrophy",
            "Fuchs dystrophy",
            "Fuchs endothelial corneal dystrophy",
        ],
        "fuch endotheli corneal dystrophi": ["Fuchs endothelial corneal dystrophy"],
        "need know crohn diseas": ["What I need to know about Crohn's Disease"],
        "parkinson diseas": ["Parkinson disease"],
        "carpal tunnel syndrom": ["Carpal tunnel syndrome"],
        "kidney diseas": ["Kidney disease"],
        "hantavirus pulmonari syndrom": ["Hantavirus pulmonary syndrome", "HARDS"],
        "chronic myelogen leukemia": ["Chronic myelogenous leukemia", "CML"],
        "stargardt diseas": ["Stargardt disease"],
        "opitz g syndrom": ["Opitz G syndrome", "G syndrome"],
        "achondroplasia": ["Achondroplasia", "ACH"],
        "kerat ichthyosi deaf syndrom": ["Keratitis-ichthyosis-deafness syndrome", "KID syndrome"],
    }
)


def test_other_sources_names_for_the_focus_are_its_variants() -> None:
    [found] = VARIANTS.find(terms("how to keep pinworms from spreading"))
    assert found.keys == ("pinworm",)
    assert found.variants == ("parasit enterobiasi known pinworm infect",)
    [found] = VARIANTS.find(terms("is fuchs dystrophy hereditary"))
    assert found.variants == ("fuch endotheli corneal dystrophi",)
    # A name found only inside a title names that focus.
    assert VARIANTS.find(terms("what is crohn's disease"))[0].keys == ("need know crohn diseas",)


def test_eponyms_and_acronyms_count_only_when_written_so_and_rare() -> None:
    idf = {"parkinson": 4.4, "carpal": 6.0, "tunnel": 5.0, "kidney": 2.5, "hard": 3.8}.get

    def keys(text: str) -> list[tuple[str, ...]]:
        ask = Asking.of(text, lambda t: idf(t, 0.0), WEIGHTS)
        return [f.keys for f in VARIANTS.find(terms(text), ask=ask)]

    assert keys("are scientists studying parkinsons") == [("parkinson diseas",)]
    assert keys("parkinson was a doctor") == []  # not written as the illness
    assert keys("does a splint help carpal tunnel") == [("carpal tunnel syndrom",)]
    assert keys("my kidneys hurt") == []  # "kidney" is in too many articles
    assert keys("a hard lump") == []  # "HARDS" is an acronym, "hard" an ordinary word
    assert keys("is HARDS deadly") == [("hantavirus pulmonari syndrom",)]
    # An acronym's short name ("KID" of "KID syndrome") is an acronym, not an eponym: "kids"
    # is no possessive "KID's".
    assert keys("can my kids get it") == []
    assert keys("my son has KID") == [("kerat ichthyosi deaf syndrom",)]


def test_an_eponym_alone_names_its_focus_only_if_the_answers_write_it_as_the_name() -> None:
    index = FocusIndex(
        {
            "mix connect tissu diseas": ["Mixed connective tissue disease", "Sharp syndrome"],
            "stargardt diseas": ["Stargardt disease"],
            "pick diseas": ["Pick disease"],
        }
    )
    idf = {"sharp": 5.2, "stargardt": 8.0, "pick": 8.0}
    as_name = {"sharp": 0.0, "stargardt": 0.55, "pick": 0.5}.get  # "sharp pain" in the answers

    def keys(text: str) -> list[tuple[str, ...]]:
        ask = Asking.of(text, lambda t: idf.get(t, 0.0), WEIGHTS, lambda t: as_name(t, 1.0))
        return [f.keys for f in index.find(terms(text), ask=ask)]

    assert keys("sharp pain in my side") == []
    assert keys("she picked up an infection") == []  # a name is not written as a verb
    assert keys("could it be picks") == [("pick diseas",)]
    assert keys("sharp syndrome symptoms") == [("mix connect tissu diseas",)]
    assert keys("will stargardt make me blind") == [("stargardt diseas",)]


def test_short_acronyms_name_a_focus_when_written_in_capitals() -> None:
    idf = {"stargardt": 8.0, "g": 9.0, "ach": 9.0, "cml": 9.0}.get

    def keys(text: str) -> list[tuple[str, ...]]:
        ask = Asking.of(text, lambda t: idf(t, 0.0), WEIGHTS)
        return [f.keys for f in VARIANTS.find(terms(text), ask=ask)]

    assert keys("how long can you live with CML") == [("chronic myelogen leukemia",)]
    assert keys("how long can you live with cml") == []  # lower case: "rd" of "3rd" is no name
    # A message all in capitals writes no word as an acronym.
    assert keys("HOW LONG CAN YOU LIVE WITH CML") == []
    # A one-word eponym no ordinary word could be names its foci without "disease".
    assert keys("anything to slow down stargardt vision loss") == [("stargardt diseas",)]
    assert keys("group G strep") == []  # a letter is no eponym
    assert keys("it did ache a little") == []  # "ACH" (achondroplasia) only in capitals


def test_no_phrase_asking_for_a_kind_of_answer_makes_an_overview_only_likelier() -> None:
    described = asked(parse("bullseye rash after a tick bite"))
    assert described.types == frozenset() and described.other_types == {"information"}
    what_is = asked(parse("what is lyme disease"))
    assert what_is.types == {"information"}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("is there anything that helps with the itching", "treatment"),
        ("will they have to operate", "treatment"),
        ("how do I keep from catching the flu", "prevention"),
        ("will it get better on its own", "outlook"),
        ("how do they find out if it is lupus", "diagnosis"),
        ("the doctor called it a coloboma, what is that", "information"),
        ("why does lung cancer recur after surgery", "causes"),  # surgery only mentioned
        ("what problems do babies with this syndrome have", "symptoms"),
        ("how does it affect a person", "symptoms"),
        ("what does lupus do to the body", "symptoms"),
        ("who usually catches it", "susceptibility"),
        ("does it pass from parent to child", "inheritance"),
        ("if we both carry the gene will our kids get it", "inheritance"),
        ("is there anything to slow it down", "treatment"),
        ("how to stop getting bladder infections", "prevention"),
        ("what germ gives you whipple disease", "causes"),
        ("what should I eat when my crohns flares up", "diet"),
        ("how would i know if i had CLL", "symptoms"),  # by what I notice...
        ("how do doctors know it is CLL", "diagnosis"),  # ...by what doctors test
        ("what does bare lymphocyte syndrome do", "symptoms"),
        ("what problems come with usher syndrome", "symptoms"),
        ("genetic test to see if i carry thalassemia", "diagnosis"),
        ("could secondhand smoke give me lung cancer", "causes"),
        ("are scientists studying the genes behind parkinsons", "research"),
        ("my cousin has PPM-X syndrome, what kind of condition is that", "information"),
        ("what sets off a migraine", "causes"),
        ("how do people end up with gallstones", "causes"),
        ("what can be the cause of my headaches", "causes"),
        ("what else can it do to him", "symptoms"),
        ("what other cancers does lynch syndrome cause", "symptoms"),  # what it causes
        ("what changes should make me worry", "symptoms"),
        ("what is it like to have lupus", "symptoms"),
        ("will she end up in a wheelchair", "outlook"),
        ("does it shorten your life", "outlook"),
        ("what are the odds my kids will get it", "inheritance"),
        ("did he get it from one of us", "inheritance"),
        ("what is wrong genetically in this syndrome", "genetic changes"),
        ("how does a doctor tell if it is eczema", "diagnosis"),
        ("how can a man stop snoring", "treatment"),
        ("does what you eat matter with gout", "diet"),
        ("which foods can i still eat with diverticulitis", "diet"),
        ("my son has cramps, could it be hereditary angioedema, what is it?", "information"),
        ("what features do people with noonan syndrome have", "symptoms"),
        ("what other problems can it cause", "symptoms"),  # ...and complications after
        ("what can it lead to", "complications"),
        ("which dna change is behind it", "genetic changes"),
        ("i have a dna report, when will the medicine be ready", "medicines"),  # mentions
        ("how do we keep the attacks from starting", "prevention"),
        ("how is it staged", "stages"),
        ("what can i actually eat now", "diet"),
        ("what are the chances our next baby has it", "inheritance"),
        ("do both parents have to carry it", "inheritance"),
        ("do kids grow out of it", "outlook"),
        ("what is gout and how is it treated", "information"),  # what it is, first
        ("what is the treatment for gout and does it work", "treatment"),
        ("PFAPA, what is it and does it go away?", "information"),
        # Medicines only mentioned come after what the words ask for.
        ("what can cause dry mouth, I am not on many medications", "causes"),
        ("how does it happen, was it something we did", "causes"),
        ("he drinks a lot, is that why", "causes"),
        ("could the old infection have damaged her lungs", "causes"),
        ("what's behind it", "causes"),
        ("is this rash part of her condition", "symptoms"),
        ("is that what it usually looks like", "symptoms"),
        ("what else happens", "symptoms"),
        ("will his memory ever come back", "outlook"),  # not a recurrence
        ("is it going to keep getting worse", "outlook"),
        ("what decides how well he will do", "outlook"),
        ("leber amaurosis, recessive or dominant?", "inheritance"),
        ("dominant intermediate CMT, what are the signs", "symptoms"),  # a name's word
        ("could we have passed it to her", "inheritance"),
        ("neither of us has it, how did he get it", "inheritance"),
        ("how will my doctor work out if it is arthritis", "diagnosis"),
        ("what are the stages of lung cancer", "stages"),
        ("she has stage 4 kidney disease, how can she get more calories", "diet"),
        ("how likely is it that I will get cysts", "frequency"),
        (
            "just diagnosed with graves disease, what are the main things I should know",
            "key points",
        ),
        ("the scan showed a hole in the diaphragm, what does that mean", "information"),
        ("I have no symptoms, do I need treatment", "treatment"),  # "no symptoms" asks nothing
        ("could I be carrying the gene for my kids", "inheritance"),
        ("who tends to get high platelets", "susceptibility"),
        ("what scans confirm it", "diagnosis"),
        ("it keeps getting infected, should it be removed", "treatment"),
        ("can it be passed to children", "inheritance"),
        ("how does a urachal cyst form", "causes"),
        ("heart block, what is it, runs in my family", "information"),
        ("what is this condition, and what tumors does it cause", "information"),
        ("can someone explain what this disease is and how it progresses", "information"),
        (
            "my son has asthma, what exactly is allergic asthma and why does it happen",
            "information",
        ),
        ("what are the odds each of them gets it from me", "inheritance"),
        ("no one in either of their families has had it, so how did she", "inheritance"),
        ("would it happen again with their next child", "inheritance"),
        ("will he ever get his eyesight back", "outlook"),
        ("can she regain the strength in her legs", "outlook"),
        (
            "we found droppings in the shed. what is hantavirus, and how do people catch it?",
            "information",
        ),
        ("what is the difference between type 1 and type 2 diabetes", "information"),
        ("what are the odds and how do we test", "diagnosis"),
    ],
)
def test_lay_ways_of_asking_for_a_kind_of_answer(question: str, kind: str) -> None:
    assert question_types(question)[0] == kind


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("my 14 yo has a lump in his neck", {"children"}),
        ("our 8 month old has a rash", {"children"}),  # months, weeks, days: a baby
        ("a 3-year-old with a fever", {"children"}),
        ("my mom is 78 and has started falling", {"older adults"}),
        ("I'm 70 and have smoked all my life", {"older adults"}),
        ("my 19 year old has acne", set()),
        ("I'm 30 and not pregnant", set()),
        # durations and measurements are no ages
        ("I have had it for 3 years", set()),
        ("my A1c is 7", set()),
        ("she is 32 weeks pregnant", set()),
    ],
)
def test_ages_say_whom_a_question_is_about(text: str, groups: set[str]) -> None:
    assert age_groups(text) == groups
    assert asked(parse(text)).populations >= groups


def test_a_readers_own_childhood_does_not_make_the_question_about_children() -> None:
    grown_up = "I have had asthma since I was a little kid, is it worse in older people"
    assert asked(parse(grown_up)).populations == {"older adults"}
    assert asked(parse("my kids have asthma, is it worse in kids")).populations == {"children"}


def test_an_acronym_stands_for_the_words_of_its_name() -> None:
    # "non-classic CAH": a longer name holding "congenital adrenal hyperplasia" is more
    # specific, though the question writes none of those words.
    index = FocusIndex({"congenit adren hyperplasia": ["Congenital adrenal hyperplasia", "CAH"]})
    [cah] = index.find(terms("what is CAH"), ask=Asking.of("what is CAH", None, WEIGHTS))
    assert focus_phrase(cah) == {"congenit", "adren", "hyperplasia"}
    [written] = index.find(terms("what is congenital adrenal hyperplasia"))
    assert focus_phrase(written) == {"congenit", "adren", "hyperplasia"}


def test_roman_numerals_of_types_and_factors_are_also_named_in_digits() -> None:
    assert "glycogen storage disease type 4" in derived_names("glycogen storage disease type IV")
    assert "factor 13 deficiency" in derived_names("factor XIII deficiency")
    assert derived_names("triple X syndrome") == []
    assert derived_names("What I need to know about Gas") == ["Gas"]


# Where each word is used: the focus key of each answer that has it.
ANSWERS = {
    "sma": ["spinal muscular atrophi"] * 3 + ["", "stroke"],
    "babi": ["spinal muscular atrophi"] * 3 + ["stroke"] * 40,  # common: no name
    "floppi": ["spinal muscular atrophi", "stroke", "diabet"],  # in no focus's answers mostly
}
SIZES = {"spinal muscular atrophi": 5, "stroke": 60, "diabet": 40}


def _answers(word: str) -> list[str]:
    keys = ANSWERS.get(word, [])
    return keys if len(keys) <= 40 else []


def test_a_rare_word_used_mostly_in_one_focus_answers_names_that_focus() -> None:
    question = parse("is there any treatment for SMA in floppy babies")
    assert not question.foci
    named = foci_named_by_words(question, _answers, SIZES)
    assert named == ("spinal muscular atrophi",)
    wanted = asked(question, named)
    assert wanted.focus_keys == {"spinal muscular atrophi"}


def test_words_of_a_focus_found_and_words_of_a_big_focus_name_nothing() -> None:
    question = parse("sma and stroke", foci=FOCI)
    named = foci_named_by_words(question, _answers, SIZES)
    assert named == ("spinal muscular atrophi",)
    # The focus found stays the question's focus; the named one is another name for it.
    wanted = asked(question, named)
    assert wanted.focus_keys == {"stroke"}
    assert "spinal muscular atrophi" in wanted.variant_keys
    # Two answers of a focus with 60 articles are not half of it: "stroke" is not named so.
    few = {"sma": ["stroke", "stroke"]}
    assert foci_named_by_words(parse("sma"), lambda w: few.get(w, []), SIZES) == ()


def test_the_most_specific_focus_named_comes_first() -> None:
    foci = FocusIndex(
        {
            "high blood pressur": ["High blood pressure"],
            "liddl syndrom": ["Liddle syndrome"],
            "blood": ["Blood"],
        }
    )
    rarity = {"high": 2.0, "blood": 1.5, "pressur": 2.5, "liddl": 9.0, "syndrom": 2.0}
    question = parse(
        "my son has high blood pressure and the doctor mentioned Liddle syndrome",
        foci=foci,
        idf=lambda t: rarity.get(t, 4.0),
    )
    # The longer name is found too, but the rarer one is what the question is about.
    assert [f.keys for f in question.foci] == [("liddl syndrom",), ("high blood pressur",)]
    assert asked(question).focus_keys == {"liddl syndrom"}


def test_a_kind_of_answer_named_only_by_the_focus_name_comes_last() -> None:
    foci = FocusIndex(
        {"albright hereditari osteodystrophi": ["Albright hereditary osteodystrophy"]}
    )
    question = parse("symptoms of Albright hereditary osteodystrophy", foci=foci)
    assert question.types == ("symptoms", "inheritance")
    # "what is…" asks for an overview, though the name says "hereditary".
    assert parse("what is Albright hereditary osteodystrophy", foci=foci).types == (
        "information",
        "inheritance",
    )
    # Named by nothing else, it is still what is asked for.
    spherocytosis = FocusIndex({"hereditari spherocytosi": ["Hereditary spherocytosis"]})
    alone = parse("I have hereditary spherocytosis, what should I know", foci=spherocytosis)
    assert alone.types[0] == "inheritance"
    # The name and nothing else asks for nothing in particular.
    bare = parse("albrights hereditary osteodystrophy?", foci=foci)
    assert (bare.types, bare.typed) == (("information",), False)


def test_without_name_blanks_only_the_words_of_the_name() -> None:
    phrase = ("albright", "hereditari", "osteodystrophi")
    text = "Symptoms of Albright Hereditary osteodystrophy?"
    assert without_name(text, phrase) == (
        "Symptoms of _ _ _?",
        "Albright Hereditary osteodystrophy",
    )
    assert without_name("is it inherited", phrase) == ("is it inherited", "")
