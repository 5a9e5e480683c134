"""Corpus loaders: every source format becomes a stream of ``Article`` records.

Each format has one module with a ``read(path, root)`` generator that yields ``Article`` for
good records and ``Problem`` for what it had to skip, so a build can report every skipped
record with its file and line instead of crashing or dropping it silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path

from search.corpus import jsonl, medquad, pages
from search.corpus.records import Article, Problem

__all__ = ["FORMATS", "Article", "Problem", "discover", "read_file", "starter_path"]

Reader = Callable[[Path, Path], Iterator[Article | Problem]]

FORMATS: dict[str, Reader] = {
    "medquad": medquad.read,
    "jsonl": jsonl.read,
    "pages": pages.read,
}

SUFFIXES: dict[str, tuple[str, ...]] = {
    "medquad": (".xml",),
    "jsonl": (".jsonl", ".ndjson"),
    "pages": pages.SUFFIXES,
}
_FORMAT_BY_SUFFIX = {suffix: fmt for fmt, suffixes in SUFFIXES.items() for suffix in suffixes}


def starter_path() -> Path:
    """The starter corpus shipped inside the package (demonstration content)."""
    return Path(str(resources.files("search.corpus").joinpath("starter")))


def _visible(path: Path, root: Path) -> bool:
    # Hidden files and files starting with "_" (notes such as the starter's _ABOUT.md) are
    # not articles.
    return not any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def _visible_files(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` that ``_visible`` keeps, as ``rglob("*")`` + ``is_file`` finds
    them (symbolic links to folders are not followed, to files they are), but without a
    ``stat`` per file or walking hidden folders only to drop what is in them."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _visible_files(folder / entry.name)
            elif entry.is_file():
                yield folder / entry.name


def discover(paths: Iterable[Path], fmt: str | None = None) -> list[tuple[Path, Path, str]]:
    """The files to read as (file, root, format), in a stable order.

    A file's format comes from its suffix. A directory has one format, the first of MedQuAD
    XML, JSON Lines and pages that its files have (so MedQuAD's readme.txt is not taken for an
    article), and is walked recursively for files of that format. ``fmt`` overrides both.
    """
    found: list[tuple[Path, Path, str]] = []
    for given in paths:
        if given.is_dir():
            # By parts, as paths sort (without a Python-level comparison per pair).
            files = sorted(_visible_files(given), key=lambda path: path.parts)
            present = {p.suffix.lower() for p in files}
            kind = fmt or next(
                (name for name, suffixes in SUFFIXES.items() if present.intersection(suffixes)),
                "pages",
            )
            found.extend((f, given, kind) for f in files if f.suffix.lower() in SUFFIXES[kind])
        elif given.is_file():
            named = fmt or _FORMAT_BY_SUFFIX.get(given.suffix.lower())
            if named is None:
                raise ValueError(
                    f"{given}: unknown format; use --format with one of {', '.join(FORMATS)}"
                )
            found.append((given, given.parent, named))
        else:
            raise FileNotFoundError(f"{given}: no such file or directory")
    return found


def read_file(file: Path, root: Path, fmt: str) -> Iterator[Article | Problem]:
    """Read one file; an unreadable file becomes a ``Problem``, never an exception."""
    try:
        yield from FORMATS[fmt](file, root)
    except OSError as exc:
        yield Problem(str(file), None, f"cannot read file: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        yield Problem(str(file), None, f"not UTF-8 text (byte {exc.start})")
