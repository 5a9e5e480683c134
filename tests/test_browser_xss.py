"""Stored XSS, in Chromium against the real server: a corpus (tests/fixtures/hostile.jsonl)
whose every field — title, body, focus, source, question type, url, synonyms, related, id —
holds ``<script>``, ``<img onerror>``, ``javascript:`` links and attribute break-outs.

Nothing runs: no dialog opens, nothing is logged as an error (a Content-Security-Policy
violation would be: see tests/test_browser.py's ``page`` fixture, reused here with this
module's server), no element carries an event-handler attribute, and every link is http(s).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from search.indexing import build
from tests.conftest import FIXTURES
from tests.servers import Server, running
from tests.test_browser import browser, page  # noqa: F401 - fixtures used by name

with contextlib.suppress(ImportError):  # without Playwright the `browser` fixture says so
    from playwright.sync_api import Browser, Dialog, Page, expect

HOSTILE = FIXTURES / "hostile.jsonl"
ARTICLES = [json.loads(line) for line in HOSTILE.read_text(encoding="utf-8").splitlines()]

# Anything that ran would leave one of these behind.
FINDINGS = """() => {
  const found = [];
  if (window.__xss !== undefined) found.push("window.__xss = " + window.__xss);
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith("on")) {
        found.push(element.tagName + " has " + attribute.name);
      }
    }
    if (element.tagName === "SCRIPT" && !element.src) {
      found.push("inline script: " + element.textContent.slice(0, 60));
    }
    // The site has none of these: any one was injected.
    if (["svg", "IMG", "IFRAME", "OBJECT", "EMBED"].includes(element.tagName)) {
      found.push("injected " + element.tagName);
    }
  }
  for (const link of document.querySelectorAll("a[href], area[href]")) {
    const url = new URL(link.href, location.href);
    if (!["http:", "https:"].includes(url.protocol)) found.push("link to " + link.href);
  }
  for (const form of document.querySelectorAll("form[action]")) {
    const url = new URL(form.action, location.href);
    if (url.origin !== location.origin) found.push("form to " + form.action);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def server(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:  # noqa: F811
    from search.corpus import starter_path

    folder = tmp_path_factory.mktemp("xss-server")
    index = folder / "index"
    build([starter_path(), HOSTILE], index)
    with running(index, folder, probe="/healthz", workers=1, threads=4) as started:
        yield started


@pytest.fixture
def tab(page: Page) -> Iterator[Page]:  # noqa: F811
    """The reused ``page`` (fails on console errors) that also fails on any dialog."""
    dialogs: list[str] = []

    def opened(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message} ({page.url})")
        dialog.dismiss()

    page.on("dialog", opened)
    yield page
    assert dialogs == [], dialogs


def inspect(tab: Page, path: str) -> None:
    response = tab.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    tab.wait_for_load_state("load")
    assert tab.evaluate(FINDINGS) == [], path


def test_results_and_filters_show_hostile_fields_as_text(tab: Page) -> None:
    inspect(tab, "/search?q=xsstopic")
    expect(tab.locator("main")).to_contain_text("<script>")  # shown, as text
    for article in ARTICLES[:3]:
        query = urlencode({"q": "xsstopic", "source": article["source"]})
        inspect(tab, f"/search?{query}")
        query = urlencode({"q": "xsstopic", "qtype": article["qtype"]})
        inspect(tab, f"/search?{query}")
    inspect(tab, "/search?" + urlencode({"q": ARTICLES[0]["answer"][:400]}))


def test_articles_show_hostile_fields_as_text_and_link_only_to_http(tab: Page) -> None:
    for article in ARTICLES:
        path = "/articles/" + quote(article["id"], safe="")
        inspect(tab, path)
        inspect(tab, path + "?" + urlencode({"q": article["question"]}))
        original = tab.locator("p.original a")
        if article["url"].startswith("https://"):
            expect(original).to_have_count(1)
            assert original.get_attribute("href") == article["url"]
        else:
            expect(original).to_have_count(0)


def test_suggestions_of_hostile_titles_are_text(tab: Page) -> None:
    inspect(tab, "/")
    box = tab.get_by_role("combobox", name="Ask a health question")
    box.focus()
    tab.keyboard.type("xsstop", delay=40)
    options = tab.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options.first).to_be_visible()
    assert any("<script>" in text or "<img" in text for text in options.all_inner_texts())
    assert tab.evaluate(FINDINGS) == []
    tab.keyboard.press("ArrowDown")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    tab.wait_for_load_state("load")
    assert "/search" in tab.url
    assert tab.evaluate(FINDINGS) == []
