"""Hostile questions against the API and the pages (Flask test client, starter corpus).

Whatever is asked — Whoosh query syntax, 10 kB strings, NUL bytes, lone surrogates, RTL text,
emoji, SQL/HTML/JS payloads, percent-encoded junk, thousands of distinct words, or anything
hypothesis makes up — the answer is never a 5xx, and a question over 512 characters is a 4xx
problem response on the API. Nothing about time is asserted here: the soak run (``make soak``)
prints how long the slowest answer took.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import create_app
from webapp.problems import MEDIA_TYPE

MAX_QUERY = 512
WHOOSH_SYNTAX = [
    "*",
    "?",
    "~",
    "^",
    ":",
    '"',
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "AND",
    "OR",
    "NOT",
    "TO",
    "*a*",
    "a*",
    "?sthma",
    "asthma~2",
    "asthma^100",
    "title:asthma",
    "id:*",
    '"unclosed phrase',
    "(((asthma",
    "asthma)))",
    "[a TO z]",
    "{a TO}",
    "[TO]",
    "asthma AND OR NOT cancer",
    "NOT NOT NOT",
    "AND",
    "* * * ? ? ?",
    "body:[* TO *]",
    "~~~^^^:::",
]
HOSTILE = [
    *WHOOSH_SYNTAX,
    "a" * 10_000,
    "asthma " * 1500,
    "asthma\x00treatment",
    "\x00" * 100,
    "\x00",
    "asthma \ud800 treatment",
    "\udfff",
    "\ud83d",
    "ما هي أعراض الربو؟",
    "\u202eamhtsa\u202c treatment",
    "מהם התסמינים של אסטמה",
    "😷🤒 asthma 💊💉🩺",
    "👨\u200d👩\u200d👧\u200d👦" * 50,
    "'; DROP TABLE articles; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "%00%ff%fe%2e%2e%2f%c0%ae",
    "%%%%%%%",
    "%E0%A4%A",
    "../../../../etc/passwd",
    "\r\nSet-Cookie: x=1",
    "\t\n\r\x0b\x0c",
    " ",
    "\u200b\u200b",
    "A" * 512,
    "A" * 513,
    " ".join(f"w{n}" for n in range(5000)),
    " ".join(f"asthma{n} cancer{n}" for n in range(60)),
]
API_GET = ("/api/search", "/api/suggest")


def make_app(index: Path) -> Flask:
    return create_app({"INDEX": str(index), "TESTING": True, "RATE_LIMIT": ""})


@pytest.fixture(scope="module")
def client(starter_index: Path) -> Iterator[FlaskClient]:
    yield make_app(starter_index).test_client()


class Timings:
    """Every answer's time, for the soak report."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str, str]] = []

    def add(self, seconds: float, where: str, q: str) -> None:
        self.seen.append((seconds, where, q))

    def slowest(self) -> tuple[float, str, str]:
        return max(self.seen, default=(0.0, "", ""))


def ask(client: FlaskClient, q: str, timings: Timings | None = None) -> list[tuple[str, Any]]:
    """``q`` to each endpoint: (where, response) pairs, each checked for no 5xx."""
    # Lone surrogates cannot be UTF-8: sent as the bytes a careless client would send.
    encoded = urlencode({"q": q}, encoding="utf-8", errors="surrogatepass")
    answers = []
    calls: list[tuple[str, Any]] = [
        *((path, lambda p=path: client.get(p, query_string=encoded)) for path in API_GET),
        ("POST /api/search", lambda: client.post("/api/search", json={"q": q})),
        ("/search", lambda: client.get("/search", query_string=encoded)),
    ]
    for where, call in calls:
        started = time.perf_counter()
        response = call()
        if timings is not None:
            timings.add(time.perf_counter() - started, where, q)
        assert response.status_code < 500, (where, q[:80], response.get_data(as_text=True)[:300])
        answers.append((where, response))
    return answers


