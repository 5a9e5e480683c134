"""The engine: the one façade the web app, the CLI and Python callers use.

It keeps the current build open, gives each thread its own searcher (Whoosh's documented rule:
share the index, one searcher per thread) and notices when ``current`` points at a new build,
so running servers pick up a rebuild without a restart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import pickle
import struct
import threading
import time
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import FileFormatError
from whoosh.searching import Searcher

from search import indexing, questions, ranking
from search.analysis import SurfaceForms, unique_terms
from search.postings import FACETS as FACETS  # re-exported: what results are counted by
from search.postings import K1, B, Postings
from search.schema import SCHEMA_VERSION
from search.sentences import SentenceSplitter
from search.snippets import make_snippet
from search.spelling import Speller
from search.suggest import Completer
from search.synonyms import curated
from search.vocabulary import Vocabulary
from search.vocabulary import key as name_key

MAX_LIMIT = 100
MAX_OFFSET = 1000
RELATED_LIMIT = 5
# The order a reader meets an illness's questions in: what it is, why, how it shows, how it is
# found, treated, prevented and what comes next; then the genetic and background ones.
READING_ORDER = (
    "information",
    "causes",
    "symptoms",
    "exams and tests",
    "treatment",
    "prevention",
    "outlook",
    "complications",
    "stages",
    "susceptibility",
    "inheritance",
    "genetic changes",
    "frequency",
    "research",
    "considerations",
    "support groups",
)
SUGGEST_LIMIT = 8
MAX_SUGGEST_LIMIT = 20
# Answers kept per process, newest used last out: readers repeat popular questions, and a
# repeated one is answered without searching again (entries are per build, so a rebuild
# never serves stale answers).
CACHE_SIZE = 1024


class IndexUnavailable(Exception):
    """No usable index: none built yet, or the build cannot be opened or read."""


# What a damaged build raises when Whoosh reads it: a missing or truncated segment file shows
# as an OSError (FileNotFoundError), a short read (struct.error, EOFError) or a bad value.
DAMAGED = (
    OSError,
    EOFError,
    ValueError,
    struct.error,
    pickle.UnpicklingError,  # stored fields cut short
    whoosh_index.IndexError,
    FileFormatError,
)
# Of those, the ones that will not go away by trying again (unlike, say, too many open files).
PERMANENT = (
    FileNotFoundError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    whoosh_index.IndexError,
    FileFormatError,
)


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    title: str
    url: str
    source: str
    qtype: str
    focus: str
    snippet: str


@dataclass(frozen=True)
class Results:
    query: str
    total: int
    offset: int
    hits: list[Hit]
    took_ms: float
    terms: tuple[str, ...] = ()
    # Counts of the matching articles by facet ("source", "qtype") and value, most first.
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # The question respelled with words of the index, when that finds clearly better answers.
    did_you_mean: str | None = None


@dataclass(frozen=True)
class ArticleView:
    id: str
    title: str
    body: str
    url: str
    source: str
    qtype: str
    focus: str
    synonyms: tuple[str, ...]
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A first-stage match: its number in the build and its second-stage features."""

    values: tuple[float, ...]  # the features, in ``ranking.FEATURES`` order
    ord: int  # its number in the build (``search.postings``)
    postings: Postings = field(repr=False, compare=False)

    @functools.cached_property
    def fields(self) -> dict[str, Any]:
        """Its stored fields: made only for the candidates looked at beyond their score (a
        question's ~100 dicts cost ~0.08 ms)."""
        return self.postings.article(self.ord)

    @property
    def features(self) -> dict[str, float]:
        return dict(zip(ranking.FEATURES, self.values, strict=True))

    def group(self) -> Hashable:
        """Its ``ranking.same_answer`` group, without making its fields."""
        focus_key, qtype, _ = self.postings.ranked_fields(self.ord)
        return ranking.answer_group(focus_key, qtype, self.ord)


