"""The work of a build's processes: read a share of the files, index a part of the articles.

A big build runs two worker processes (``search.indexing`` decides and plans). Each reads a
contiguous share of the files (about equal size) and sends the builder a brief: ids, lengths
and problems. Whether an article is a duplicate depends on every file before it, in the other
share too, so the builder settles that, then sends each worker a plan: a contiguous part of
the articles of about equal indexing work (mostly ones it read; the others it is passed), and
which bodies to send for Punkt's training sample. Each worker analyses its articles, writes
its own Whoosh segment (``search.segments``) and sends back its numpy postings, vocabulary and
foci. A small build does the same in one process (``read``, ``articles``, ``index``).

Worker processes are forked (they start in milliseconds, with everything imported), ignore
Ctrl-C (the builder stops them) and die with the builder: Linux kills them when it exits,
however it exits (``PR_SET_PDEATHSIG``), so a ``kill -9`` of a build leaves no worker
writing into the abandoned ``.partial`` folder or holding the writer lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from whoosh.filedb.filestore import FileStorage

from search.analysis import FastAnalyzer
from search.corpus import Article, Problem, read_file
from search.postings import POSTING_FIELDS, PostingsWriter
from search.schema import build_schema
from search.segments import SegmentBuilder
from search.vocabulary import Vocabulary

# What a share's files hold: (file, [each article or problem in it, in order]) per file.
Items = list[tuple[str, list[Article | Problem]]]
# What a worker tells the builder about them: each article as (id, length of its body,
# length of its other texts); problems as they are. Articles stay with the worker.
Brief = tuple[str, int, int]
Listing = list[tuple[str, list[Brief | Problem]]]
# A step of a worker's plan: (whether it ends its file, the share that read the file, the
# file's number in that share, the numbers of the articles in the file to index).
Step = tuple[bool, int, int, list[int]]
# Seconds between progress reports from a worker (a message per file would cost more).
TICK_SECONDS = 0.05


def document(article: Article, focus_key: str) -> dict[str, Any]:
    """The fields of ``article`` as the index stores them (``focus_key``: its focus's terms)."""
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "focus": " | ".join((article.focus, *article.synonyms)),
        "_stored_focus": article.focus,
        "focus_key": focus_key,
        "source": article.source,
        "qtype": article.qtype,
        "url": article.url,
        "synonyms": list(article.synonyms),
        "related": list(article.related),
    }


@dataclass
class ShareResult:
    """What indexing a share produced; pickled back from a worker."""

    segment: Any = None
    indexed: int = 0
    postings: PostingsWriter = field(default_factory=PostingsWriter)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # focus key -> the names it goes by (focus names and synonyms), in order of appearance
    foci: dict[str, dict[str, None]] = field(default_factory=dict)
    # each token met, as written -> its term ("" for a stop word): ``SurfaceForms``
    tokens: dict[str, str] = field(default_factory=dict)
    # CPU seconds this worker spent reading and indexing
    cpu: dict[str, float] = field(default_factory=dict)


def read(files: list[tuple[Path, Path, str]]) -> Items:
    """What each file holds, in order: articles and problems."""
    return [(str(file), list(read_file(file, root, kind))) for file, root, kind in files]


def brief(items: Items) -> Listing:
    return [
        (
            file,
            [
                (i.id, len(i.body), len(i.title) + len(i.focus)) if isinstance(i, Article) else i
                for i in found
            ],
        )
        for file, found in items
    ]


def article(items: Items, file: int, number: int) -> Article:
    """Article ``number`` of file ``file`` of ``items`` (the builder asks only for articles)."""
    return cast(Article, items[file][1][number])


def articles(items: Items, steps: list[Step]) -> Iterator[tuple[bool, list[Article]]]:
    """The articles of ``steps``, all read by this process (into ``items``)."""
    for ends_file, _, file, numbers in steps:
        yield ends_file, [article(items, file, number) for number in numbers]


