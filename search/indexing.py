"""Builds: a fresh index in ``<root>/builds/<id>/``, switched in atomically.

The serving index is whatever ``<root>/current`` (a symlink) points at. A build writes into a
``.partial`` directory, renames it when complete and then replaces the symlink with
``os.replace``, so readers see either the old build or the new one, never a half-written one;
a failed or interrupted build leaves ``current`` untouched. A lock file keeps to one writer.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search import sentences
from search.analysis import normalise_key, terms
from search.corpus import Article, Problem, discover, read_file
from search.postings import POSTING_FIELDS, PostingsWriter
from search.schema import SCHEMA_VERSION, build_schema
from search.vocabulary import Vocabulary

log = logging.getLogger(__name__)

CURRENT = "current"
BUILDS = "builds"
MANIFEST = "build.json"
FOCI = "foci.json"
PARTIAL = ".partial"
# The build being served and the one before it are kept: a reader that opened the previous
# build a moment before the switch can finish its work.
KEEP_BUILDS = 2


class BuildError(Exception):
    """A build that could not produce an index; ``current`` was not changed."""


class BuildBusy(BuildError):
    """Another build holds the index's writer lock."""


@dataclass
class BuildReport:
    build_id: str = ""
    path: Path | None = None
    indexed: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    size_bytes: int = 0

    @property
    def docs_per_second(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0


def current_build(root: Path) -> Path | None:
    """The build directory being served, or None when there is none."""
    link = root / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the index's one-writer lock; refuse clearly when another build has it."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildBusy(
                f"{root / '.lock'} is held: a build is already running ({holder})"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)


def _document(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "focus": " | ".join((article.focus, *article.synonyms)),
        "_stored_focus": article.focus,
        "focus_key": normalise_key(article.focus),
        "source": article.source,
        "qtype": article.qtype,
        "url": article.url,
        "synonyms": list(article.synonyms),
        "related": list(article.related),
    }


def _directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _switch(root: Path, build: Path) -> None:
    link = root / f".{CURRENT}-{build.name}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(BUILDS) / build.name)
    link.replace(root / CURRENT)  # rename(2): atomic, readers see the old or the new link


def _clean_up(root: Path) -> None:
    """Remove partial builds and temporary links left by interrupted builds (only the lock
    holder calls this) and all but the newest builds."""
    for link in root.glob(f".{CURRENT}-*"):
        if link.is_symlink():
            link.unlink(missing_ok=True)
    builds = root / BUILDS
    serving = current_build(root)
    complete = []
    for entry in sorted(builds.iterdir()):
        if entry.name.endswith(PARTIAL):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_dir():
            complete.append(entry)
    for old in complete[:-KEEP_BUILDS]:
        if serving is None or old.resolve() != serving:
            shutil.rmtree(old, ignore_errors=True)


def build(
    paths: Sequence[Path],
    root: Path,
    fmt: str | None = None,
    strict: bool = False,
    progress: Callable[[list[Path]], Iterator[Path]] | None = None,
) -> BuildReport:
    """Index ``paths`` into a new build under ``root`` and switch to it.

    ``progress`` wraps the list of files being read (a progress bar). Raises ``BuildError``
    when nothing could be indexed, or on the first malformed record when ``strict``; in both
    cases nothing is switched.
    """
    files = discover(paths, fmt)
    started = time.perf_counter()
    with writer_lock(root):
        (root / BUILDS).mkdir(exist_ok=True)
        _clean_up(root)
        # Sortable by time (to the microsecond), so clean-up knows which builds are newest.
        build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)
        partial = root / BUILDS / (build_id + PARTIAL)
        partial.mkdir()
        try:
            report = _write(files, partial, strict, progress)
            report.build_id = build_id
            final = root / BUILDS / build_id
            report.seconds = time.perf_counter() - started
            report.size_bytes = _directory_size(partial)
            _write_manifest(partial, report)
            partial.rename(final)
            _switch(root, final)
            report.path = final
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        _clean_up(root)
    log.info(
        "build switched in",
        extra={"build": build_id, "indexed": report.indexed, "seconds": report.seconds},
    )
    return report


def _write(
    files: list[tuple[Path, Path, str]],
    directory: Path,
    strict: bool,
    progress: Callable[[list[Path]], Iterator[Path]] | None,
) -> BuildReport:
    report = BuildReport()
    index = whoosh_index.create_in(str(directory), build_schema())
    writer = index.writer(limitmb=256)
    seen: dict[str, str] = {}
    bodies: list[str] = []
    # focus key → the names it goes by (focus names and synonyms), for question understanding.
    foci: dict[str, dict[str, None]] = {}
    vocabulary = Vocabulary()
    postings = PostingsWriter()
    by_path = {file: (root, kind) for file, root, kind in files}
    ordered = [file for file, _, _ in files]
    try:
        for file in progress(ordered) if progress else ordered:
            root, kind = by_path[file]
            for item in read_file(file, root, kind):
                if isinstance(item, Article) and item.id in seen:
                    first = seen[item.id]
                    item = Problem(str(file), None, f"duplicate id {item.id!r} (first in {first})")
                if isinstance(item, Problem):
                    if not item.malformed:
                        report.skipped[item.reason] += 1
                    elif strict:
                        raise BuildError(f"{item} (--strict stops at the first problem)")
                    else:
                        report.problems.append(item)
                    continue
                seen[item.id] = str(file)
                document = _document(item)
                writer.add_document(**document)
                postings.add(document, {f: terms(document[f]) for f in POSTING_FIELDS})
                bodies.append(item.body)
                if document["focus_key"]:
                    names = foci.setdefault(document["focus_key"], {})
                    names.update(dict.fromkeys((item.focus, *item.synonyms)))
                vocabulary.add(item)
                report.indexed += 1
        if report.indexed == 0:
            first = f": {report.problems[0]}" if report.problems else ""
            raise BuildError(f"nothing could be indexed{first}")
        sentences.save(sentences.train(sentences.sample(bodies)), directory)
        save_foci({key: list(names) for key, names in foci.items()}, directory)
        vocabulary.save(directory)
        postings.save(directory)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return report


def _write_manifest(directory: Path, report: BuildReport) -> None:
    manifest = {
        "build": report.build_id,
        "schema_version": SCHEMA_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": report.indexed,
        "skipped": {"malformed": len(report.problems), **report.skipped},
        "seconds": round(report.seconds, 3),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def save_foci(foci: dict[str, list[str]], directory: Path) -> None:
    (directory / FOCI).write_text(json.dumps(foci, ensure_ascii=False), encoding="utf-8")


def read_foci(build_dir: Path) -> dict[str, list[str]]:
    path = build_dir / FOCI
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def read_manifest(build_dir: Path) -> dict[str, Any]:
    path = build_dir / MANIFEST
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}
