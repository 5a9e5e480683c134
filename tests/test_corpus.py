from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from search.corpus import Article, Problem, discover, read_file, starter_path
from search.corpus.pages import clean_page
from tests.conftest import FIXTURES, shared


def load(path: Path, fmt: str | None = None) -> tuple[list[Article], list[Problem]]:
    articles: list[Article] = []
    problems: list[Problem] = []
    for file, root, kind in discover([path], fmt):
        for item in read_file(file, root, kind):
            (articles if isinstance(item, Article) else problems).append(item)
    return articles, problems


# -- MedQuAD -------------------------------------------------------------------------


def test_medquad_pairs_become_articles_with_readable_stable_ids() -> None:
    articles, _ = load(FIXTURES / "medquad")
    by_id = {a.id: a for a in articles}
    gout = by_id["Demo_0000001_1"]
    assert gout.title == "What causes Gout?"
    assert gout.body.startswith("Gout is caused by too much uric acid")
    assert (gout.focus, gout.qtype, gout.source) == ("Gout", "causes", "Demo")
    assert gout.synonyms == ("Gouty arthritis", "Podagra")
    assert gout.url == "https://example.org/demo/gout"
    assert [a.id for a in load(FIXTURES / "medquad")[0]] == [a.id for a in articles]


def test_medquad_older_layout_is_read_too() -> None:
    articles, _ = load(FIXTURES / "medquad")
    old = next(a for a in articles if a.source == "OldLayout")
    assert old.id == "OldLayout_0000007_1"
    assert old.focus == "Holmes-Adie"
    assert "pupil" in old.body


def test_medquad_unanswered_pairs_are_counted_not_indexed_and_broken_files_named() -> None:
    articles, problems = load(FIXTURES / "medquad")
    assert len(articles) == 3  # two Gout answers and the old-layout one; readme.txt is no article
    unanswered = [p for p in problems if not p.malformed]
    assert [p.reason for p in unanswered] == ["no answer text"]
    broken = [p for p in problems if p.malformed]
    assert len(broken) == 1
    assert broken[0].path.endswith("0000008.xml")
    assert broken[0].line is not None and broken[0].line > 1
    assert "malformed XML" in broken[0].reason


def test_full_medquad_release_loads_every_answered_pair() -> None:
    articles, problems = load(shared("medquad"))
    # 16,407 pairs in the common layout plus 16 in the older layout of four NINDS files.
    assert len(articles) == 16_423
    assert len({a.id for a in articles}) == len(articles)
    assert sum(not p.malformed for p in problems) == 31_034
    assert [p for p in problems if p.malformed] == []
    assert articles[0].id == "CancerGov_0000001_1_1"
    assert articles[-1].source == "CDC"
    assert any(a.id == "GARD_0004375_1" for a in articles)


# -- JSON Lines ----------------------------------------------------------------------


def test_jsonl_keeps_given_ids_and_reports_bad_lines_with_numbers() -> None:
    articles, problems = load(FIXTURES / "jsonl" / "articles.jsonl")
    assert [a.id for a in articles] == ["Q-001", "42", "Q-009"]
    assert articles[0].synonyms == ("anaemia",)
    assert articles[0].qtype == "information"
    assert articles[1].source == "articles"  # the file name when no source is given
    assert articles[2].url == "https://example.org/q9"
    lines = {p.line: p.reason for p in problems}
    assert set(lines) == {4, 5, 6, 7, 8}
    assert "invalid JSON" in lines[4]
    assert "answer" in lines[5]
    assert "synonyms" in lines[6]
    assert '"id"' in lines[7]
    assert "object" in lines[8]
    assert all(p.path.endswith("articles.jsonl") for p in problems)


# -- Article pages --------------------------------------------------------------------


