"""The reader pages in a real browser: Debian's Chromium driven by Playwright, against the real
server (gunicorn on ``wsgi:app``) over the starter corpus plus tests/fixtures/reader.jsonl.

Every test fails on a console error, an uncaught script error or a Content-Security-Policy
violation. Each page is also checked with axe-core (WCAG 2.2 A/AA and best practices, colour
contrast included) and for sideways scrolling at 360 px, and photographed at 1280 and 360 px
into test-artifacts/ (git-ignored).

Required in CI (``CI=true``): there a missing Chromium or Playwright fails the tests; elsewhere
they skip, saying what is missing. Playwright never downloads a browser: it launches
/usr/bin/chromium (`apt-get install chromium`; `.ci/run` does).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from search import Engine
from tests.servers import ROOT, Server, running

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
except ImportError:  # said by the `browser` fixture: a skip here, a failure in CI
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
MISSING = "/articles/no-such-article"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
AXE_RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    }
}
# Also reported as console errors: a CSP violation of any kind, in any frame.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});
"""


def missing_browser() -> str | None:
    if sync_playwright is None:
        return "the playwright and axe-playwright-python packages are not installed (.[dev])"
    if not CHROMIUM.exists():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    problem = missing_browser()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests are required in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(
    browser: Browser, reader_index: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser-server")
    with running(reader_index, folder, probe="/healthz", workers=1, threads=4) as started:
        yield started


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh desktop-sized tab; the test fails on any console error it logged."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], base_url=server.base)
    context.add_init_script(REPORT_CSP)
    tab = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # Chromium logs a 404 answer as an error; the missing page is asked for on purpose.
        expected = message.location.get("url", "").endswith(MISSING) and "404" in message.text
        if message.type == "error" and not expected:
            problems.append(f"{message.type}: {message.text} ({tab.url})")

    tab.on("console", console)
    tab.on("pageerror", lambda error: problems.append(f"uncaught: {error} ({tab.url})"))
    logged = server.log.stat().st_size
    yield tab
    context.close()
    with server.log.open() as log:  # the server's lines of this test, shown if it failed
        log.seek(logged)
        print("server log:\n" + log.read())
    assert problems == [], "console errors:\n" + "\n".join(problems)


def check_page(tab: Page, name: str, viewport: str) -> None:
    """axe finds nothing, nothing scrolls sideways, a meaningful title; then a screenshot."""
    tab.set_viewport_size(VIEWPORTS[viewport])
    title = tab.title()
    assert "medsearch" in title and len(title) > len("medsearch – ") + 5, title
    expect(tab.locator("footer .disclaimer")).to_contain_text("Not medical advice.")
    results = Axe().run(tab, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"{name} is {width} px wide at {viewport}"
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"{name}-{viewport}.png", full_page=True)


def query_of(tab: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(tab.url).query)


def combobox(tab: Page) -> Any:
    return tab.get_by_role("combobox", name="Ask a health question")


PAGES = {
    "home": "/",
    "results": "/search?q=how+is+asthma+treated",
    "filtered": "/search?q=what+are+the+symptoms&qtype=symptoms&page=2",
    "misspelt": "/search?q=astma",
    "crisis": "/search?q=I+want+to+end+my+life",
    "emergency": "/search?q=crushing+chest+pain+and+I+can%27t+breathe",
    "article": "/articles/reader-asthma-plan?q=asthma",
    "not-found": MISSING,
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_accessible_and_fits_the_screen(page: Page, name: str, viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(PAGES[name])
    assert response is not None
    assert response.status == (404 if name == "not-found" else 200)
    check_page(page, name, viewport)


def test_type_a_question_and_choose_a_suggestion_with_the_keyboard(page: Page) -> None:
    page.goto("/")
    box = combobox(page)
    listbox = page.get_by_role("listbox", name="Suggestions")
    box.focus()
    page.keyboard.type("lung c", delay=40)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_have_text("lung cancer")
    expect(page.locator("#q-status")).to_contain_text("suggestions")
    texts = options.all_inner_texts()
    assert len(texts) > 2 and "How is lung cancer treated?" in texts

    # Down and Up move the active option; the input keeps the focus.
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "q-option-0")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "q-option-1")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "q-option-0")
    expect(box).to_be_focused()
    check_page(page, "suggestions", "desktop")
    check_page(page, "suggestions", "phone")
    page.set_viewport_size(VIEWPORTS["desktop"])

    # Escape closes the list and keeps what was typed; Down opens it again.
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(box).to_have_value("lung c")
    page.keyboard.press("ArrowDown")
    expect(listbox).to_be_visible()

    # Enter on an option searches it.
    for _ in range(texts.index("How is lung cancer treated?")):
        page.keyboard.press("ArrowDown")
    expect(page.locator('[role="option"][aria-selected="true"]')).to_have_text(
        "How is lung cancer treated?"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert query_of(page) == {"q": ["How is lung cancer treated?"]}
    expect(combobox(page)).to_have_value("How is lung cancer treated?")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Answers to “How is lung cancer treated?”"
    )
    first = page.locator(".result").first
    expect(first.get_by_role("link")).to_have_text("How is lung cancer treated?")
    expect(first.locator("mark").first).to_be_visible()
    assert page.locator(".result mark").count() >= 5


