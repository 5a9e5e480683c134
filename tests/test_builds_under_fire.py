"""Builds under fire, against the real server (gunicorn on ``wsgi:app``, loopback only).

- ``kill -9`` of ``medsearch build`` at random moments while the server serves the previous
  build: the server keeps answering from a complete build, the next build succeeds and cleans
  up what the killed ones left (``.partial`` folders, temporary ``.current-*`` links).
- A new build switched in while a client searches: no failed request, and the answers come
  from the new build within a second.
- Two builds at once: the second refuses, naming the lock, or waits; never two writers, and
  the served index opens and answers afterwards.

Quick versions run in ``make test``; the ``soak`` ones (``make soak``) repeat more and print
their figures. Every loop is bounded in count and time; random moments come from fixed seeds.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from search import Engine
from search.indexing import BUILDS, CURRENT, MANIFEST, PARTIAL, build, current_build, writer_lock
from tests.conftest import FIXTURES
from tests.servers import Server, get, running

MEDSEARCH = Path(sys.executable).with_name("medsearch")
SOAK = pytest.mark.soak
GENERATED = 1500  # articles in the generated corpus: a build of a few seconds


def generated_corpus(folder: Path, marker: str = "") -> Path:
    """A JSON Lines corpus big enough that a build takes a while; ``marker``: one more article,
    the only one with that word, to tell this build's answers from another's."""
    path = folder / f"generated{'-' + marker if marker else ''}.jsonl"
    rng = random.Random(8)
    words = ["asthma", "cancer", "diabetes", "heart", "lung", "kidney", "blood", "pain", "fever"]
    with path.open("w", encoding="utf-8") as out:
        for number in range(GENERATED):
            focus = f"{rng.choice(words)} condition {number}"
            body = " ".join(rng.choice(words) for _ in range(120)) + "."
            article = {"id": f"gen-{number}", "question": f"What is {focus}?", "answer": body}
            out.write(json.dumps({**article, "focus": focus}) + "\n")
        if marker:
            article = {
                "id": f"marker-{marker}",
                "question": f"What is {marker}?",
                "answer": f"{marker.capitalize()} is the word only this build has.",
            }
            out.write(json.dumps(article) + "\n")
    return path


def served_build(server: Server) -> str:
    status, _, body = get(server.base + "/readyz")
    assert status == 200, body[:300]
    return str(json.loads(body)["build"])


def top_ids(server: Server, q: str) -> list[str]:
    status, _, body = get(server.base + "/api/search?" + f"q={q}&size=3&facets=false")
    assert status == 200, body[:300]
    return [hit["id"] for hit in json.loads(body)["hits"]]


def build_process(corpus: Path, index: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(MEDSEARCH), "build", "--index", str(index), *options, str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def leftovers(index: Path) -> list[str]:
    partial = [p.name for p in (index / BUILDS).glob(f"*{PARTIAL}")]
    links = [p.name for p in index.glob(f".{CURRENT}-*")]
    return partial + links


# -- kill -9 during builds ------------------------------------------------------------------


@pytest.mark.parametrize("trials", [3, pytest.param(10, marks=SOAK)], ids=["quick", "soak"])
def test_killed_builds_never_touch_the_served_index(
    tmp_path: Path, trials: int, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    corpus = generated_corpus(tmp_path, marker="crashproof")
    # How long a whole build takes here (into another folder): kills land within it.
    started = time.monotonic()
    scratch = build_process(corpus, tmp_path / "scratch")
    assert scratch.communicate(timeout=120)[0] is not None and scratch.returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(trials)
    survived = 0
    # What the served build answers "asthma" with: the first build's articles until a killed
    # build got as far as its switch, the generated corpus's from then on.
    serving = "mini-"
    with running(index, tmp_path, workers=2, threads=2) as server:
        for trial in range(trials):
            previous = served_build(server)
            process = build_process(corpus, index)
            moment = rng.uniform(0.1, duration)
            deadline = time.monotonic() + moment
            while time.monotonic() < deadline:  # the previous build answers meanwhile
                assert top_ids(server, "asthma")
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)  # reaps it and closes its pipe
            now = served_build(server)
            served = current_build(index)
            assert served is not None and (served / MANIFEST).exists(), trial
            if now != previous:  # killed after the switch: the new build is complete
                assert now == served.name
                assert top_ids(server, "crashproof")[0] == "marker-crashproof"
                serving = "gen-"
            else:
                assert top_ids(server, "asthma")[0].startswith(serving)
            survived += 1
            print(f"kill {trial + 1} at {moment:.2f}s of {duration:.2f}s: left {leftovers(index)}")

        # Whatever the kills left, and leftovers planted for certain, the next build cleans.
        (index / BUILDS / f"20000101T000000000000Z-dead{PARTIAL}").mkdir()
        (index / f".{CURRENT}-20000101T000000000000Z-dead").symlink_to("builds/nowhere")
        process = build_process(corpus, index)
        output = process.communicate(timeout=120)[0].decode()
        assert process.returncode == 0, output
        assert leftovers(index) == []
        assert len(list((index / BUILDS).iterdir())) <= 2
        deadline = time.monotonic() + 1.0
        while top_ids(server, "crashproof")[0] != "marker-crashproof":
            assert time.monotonic() < deadline, "the next build is not served"
            time.sleep(0.05)
    with capsys.disabled():
        print(
            f"\nkill -9 during builds: {survived} of {trials} kills survived "
            f"(a whole build: {duration:.2f}s)"
        )


def children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_killed_two_process_build_leaves_no_worker_behind(tmp_path: Path) -> None:
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    before = current_build(index)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(8):  # several files, so each worker reads a share
        generated_corpus(tmp_path).rename(corpus / f"part-{number}.jsonl")
    process = build_process(corpus, index, "--procs", "2")
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers |= children(process.pid)
        time.sleep(0.005)
    assert len(workers) >= 2, "the build never started its workers"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, [pid for pid in workers if alive(pid)]
        time.sleep(0.02)
    assert current_build(index) == before
    # The lock died with them: the next build runs, and clears what the killed one left.
    process = build_process(corpus, index, "--procs", "2")
    output = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 0, output
    assert leftovers(index) == []
    assert Engine(index).stats()["documents"] == GENERATED


# -- a new build under load -----------------------------------------------------------------


@dataclass
class Client:
    """Searches in a thread until stopped, at most ``limit`` requests or ``seconds``."""

    server: Server
    q: str
    limit: int
    seconds: float
    answers: list[tuple[float, list[str]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        deadline = time.monotonic() + self.seconds
        for _ in range(self.limit):
            if self.stop.is_set() or time.monotonic() > deadline:
                return
            asked = time.monotonic()
            try:
                status, _, body = get(self.server.base + f"/api/search?q={self.q}&size=3")
                if status != 200:
                    self.failures.append(f"{status}: {body[:200]!r}")
                    continue
                self.answers.append((asked, [hit["id"] for hit in json.loads(body)["hits"]]))
            except Exception as exc:
                self.failures.append(repr(exc))


@pytest.mark.parametrize("switches", [2, pytest.param(10, marks=SOAK)], ids=["quick", "soak"])
def test_a_new_build_is_switched_in_under_load_without_a_failed_request(
    tmp_path: Path, switches: int, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    plain = FIXTURES / "mini.jsonl"
    marked = tmp_path / "marked.jsonl"
    marked.write_text(
        plain.read_text()
        + json.dumps(
            {
                "id": "reindexed-asthma",
                "question": "How is asthma treated with quokkaline?",
                "answer": "Quokkaline is an asthma treatment only the new build knows.",
            }
        )
        + "\n"
    )
    build([plain], index)
    # (when the build started, when it was switched in, whether it has the marked article)
    switched: list[tuple[float, float, bool]] = []
    with running(index, tmp_path, workers=2, threads=2) as server:
        client = Client(server, "asthma+quokkaline", limit=20_000, seconds=30 + 5 * switches)
        thread = threading.Thread(target=client.run)
        thread.start()
        try:
            time.sleep(0.5)
            for number in range(switches):
                has_marker = number % 2 == 0
                started = time.monotonic()
                build([marked if has_marker else plain], index)
                switched.append((started, time.monotonic(), has_marker))
                time.sleep(1.5)
        finally:
            client.stop.set()
            thread.join(timeout=30)
    assert not thread.is_alive()
    assert client.failures == [], client.failures[:5]
    for number, (_, moment, has_marker) in enumerate(switched):
        # Up to the start of the next build (its switch comes before its build() returns).
        until = switched[number + 1][0] if number + 1 < len(switched) else float("inf")
        settled = [ids for asked, ids in client.answers if moment + 1.0 <= asked < until]
        assert settled, f"no answer between 1 s after switch {number + 1} and the next"
        stale = [
            (round(asked - moment, 3), ids)
            for asked, ids in client.answers
            if moment + 1.0 <= asked < until and ("reindexed-asthma" in ids) != has_marker
        ]
        assert stale == [], (number, len(settled), stale[:10])
    with capsys.disabled():
        print(
            f"\nreindex under load: {len(client.answers)} requests served across "
            f"{switches} switches, {len(client.failures)} failed"
        )


# -- one writer -----------------------------------------------------------------------------


def test_a_build_while_the_lock_is_held_refuses_naming_the_lock(tmp_path: Path) -> None:
    index = tmp_path / "index"
    build([FIXTURES / "mini.jsonl"], index)
    before = current_build(index)
    with writer_lock(index):
        process = build_process(FIXTURES / "mini.jsonl", index)
        output = process.communicate(timeout=120)[0].decode()
    assert process.returncode != 0
    assert ".lock" in output and "already running" in output, output
    assert current_build(index) == before
    assert leftovers(index) == []


@pytest.mark.parametrize("races", [1, pytest.param(5, marks=SOAK)], ids=["quick", "soak"])
def test_two_builds_at_once_never_make_two_writers(tmp_path: Path, races: int) -> None:
    index = tmp_path / "index"
    corpus = generated_corpus(tmp_path, marker="onewriter")
    for race in range(races):
        before = set((index / BUILDS).iterdir()) if (index / BUILDS).exists() else set()
        first, second = build_process(corpus, index), build_process(corpus, index)
        outputs = [p.communicate(timeout=180)[0].decode() for p in (first, second)]
        codes = [first.returncode, second.returncode]
        assert 0 in codes, outputs
        for code, output in zip(codes, outputs, strict=True):
            if code != 0:
                assert ".lock" in output and "already running" in output, output
        assert leftovers(index) == [], race
        new = set((index / BUILDS).iterdir()) - before
        assert 1 <= len(new) <= codes.count(0), (race, new)
        engine = Engine(index)
        assert engine.stats()["documents"] == GENERATED + 1
        assert engine.search("onewriter", limit=1).hits[0].id == "marker-onewriter"