def index(
    groups: Iterable[tuple[bool, list[Article]]],
    directory: Path,
    tick: Callable[[int], None],
    on_analysed: Callable[[ShareResult], None] | None = None,
) -> ShareResult:
    """Index the articles of ``groups`` (a file's articles, or the first part of them) into a
    new segment in ``directory``; ``tick(1)`` after each group that ends a file. Once every
    article is analysed, and before the segment's postings are written, ``on_analysed`` gets the
    result so far (all but the segment): a worker sends it on, so the builder can save the
    numpy postings and the vocabulary while the workers write their segments."""
    started = time.process_time()
    analyzer = FastAnalyzer()
    # (the postings writer numbers terms as the analyzer does: the same list)
    result = ShareResult(postings=PostingsWriter(analyzer.names))
    builder = SegmentBuilder(FileStorage(str(directory)), build_schema())
    try:
        for ends_file, articles in groups:
            for article in articles:
                focus_key = " ".join(analyzer.terms(article.focus))
                doc = document(article, focus_key)
                numbers = {name: analyzer.numbers(doc[name]) for name in POSTING_FIELDS}
                builder.add(doc, numbers)
                result.postings.add(doc, numbers)
                if focus_key:
                    names = result.foci.setdefault(focus_key, {})
                    names.update(dict.fromkeys((article.focus, *article.synonyms)))
                result.vocabulary.add(article)
                result.indexed += 1
            if ends_file:
                tick(1)
        result.tokens = analyzer.tokens()
        if on_analysed:
            result.cpu["index"] = time.process_time() - started
            on_analysed(result)
            started = time.process_time()
    except BaseException:
        builder.cancel()
        raise
    if result.indexed:
        result.segment = builder.finish(result.postings)
    else:
        builder.cancel()
    result.cpu["index"] = result.cpu.get("index", 0.0) + time.process_time() - started
    return result


# -- worker processes ---------------------------------------------------------------------


def _die_with_parent(parent: int | None) -> None:
    """Be killed when the builder (``parent``, the process that forked this one) exits. A
    worker started by a fork server (``parent`` None) has that server for a parent: it
    notices the builder is gone when its pipe closes."""
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the builder died before the line above
        os._exit(1)


def _keep_freed_memory(keep: bool = True) -> None:
    """Have glibc's malloc serve big blocks from the heap and keep what is freed (``keep``),
    or go back to its default thresholds and give the kept memory back.

    By default a block of 128 kB or more is mapped fresh from the kernel and unmapped when
    freed, so its pages fault in anew each time. Each ``zlib.compress`` (a posting block, a
    document's stored fields: some 80,000 in a MedQuAD build) allocates about 270 kB of
    state: 60-80 microseconds each that way, 7 with the memory kept; the builder's NumPy
    temporaries (millions of postings) cost it a quarter of a second of page faults. The
    bytes written do not change. Workers keep memory until they end; the builder only while
    it builds (``kept_freed_memory``).
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None)
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 64 << 20 if keep else 128 << 10)
        libc.mallopt(m_trim_threshold, 256 << 20 if keep else 128 << 10)
        if not keep:
            libc.malloc_trim(0)


@contextlib.contextmanager
def kept_freed_memory() -> Iterator[None]:
    """``_keep_freed_memory`` for the block's duration (in the builder)."""
    _keep_freed_memory()
    try:
        yield
    finally:
        _keep_freed_memory(keep=False)


def _share_worker(
    connection: Connection,
    parent: int | None,
    files: list[tuple[Path, Path, str]],
    directory: Path,
) -> None:
    """Read ``files``; send the builder a brief of them; receive a plan. Send the bodies it
    samples for Punkt and the articles other workers are to index, then index the plan's
    articles, those of other shares as the builder passes them on."""
    _die_with_parent(parent)
    _keep_freed_memory()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # no cycles are made; collections would only rescan the growing heap
    try:
        items = read(files)
        connection.send(("read", brief(items)))
        reading = time.process_time()
        message, (share, steps, wanted, sample) = connection.recv()
        if message != "index":
            return
        connection.send(("sample", [article(items, *where).body for where in sample]))
        for target, parts in wanted.items():
            chosen = [[article(items, file, n) for n in numbers] for file, numbers in parts]
            connection.send(("export", (target, chosen)))
        pending = 0
        last = time.monotonic()

        def tick(files: int) -> None:
            nonlocal pending, last
            pending += files
            if time.monotonic() - last >= TICK_SECONDS:
                connection.send(("tick", pending))
                pending, last = 0, time.monotonic()

        given: dict[int, list[list[Article]]] = {}

        def resolved() -> Iterator[tuple[bool, list[Article]]]:
            for ends_file, source, file, numbers in steps:
                if source == share:
                    yield ends_file, [article(items, file, number) for number in numbers]
                    continue
                while not given.get(source):
                    _, (sender, lists) = connection.recv()  # ("given", ...)
                    given.setdefault(sender, []).extend(lists)
                yield ends_file, given[source].pop(0)

        sent: dict[str, float] = {}

        def analysed(result: ShareResult) -> None:
            nonlocal pending
            connection.send(("tick", pending))
            pending = 0
            result.cpu["read"] = reading
            sent.update(result.cpu)
            connection.send(("analysed", result))

        result = index(resolved(), directory, tick, analysed)
        # the segment, and the CPU seconds its writing took
        connection.send(("done", (result.segment, result.cpu["index"] - sent["index"])))
    except BaseException:
        with contextlib.suppress(OSError):
            connection.send(("error", traceback.format_exc()))


