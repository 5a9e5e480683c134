"""Article pages: ``.txt``, ``.md`` and ``.html`` files, one article each.

A page is a title and a body. Scraped pages carry site furniture that must not be indexed: the
title repeated at the top, navigation lines ("<<: previous article", ">>: next article") and a
trailing "Recommend" list of teasers. Markdown pages may start with YAML front matter giving
``id``, ``focus``, ``qtype``, ``synonyms``, ``related``, ``url`` and ``source``. HTML goes
through trafilatura, which finds the main content far more reliably than hand-written rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from search.corpus.records import Article, Problem, from_mapping

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_NAVIGATION = re.compile(r"^\s*(<<|>>)\s*:")
_TEASER_HEADING = re.compile(
    r"^\s*(recommend(ed)?|recommended (articles|reading)|related articles|you may also like)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
# A teaser list is short lines: titles and cut-off openings ("Early detection of ova...").
_TEASER_MAX = 120
_HEADING_MARK = re.compile(r"^\s*#+\s*")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _same_title(line: str, title: str) -> bool:
    return _HEADING_MARK.sub("", line).strip().casefold() == title.strip().casefold()


def _cut_teasers(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _TEASER_HEADING.match(line):
            rest = [x for x in lines[i + 1 :] if x.strip()]
            if all(len(x.strip()) <= _TEASER_MAX or x.rstrip().endswith("...") for x in rest):
                return lines[:i]
    return lines


def clean_page(text: str, title: str = "") -> tuple[str, str]:
    """Title and body of a page's text, with the site's furniture removed.

    ``title`` is used when known (front matter, HTML metadata); otherwise the first non-empty
    line is the title. Copies of the title at the top of the body are dropped, as are
    navigation lines and a trailing block of teasers.
    """
    lines = [line.rstrip() for line in text.splitlines() if not _NAVIGATION.match(line)]
    lines = _cut_teasers(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not title and lines:
        title = _HEADING_MARK.sub("", lines[0]).strip()
    while lines and (not lines[0].strip() or _same_title(lines[0], title)):
        lines.pop(0)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return title.strip(), body


def _page_id(file: Path, root: Path) -> str:
    stem = file.relative_to(root).with_suffix("").as_posix()
    return _ID_UNSAFE.sub("-", stem.replace("/", "--")).strip("-") or "page"


class _PageError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _front_matter(raw: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for the "---" line, +1 as 0-based
        raise _PageError(f"invalid front matter: {getattr(exc, 'problem', exc)}", line) from exc
    if not isinstance(meta, dict):
        raise _PageError("front matter must be a mapping of names to values", 2)
    return meta, raw[match.end() :]


def _html_text(raw: str) -> tuple[str, str]:
    # Imported here: the engine (and every web worker) imports the loaders but never reads HTML,
    # and trafilatura with lxml and its helpers takes 80 ms and some MB to import.
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if doc is None:
        return "", ""
    fields = doc if isinstance(doc, dict) else doc.as_dict()
    return str(fields.get("title") or ""), str(fields.get("text") or "")


def read(file: Path, root: Path) -> Iterator[Article | Problem]:
    raw = file.read_text(encoding="utf-8")
    try:
        if file.suffix.lower() in (".html", ".htm"):
            meta: dict[str, Any] = {}
            title, text = _html_text(raw)
        else:
            meta, text = _front_matter(raw)
            title = str(meta.get("title") or "")
        title, body = clean_page(text, title)
        if not title:
            raise ValueError("no title")
        if not body:
            raise ValueError("no body text")
        yield from_mapping(
            {"id": _page_id(file, root), **meta, "title": title, "body": body},
            default_source=root.name,
        )
    except ValueError as exc:
        yield Problem(str(file), getattr(exc, "line", None), str(exc))
