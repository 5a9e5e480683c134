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
import functools
import gc
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
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from search import sentences
from search.analysis import SurfaceForms
from search.corpus import Problem, discover
from search.postings import PostingsWriter
from search.schema import SCHEMA_VERSION, build_schema
from search.segments import INDEX_NAME, write_toc
from search.shares import (
    Listing,
    Relay,
    ShareResult,
    Step,
    Worker,
    WorkerError,
    article,
    articles,
    brief,
    index,
    kept_freed_memory,
    read,
    start_call,
    start_share,
    workers,
)
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
    # Where the time went: seconds from the start of writing to the end of each phase
    # ("read", "index", "finish"), and CPU seconds per task, summed over processes.
    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

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
    procs: int | None = None,
) -> BuildReport:
    """Index ``paths`` into a new build under ``root`` and switch to it.

    ``progress`` wraps the list of files being read (a progress bar). Raises ``BuildError``
    when nothing could be indexed, or on the first malformed record when ``strict``; in both
    cases nothing is switched. ``procs``: how many processes read and index (default: two
    for a corpus of several files and ``PARALLEL_MIN_BYTES`` or more, on two cores or more).
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
            report = _write(files, partial, strict, progress, procs)
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


# Below this much text a build is read and indexed in this process: two workers save at
# most half of a build that takes about a second here, and starting them, passing briefs,
# plans and results between processes and merging them costs about a tenth of a second.
PARALLEL_MIN_BYTES = 4_000_000
# What indexing an article costs beyond its characters (stored fields, per-document
# columns), in characters' worth: for splitting the indexing work evenly.
ARTICLE_COST = 400


def _sizes(files: list[tuple[Path, Path, str]]) -> list[int]:
    sizes = []
    for file, _, _ in files:
        try:
            sizes.append(file.stat().st_size)
        except OSError:
            sizes.append(0)  # read_file reports it
    return sizes


def _shares(
    files: list[tuple[Path, Path, str]], sizes: list[int], procs: int
) -> list[list[tuple[Path, Path, str]]]:
    """``files`` cut into ``procs`` contiguous runs of about equal size, for reading."""
    total = sum(sizes) or 1
    shares: list[list[tuple[Path, Path, str]]] = [[] for _ in range(procs)]
    done = 0
    for entry, size in zip(files, sizes, strict=True):
        shares[min(procs - 1, int((done + size / 2) * procs // total))].append(entry)
        done += size
    return shares


def _procs(sizes: list[int], procs: int | None) -> int:
    if procs is not None:
        return max(1, procs)
    if (os.cpu_count() or 1) < 2:
        return 1
    return 2 if sum(sizes) >= PARALLEL_MIN_BYTES else 1


def _write(
    files: list[tuple[Path, Path, str]],
    directory: Path,
    strict: bool,
    progress: Callable[[list[Path]], Iterator[Path]] | None,
    procs: int | None = None,
) -> BuildReport:
    """Read and index ``files`` into ``directory``: here, or in worker processes
    (``search.shares``) that each read a share of the files, then index a part of the
    articles into a segment of their own while another trains Punkt."""
    # A build makes millions of objects and no reference cycles: the cyclic collector would
    # only rescan the growing heap, again and again (about a tenth of the build's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with kept_freed_memory():
            return _write_all(files, directory, strict, progress, procs)
    finally:
        if collecting:
            gc.enable()


def _write_all(
    files: list[tuple[Path, Path, str]],
    directory: Path,
    strict: bool,
    progress: Callable[[list[Path]], Iterator[Path]] | None,
    procs: int | None,
) -> BuildReport:
    report = BuildReport()
    started, cpu_started = time.perf_counter(), time.process_time()
    schema = build_schema()
    whoosh_index.create_in(str(directory), schema)
    ordered = [file for file, _, _ in files]
    steps = iter(progress(ordered)) if progress else iter(ordered)
    sizes = _sizes(files)
    count = _procs(sizes, procs)

    def tick(files: int) -> None:
        for _ in range(files):
            next(steps, None)

    if count == 1:
        items = read(files)
        (kept,) = _check([brief(items)], report, strict)
        report.cpu["read"] = time.process_time() - cpu_started
        report.phases["read"] = time.perf_counter() - started
        (sample,) = _sample([kept])
        bodies = [article(items, *where).body for where in sample]
        params, report.cpu["punkt"] = _train(bodies)
        (plan,) = _split([kept], 1)
        results = [index(articles(items, plan), directory, tick)]
        _save_analysed(results, directory)
    else:
        try:
            results, params = _write_parallel(
                _shares(files, sizes, count), directory, report, strict, tick, started
            )
        except WorkerError as exc:
            raise BuildError(str(exc)) from exc
    report.phases["index"] = time.perf_counter() - started
    for _ in steps:  # the progress display ends complete
        pass
    _finish(results, directory, schema, params)
    report.phases["finish"] = time.perf_counter() - started
    for result in results:
        for task, seconds in result.cpu.items():
            report.cpu[task] = report.cpu.get(task, 0.0) + seconds
    builder = time.process_time() - cpu_started
    if count == 1:  # all in this process
        builder -= sum(report.cpu.values())
    report.cpu["builder"] = builder
    return report


def _write_parallel(
    shares: list[list[tuple[Path, Path, str]]],
    directory: Path,
    report: BuildReport,
    strict: bool,
    tick: Callable[[int], None],
    started: float,
) -> tuple[list[ShareResult], dict[str, Any]]:
    """One worker per share reads it and sends a brief of what it found (ids and lengths).
    Once duplicates and problems are settled here, each worker gets a plan: its part of the
    articles (contiguous, about equal work, mostly ones it read; the others pass through
    here), and the bodies to send for Punkt's sample, which another worker trains on while
    the articles are indexed."""
    with workers() as start:
        running = [start_share(start, share, directory) for share in shares]
        trainer = start_call(start, _train)
        listings = [worker.receive()[1] for worker in running]
        report.phases["read"] = time.perf_counter() - started
        kept = _check(listings, report, strict)
        plans = _split(kept, len(running))
        samples = _sample(kept)
        for number, (worker, steps) in enumerate(zip(running, plans, strict=True)):
            wanted: dict[int, list[tuple[int, list[int]]]] = {}
            for target, theirs in enumerate(plans):
                for _, source, file, numbers in theirs:
                    if source == number and target != number:
                        wanted.setdefault(target, []).append((file, numbers))
            worker.connection.send(("index", (number, steps, wanted, samples[number])))
        bodies: dict[int, list[str]] = {}

        def sampled(number: int, found: list[str]) -> None:
            bodies[number] = found
            if len(bodies) == len(running):
                sample = [body for n in range(len(running)) for body in bodies[n]]
                trainer.connection.send(("call", sample))

        results = _collect(
            running, tick, sampled, functools.partial(_save_analysed, directory=directory)
        )
        params, report.cpu["punkt"] = trainer.receive()[1]
    return results, params


def _train(sample: list[str]) -> tuple[dict[str, Any], float]:
    """Punkt's parameters learned from ``sample``, and the CPU seconds that took."""
    started = time.process_time()
    params = sentences.train(sample)
    return params, time.process_time() - started