@dataclass(frozen=True)
class _Pool:
    candidates: list[Candidate]
    total: int
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True)
class FocusScores:
    """For each focus number (``_Build.focus_numbers``; the last entry, for articles without
    a focus, is 0): the idf-weighted share of a question's words in the answers about it, and
    BM25 of its profile, all its answers as one text, on the same 0..1 scale."""

    cover: Any
    profile: Any

    def best(self, keys: Sequence[str], most: int, least: float) -> list[str]:
        """The keys of the ``most`` foci whose profiles match best, if over ``least``."""
        scores = self.profile[:-1]
        over = np.flatnonzero(scores > least)  # (few: cheaper than partitioning them all)
        top = over[np.lexsort((over, -scores[over]))][:most]  # best first, then by number
        return [keys[i] for i in top.tolist()]


# (a word in fewer answers than this says too little about how it is used)
FEW_ANSWERS = 10
KIND_TERMS = sorted(ranking.KINDS)

# (a word in fewer answers than this is never too common to count, whatever the corpus's size)
COMMON_ANSWERS = 500


@dataclass
class _Build:
    path: Path
    index: Any
    postings: Postings
    splitter: SentenceSplitter
    surface: SurfaceForms
    foci: questions.FocusIndex
    manifest: dict[str, Any]
    generation: int
    # Why its segments cannot be read, once found: not opened again (Whoosh leaks a file
    # handle on each failed open) until ``current`` points at another build.
    damaged: str | None = None
    # What the root's ``current`` link read when this build was found current (None: no link).
    link: Path | None = None

    # Spelling and autocomplete are built on first use, once per build: a one-off
    # `medsearch search` with correctly spelled words never pays for them.
    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.load(self.path)

    @functools.cached_property
    def speller(self) -> Speller:
        return Speller(self.vocabulary.words)

    @functools.cached_property
    def completer(self) -> Completer:
        return Completer(self.vocabulary, self.speller)

    @functools.cached_property
    def focus_numbers(self) -> tuple[list[str], Any, dict[str, int]]:
        """Focus keys, each article's focus as a number into them (-1: none), and each
        focus's number of articles: for the foci a question's rare words name."""
        keys = sorted(self.postings.by_focus)
        numbers = np.full(self.postings.documents, -1, dtype=np.int32)
        for number, key in enumerate(keys):
            numbers[self.postings.by_focus[key]] = number
        sizes = {key: len(ords) for key, ords in self.postings.by_focus.items()}
        return keys, numbers, sizes

    @functools.cached_property
    def idf(self) -> Callable[[str], float]:
        """The idf of a term over the answers, as question understanding weighs terms."""
        return questions.idf_from(self.postings.doc_frequency, self.postings.documents)

    @functools.cached_property
    def profile_norms(self) -> Any:
        """BM25's length normalisation of each focus's profile: the answers about it taken
        together as one text."""
        keys, numbers, _ = self.focus_numbers
        about = numbers >= 0
        lengths = np.bincount(
            numbers[about], weights=self.postings.fields["body"].lengths[about], minlength=len(keys)
        )
        average = lengths.mean() if len(lengths) else 1.0
        return K1 * ((1 - B) + B * lengths / (average or 1.0))

    def focus_scores(self, terms: Sequence[str]) -> FocusScores:
        """How well the answers about each focus, taken together, hold the question's words.

        Readers describe a condition they cannot name ("very loose joints and stretchy skin")
        with words spread over its articles, while a title match ("Joint Disorders") holds one
        or two. Words in more than 5% of a large corpus's answers ("symptom", "doctor") are
        left out: they say little about which condition is meant and cost the most."""
        keys, numbers, _ = self.focus_numbers
        body = self.postings.fields["body"]
        common = max(COMMON_ANSWERS, self.postings.documents // 20)
        foci = len(keys)
        cover = np.zeros(foci + 1)  # the last one for "no focus" (number -1), kept at 0
        profile = np.zeros(foci + 1)
        kept = [
            (term, found)
            for term in dict.fromkeys(terms)
            if (found := body.raw(term)) is not None and len(found[0]) <= common
        ]
        if not kept:
            return FocusScores(cover, profile)
        # Each kept term's count in each focus's answers, as one cell of a (terms × foci)
        # table: one bincount for all the terms (a loop over them cost ~0.1 ms more a question),
        # then only the cells that hold something.
        docs = np.concatenate([found[0] for _, found in kept])
        counts = np.concatenate([found[1] for _, found in kept])
        rows = np.repeat(np.arange(len(kept)), [len(found[0]) for _, found in kept])
        about = numbers[docs]
        within = about >= 0
        table = np.bincount(
            rows[within] * foci + about[within], weights=counts[within], minlength=len(kept) * foci
        )
        cells = np.flatnonzero(table)
        term, focus, tf = cells // foci, cells % foci, table[cells]
        weights = np.array([self.idf(word) for word, _ in kept])
        cover[:foci] = np.bincount(focus, weights=(weights / weights.sum())[term], minlength=foci)
        # BM25 over the profiles, as a share of what a profile holding every word saturated
        # would score: comparable from one question to the next.
        holders = np.bincount(term, minlength=len(kept))
        idf = np.log(1 + (foci - holders + 0.5) / (holders + 0.5))
        saturated = tf * (K1 + 1) / (tf + self.profile_norms[focus])
        profile[:foci] = np.bincount(focus, weights=idf[term] * saturated, minlength=foci) / (
            idf.sum() * (K1 + 1)
        )
        return FocusScores(cover, profile)

    def as_name(self, word: str) -> float:
        """The share of the answers with ``word`` that write it as the name of an illness
        ("Stargardt disease", not "sharp pain"); 1.0 when fewer than ``FEW_ANSWERS`` have it:
        too few to tell, and names that rare are seldom ordinary words."""
        body = self.postings.fields["body"]
        having = body.doc_frequency(word)
        if having < FEW_ANSWERS:
            return 1.0
        named = np.unique(np.concatenate([body.with_pair(word, kind) for kind in KIND_TERMS]))
        return len(named) / having

    def answers_with(self, word: str, most: int) -> list[str]:
        """The focus key of each article whose answer has ``word`` ("": none), or [] when
        more than ``most`` answers have it."""
        body = self.postings.fields["body"]
        if not 0 < body.doc_frequency(word) <= most:
            return []
        found = body.postings(word)
        if found is None:
            return []
        keys, numbers, _ = self.focus_numbers
        return [keys[n] if n >= 0 else "" for n in numbers[found[0]].tolist()]


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _reads_index(
    method: Callable[Concatenate[Engine, _P], _T],
) -> Callable[Concatenate[Engine, _P], _T]:
    """A damaged build found while reading it (Whoosh opens segment files lazily, so a missing
    or truncated one may fail only at search time) is ``IndexUnavailable`` naming the build,
    not a stack trace."""

    @functools.wraps(method)
    def reading(engine: Engine, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(engine, *args, **kwargs)
        except DAMAGED as exc:
            # The searcher may hold a half-read segment: the next request opens a fresh one.
            engine._drop_searcher()
            build = engine._build
            path = build.path if build is not None else engine.root
            raise IndexUnavailable(f"{path}: cannot read index: {exc!r}") from exc

    return reading


class _Local(threading.local):
    generation: int = -1
    searcher: Searcher | None = None


def _close_all(searchers: set[Searcher]) -> None:
    for searcher in list(searchers):
        with contextlib.suppress(Exception):
            searcher.close()
    searchers.clear()


def _resolve(root: Path) -> Path:
    """The build directory to serve: ``root/current``, or ``root`` itself if it is an index."""
    served = indexing.current_build(root)
    if served is not None:
        return served
    if root.is_dir() and whoosh_index.exists_in(str(root)):
        return root.resolve()
    raise IndexUnavailable(f"no index at {root}: run `medsearch build` first")


class Engine:
    def __init__(
        self,
        index_dir: Path | str,
        weights: ranking.Weights = ranking.WEIGHTS,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        """``weights``: the ranking weights (``search.ranking``), others only for tuning;
        ``cache_size``: answers kept for repeated questions (0: none)."""
        self.root = Path(index_dir)
        self.weights = weights
        self._lock = threading.Lock()
        self._build: _Build | None = None
        self._generation = 0
        self._local = _Local()
        # Every thread's searcher holds open files: closed when the thread drops it, and all
        # of them when the engine is closed or collected.
        self._open_searchers: set[Searcher] = set()
        self._closer = weakref.finalize(self, _close_all, self._open_searchers)
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[Any, ...], Results] = OrderedDict()

    def close(self) -> None:
        """Close the files of every searcher this engine opened."""
        self._closer()

    # -- the open build ---------------------------------------------------------------

    def _current(self) -> _Build:
        # Every search asks which build is current: one readlink while ``current`` still
        # names the build open (resolving the path and checking it took ~0.1 ms a search).
        try:
            link: Path | None = (self.root / indexing.CURRENT).readlink()
        except OSError:  # no link: the root is the index itself, or there is no index
            link = None
        build = self._build
        if build is not None and build.link == link:
            return build
        path = _resolve(self.root)
        with self._lock:
            if self._build is None or self._build.path != path:
                self._build = self._open(path)
            self._build.link = link
            return self._build

    def _open(self, path: Path) -> _Build:
        manifest = indexing.read_manifest(path)
        version = manifest.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise IndexUnavailable(
                f"{path}: built with schema {version}, this version needs {SCHEMA_VERSION}; "
                "rebuild the index"
            )
        try:
            # Without mmap: Whoosh copies each part of a memory-mapped compound segment into
            # memory (~28 MB per searcher on MedQuAD), and a segment truncated under a mapping
            # kills the process (SIGBUS); read through a file, neither happens.
            index = FileStorage(str(path), supports_mmap=False).open_index()
            postings = Postings(path)
            splitter = SentenceSplitter.load(path)
            surface = SurfaceForms.load(path, postings.fields["body"].terms)
            foci = indexing.read_foci(path)
        except DAMAGED as exc:
            raise IndexUnavailable(f"{path}: cannot open index: {exc}") from exc
        self._generation += 1
        return _Build(
            path=path,
            index=index,
            postings=postings,
            splitter=splitter,
            surface=surface,
            foci=questions.FocusIndex(foci, curated()),
            manifest=manifest,
            generation=self._generation,
        )

    def _drop_searcher(self) -> None:
        local = self._local
        if local.searcher is not None:
            with self._lock:
                self._open_searchers.discard(local.searcher)
            with contextlib.suppress(Exception):
                local.searcher.close()
        local.searcher = None
        local.generation = -1

    def _searcher(self) -> tuple[_Build, Searcher]:
        build = self._current()
        local = self._local
        if local.searcher is None or local.generation != build.generation:
            self._drop_searcher()
            if build.damaged is not None:
                raise IndexUnavailable(build.damaged)
            try:
                local.searcher = build.index.searcher()
                with self._lock:
                    self._open_searchers.add(local.searcher)
            except DAMAGED as exc:
                reason = f"{build.path}: cannot open index: {exc!r}"
                if isinstance(exc, PERMANENT):
                    build.damaged = reason
                raise IndexUnavailable(reason) from exc
            local.generation = build.generation
        return build, local.searcher

    @_reads_index
    def stats(self) -> dict[str, Any]:
        build, searcher = self._searcher()
        return {
            "build": build.manifest.get("build", build.path.name),
            "documents": searcher.doc_count(),
            "path": str(build.path),
        }

    # -- search -----------------------------------------------------------------------

    @_reads_index
    def search(
        self,
        text: str,
        limit: int = 10,
        offset: int = 0,
        filters: Mapping[str, Sequence[str]] | None = None,
    ) -> Results:
        """Ranked answers to a natural-language question."""
        started = time.perf_counter()
        limit = max(1, min(limit, MAX_LIMIT))
        offset = max(0, min(offset, MAX_OFFSET))
        # The searcher is not needed for the results (``search.postings`` has them), but a
        # build whose Whoosh segments cannot be read cannot show its articles: not served.
        build, _ = self._searcher()
        chosen = tuple(sorted((k, tuple(sorted(v))) for k, v in (filters or {}).items() if v))
        key = (build.generation, text, limit, offset, chosen)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is None:
            cached = self._search(build, text, limit, offset, filters)
            with self._lock:
                self._cache[key] = cached
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return dataclasses.replace(cached, took_ms=round((time.perf_counter() - started) * 1000, 2))

    def _search(
        self,
        build: _Build,
        text: str,
        limit: int,
        offset: int,
        filters: Mapping[str, Sequence[str]] | None,
    ) -> Results:
        # Words the index does not have are read as the nearest words it has ("diabetis" as
        # "diabetes"): as typed they could only match nothing.
        correction = build.speller.correct(text)
        question = self._parse(correction or text, build)
        pool = self._candidates(build, question, filters, need=offset + limit)
        ranked = ranking.ranked(
            pool.candidates,
            lambda c: (ranking.weighed(c.values, self.weights), c.values[0]),
            Candidate.group,
            self.weights,
            limit=offset + limit,
        )[offset:]
        terms = set(question.terms)
        synonyms = set(chain.from_iterable(question.expansions))
        hits = [
            _hit(
                c.fields,
                value,
                make_snippet(
                    build.postings.body(c.ord),
                    terms,
                    build.splitter,
                    expansions=synonyms,
                    find=build.surface.spans,
                ),
            )
            for value, c in ranked
        ]
        return Results(
            query=text,
            total=pool.total,
            offset=offset,
            hits=hits,
            took_ms=0.0,
            terms=question.terms,
            facets=pool.facets,
            did_you_mean=self._offer(build, text, correction, hits),
        )

    @_reads_index
    def candidates(self, text: str) -> list[Candidate]:
        """The second stage's input for a question: each candidate with its features (for
        tuning the weights in ``search.ranking`` without re-running the first stage)."""
        build = self._current()
        return self._candidates(build, self._parse(text, build), None, 0).candidates

    def _parse(self, text: str, build: _Build) -> questions.Question:
        return questions.parse(
            text, foci=build.foci, idf=build.idf, weights=self.weights, as_name=build.as_name
        )

    def _candidates(
        self,
        build: _Build,
        question: questions.Question,
        filters: Mapping[str, Sequence[str]] | None,
        need: int,
    ) -> _Pool:
        """First stage: BM25F's best matches plus the articles about the question's foci."""
        postings = build.postings
        allowed = postings.allowed(filters)
        matches = postings.match(
            questions.weighted_words(question, self.weights),
            questions.field_boosts(self.weights),
            allowed,
        )
        bm25 = dict(matches.best(max(self.weights.candidates, need)))
        most = self.weights.naming_df
        inferred = questions.foci_named_by_words(
            question,
            lambda word: build.answers_with(word, most),
            build.focus_numbers[2],
            self.weights,
        )
        keys, numbers, _ = build.focus_numbers
        scores = build.focus_scores(
            [t for t in question.terms if t not in questions.KIND_OF_ANSWER]
        )
        about = postings.about(
            [
                *questions.focus_keys(question),
                *inferred,
                *scores.best(keys, self.weights.profile_foci, self.weights.profile_least),
            ]
        )
        if allowed is not None:
            about = about[allowed[about]]
        extra = [int(o) for o in about if o not in bm25]
        for ord_ in extra[: self.weights.candidates]:
            bm25[ord_] = 0.0
        best = max(bm25.values(), default=0.0)
        asked = questions.asked(question, inferred)
        numbered = numbers[np.fromiter(bm25, dtype=np.int64, count=len(bm25))]
        covers = scores.cover[numbered].tolist()
        profiles = scores.profile[numbered].tolist()
        candidates = []
        foci: dict[str, tuple[float, float, float]] = {}
        for (ord_, score), cover, profile in zip(bm25.items(), covers, profiles, strict=True):
            focus_key, qtype, title = postings.ranked_fields(ord_)
            values = ranking.feature_values(
                asked, focus_key, qtype, title, score, best, cover, profile, foci
            )
            candidates.append(Candidate(values, ord_, postings))
        return _Pool(
            candidates=candidates,
            total=len(matches.matched) + len(extra),
            facets=postings.facets(matches.matched),
        )

    @_reads_index
    def rank(self, q: wq.Query, limit: int = 10) -> list[tuple[str, float]]:
        """(id, score) of the top articles for a ready-made Whoosh query: for evaluation
        baselines, which must run on the same index as the engine."""
        _, searcher = self._searcher()
        return [(hit["id"], float(hit.score)) for hit in searcher.search(q, limit=limit)]

    @_reads_index
    def documents(self) -> list[dict[str, Any]]:
        """The stored fields of every article (for building relevance judgements)."""
        _, searcher = self._searcher()
        return [dict(fields) for fields in searcher.all_stored_fields()]

    # -- spelling and autocomplete ----------------------------------------------------

    def _offer(
        self, build: _Build, text: str, correction: str | None, hits: list[Hit]
    ) -> str | None:
        """The respelled question, to offer as "Did you mean", when the best answer contains a
        corrected word: an answer about what the reader meant, not one found despite it."""
        if correction is None or not hits:
            return None
        corrected = set(unique_terms(correction)) - set(unique_terms(text))
        best = build.postings.by_id.get(hits[0].id)
        if best is None or not corrected:
            return None
        found = any(build.postings.contains(best, term) for term in corrected)
        return correction if found else None

    def did_you_mean(self, text: str) -> str | None:
        """``text`` respelled with the index's words when that finds clearly better answers."""
        return self.search(text, limit=1).did_you_mean

    @_reads_index
    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Up to ``limit`` focus names and question titles completing ``prefix``, best first."""
        return self._current().completer.suggest(prefix, max(0, min(limit, MAX_SUGGEST_LIMIT)))

    # -- articles ---------------------------------------------------------------------

    @_reads_index
    def article(self, article_id: str) -> ArticleView | None:
        _, searcher = self._searcher()
        doc = searcher.document(id=article_id)
        if doc is None:
            return None
        return ArticleView(
            id=doc["id"],
            title=doc["title"],
            body=doc["body"],
            url=doc.get("url", ""),
            source=doc.get("source", ""),
            qtype=doc.get("qtype", ""),
            focus=doc.get("focus", ""),
            synonyms=tuple(doc.get("synonyms", ())),
            related=tuple(doc.get("related", ())),
        )

    @_reads_index
    def related(self, article_id: str, limit: int = RELATED_LIMIT) -> list[Hit]:
        """Articles related to one: those it names, then others on its focus, then those with
        the most similar text. Never the article itself, nor two with the same title (MedQuAD
        has one question from several sources)."""
        _, searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        doc = searcher.stored_fields(docnum)

        def similar() -> Iterator[tuple[int, float]]:
            # Lazily: the text comparison is the slow part, often not needed.
            found = searcher.more_like(docnum, "body", top=3 * limit, numterms=12)
            yield from ((hit.docnum, float(hit.score)) for hit in found)

        named = (searcher.document_number(id=rid) for rid in doc.get("related", ()))
        candidates = chain(
            ((number, 0.0) for number in named if number is not None),
            ((number, 0.0) for number in _same_focus(searcher, docnum, doc)),
            similar(),
        )
        hits: list[Hit] = []
        titles = {name_key(doc["title"])}
        for number, score in candidates:
            fields = searcher.stored_fields(number)
            if number != docnum and name_key(fields["title"]) not in titles:
                titles.add(name_key(fields["title"]))
                hits.append(_hit(fields, score))
                if len(hits) == limit:
                    break
        return hits


def _same_focus(searcher: Searcher, docnum: int, doc: Mapping[str, Any]) -> list[int]:
    """The other articles on ``doc``'s focus, one of each question type before a second of any,
    types in reading order and the article's own type last; its own source first."""
    if not doc.get("focus_key"):
        return []
    numbers = searcher.docs_for_query(wq.Term("focus_key", doc["focus_key"]))
    fields = {n: searcher.stored_fields(n) for n in numbers if n != docnum}
    by_type: defaultdict[str, list[int]] = defaultdict(list)
    for number in sorted(fields, key=lambda n: (fields[n].get("source") != doc.get("source"), n)):
        by_type[fields[number].get("qtype", "")].append(number)
    ranked = [
        (turn + (qtype == doc.get("qtype", "")), _reading_position(qtype), number)
        for qtype, members in by_type.items()
        for turn, number in enumerate(members)
    ]
    return [number for _, _, number in sorted(ranked)]


def _reading_position(qtype: str) -> int:
    return READING_ORDER.index(qtype) if qtype in READING_ORDER else len(READING_ORDER)


def _hit(fields: Mapping[str, Any], score: float, snippet: str = "") -> Hit:
    return Hit(
        id=fields["id"],
        score=round(float(score), 4),
        title=fields["title"],
        url=fields.get("url", ""),
        source=fields.get("source", ""),
        qtype=fields.get("qtype", ""),
        focus=fields.get("focus", ""),
        snippet=snippet,
    )
