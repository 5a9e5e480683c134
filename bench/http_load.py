"""HTTP speed, memory and start-up of ``make serve``'s server, beside a plain-Whoosh baseline.

Both servers run under gunicorn on loopback with the same settings (medsearch's defaults: 2
gthread workers, 4 threads each; ``MEDSEARCH_*``): medsearch is ``gunicorn -c gunicorn.conf.py
wsgi:app`` as ``make serve`` starts it, the baseline is ``bench/plain_app.py`` (plain Whoosh
BM25F, terms OR-ed over title, focus and body, top 10 as JSON: no question understanding, no
snippets, no web-layer extras). The rate limit is set high (``MEDSEARCH_RATE_LIMIT``), not off,
so its cost stays in the path.

The query log (fixed seed): consumer questions of ``../shared/data/liveqa-train`` (subject and
message, white space collapsed, cut at a word to at most 500 characters, as a search box would
hold them), the lay questions of ``eval/paraphrase.tsv`` and 1,000 MedQuAD titles reworded as
typed ("What is (are) Glaucoma ?" → "what is glaucoma"). They are shuffled into one ranking and
drawn with Zipf's law, P(rank r) ∝ 1/r (exponent 1): the top question is about 1 request in 8,
the top 10 about a third, and most of the tail is drawn once or not at all. Each drawn question
becomes ``/api/search?q=`` (80 %), the HTML page ``/search?q=`` (10 %) or ``/api/suggest?q=``
with its first 3–20 characters (10 %). The log is replayed in order, wrapping around.

The load generator is a Python asyncio client (raw sockets, HTTP/1.1 keep-alive, one event loop
in this process); its own CPU use is printed beside each run, with the server's:

- closed loop: N connections each send a request as soon as the previous answer is in (the
  maximum throughput);
- open loop: requests scheduled at a fixed rate (default 300/s) over at most M connections;
  latency is counted from the scheduled send time, so waiting for a free connection or a busy
  server counts (no coordinated omission). Requests still unsent when the time is up count with
  the time they had waited so far, shown as "≥".

Memory: VmRSS (and RssAnon, PSS) of each worker after the load, from /proc. Start-up: time from
starting the server process to the first 200 answer of ``/api/search`` (polled every 10 ms),
median of ``--starts`` cold starts (the page cache is warm). Finally, in this process, one
thread: the web layer's own time per request (the whole WSGI call minus the engine's calls).

Usage: python bench/http_load.py [--index DIR] [--seconds 60] [--rate 300] [--connections 8]
(``--index``: an index already built from MedQuAD; default: build one in a temporary folder.)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import quote_plus  # noqa: E402

from bench.common import data_path, table  # noqa: E402

HOST = "127.0.0.1"
SEED = 7
LOG_SIZE = 20_000
TITLES = 1_000
MAX_QUESTION = 500
ZIPF_EXPONENT = 1.0
MIX = (("api", 0.8), ("html", 0.1), ("suggest", 0.1))
PATHS = {"api": "/api/search?q=", "html": "/search?q=", "suggest": "/api/suggest?q="}
PROBE = "/api/search?q=" + quote_plus("what causes high blood pressure")
RATE_LIMIT = "1000000/minute"  # far above the load: the limiter runs but never refuses
STARTUP_DEADLINE = 120.0
REQUEST_TIMEOUT = 30.0
TARGETS = {"rps": 300, "p99_ms": 100, "rss_mb": 200, "startup_s": 1.5}
PARAPHRASE = ROOT / "eval" / "paraphrase.tsv"


# -- the query log -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str  # "api", "html" or "suggest"
    path: str


def _cut(text: str, limit: int = MAX_QUESTION) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def _typed_title(title: str) -> str:
    text = re.sub(r"\s*\((are|is)\)", "", title).replace("?", " ")
    return " ".join(text.lower().split())


def questions(index_build: Path, rng: random.Random) -> list[str]:
    """The distinct questions of the log: LiveQA, paraphrases and reworded MedQuAD titles."""
    from whoosh import index as whoosh_index

    from search.evaluation import read_liveqa, read_paraphrase

    liveqa = [_cut(t.text) for t in read_liveqa(sorted(data_path("liveqa-train").glob("*.xml")))]
    lay = [topic.text for topic, _ in read_paraphrase(PARAPHRASE)] if PARAPHRASE.exists() else []
    with whoosh_index.open_dir(str(index_build)).reader() as reader:
        titles = sorted({_typed_title(fields["title"]) for fields in reader.all_stored_fields()})
    chosen = rng.sample(titles, min(TITLES, len(titles)))
    pool = list(dict.fromkeys(q for q in liveqa + lay + chosen if q.strip()))
    rng.shuffle(pool)
    return pool


def draw(pool: Sequence[str], size: int, rng: random.Random) -> tuple[list[Request], str]:
    """``size`` requests drawn from ``pool`` by Zipf's law, and a line describing the draw."""
    weights = list(itertools.accumulate(1 / r**ZIPF_EXPONENT for r in range(1, len(pool) + 1)))
    drawn = rng.choices(range(len(pool)), cum_weights=weights, k=size)
    kinds = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX], k=size)
    log = []
    for rank, kind in zip(drawn, kinds, strict=True):
        text = pool[rank]
        if kind == "suggest":
            text = text[: rng.randint(3, 20)]
        log.append(Request(kind, PATHS[kind] + quote_plus(text)))
    counts = Counter(drawn)
    top10 = sum(n for _, n in counts.most_common(10))
    once = sum(1 for n in counts.values() if n == 1)
    kind_counts = Counter(kinds)
    summary = (
        f"query log: {size:,} requests drawn from {len(pool):,} questions, Zipf s="
        f"{ZIPF_EXPONENT:g}: {len(counts):,} distinct; top question {counts.most_common(1)[0][1]:,}"
        f" times, top 10 {top10 / size:.0%} of requests, {once:,} questions drawn once; "
        + ", ".join(f"{kind} {kind_counts[kind] / size:.0%}" for kind, _ in MIX)
    )
    return log, summary