# What _check keeps, per share, per file: (article number in the file, body length, cost).
Kept = list[list[list[tuple[int, int, int]]]]


def _check(listings: list[Listing], report: BuildReport, strict: bool) -> Kept:
    """Go through what was read, in corpus order: count skips, report problems (``strict``:
    raise at the first) and duplicate ids (the first is kept). Returns, per share and file,
    the articles to index."""
    seen: dict[str, str] = {}
    kept: Kept = []
    for listing in listings:
        share: list[list[tuple[int, int, int]]] = []
        for file, items in listing:
            chosen: list[tuple[int, int, int]] = []
            for number, item in enumerate(items):
                if isinstance(item, tuple) and item[0] in seen:
                    first = seen[item[0]]
                    item = Problem(file, None, f"duplicate id {item[0]!r} (first in {first})")
                if isinstance(item, Problem):
                    if not item.malformed:
                        report.skipped[item.reason] += 1
                    elif strict:
                        raise BuildError(f"{item} (--strict stops at the first problem)")
                    else:
                        report.problems.append(item)
                    continue
                seen[item[0]] = file
                chosen.append((number, item[1], item[1] + item[2] + ARTICLE_COST))
            report.indexed += len(chosen)
            share.append(chosen)
        kept.append(share)
    if report.indexed == 0:
        first = f": {report.problems[0]}" if report.problems else ""
        raise BuildError(f"nothing could be indexed{first}")
    return kept