def test_typing_and_enter_without_a_suggestion_searches_what_was_typed(page: Page) -> None:
    page.goto("/")
    combobox(page).focus()
    page.keyboard.type("kidney stones", delay=20)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert query_of(page) == {"q": ["kidney stones"]}
    expect(page.locator(".result mark").first).to_be_visible()


def test_filter_the_answers_and_page_through_them(page: Page) -> None:
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/search?q=what+are+the+symptoms")
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")  # folded
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto("/search?q=what+are+the+symptoms")
    expect(page.locator("details.filters")).to_have_attribute("open", "")  # a sidebar
    types = page.get_by_role("group", name="Type of question")
    symptoms = types.get_by_role("checkbox", name=re.compile(r"^Symptoms \("))
    label = types.locator("label", has_text=re.compile(r"^Symptoms \(")).text_content() or ""
    count = int(re.findall(r"\d+", label)[0])
    assert count > 10
    symptoms.check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"qtype=symptoms"))
    assert query_of(page) == {"q": ["what are the symptoms"], "qtype": ["symptoms"]}
    expect(page.locator(".summary")).to_contain_text(f"{count} answers")
    tags = page.locator(".result .tag").all_inner_texts()
    assert len(tags) == 10 and all(tag.endswith("Symptoms") for tag in tags)
    expect(
        page.get_by_role("group", name="Type of question").get_by_role(
            "checkbox", name=re.compile(r"^Symptoms \(")
        )
    ).to_be_checked()

    page.get_by_role("navigation", name="Result pages").get_by_role(
        "link", name=re.compile(r"^Next")
    ).click()
    page.wait_for_url(re.compile(r"page=2"))
    assert query_of(page) == {
        "q": ["what are the symptoms"],
        "qtype": ["symptoms"],
        "page": ["2"],
    }
    expect(page.locator("ol.results")).to_have_attribute("start", "11")
    expect(page.locator('.pager [aria-current="page"]')).to_have_text("Page 2")
    assert all(t.endswith("Symptoms") for t in page.locator(".result .tag").all_inner_texts())

    page.get_by_role("link", name="Clear filters").click()
    assert query_of(page) == {"q": ["what are the symptoms"]}


