from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ir_measures import Qrel, ScoredDoc

from search import Engine
from search.cli import main
from search.evaluation import (
    LIVEQA_QRELS,
    DevSet,
    Topic,
    development_sets,
    freeze_liveqa,
    frozen_liveqa_set,
    liveqa_set,
    measure,
    paraphrase_set,
    read_liveqa,
    read_qrelsfile,
)
from tests.conftest import shared

STORED = [
    {"id": "a1", "focus": "Gout", "focus_key": "gout", "synonyms": ["Podagra"], "qtype": "causes"},
    {"id": "a2", "focus": "Gout", "focus_key": "gout", "synonyms": [], "qtype": "treatment"},
    {"id": "a3", "focus": "Gout", "focus_key": "gout", "synonyms": [], "qtype": "treatment"},
    {"id": "b1", "focus": "Asthma", "focus_key": "asthma", "synonyms": [], "qtype": "treatment"},
]


def test_measures_come_from_ir_measures_and_a_question_without_results_scores_zero() -> None:
    dev = DevSet(
        "t", [Topic("q1", ""), Topic("q2", "")], [Qrel("q1", "d2", 1), Qrel("q2", "d9", 1)]
    )
    run = [ScoredDoc("q1", "d1", 2.0), ScoredDoc("q1", "d2", 1.0)]  # q2 found nothing
    scores = measure(dev, run)
    assert scores["MRR@10"] == pytest.approx(0.25)  # (1/2 + 0) / 2
    assert scores["success@1"] == 0.0


def test_liveqa_relevance_needs_the_focus_or_a_synonym_and_the_type() -> None:
    topics = [
        Topic("q1", "", ("podagra",), ("treatment",)),
        Topic("q2", "", ("gouts",), ("cause",)),
        Topic("q3", "", ("migraine",), ("treatment",)),
    ]
    dev = liveqa_set(topics, STORED)
    judged = {(q.query_id, q.doc_id) for q in dev.qrels}
    assert judged == {("q1", "a2"), ("q1", "a3"), ("q2", "a1")}
    assert dev.unjudgeable == 1


def test_frozen_liveqa_judgements_are_read_back_and_refused_by_another_index(
    tmp_path: Path,
) -> None:
    topics = [
        Topic("q1", "", ("podagra",), ("treatment",)),
        Topic("q3", "", ("migraine",), ("treatment",)),
    ]
    path = tmp_path / "liveqa.qrels"
    freeze_liveqa(liveqa_set(topics, STORED), path)
    assert path.read_text() == "q1 0 a2 1\nq1 0 a3 1\n"
    frozen = frozen_liveqa_set(topics, STORED, path)
    assert frozen is not None
    assert [t.qid for t in frozen.topics] == ["q1"] and frozen.unjudgeable == 1
    # An index without those articles (another corpus) is judged by the rule instead.
    assert frozen_liveqa_set(topics, STORED[2:], path) is None


def test_the_frozen_liveqa_judgements_fit_medquad(medquad: Engine) -> None:
    sets = development_sets(medquad.documents(), shared(), Path("absent.tsv"))
    assert [dev.name for dev in sets] == ["liveqa/tune", "liveqa/heldout"]
    frozen = {(q.query_id, q.doc_id) for dev in sets for q in dev.qrels}
    assert frozen == {(q.query_id, q.doc_id) for q in read_qrelsfile(LIVEQA_QRELS)}
    assert sum(len(dev.topics) for dev in sets) == 161


def test_each_fresh_set_is_reported_on_its_own(tmp_path: Path) -> None:
    header = "qid\tmedquad_id\tqtype\tquestion\tpart\n"
    first, second = tmp_path / "paraphrase-fresh.tsv", tmp_path / "paraphrase-fresh2.tsv"
    first.write_text(header + "F1\ta2\ttreatment\tpills for gout\tvalidation\n")
    second.write_text(header + "G1\tb1\ttreatment\tinhalers for asthma\tvalidation\n")
    blind = tmp_path / "paraphrase-blind.tsv"
    blind.write_text(header + "B1\ta2\ttreatment\twhat helps gout\theldout\n")
    sets = development_sets(STORED, tmp_path, tmp_path / "absent.tsv", None, [first, second, blind])
    assert [(dev.name, len(dev.topics)) for dev in sets] == [
        ("fresh/validation", 1),
        ("fresh2/validation", 1),
        ("blind/heldout", 1),
    ]
    assert {q.doc_id for q in sets[1].qrels} == {"b1"}


def test_paraphrase_relevance_is_the_pair_and_its_focus_and_type_siblings() -> None:
    dev = paraphrase_set([(Topic("p1", "pills for gout", part="tune"), "a2")], STORED)
    assert {q.doc_id for q in dev.qrels} == {"a2", "a3"}
    assert dev.part("tune").topics and not dev.part("heldout").topics


def test_liveqa_files_are_read_with_their_annotations() -> None:
    topics = read_liveqa(sorted(shared("liveqa-train").glob("*.xml")))
    assert len(topics) == 446
    first = topics[0]
    assert first.qid == "L1-Q1" and first.foci == ("cardiac amyloidosis",)
    assert "&quot;" not in " ".join(t.text for t in topics)
    assert {t.part for t in topics} == {"tune", "heldout"}
    assert abs(sum(t.part == "tune" for t in topics) - 223) <= 1


def test_eval_command_scores_a_trec_run(tmp_path: Path) -> None:
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 d2 1\nq2 0 d3 1\n")
    run = tmp_path / "run.txt"
    run.write_text("q1 Q0 d2 1 3.0 x\nq2 Q0 d1 1 2.0 x\nq2 Q0 d3 2 1.0 x\n")
    result = CliRunner().invoke(main, ["eval", "--qrels", str(qrels), "--run", str(run)])
    assert result.exit_code == 0, result.output
    assert "2 questions" in result.output
    assert "MRR@10 0.750" in result.output and "success@1 0.500" in result.output


def test_engine_run_and_eval_agree(mini_index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tpills for asthma\n")
    out = tmp_path / "run.txt"
    CliRunner().invoke(
        main, ["run", str(queries), "--output", str(out), "--index", str(mini_index)]
    )
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 mini-asthma-treatment 1\n")
    result = CliRunner().invoke(main, ["eval", "--qrels", str(qrels), "--run", str(out)])
    assert "success@1 1.000" in result.output
    assert Engine(mini_index).search("pills for asthma").hits[0].id == "mini-asthma-treatment"
