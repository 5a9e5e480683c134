"""Reader pages through Flask's test client, and the pure helpers that shape them.

The browser tests (tests/test_browser.py) drive the same pages in Chromium.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from search import Engine, Results
from search.safety import notices
from tests.test_safety import CRISIS, EMERGENCY, NEAR_MISSES
from webapp import create_app
from webapp.article_text import Block, blocks, original_link
from webapp.results_page import Asked, Pager, facets
from webapp.schemas import MAX_QUERY

# -- helpers of the pages (no app) ------------------------------------------------------------


def test_each_line_is_a_paragraph_and_list_lines_make_lists() -> None:
    body = (
        "First paragraph.\nSecond paragraph.\n\n## Signs\n\nThey include:\n- a cough\n"
        "* wheezing that\n   goes on\n• tight chest\n\nSteps:\n3. rest\n4) drink\n"
        "  water\nLast <b>word</b>."
    )
    assert blocks(body) == [
        Block("paragraph", ["First paragraph."]),
        Block("paragraph", ["Second paragraph."]),
        Block("heading", ["Signs"]),
        Block("paragraph", ["They include:"]),
        Block("bullets", ["a cough", "wheezing that goes on", "tight chest"]),
        Block("paragraph", ["Steps:"]),
        Block("numbers", ["rest", "drink water"], start=3),
        Block("paragraph", ["Last <b>word</b>."]),  # text stays text: the template escapes it
    ]


def test_lines_that_only_look_like_structure_stay_paragraphs() -> None:
    found = blocks("-5 degrees is cold.\n2010 was a year.\n#hashtag\n  indented text")
    assert [b.kind for b in found] == ["paragraph"] * 4
    assert blocks("") == [] and blocks("\n \n") == []


def test_a_list_after_a_paragraph_break_is_a_new_list() -> None:
    assert [b.kind for b in blocks("- a\n\n- b\n1. c")] == ["bullets", "numbers"]
    assert blocks("- a\n\n- b")[0].items == ["a", "b"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.org/a?b=1", "example.org"),
        ("http://example.net/x", "example.net"),
        ("  HTTPS://Example.org/x  ", "example.org"),
    ],
)
def test_original_links_are_http_or_https(url: str, expected: str) -> None:
    link = original_link(url)
    assert link is not None and link.host == expected and link.url == url.strip()


@pytest.mark.parametrize(
    "url",
    ["", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "ftp://example.org/",
     "//example.org/x", "/relative", "https://", "http://[::1"],
)  # fmt: skip
def test_other_links_to_the_original_are_dropped(url: str) -> None:
    assert original_link(url) is None


@pytest.mark.parametrize(
    ("page", "last", "numbers"),
    [
        (1, 1, [1]),
        (1, 4, [1, 2, 3, 4]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10]),
        (6, 12, [1, None, 4, 5, 6, 7, 8, None, 12]),
        (10, 10, [1, None, 8, 9, 10]),
    ],
)
def test_page_links_show_the_ends_and_the_pages_around(
    page: int, last: int, numbers: list[int | None]
) -> None:
    assert Pager(page, last).numbers() == numbers


def test_pages_cover_the_first_thousand_answers() -> None:
    assert Pager.of(1, 0, 10).last == 1
    assert Pager.of(1, 31, 10).last == 4
    assert Pager.of(1, 50_000, 10).last == 100
    first, middle, last = Pager(1, 3), Pager(2, 3), Pager(3, 3)
    assert (first.previous, first.next) == (None, 2)
    assert (middle.previous, middle.next) == (1, 3)
    assert (last.previous, last.next) == (2, None)


def test_the_request_is_cleaned_up() -> None:
    asked = Asked.from_args(
        MultiDict(
            [
                ("q", "  how is\n asthma   treated "),
                ("page", "x"),
                ("qtype", "treatment"),
                ("qtype", " treatment "),
                ("qtype", ""),
                ("source", "A"),
                ("colour", "blue"),
            ]
        )
    )
    assert asked.q == "how is asthma treated" and asked.page == 1
    assert asked.chosen == {"source": ("A",), "qtype": ("treatment",)}
    assert Asked.from_args(MultiDict({"q": "a" * 5000, "page": "-3"})) == Asked("a" * MAX_QUERY)
    assert Asked("q", 101).offset(10) == 990  # within the first 1,000 answers


def test_links_keep_the_question_and_filters() -> None:
    asked = Asked("asthma", 3, (("qtype", ("treatment", "causes")),))
    assert asked.args() == {"q": "asthma", "qtype": ["treatment", "causes"], "page": 3}
    assert asked.args(page=1) == {"q": "asthma", "qtype": ["treatment", "causes"]}
    assert asked.args(qtype=None, page=2) == {"q": "asthma", "page": 2}


def test_filters_count_what_each_value_would_add(reader_index: Path) -> None:
    engine = Engine(reader_index)
    unfiltered = engine.search("asthma")
    asked = Asked("asthma", filters=(("qtype", ("treatment", "no such type")),))
    results = engine.search(asked.q, filters=asked.chosen)
    shown = {facet.name: facet for facet in facets(engine, asked, results)}
    qtypes = {option.value: option for option in shown["qtype"].options}
    # The chosen facet offers every type with its count without that filter...
    assert {v: o.count for v, o in qtypes.items() if o.count} == unfiltered.facets["qtype"]
    assert qtypes["treatment"].chosen and not qtypes["causes"].chosen
    assert qtypes["no such type"].chosen and qtypes["no such type"].count == 0
    assert qtypes["side effects"].label == "Side effects"
    # ... the other facet counts within the chosen types.
    assert {o.value: o.count for o in shown["source"].options} == results.facets["source"]
    assert shown["source"].options[0].label == "medsearch starter (demo)"  # as written


def test_a_facet_with_one_value_is_not_offered(mini_index: Path) -> None:
    results = Results("q", 3, 0, [], 1.0, facets={"source": {"A": 3}, "qtype": {"x": 2, "y": 1}})
    shown = facets(Engine(mini_index), Asked("q"), results)
    assert [facet.name for facet in shown] == ["qtype"]
    assert [(o.value, o.count, o.chosen) for o in shown[0].options] == [
        ("x", 2, False),
        ("y", 1, False),
    ]


# -- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def client(reader_index: Path) -> FlaskClient:
    return create_app({"INDEX": str(reader_index), "TESTING": True}).test_client()


@pytest.fixture
def mini(mini_index: Path) -> FlaskClient:
    """Ten tiny articles, three answers a page."""
    return create_app({"INDEX": str(mini_index), "TESTING": True, "PAGE_SIZE": 3}).test_client()


def page_of(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def title_of(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found, "no <title>"
    return unescape(found[1])


def test_home_page_has_a_labelled_search_box_and_examples(client: FlaskClient) -> None:
    page = page_of(client, "/")
    search = page[page.index("<search") : page.index("</search>")]
    assert (
        '<h1 class="searchbox-heading"><label for="q">Ask a health question</label></h1>' in search
    )
    assert 'name="q"' in search and 'type="search"' in search
    assert "Why does lung cancer recur after surgery?" in page
    assert 'href="/search?q=Why+does+lung+cancer+recur+after+surgery?"' in page
    assert "Not medical advice" in page
    assert title_of(page) == "medsearch – answers to health questions"


def test_search_box_is_an_aria_combobox_over_the_suggest_api(client: FlaskClient) -> None:
    page = page_of(client, "/")
    box = re.search(r"<input id=\"q\"[^>]*>", page, re.S)
    assert box
    for attribute in (
        'role="combobox"',
        'aria-autocomplete="list"',
        'aria-expanded="false"',
        'aria-controls="q-listbox"',
        'data-suggest-url="/api/suggest"',
        'autocomplete="off"',
    ):
        assert attribute in box[0]
    assert '<ul id="q-listbox" class="suggestions" role="listbox"' in page
    assert 'id="q-status"' in page and 'role="status"' in page
    assert '<script src="/static/autocomplete.js" defer></script>' in page
    with client.get("/static/autocomplete.js") as script:
        assert script.status_code == 200


def test_an_empty_search_goes_home(client: FlaskClient) -> None:
    for path in ("/search", "/search?q=", "/search?q=+++"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/"


def test_results_page_lists_answers_with_highlighted_snippets(mini: FlaskClient) -> None:
    page = page_of(mini, "/search?q=how+is+asthma+treated?")
    assert 'value="how is asthma treated?"' in page
    assert "<mark>Asthma</mark>" in page
    assert page.index("How is asthma treated?") < page.index("How is diabetes treated?")
    assert title_of(page) == "how is asthma treated? – search results – medsearch"


def test_each_result_links_its_article_and_shows_source_type_and_snippet(
    client: FlaskClient,
) -> None:
    page = page_of(client, "/search?q=asthma+relievers+and+preventers")
    assert re.search(r"[\d,]+ answers?,\s+found in \d+ ms", page)
    results = re.findall(r'<li class="result">.*?</li>', page, re.S)
    (result,) = [r for r in results if "/articles/reader-asthma-inhalers" in r]
    assert 'href="/articles/reader-asthma-inhalers?q=asthma+relievers+and+preventers"' in result
    assert "How do asthma inhalers work?" in result
    assert "Asthma Society" in result and ">Treatment</span>" in result
    assert "<mark>Relievers</mark> open the airways" in result


def test_results_are_paged_and_page_links_keep_the_question_and_filters(
    client: FlaskClient, mini: FlaskClient
) -> None:
    first = page_of(mini, "/search?q=treated+symptoms+cancer")
    assert 'rel="next"' in first and 'aria-current="page"' in first
    second = page_of(mini, "/search?q=treated+symptoms+cancer&page=2")
    assert '<ol class="results" start="4">' in second
    assert title_of(second) == "treated symptoms cancer – search results, page 2 – medsearch"

    page = page_of(client, "/search?q=what+are+the+symptoms&qtype=symptoms&qtype=causes")
    pager = page[page.index('<nav class="pager"') :]
    pager = pager[: pager.index("</nav>")]
    next_link = re.search(r'rel="next" href="([^"]*)"', pager)
    assert next_link
    assert parse_qs(urlsplit(unescape(next_link[1])).query) == {
        "q": ["what are the symptoms"],
        "qtype": ["symptoms", "causes"],
        "page": ["2"],
    }


def test_a_page_past_the_last_goes_to_the_last(mini: FlaskClient) -> None:
    response = mini.get("/search?q=asthma&page=40")
    assert response.status_code == 302
    assert response.headers["Location"] == "/search?q=asthma"


def test_filters_keep_the_question_and_narrow_the_answers(client: FlaskClient) -> None:
    everything = page_of(client, "/search?q=asthma")
    assert "<legend>Type of question</legend>" in everything
    assert "<legend>Source</legend>" in everything
    assert '<input type="hidden" name="q" value="asthma">' in everything
    assert "Clear filters" not in everything

    page = page_of(client, "/search?q=asthma&source=Asthma+Society")
    results = page[page.index('<ol class="results"') : page.index("</ol>")]
    assert results.count('<li class="result">') == 2
    assert results.count("Asthma Society") == 2 and "medsearch starter" not in results
    assert re.search(r'name="source" value="Asthma Society" checked>', page)
    assert re.search(r'name="source" value="medsearch starter \(demo\)">', page)  # still offered
    assert "<summary>Filter answers (1 chosen)</summary>" in page
    assert 'href="/search?q=asthma">Clear filters</a>' in page


def test_filters_of_both_kinds_combine(client: FlaskClient) -> None:
    page = page_of(client, "/search?q=asthma&source=Asthma+Society&qtype=management")
    results = page[page.index('<ol class="results"') : page.index("</ol>")]
    assert results.count('<li class="result">') == 1 and "action plan" in results


def test_a_misspelling_offers_the_correction_and_help(client: FlaskClient) -> None:
    page = page_of(client, "/search?q=astma")
    # Answers are already read as "asthma"; the spelling is offered to search it as written.
    assert "<mark>Asthma</mark>" in page or "<mark>asthma</mark>" in page
    assert 'Did you mean <a href="/search?q=asthma">asthma</a>?' in page
    nothing = page_of(client, "/search?q=qqzzxv")
    assert "No answers to “qqzzxv”" in nothing
    assert "Check the spelling" in nothing
    assert 'href="/search?q=How+is+high+blood+pressure+treated?"' in nothing
    corrected = page_of(client, "/search?q=what+causes+astma")
    assert (
        'Did you mean <a href="/search?q=what+causes+asthma">what causes asthma</a>?' in corrected
    )


def test_no_answers_within_filters_says_how_to_see_all(client: FlaskClient) -> None:
    page = page_of(client, "/search?q=asthma&source=Nobody")
    assert "No answers to “asthma”" in page
    assert 'href="/search?q=asthma">search all answers</a>' in page
    assert re.search(r'name="source" value="Nobody" checked>', page)


def test_article_page_keeps_paragraphs_lists_and_headings(client: FlaskClient) -> None:
    page = page_of(client, "/articles/reader-asthma-plan?q=asthma+plan")
    assert '<h1 id="article-title">What goes in an asthma action plan?</h1>' in page
    assert "<h2>What it says</h2>" in page
    assert "<p>It usually lists:</p>" in page
    assert (
        "<ul><li>your daily preventer medicines</li><li>what to do when symptoms get worse, "
        "for example more puffs of your reliever</li><li>when to get help</li></ul>"
    ) in page
    assert "<ol><li>Keep it where you can find it.</li><li>Share it with family" in page
    assert "Nothing here is &lt;b&gt;markup&lt;/b&gt; &amp; nothing runs." in page
    original = '<a href="https://www.example.org/asthma/action-plan" rel="external noopener'
    assert original in page and ">Read the original on example.org</a>" in page
    assert "Asthma Society" in page and "Management" in page
    assert title_of(page) == "What goes in an asthma action plan? – medsearch"


def test_article_page_links_back_to_the_results_and_to_related_answers(
    client: FlaskClient,
) -> None:
    page = page_of(client, "/articles/reader-asthma-plan?q=asthma+plan")
    assert '<a href="/search?q=asthma+plan">‹ Back to the answers to “asthma plan”</a>' in page
    related = page[page.index('<aside class="related"') : page.index("</aside>")]
    assert 'href="/articles/asthma-treatment?q=asthma+plan"' in related  # named in the record
    alone = page_of(client, "/articles/reader-asthma-plan")
    assert '<a href="/">‹ Ask another question</a>' in alone
    assert 'href="/articles/asthma-treatment"' in alone


def test_only_web_links_to_the_original(client: FlaskClient) -> None:
    assert "Read the original on example.net" in page_of(client, "/articles/reader-asthma-inhalers")
    children = page_of(client, "/articles/reader-asthma-children")
    assert "Read the original" not in children and "ftp:" not in children
    assert '<ol start="3"><li>Numbered lists may start anywhere.</li>' in children


def test_stored_html_is_escaped_everywhere(mini: FlaskClient) -> None:
    results = page_of(mini, "/search?q=syndrome")
    article = page_of(mini, "/articles/mini-xss")
    for page in (results, article):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
    assert "javascript:" not in article  # only http(s) links to the original


def test_article_page_shows_the_answer_source_and_related(mini: FlaskClient) -> None:
    page = page_of(mini, "/articles/mini-lung-recur?q=lung")
    assert "Why does lung cancer come back after surgery?</h1>" in page
    assert "Regular follow-up scans" in page
    assert 'href="/articles/mini-lung-symptoms?q=lung"' in page


# -- safety notices ------------------------------------------------------------------------------


def notice_kinds(page: str) -> list[str]:
    return re.findall(r'<section class="notice notice--(\w+)"', page)


@pytest.mark.parametrize("text", EMERGENCY + CRISIS)
def test_emergencies_and_crises_get_their_notice_above_the_results(
    client: FlaskClient, text: str
) -> None:
    page = page_of(client, "/search?q=" + quote(text))
    expected = notices(text)  # the same function the API uses
    assert notice_kinds(page) == [n["kind"] for n in expected]
    for notice in expected:
        assert notice["title"] in unescape(page) and notice["message"] in unescape(page)
    first_notice = page.index('<section class="notice')
    assert first_notice < page.index("<search") < page.index('class="results-heading"')
    if '<ol class="results"' in page:
        assert first_notice < page.index('<ol class="results"')


@pytest.mark.parametrize("text", [t for t in NEAR_MISSES if t.strip("?! ")])
def test_near_misses_get_no_notice(client: FlaskClient, text: str) -> None:
    assert notice_kinds(page_of(client, "/search?q=" + quote(text))) == []


def test_the_page_and_the_api_show_the_same_notice(client: FlaskClient) -> None:
    q = "I want to end my life"
    page = unescape(page_of(client, "/search?q=" + quote(q)))
    api = client.get("/api/search", query_string={"q": q}).get_json()["notices"]
    assert api and all(n["title"] in page and n["message"] in page for n in api)
    assert "988" in page and "emergency number" in page


def test_an_article_opened_from_a_crisis_search_shows_the_notice_too(
    client: FlaskClient,
) -> None:
    page = page_of(client, "/articles/depression-symptoms?q=" + quote("I want to kill myself"))
    assert notice_kinds(page) == ["crisis"]
    assert notice_kinds(page_of(client, "/articles/depression-symptoms?q=depression")) == []


# -- every page --------------------------------------------------------------------------------

PAGES = {
    "/": "medsearch – answers to health questions",
    "/search?q=asthma": "asthma – search results – medsearch",
    "/search?q=astma": "astma – search results – medsearch",
    "/articles/asthma-causes": "What causes asthma and what triggers attacks? – medsearch",
    "/articles/nope": "Page not found – medsearch",
    "/nowhere": "Page not found – medsearch",
}


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_every_page_has_a_meaningful_title_a_skip_link_and_the_disclaimer(
    client: FlaskClient, path: str, title: str
) -> None:
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert title_of(page) == title
    assert page.index('<a class="skip-link" href="#main">') < page.index('<main id="main"')
    assert "<strong>Not medical advice.</strong>" in page
    assert '<html lang="en">' in page and 'name="viewport"' in page


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_scripts_styles_or_handlers(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert not re.search(r"\sstyle=|<style", page)
    assert "javascript:" not in page


def test_unknown_pages_are_404_pages_in_the_site_style(client: FlaskClient) -> None:
    for path in ("/articles/nope", "/nowhere"):
        page = page_of(client, path, status=404)
        assert "<h1>Page not found</h1>" in page and "We could not find that page" in page
        assert "<search" in page and 'href="/static/style.css"' in page


def test_other_errors_are_pages_in_the_site_style_too(client: FlaskClient) -> None:
    response = client.post("/search")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "<h1>Something went wrong</h1>" in response.get_data(as_text=True)


def test_a_server_error_is_a_500_page_without_a_stack_trace(reader_index: Path) -> None:
    app: Flask = create_app({"INDEX": str(reader_index), "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals at /srv/medsearch/app.py line 42")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "<h1>Something went wrong</h1>" in page
    assert title_of(page) == "Something went wrong – medsearch"
    assert "Traceback" not in page and "secret internals" not in page and "RuntimeError" not in page


HOSTILE = ["*", "a" * 5000, "\x00", "((((", "' OR 1=1 --", "🤒 حمى", "<script>x</script>"]


@pytest.mark.parametrize("q", [quote(q) for q in HOSTILE] + ["%ED%A0%80", "%FF%FE", "%"])
def test_any_query_string_gets_a_page(mini: FlaskClient, q: str) -> None:
    # Raw query strings: "%ED%A0%80" is a lone surrogate, "%FF%FE" not UTF-8 at all.
    for path in (f"/search?q={q}", f"/search?q=asthma&qtype={q}&page={q}", f"/articles/x?q={q}"):
        response = mini.get(path)
        assert response.status_code in (200, 302, 404), path
        assert "<script>x" not in response.get_data(as_text=True)
