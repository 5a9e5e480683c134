"""The NumPy first stage (search.postings) against Whoosh itself on the same build: the same
matches, scores, order, facets and filters, for terms and for phrases."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.postings import Postings
from search.questions import field_boosts

BOOSTS = field_boosts()
# (words, weight): single terms, a phrase that occurs as a phrase ("blood pressur" in the
# high-blood-pressure article), one whose words occur only apart, and an unknown word.
SOUGHT = [
    [(("lung",), 1.0), (("cancer",), 1.0), (("recur",), 1.0)],
    [(("diabet",), 1.0), (("symptom",), 1.0)],
    [(("treat",), 1.0), (("blood", "pressur"), 0.5)],
    [(("pressur", "blood"), 1.0)],
    [(("zzzunknown",), 1.0), (("asthma",), 1.0)],
]


def whoosh_scores(build: Path, sought: list[tuple[tuple[str, ...], float]]) -> dict[str, float]:
    clauses: list[wq.Query] = []
    for words, weight in sought:
        for field, boost in BOOSTS.items():
            clause = (
                wq.Term(field, words[0], boost=boost * weight)
                if len(words) == 1
                else wq.Phrase(field, list(words), boost=boost * weight)
            )
            clauses.append(clause)
    with whoosh_index.open_dir(str(build)).searcher() as searcher:
        return {hit["id"]: float(hit.score) for hit in searcher.search(wq.Or(clauses), limit=None)}


@pytest.mark.parametrize("sought", SOUGHT, ids=lambda s: " ".join(" ".join(w) for w, _ in s))
def test_scores_and_order_are_whooshs_bm25f(mini_index: Path, sought: list) -> None:
    build = (mini_index / "current").resolve()
    postings = Postings(build)
    expected = whoosh_scores(build, sought)
    best = postings.match(sought, BOOSTS).best(100)
    found = {postings.article(ord_)["id"]: score for ord_, score in best}
    assert found.keys() == expected.keys()
    for article_id, score in expected.items():
        assert found[article_id] == pytest.approx(score, rel=1e-9)
    assert [score for _, score in best] == pytest.approx(sorted(expected.values(), reverse=True))


def test_a_phrase_needs_its_words_next_to_each_other(mini_index: Path) -> None:
    postings = Postings((mini_index / "current").resolve())
    together = postings.match([(("blood", "pressur"), 1.0)], BOOSTS).matched
    apart = postings.match([(("pressur", "blood"), 1.0)], BOOSTS).matched
    assert len(together) > 0
    assert len(apart) == 0


def test_filters_and_facets_count_the_matching_articles(mini_index: Path) -> None:
    postings = Postings((mini_index / "current").resolve())
    sought = [(("treat",), 1.0), (("cancer",), 1.0)]
    everything = postings.match(sought, BOOSTS)
    facets = postings.facets(everything.matched)
    assert sum(facets["qtype"].values()) == len(everything.matched)
    treatment = postings.match(sought, BOOSTS, postings.allowed({"qtype": ["treatment"]}))
    assert len(treatment.matched) == facets["qtype"]["treatment"]
    assert {postings.article(o)["qtype"] for o in treatment.matched} == {"treatment"}
    nothing = postings.allowed({"qtype": ["no such type"]})
    assert len(postings.match(sought, BOOSTS, nothing).matched) == 0


def test_answers_are_stored_whole(mini_index: Path) -> None:
    build = (mini_index / "current").resolve()
    postings = Postings(build)
    with whoosh_index.open_dir(str(build)).searcher() as searcher:
        for fields in searcher.all_stored_fields():
            assert postings.body(postings.by_id[fields["id"]]) == fields["body"]
