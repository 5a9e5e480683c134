"""JSON Lines: one article object per line.

Fields: ``id``; ``question`` or ``title``; ``answer`` or ``body``; optional ``url``, ``source``,
``focus``, ``qtype``, ``synonyms`` and ``related`` (lists of strings). Given ids are kept
exactly; a line that breaks a rule is reported with its line number and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from search.corpus.records import Article, Problem, from_mapping


def read(file: Path, root: Path) -> Iterator[Article | Problem]:
    with file.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield from_mapping(json.loads(line), default_source=file.stem)
            except json.JSONDecodeError as exc:
                yield Problem(str(file), number, f"invalid JSON at column {exc.colno}: {exc.msg}")
            except ValueError as exc:
                yield Problem(str(file), number, str(exc))