# -- the load generator ----------------------------------------------------------------------


class Connection:
    """One HTTP/1.1 keep-alive connection; reopened after an error or ``Connection: close``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """The status of ``GET path`` (0 for a failure: refused, reset, timed out)."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                return await self._get(path)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            self.close()
            return 0

    async def _get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.reader, self.writer
        assert reader is not None
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length: int | None = None
        chunked = close = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            await reader.readexactly(length)
        else:
            await reader.read()
            close = True
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Run:
    """Latencies (seconds) of one load run, by request kind, and what it cost."""

    name: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lower_bounds: list[float] = field(default_factory=list)  # open loop: never sent in time
    statuses: Counter[int] = field(default_factory=Counter)
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.latencies[kind].append(seconds)
        self.statuses[status] += 1

    @property
    def completed(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    def percentile(self, share: float, kind: str | None = None) -> str:
        """The latency at ``share`` in ms; "≥" when it is the wait of a request never sent."""
        timed = [(s, False) for k, v in self.latencies.items() if kind in (None, k) for s in v]
        if kind is None:
            timed += [(s, True) for s in self.lower_bounds]
        if not timed:
            return "-"
        timed.sort()
        value, bound = timed[min(len(timed) - 1, int(share * len(timed)))]
        return ("≥" if bound else "") + f"{value * 1000:,.1f}"


def _cpu_seconds(pids: Sequence[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def _costs(run: Run, server_pids: Sequence[int]) -> Iterator[None]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    server = _cpu_seconds(server_pids)
    started = time.perf_counter()
    yield
    run.wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    client = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    run.client_cpu = client / run.wall
    run.server_cpu = (_cpu_seconds(server_pids) - server) / run.wall


async def closed_loop(
    port: int, log: Sequence[Request], connections: int, seconds: float, start: int, run: Run
) -> int:
    """``connections`` connections, each asking again as soon as it is answered; returns where
    in the log it stopped."""
    position = itertools.count(start)
    deadline = time.perf_counter() + seconds

    async def user() -> None:
        connection = Connection(port)
        while time.perf_counter() < deadline:
            request = log[next(position) % len(log)]
            began = time.perf_counter()
            status = await connection.get(request.path)
            run.add(request.kind, time.perf_counter() - began, status)
        connection.close()

    await asyncio.gather(*(user() for _ in range(connections)))
    return next(position)


async def open_loop(
    port: int,
    log: Sequence[Request],
    rate: float,
    connections: int,
    seconds: float,
    start: int,
    run: Run,
) -> None:
    """Requests scheduled every 1/``rate`` s, sent over at most ``connections`` connections;
    latency from the scheduled time. Slots not sent by the end count as waits (lower bounds)."""
    total = int(rate * seconds)
    slots = itertools.count()
    began = time.perf_counter() + 0.05
    end = began + seconds
    unsent: list[int] = []

    async def sender() -> None:
        connection = Connection(port)
        while (slot := next(slots)) < total:
            scheduled = began + slot / rate
            now = time.perf_counter()
            if now > end:
                unsent.append(slot)
                continue
            if scheduled > now:
                await asyncio.sleep(scheduled - now)
            request = log[(start + slot) % len(log)]
            status = await connection.get(request.path)
            run.add(request.kind, time.perf_counter() - scheduled, status)
        connection.close()

    await asyncio.gather(*(sender() for _ in range(connections)))
    # Never sent: each had waited at least from its slot to the end of the sending window.
    run.lower_bounds = [end - (began + slot / rate) for slot in unsent]


# -- servers ------------------------------------------------------------------------------------


class ServerFailed(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    alive: float = 0.0  # seconds to the first answer of /healthz
    startup: float = 0.0  # seconds to the first answer of /api/search

    def pids(self) -> list[int]:
        """The master and its workers."""
        workers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == self.process.pid:
                    workers.append(int(entry.name))
        return [self.process.pid, *sorted(workers)]

    def workers(self) -> list[int]:
        return self.pids()[1:]


def _log_tail(path: Path, lines: int = 150) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _ready(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=STARTUP_DEADLINE)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def running(name: str, argv: list[str], env: dict[str, str], folder: Path) -> Iterator[Server]:
    """The server started in its own process group; time to its first 200 on ``PROBE``.
    Stopped (the whole group) however the block ends; its log printed if the block failed."""
    port = free_port()
    log = folder / f"{name.split()[0]}-{port}.log"
    environ = {**os.environ, **env, "MEDSEARCH_HOST": HOST, "MEDSEARCH_PORT": str(port)}
    argv = [a.replace("{port}", str(port)) for a in argv]
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=environ,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, port, log)
    try:
        # First the process answering at all, then the first search (the index opens then).
        for path in ("/healthz", PROBE):
            while not _ready(port, path):
                if process.poll() is not None:
                    raise ServerFailed(f"{name} exited with status {process.returncode}")
                if time.perf_counter() - started > STARTUP_DEADLINE:
                    raise ServerFailed(f"{name}: no answer to {path} in {STARTUP_DEADLINE:.0f} s")
                time.sleep(0.01)
            server.alive, server.startup = server.startup, time.perf_counter() - started
        yield server
    except BaseException:
        print(f"\n--- {name}: server log ({log}), last lines ---", file=sys.stderr)
        print(_log_tail(log), file=sys.stderr)
        raise
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


def _memory(pid: int) -> tuple[float, float, float | None]:
    """(VmRSS, RssAnon, PSS) of ``pid`` in MB."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    pss = None
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        for line in rollup.read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    return (int(status["VmRSS"].split()[0]) / 1024, int(status["RssAnon"].split()[0]) / 1024, pss)


# -- the web layer in process ---------------------------------------------------------------------


def web_layer_rows(
    index: Path, log: Sequence[Request], count: int, folder: Path
) -> list[tuple[str, ...]]:
    """Per request, one thread, no HTTP: the CPU time of the app's whole WSGI call and the
    engine's share of it (thread CPU time: on a shared machine, wall time also counts the
    moments the process is not running).

    Logs are formatted as in production and written to /dev/null; metrics go to files as under
    gunicorn (multiprocess mode); the rate limit is on (high).
    """
    metrics = folder / "metrics-in-process"
    metrics.mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)  # before prometheus-client's import

    from werkzeug.test import EnvironBuilder

    from bench.plain_app import create_app as plain_app
    from webapp import create_app, engine_of, logs

    devnull = Path(os.devnull).open("w")  # noqa: SIM115 - open for the whole measurement
    logs.configure("INFO", stream=devnull)
    app = create_app({"INDEX": str(index), "RATE_LIMIT": RATE_LIMIT, "LOG_LEVEL": "INFO"})
    plain = plain_app(str(index))
    engine = engine_of(app)
    in_engine = [0.0]

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            began = time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                in_engine[0] += time.thread_time() - began

        return call

    engine.search = timed(engine.search)  # type: ignore[method-assign]
    engine.suggest = timed(engine.suggest)  # type: ignore[method-assign]

    def call(wsgi: Any, path: str) -> float:
        environ = EnvironBuilder(path=path, base_url=f"http://{HOST}:8000").get_environ()
        began = time.thread_time()
        statuses: list[str] = []
        body = wsgi(environ, lambda status, headers, exc_info=None: statuses.append(status))
        try:
            for _ in body:
                pass
        finally:
            getattr(body, "close", lambda: None)()
        if not statuses or not statuses[0].startswith("200"):
            raise RuntimeError(f"{path}: {statuses}")
        return time.thread_time() - began

    rows = []
    for label, wsgi in (("plain app (baseline)", plain), ("medsearch", app)):
        times = [call(wsgi, "/healthz") for _ in range(300)][50:]
        rows.append((f"{label} /healthz", f"{len(times)}", _ms(times), "-", _ms(times)))
    for kind in ("api", "html", "suggest"):
        requests = [r for r in log if r.kind == kind][: count if kind == "api" else count // 3]
        call(app, requests[0].path)  # opens the index, builds what is built on first use
        totals, engines = [], []
        for request in requests:
            in_engine[0] = 0.0
            totals.append(call(app, request.path))
            engines.append(in_engine[0])
        web = [t - e for t, e in zip(totals, engines, strict=True)]
        rows.append(
            (f"medsearch {PATHS[kind]}…", f"{len(totals)}", _ms(totals), _ms(engines), _ms(web))
        )
    devnull.close()
    logging.getLogger().handlers.clear()
    return rows


def _ms(seconds: Sequence[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.3f}"


# -- the run -------------------------------------------------------------------------------------


@dataclass
class Measured:
    name: str
    startups: list[float] = field(default_factory=list)
    alive: list[float] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    memory: list[tuple[int, float, float, float | None]] = field(default_factory=list)


def measure(
    name: str,
    argv: list[str],
    env: dict[str, str],
    folder: Path,
    log: Sequence[Request],
    args: argparse.Namespace,
) -> Measured:
    measured = Measured(name)
    for attempt in range(args.starts):
        with running(name, argv, env, folder) as server:
            measured.startups.append(server.startup)
            measured.alive.append(server.alive)
            if attempt < args.starts - 1:
                continue
            print(f"{name}: started in {server.startup:.2f} s; loading…", file=sys.stderr)
            position = asyncio.run(
                closed_loop(server.port, log, args.connections, args.warmup, 0, Run("warm-up"))
            )
            pids = server.pids()
            closed = Run(f"closed loop, {args.connections} connections")
            with _costs(closed, pids):
                position = asyncio.run(
                    closed_loop(server.port, log, args.connections, args.seconds, position, closed)
                )
            opened = Run(f"open loop, {args.rate:g}/s, ≤{args.open_connections} connections")
            with _costs(opened, pids):
                asyncio.run(
                    open_loop(
                        server.port,
                        log,
                        args.rate,
                        args.open_connections,
                        args.seconds,
                        position,
                        opened,
                    )
                )
            health = Run(f"/healthz only, closed loop, {args.connections} connections")
            healthz = [Request("healthz", "/healthz")]
            with _costs(health, pids):
                asyncio.run(
                    closed_loop(
                        server.port, healthz, args.connections, min(args.seconds, 10), 0, health
                    )
                )
            measured.runs = [closed, opened, health]
            measured.memory = [(pid, *_memory(pid)) for pid in server.workers()]
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="a built MedQuAD index (default: build one)")
    parser.add_argument("--seconds", type=float, default=60, help="each load run (default 60)")
    parser.add_argument("--rate", type=float, default=300, help="open-loop requests/s")
    parser.add_argument("--connections", type=int, default=8, help="closed-loop connections")
    parser.add_argument("--open-connections", type=int, default=64, help="open-loop maximum")
    parser.add_argument("--warmup", type=float, default=5, help="seconds before measuring")
    parser.add_argument("--starts", type=int, default=3, help="cold starts timed per server")
    parser.add_argument("--inprocess", type=int, default=150, help="searches timed in process")
    parser.add_argument("--threads", type=int, help="threads per worker (default: the setting's)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    medquad = data_path("medquad")
    data_path("liveqa-train")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out

    from search.indexing import current_build
    from webapp import settings

    with tempfile.TemporaryDirectory(prefix="medsearch-bench-http-") as tmp:
        folder = Path(tmp)
        index = args.index
        if index is None:
            from search.indexing import build

            index = folder / "index"
            print("building a MedQuAD index…", file=sys.stderr)
            build([medquad], index)
        served = current_build(index) or index
        rng = random.Random(args.seed)
        log, summary = draw(questions(served, rng), LOG_SIZE, rng)
        defaults = settings.from_environment()
        if args.threads:
            defaults["THREADS"] = args.threads
        common = {
            "MEDSEARCH_INDEX": str(index),
            "MEDSEARCH_THREADS": str(defaults["THREADS"]),
        }
        plain = measure(
            "plain Whoosh (baseline)",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{HOST}:{{port}}",
                "--workers",
                str(defaults["WORKERS"]),
                "--threads",
                str(defaults["THREADS"]),
                "--worker-class",
                "gthread",
                "bench.plain_app:create_app()",
            ],
            common,
            folder,
            log,
            args,
        )
        ours = measure(
            "medsearch",
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            {
                **common,
                "MEDSEARCH_RATE_LIMIT": RATE_LIMIT,
                "MEDSEARCH_METRICS_DIR": str(folder / "metrics"),
            },
            folder,
            log,
            args,
        )
        print("measuring the web layer in process…", file=sys.stderr)
        web = web_layer_rows(index, log, args.inprocess, folder)
    header = (
        f"HTTP on loopback: gunicorn, {defaults['WORKERS']} workers × {defaults['THREADS']} "
        f"threads (gthread) per server; {os.cpu_count()} cores, shared with the load generator"
    )
    report(header, summary, [plain, ours], web, args)


def report(
    header: str,
    summary: str,
    results: Sequence[Measured],
    web: list[tuple[str, ...]],
    args: argparse.Namespace,
) -> None:
    print(f"\n{header}")
    print(summary)
    print(
        f"\nStart-up: process start → first 200 answer ({args.starts} cold starts, warm page cache)"
    )
    print(
        table(
            ("server", "/healthz, median s", "/api/search, median s", "max s", "target"),
            [
                (
                    m.name,
                    f"{statistics.median(m.alive):.2f}",
                    f"{statistics.median(m.startups):.2f}",
                    f"{max(m.startups):.2f}",
                    f"≤ {TARGETS['startup_s']} s",
                )
                for m in results
            ],
        )
    )
    print(f"\nLoad: {args.seconds:g} s per run; latency in ms (open loop: from the scheduled time)")
    rows = []
    for m in results:
        for run in m.runs:
            rows.append(
                (
                    m.name,
                    run.name,
                    f"{run.completed:,}",
                    f"{run.completed / run.wall:,.1f}",
                    run.percentile(0.50),
                    run.percentile(0.95),
                    run.percentile(0.99),
                    f"{run.errors}",
                    f"{len(run.lower_bounds)}",
                    f"{run.client_cpu:.0%}",
                    f"{run.server_cpu:.0%}",
                )
            )
    print(
        table(
            (
                "server",
                "run",
                "answered",
                "req/s",
                "p50",
                "p95",
                "p99",
                "errors",
                "unsent",
                "client CPU",
                "server CPU",
            ),
            rows,
        )
    )
    print(
        f"target: ≥ {TARGETS['rps']} req/s at p99 ≤ {TARGETS['p99_ms']} ms with 0 errors "
        "(the open-loop row at the target rate); unsent: not sent by the end of the run, counted "
        "with their wait so far (≥); CPU: share of one core"
    )
    print("\nBy request kind (closed loop), latency in ms")
    kinds = []
    for m in results:
        run = m.runs[0]
        for kind, _ in MIX:
            times = run.latencies.get(kind, [])
            kinds.append(
                (
                    m.name,
                    PATHS[kind] + "…",
                    f"{len(times):,}",
                    run.percentile(0.5, kind),
                    run.percentile(0.99, kind),
                )
            )
    print(table(("server", "request", "answered", "p50", "p99"), kinds))
    print("\nMemory of each worker after the load, MB")
    memory = [
        (
            m.name,
            str(pid),
            f"{rss:.0f}",
            f"{anon:.0f}",
            "-" if pss is None else f"{pss:.0f}",
            f"≤ {TARGETS['rss_mb']} (VmRSS)",
        )
        for m in results
        for pid, rss, anon, pss in m.memory
    ]
    print(table(("server", "worker pid", "VmRSS", "RssAnon", "PSS", "target"), memory))
    print("\nWeb layer in process (one thread, no HTTP): median CPU ms per request")
    print(table(("request", "requests", "whole WSGI call", "engine", "web layer"), web))


if __name__ == "__main__":
    main()