def _call_worker(
    connection: Connection, parent: int | None, function: Callable[[Any], Any]
) -> None:
    """Wait for an argument, then send back what ``function`` makes of it."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()
    try:
        message, argument = connection.recv()
        if message == "call":
            connection.send(("done", function(argument)))
    except BaseException:
        with contextlib.suppress(OSError):
            connection.send(("error", traceback.format_exc()))


class WorkerError(Exception):
    """A worker process failed or died; the message says how."""


@dataclass
class Worker:
    process: Any
    connection: Connection

    def receive(self) -> tuple[str, Any]:
        try:
            message: tuple[str, Any] = self.connection.recv()
        except EOFError:
            self.process.join(timeout=5)
            raise WorkerError(
                f"build worker {self.process.pid} died (exit code {self.process.exitcode})"
            ) from None
        if message[0] == "error":
            raise WorkerError(f"build worker {self.process.pid} failed:\n{message[1]}")
        return message


class Relay:
    """Sends messages to workers, each from a thread of its own, so the builder never waits
    on a busy worker: a worker reads the articles passed on to it only when it reaches them,
    and meanwhile the builder must go on reading what every worker sends (or a worker sending
    something large would wait on the builder, which would wait on it)."""

    def __init__(self) -> None:
        self._queues: dict[int, queue.SimpleQueue[Any]] = {}
        self._threads: list[threading.Thread] = []

    def send(self, worker: Worker, message: Any) -> None:
        key = id(worker)
        if key not in self._queues:
            self._queues[key] = queue.SimpleQueue()
            thread = threading.Thread(
                target=self._pump, args=(self._queues[key], worker.connection), daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self._queues[key].put(message)

    @staticmethod
    def _pump(messages: queue.SimpleQueue[Any], connection: Connection) -> None:
        while (message := messages.get()) is not None:
            try:
                connection.send(message)
            except OSError:  # the worker died: the builder hears of it on its side
                return

    def close(self, wait: bool = True) -> None:
        for messages in self._queues.values():
            messages.put(None)
        for thread in self._threads if wait else ():
            thread.join()


def _context() -> Any:
    # Forking starts a worker in milliseconds with everything imported; spawning one would
    # import Whoosh, NLTK and numpy again (over a second). Forking a process that runs other
    # threads can copy a lock some thread holds, so then the (slower) forkserver is used.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    return multiprocessing.get_context(method)


@contextlib.contextmanager
def workers() -> Iterator[Callable[..., Worker]]:
    """Start workers with the returned function; all are stopped (killed if still running)
    when the block ends, however it ends."""
    started: list[Worker] = []
    context = _context()

    parent = os.getpid() if context.get_start_method() == "fork" else None

    def start(target: Callable[..., None], *args: Any) -> Worker:
        mine, theirs = context.Pipe()
        process = context.Process(target=target, args=(theirs, parent, *args), daemon=True)
        process.start()
        theirs.close()
        worker = Worker(process, mine)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in started:
            worker.process.join(timeout=10)
            worker.connection.close()


def start_share(
    start: Callable[..., Worker], files: list[tuple[Path, Path, str]], directory: Path
) -> Worker:
    """A worker that reads ``files``, sends what it found, then indexes what it is sent."""
    return start(_share_worker, files, directory)


def start_call(start: Callable[..., Worker], function: Callable[[Any], Any]) -> Worker:
    """A worker that waits for ``("call", argument)`` and answers ``function(argument)``:
    started with the others, before the builder runs threads of its own (``Relay``)."""
    return start(_call_worker, function)