def test_scraped_text_page_loses_navigation_teasers_and_repeated_title() -> None:
    articles, problems = load(FIXTURES / "pages" / "scraped.txt")
    assert problems == []
    (page,) = articles
    assert page.title == "How long does a sprained ankle take to heal?"
    assert page.id == "scraped"
    assert page.body.startswith("A mild sprained ankle")
    assert page.body.endswith("See a doctor if you cannot put weight on the foot.")
    assert "2. Gradual exercise" in page.body
    for furniture in ("<<:", ">>:", "Recommend", "broken toe", "flat feet", page.title):
        assert furniture not in page.body


def test_seed_page_comes_out_clean() -> None:
    (page,), problems = load(shared("seed"))
    assert problems == []
    assert page.title == "Why does lung cancer recur after surgical resection?"
    assert page.body.startswith("Recurrence of lung cancer after surgical resection")
    for section in (
        "1. Residual cancer cells",
        "2. Metastatic lung cancer",
        "3. Neoplastic cancer",
    ):
        assert page.body.count(section) == 1
    assert page.body.endswith("seek medical attention in a timely manner.")
    assert page.title not in page.body
    for furniture in ("<<:", ">>:", "Recommend", "ovarian tumors", "red rope", "..."):
        assert furniture not in page.body


def test_html_page_keeps_main_content_only() -> None:
    (page,), _ = load(FIXTURES / "pages" / "nav.html")
    assert page.title.startswith("What is tinnitus?")
    assert "ringing, buzzing or hissing" in page.body
    assert "Ear wax" in page.body
    for furniture in ("Conditions A-Z", "Contact us", "Copyright", "Privacy policy"):
        assert furniture not in page.body


def test_markdown_front_matter_gives_the_record_fields() -> None:
    (page,), _ = load(FIXTURES / "pages" / "with-front-matter.md")
    assert page.id == "md-hay-fever"
    assert page.title == "How is hay fever treated?"
    assert (page.focus, page.qtype, page.source) == ("hay fever", "treatment", "Demo pages")
    assert page.synonyms == ("allergic rhinitis", "pollen allergy")
    assert page.related == ("md-other",)
    assert page.body.startswith("Antihistamine tablets")
    assert "- Shower after being outdoors." in page.body


def test_bad_pages_are_reported_with_file_and_line() -> None:
    articles, problems = load(FIXTURES / "pages")
    assert {a.id for a in articles} == {"scraped", "nav", "md-hay-fever"}
    reasons = {Path(p.path).name: p for p in problems}
    assert set(reasons) == {"broken-front-matter.md", "empty.txt"}
    assert "front matter" in reasons["broken-front-matter.md"].reason
    # YAML notices the unclosed list where the front matter ends, on line 4.
    assert reasons["broken-front-matter.md"].line == 4
    assert str(reasons["broken-front-matter.md"]).startswith(f"{FIXTURES / 'pages'}/broken")


def test_clean_page_keeps_a_body_that_merely_mentions_recommend() -> None:
    text = (
        "Title\n\nBody one.\n\nRecommend\n\n"
        + "A long paragraph that is clearly part of the article. " * 5
    )
    title, body = clean_page(text)
    assert title == "Title"
    assert "Recommend" in body


def test_unknown_file_format_is_refused_clearly(tmp_path: Path) -> None:
    odd = tmp_path / "corpus.csv"
    odd.write_text("a,b\n")
    with pytest.raises(ValueError, match="--format"):
        discover([odd])


# -- Starter corpus --------------------------------------------------------------------


def test_starter_corpus_is_large_labelled_and_answers_the_example() -> None:
    articles, problems = load(starter_path())
    assert problems == []
    assert len(articles) >= 120
    assert all(a.source == "medsearch starter (demo)" for a in articles)
    assert all("not medical advice" in a.body for a in articles)
    ids = {a.id for a in articles}
    assert all(set(a.related) <= ids for a in articles)
    titles = {a.title for a in articles}
    assert "Why does lung cancer recur after surgery?" in titles
    assert len({a.focus for a in articles}) >= 40


def test_starter_front_matter_is_plain_yaml() -> None:
    for page in sorted(starter_path().glob("[!_]*.md")):
        meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])
        assert meta["id"] == page.stem
