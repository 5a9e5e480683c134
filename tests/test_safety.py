from __future__ import annotations

import pytest

from search.safety import notices, parse_rules, rules

EMERGENCY = [
    "crushing chest pain and I can't breathe",
    "chest tightness, shortness of breath and sweating",
    "Pain in my chest and struggling to breathe",
    "my dad's face is drooping and his speech is slurred",
    "sudden numbness on one side of the body",
    "I think my husband is having a stroke",
    "my toddler swallowed a button battery",
    "child drank bleach what do I do",
    "I took too many pills",
    "overdosed on paracetamol",
    "carbon monoxide poisoning symptoms",
]

CRISIS = [
    "I want to end my life",
    "I want to kill myself",
    "thinking about suicide",
    "self-harm",
    "I keep hurting myself",
    "I don't want to live anymore",
]

# Close to a trigger, but no emergency described: no notice.
NEAR_MISSES = [
    "chest pain after exercise in a healthy 20-year-old",
    "what causes shortness of breath when climbing stairs",
    "what are the symptoms of a stroke",
    "heart attack prevention",
    "food poisoning symptoms",
    "lead poisoning in old houses",
    "end of life care for lung cancer",
    "what is the maximum dose of acetaminophen",
    "how is high blood pressure treated",
    "sertraline side effects",
    "",
    "?!",
]


@pytest.mark.parametrize("text", EMERGENCY)
def test_emergencies_get_the_call_now_notice(text: str) -> None:
    found = notices(text)
    assert [n["kind"] for n in found] == ["emergency"]
    assert "emergency number" in found[0]["message"]
    assert found[0]["title"] == "Call your local emergency number now"


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_gets_the_emergency_number_and_a_crisis_line(text: str) -> None:
    found = notices(text)
    assert [n["kind"] for n in found] == ["crisis"]
    message = found[0]["message"]
    assert "emergency number" in message and "crisis line" in message and "988" in message


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_get_no_notice(text: str) -> None:
    assert notices(text) == []


def test_both_kinds_once_each_crisis_first() -> None:
    found = notices("I took an overdose to end my life, I overdosed, I want to die")
    assert [n["kind"] for n in found] == ["crisis", "emergency"]


def test_ignored_phrases_do_not_hide_another_trigger() -> None:
    assert notices("food poisoning or swallowed bleach?")[0]["kind"] == "emergency"


def test_notices_have_the_api_shape() -> None:
    for notice in notices("I want to end my life. Chest pain and can't breathe."):
        assert set(notice) == {"kind", "title", "message"}
        assert all(isinstance(v, str) and v for v in notice.values())
        assert "\n" not in notice["message"]


def test_the_shipped_rules_cover_each_kind_of_emergency() -> None:
    table = rules()
    names = " ".join(rule.name for rule in table.rules)
    for topic in ("chest pain", "stroke", "suicide", "overdose", "poisoning"):
        assert topic in names
    assert set(table.notices) == {"emergency", "crisis"}


def test_rules_are_data_and_bad_data_is_refused() -> None:
    table = parse_rules(
        "[notice warn]\ntitle = Careful\nmessage = Call\n  now.\n"
        "[rule both]\nkind = warn\nmatch =\n  red* | blue\n  | green\n  car\n"
    )
    assert notices("a reddish car", table) == [
        {"kind": "warn", "title": "Careful", "message": "Call now."}
    ]
    assert notices("a green car", table) and not notices("a green bus", table)
    assert not notices("a redcar", parse_rules("[notice w]\ntitle=t\nmessage=m\n"))
    with pytest.raises(ValueError, match="no notice"):
        parse_rules("[rule x]\nkind = missing\nmatch = a\n")
    with pytest.raises(ValueError, match="unknown section"):
        parse_rules("[rules x]\nkind = a\n")