def _sample(kept: Kept) -> list[list[tuple[int, int]]]:
    """Per share, the (file, article number) of the bodies in Punkt's training sample:
    ``sentences.sample`` of all the bodies to index, in corpus order."""
    total = sum(length for share in kept for file in share for _, length, _ in file)
    stride = sentences.stride(total)
    chosen: list[list[tuple[int, int]]] = []
    position = 0
    for share in kept:
        mine = []
        for file_number, file in enumerate(share):
            for number, _, _ in file:
                if position % stride == 0:
                    mine.append((file_number, number))
                position += 1
        chosen.append(mine)
    return chosen


def _split(kept: Kept, parts: int) -> list[list[Step]]:
    """The articles to index cut into ``parts`` contiguous runs of about equal work, as the
    workers' plans. A file cut in two ends in the second run, and only there counts as done."""
    total = sum(cost for share in kept for file in share for _, _, cost in file) or 1
    runs: list[list[Step]] = [[] for _ in range(parts)]
    done = 0
    for source, share in enumerate(kept):
        for file_number, file in enumerate(share):
            numbers: list[int] = []
            current = min(parts - 1, done * parts // total)
            for number, _, cost in file:
                at = min(parts - 1, (done + cost // 2) * parts // total)
                if at != current:
                    runs[current].append((False, source, file_number, numbers))
                    numbers, current = [], at
                numbers.append(number)
                done += cost
            runs[current].append((True, source, file_number, numbers))
    return runs


def _collect(
    running: list[Worker],
    tick: Callable[[int], None],
    sampled: Callable[[int, list[str]], None],
    analysed: Callable[[list[ShareResult]], None],
) -> list[ShareResult]:
    """Run the index phase from here: pass progress on, articles between workers and the
    sample to ``sampled``; once all have analysed their articles, ``analysed`` saves what
    they found while they write their segments. Returns the results in corpus order."""
    results: dict[int, ShareResult] = {}
    by_connection = {id(worker.connection): number for number, worker in enumerate(running)}
    waiting = [worker.connection for worker in running]
    relay = Relay()
    try:
        while waiting:
            for ready in wait(waiting):
                number = by_connection[id(ready)]
                kind, value = running[number].receive()
                if kind == "tick":
                    tick(value)
                elif kind == "sample":
                    sampled(number, value)
                elif kind == "export":
                    target, lists = value
                    relay.send(running[target], ("given", (number, lists)))
                elif kind == "analysed":
                    results[number] = value
                    if len(results) == len(running):
                        analysed([results[n] for n in range(len(running))])
                elif kind == "done":
                    segment, seconds = value
                    results[number].segment = segment
                    results[number].cpu["index"] += seconds
                    waiting.remove(ready)  # type: ignore[arg-type]
    except BaseException:
        relay.close(wait=False)  # its threads end when the workers are stopped
        raise
    relay.close()
    return [results[number] for number in range(len(running))]


def _save_analysed(results: list[ShareResult], directory: Path) -> None:
    """Join what the shares found (in corpus order) and save it: the numpy postings, the
    tokens' forms, the foci and the vocabulary."""
    first, *others = results
    for other in others:
        first.postings.extend(other.postings)
        first.vocabulary.words.update(other.vocabulary.words)
        first.vocabulary.foci.update(other.vocabulary.foci)
        for title, focus in other.vocabulary.titles.items():
            first.vocabulary.titles.setdefault(title, focus)
        for key, names in other.foci.items():
            first.foci.setdefault(key, {}).update(names)
        first.tokens.update(other.tokens)
    terms = first.postings.save(directory)
    SurfaceForms.of_tokens(first.tokens, terms["body"]).save(directory)
    save_foci({key: list(names) for key, names in first.foci.items()}, directory)
    first.vocabulary.save(directory)
    # Nothing is needed from them after this; the builder process stays small.
    for result in results:
        result.postings = PostingsWriter()
        result.vocabulary = Vocabulary()
        result.foci = {}
        result.tokens = {}


def _finish(
    results: list[ShareResult], directory: Path, schema: Any, params: dict[str, Any]
) -> None:
    """List the shares' segments (in corpus order) as the index, and save Punkt's parameters."""
    segments = [result.segment for result in results if result.segment is not None]
    write_toc(FileStorage(str(directory)), schema, segments)
    # Whoosh's per-document writers keep temporary files here; a commit removes the folder.
    shutil.rmtree(directory / f"{INDEX_NAME}.tmp", ignore_errors=True)
    sentences.save(params, directory)


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
