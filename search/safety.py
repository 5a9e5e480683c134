"""Emergency and crisis notices: "call now" messages shown above the results of a question.

A small, conservative, data-driven detector: the rules and the wording of the notices live in
``search/data/emergency.txt`` (reviewed text, no code). A rule fires when the question's words
contain a phrase of each of its groups — "chest pain" *and* "can't breathe" — so a topic alone
("chest pain after exercise") does not. Matching is on lower-case words, so punctuation, case
and apostrophes do not matter.
"""

from __future__ import annotations

import configparser
import functools
import re
from dataclasses import dataclass
from importlib import resources

DATA = "emergency.txt"
# Shown first when both fire: the crisis notice also names the emergency number.
KIND_ORDER = ("crisis", "emergency")


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    groups: tuple[re.Pattern[str], ...]
    ignore: re.Pattern[str] | None


@dataclass(frozen=True)
class Rules:
    notices: dict[str, dict[str, str]]
    rules: tuple[Rule, ...]


# Trigger phrases split on apostrophes, as emergency.txt documents ("can't" is written "can t"),
# so these are not the folded words of search.analysis.
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _normalise(text: str) -> str:
    """The text as its lower-case words joined by single spaces, with a space at each end."""
    return " " + " ".join(words(text)) + " "


def _phrase(phrase: str) -> str:
    """A regular expression for one phrase over normalised text; ``word*`` is a word prefix."""
    parts: list[str] = []
    for token in phrase.lower().split():
        pieces = [re.escape(w) for w in words(token)]
        if token.endswith("*") and pieces:
            pieces[-1] += r"\w*"
        parts.extend(pieces)
    if not parts:
        raise ValueError(f"phrase {phrase!r} has no words")
    return " ".join(parts)


def _group(phrases: list[str]) -> re.Pattern[str]:
    """Any of the phrases, as whole words (the normalised text has a space at each end)."""
    alternatives = "|".join(_phrase(p) for p in phrases if p.strip())
    return re.compile(f"(?<= )(?:{alternatives})(?= )")


def _groups(value: str) -> list[list[str]]:
    """Groups of phrases: a line starting with ``|`` continues the group above it."""
    groups: list[list[str]] = []
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        phrases = [p.strip() for p in line.split("|")]
        if line.startswith("|") and groups:
            groups[-1].extend(phrases[1:])
        else:
            groups.append(phrases)
    return groups


def parse_rules(text: str, source: str = DATA) -> Rules:
    """Rules and notices from the text of an emergency file; ValueError names a bad section."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text, source=source)
    notices: dict[str, dict[str, str]] = {}
    rules: list[Rule] = []
    for section in parser.sections():
        what, _, name = section.partition(" ")
        values = parser[section]
        if what == "notice":
            notices[name] = {
                "kind": name,
                "title": " ".join(values["title"].split()),
                "message": " ".join(values["message"].split()),
            }
        elif what == "rule":
            groups = _groups(values.get("match", ""))
            if not groups:
                raise ValueError(f"{source}: [{section}] has no phrases to match")
            ignore = _groups(values.get("ignore", ""))
            rules.append(
                Rule(
                    name=name,
                    kind=values["kind"].strip(),
                    groups=tuple(_group(g) for g in groups),
                    ignore=_group([p for g in ignore for p in g]) if ignore else None,
                )
            )
        else:
            raise ValueError(f"{source}: unknown section [{section}]")
    for rule in rules:
        if rule.kind not in notices:
            raise ValueError(f"{source}: [rule {rule.name}] has kind {rule.kind!r} with no notice")
    return Rules(notices, tuple(rules))


@functools.cache
def rules() -> Rules:
    """The reviewed rules in ``search/data/emergency.txt``, read once."""
    text = resources.files("search.data").joinpath(DATA).read_text(encoding="utf-8")
    return parse_rules(text)


def _fires(rule: Rule, text: str) -> bool:
    if rule.ignore is not None:
        text = rule.ignore.sub(" ", text)
    return all(group.search(text) for group in rule.groups)


def notices(text: str, table: Rules | None = None) -> list[dict[str, str]]:
    """The notices a question calls for (``kind``, ``title``, ``message``), crisis first.

    Empty for almost every question; one notice per kind however many rules fire.
    """
    table = table or rules()
    normalised = _normalise(text)
    kinds = {rule.kind for rule in table.rules if _fires(rule, normalised)}
    ordered = sorted(kinds, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))
    return [dict(table.notices[kind]) for kind in ordered]