def test_open_an_article_follow_a_related_link_and_go_back(page: Page) -> None:
    page.goto("/search?q=how+is+asthma+treated")
    first = page.locator(".result h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".answer-body p").first).to_be_visible()

    page.goto("/articles/asthma-treatment?q=how+is+asthma+treated")
    assert page.locator(".answer-body ul li").count() >= 3  # the answer's list kept
    related = page.get_by_role("complementary", name="Related answers").get_by_role("link")
    assert related.count() >= 2
    next_title = related.first.inner_text()
    related.first.click()
    page.wait_for_url(re.compile(r"/articles/(?!asthma-treatment)"))
    expect(page.get_by_role("heading", level=1)).to_have_text(next_title)
    assert query_of(page) == {"q": ["how is asthma treated"]}

    page.get_by_role("link", name=re.compile("Back to the answers")).click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert query_of(page) == {"q": ["how is asthma treated"]}
    expect(combobox(page)).to_have_value("how is asthma treated")


def test_an_article_links_to_its_original(page: Page) -> None:
    page.goto("/articles/reader-asthma-plan")
    link = page.get_by_role("link", name="Read the original on example.org")
    expect(link).to_have_attribute("href", "https://www.example.org/asthma/action-plan")
    expect(page.locator(".answer-body ol li")).to_have_count(2)
    expect(page.locator(".answer-body h2")).to_have_text("What it says")


def test_a_misspelling_offers_the_correction(page: Page, reader_index: Path) -> None:
    assert Engine(reader_index).search("astma").did_you_mean == "asthma"
    page.goto("/")
    combobox(page).fill("astma")
    combobox(page).press("Enter")
    page.wait_for_url(re.compile(r"q=astma"))
    # Answers are read as "asthma" already; the corrected spelling is offered as a link.
    expect(page.locator(".result mark").first).to_have_text(re.compile("asthma", re.I))
    page.locator(".did-you-mean").get_by_role("link", name="asthma").click()
    page.wait_for_url(re.compile(r"q=asthma"))
    expect(page.locator(".result mark").first).to_have_text(re.compile("asthma", re.I))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_crisis_or_an_emergency_shows_what_to_do_now_first(page: Page, viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    cases = {
        "I want to end my life": "You do not have to face this alone",
        "crushing chest pain and I can't breathe": "Call your local emergency number now",
    }
    for question, heading in cases.items():
        page.goto("/")
        combobox(page).fill(question)
        combobox(page).press("Enter")
        page.wait_for_url(re.compile(r"/search\?"))
        notice = page.get_by_role("region", name=heading)
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("emergency number")
        box = notice.bounding_box()
        assert box is not None and box["y"] < VIEWPORTS[viewport]["height"] / 2  # first thing
        result = page.locator(".result").first.bounding_box()
        assert result is None or box["y"] < result["y"]

    page.goto("/search?q=chest+pain+after+exercise")
    expect(page.locator(".result").first).to_be_visible()
    expect(page.locator(".notice")).to_have_count(0)


def test_keyboard_alone_skip_link_visible_focus_and_search(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(combobox(page)).to_be_focused()
    assert_focus_ring(page)
    page.keyboard.type("gout", delay=20)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=gout"))

    # Tab reaches the first answer, with a visible focus style.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.result') !== null"):
            break
    else:
        pytest.fail("Tab never reached a result")
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))


def assert_focus_ring(tab: Page) -> None:
    style = tab.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    shadow: s.boxShadow};
        }"""
    )
    assert style["outline"] == "solid" and style["width"] >= 2, style
    assert style["shadow"] != "none", style


# -- the checks themselves catch what they are for ------------------------------------------------


def test_the_csp_blocks_inline_scripts_and_the_tests_see_violations(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context(base_url=server.base)
    context.add_init_script(REPORT_CSP)
    tab = context.new_page()
    messages: list[str] = []
    tab.on("console", lambda message: messages.append(message.text))
    tab.goto("/")
    tab.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.ran = true";
            document.body.append(script);
        }"""
    )
    tab.wait_for_function("() => true")
    assert tab.evaluate("window.ran") is None
    assert any(m.startswith("CSP violation: script-src") for m in messages), messages
    context.close()


def test_axe_reports_what_it_finds(page: Page) -> None:
    page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')
    found = {v["id"] for v in Axe().run(page, options=AXE_RULES).response["violations"]}
    assert {"image-alt", "link-name", "html-has-lang"} <= found