def check(client: FlaskClient, q: str, timings: Timings | None = None) -> None:
    for where, response in ask(client, q, timings):
        if where == "/search":
            assert response.status_code in (200, 302), (q[:80], response.status_code)
            continue
        if len(q) > MAX_QUERY or not q:
            assert 400 <= response.status_code < 500, (where, q[:80], response.status_code)
            assert response.mimetype == MEDIA_TYPE
            assert response.get_json()["status"] == response.status_code
        elif any("\ud800" <= char <= "\udfff" for char in q):
            # Not text: refused as JSON (400), read with replacement characters from a URL.
            assert response.status_code in (200, 400), (where, q[:80], response.status_code)
        else:
            assert response.status_code == 200, (where, q[:80], response.get_data(as_text=True))


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_fixed_hostile_questions_get_no_server_error(client: FlaskClient, q: str) -> None:
    check(client, q)


RAW_QUERY_STRINGS = [
    b"q=%ED%A0%80",  # a lone surrogate, UTF-8-encoded: invalid UTF-8
    b"q=%FF%FE%FD",
    b"q=%C0%AE%C0%AE%2F",
    b"q=%",
    b"q=%%32%65",
    b"q=asthma%00",
    b"q=\xff\xfe",
    b"q=a&q=b&q=" + b"c" * 600,
    b"q[]=asthma",
    b"q=asthma&size=-1&page=99999999999999999999",
    b"q=asthma&source=%00&qtype=" + b"x" * 200,
]


@pytest.mark.parametrize("raw", RAW_QUERY_STRINGS, ids=range(len(RAW_QUERY_STRINGS)))
@pytest.mark.parametrize("path", [*API_GET, "/search"])
def test_raw_percent_encoded_junk_gets_no_server_error(
    client: FlaskClient, path: str, raw: bytes
) -> None:
    # As the bytes arrive (WSGI's QUERY_STRING is latin-1), not re-encoded by the client.
    response = client.get(path, environ_overrides={"QUERY_STRING": raw.decode("latin-1")})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(
    "body",
    [
        b'{"q": "\\ud800 asthma"}',
        b'{"q": "\\u0000"}',
        b'{"q": ["asthma"]}',
        b'{"q": {"$ne": null}}',
        b'{"q": "asthma", "q": "' + b"x" * 600 + b'"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"q": "asthma"',
        b"\xff\xfe\x00",
        b"null",
        b"",
    ],
    ids=range(10),
)
def test_hostile_json_bodies_get_no_server_error(client: FlaskClient, body: bytes) -> None:
    response = client.post("/api/search", data=body, content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


QUICK = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUESTIONS = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list('*?~^:"()[]{}-+!/\\ aAOTN')), max_size=60),
    st.lists(st.sampled_from([*WHOOSH_SYNTAX, "asthma", "cancer", "of", "the"]), max_size=30).map(
        " ".join
    ),
    st.text(min_size=500, max_size=600),
)


@QUICK
@given(q=QUESTIONS)
def test_generated_questions_get_no_server_error(client: FlaskClient, q: str) -> None:
    check(client, q)


SOAK_EXAMPLES = 1000
TARGET_SECONDS = 0.2  # the aim for every answer


@pytest.mark.soak
def test_soak_hostile_questions_and_their_timing(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fixed list and many generated questions; prints each fixed question's slowest
    answer and the slowest of all (asserting nothing about time)."""
    timings = Timings()
    for q in HOSTILE:
        check(client, q, timings)
    fixed = list(timings.seen)

    @settings(QUICK, max_examples=SOAK_EXAMPLES, database=None)
    @given(q=QUESTIONS)
    def generated(q: str) -> None:
        check(client, q, timings)

    generated()
    seconds = sorted(seen[0] for seen in timings.seen)
    slowest, where, q = timings.slowest()
    over = sum(1 for value in seconds if value > TARGET_SECONDS)
    with capsys.disabled():
        print(f"\nhostile questions: {len(HOSTILE)} fixed + {SOAK_EXAMPLES} generated (max)")
        print("slowest answer of each fixed question (seconds, question):")
        for number, asked in enumerate(HOSTILE):
            worst = max(s for s, _, text in fixed if text == asked)
            print(f"  {number:3d} {worst:7.3f}  {ascii(asked)[:70]} ({len(asked)} chars)")
        print(
            f"{len(seconds)} answers (4 endpoints each): median {seconds[len(seconds) // 2]:.3f}s, "
            f"p99 {seconds[int(len(seconds) * 0.99)]:.3f}s, slowest {slowest:.3f}s "
            f"({where}, {len(q)} chars: {ascii(q)[:70]}); "
            f"{over} over {TARGET_SECONDS * 1000:.0f} ms"
        )
