"""The record types every loader yields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Ids appear in URLs and logs: printable, no white space, bounded.
_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,200}")


@dataclass(frozen=True, slots=True)
class Article:
    """One question-and-answer article, whatever format it came from."""

    id: str
    title: str
    body: str
    url: str = ""
    source: str = ""
    focus: str = ""
    qtype: str = ""
    synonyms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[Article], tuple[Any, ...]]:
        # Pickled as its fields: a slots dataclass's default state handling looks its fields
        # up anew for every record (a build passes tens of thousands between processes).
        return Article, (
            self.id,
            self.title,
            self.body,
            self.url,
            self.source,
            self.focus,
            self.qtype,
            self.synonyms,
            self.related,
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """A record or file that was skipped, with where and why.

    ``malformed`` is False for records that are well-formed but have nothing to index (such as
    MedQuAD pairs whose answers were removed for copyright): those are counted, not errors.
    """

    path: str
    line: int | None
    reason: str
    malformed: bool = True

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"

    def __reduce__(self) -> tuple[type[Problem], tuple[Any, ...]]:
        return Problem, (self.path, self.line, self.reason, self.malformed)


def _text(obj: dict[str, Any], *names: str, required: bool = False) -> str:
    for name in names:
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f'"{name}" must be a string, not {type(value).__name__}')
        if value.strip():
            return value.strip()
    if required:
        raise ValueError(f"missing {' or '.join(repr(n) for n in names)}")
    return ""


def _strings(obj: dict[str, Any], name: str) -> tuple[str, ...]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{name}" must be a list of strings')
    return tuple(v.strip() for v in value if v.strip())


def from_mapping(obj: Any, default_source: str) -> Article:
    """A mapping (a JSON line, a page's front matter) as an ``Article``.

    The one place where record fields are validated; raises ``ValueError`` saying what is wrong.
    """
    if not isinstance(obj, dict):
        raise ValueError(f"expected an object, got {type(obj).__name__}")
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise ValueError('"id" must be a string')
    article_id = str(raw_id)
    if not _ID.fullmatch(article_id):
        raise ValueError(
            f'"id" {article_id[:40]!r}: 1-200 characters, no spaces or control characters'
        )
    return Article(
        id=article_id,
        title=_text(obj, "question", "title", required=True),
        body=_text(obj, "answer", "body", required=True),
        url=_text(obj, "url"),
        source=_text(obj, "source") or default_source,
        focus=_text(obj, "focus"),
        qtype=_text(obj, "qtype").lower(),
        synonyms=_strings(obj, "synonyms"),
        related=_strings(obj, "related"),
    )
