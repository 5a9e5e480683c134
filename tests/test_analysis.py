from search.analysis import normalise_key, stopwords, terms


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
