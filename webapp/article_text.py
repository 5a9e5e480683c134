"""An article's answer as blocks for the page: paragraphs, lists and headings.

Bodies are plain text or Markdown-ish. Structure comes only from line patterns — a line
starting with ``- `` (or ``* ``, ``•``) is a bullet, ``1.`` or ``1)`` a numbered item, ``#`` a
heading, an indented line after an item continues it, any other line is a paragraph — and the
text of every block stays text: the template escapes it like everything else. No markup in a
body ever reaches the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

BULLET = re.compile(r"[-*•]\s+(?P<text>\S.*)")
NUMBERED = re.compile(r"(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)")
HEADING = re.compile(r"#{1,6}\s+(?P<text>\S.*?)\s*#*")
SCHEMES = ("http", "https")

Kind = Literal["paragraph", "heading", "bullets", "numbers"]


@dataclass
class Block:
    kind: Kind
    items: list[str] = field(default_factory=list)
    # The number of a numbered list's first item.
    start: int = 1

    @property
    def text(self) -> str:
        """A paragraph's or heading's text."""
        return self.items[0] if self.items else ""


def blocks(body: str) -> list[Block]:
    """The body's paragraphs, headings and lists, in order.

    Each line of text is a paragraph of its own (plain-text answers such as MedQuAD's put one
    paragraph on each line); consecutive list lines make one list.
    """
    found: list[Block] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        last = found[-1] if found else None
        item = _list_item(line)
        if item is not None:
            kind, text, number = item
            if last is not None and last.kind == kind:
                last.items.append(text)
            else:
                found.append(Block(kind, [text], start=number))
        elif raw[:1].isspace() and last is not None and last.kind in ("bullets", "numbers"):
            last.items[-1] = f"{last.items[-1]} {line}"  # an indented continuation line
        elif heading := HEADING.fullmatch(line):
            found.append(Block("heading", [heading["text"]]))
        else:
            found.append(Block("paragraph", [line]))
    return found


def _list_item(line: str) -> tuple[Kind, str, int] | None:
    if bullet := BULLET.fullmatch(line):
        return "bullets", bullet["text"], 1
    if numbered := NUMBERED.fullmatch(line):
        return "numbers", numbered["text"], int(numbered["number"])
    return None


@dataclass(frozen=True)
class Link:
    url: str
    host: str


def original_link(url: str) -> Link | None:
    """A link to the article's original page: http and https addresses with a host only."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return None
    return Link(url, parts.hostname.removeprefix("www."))
