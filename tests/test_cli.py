from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from search.cli import main
from tests.conftest import FIXTURES


def test_build_summarises_and_lists_problems_with_file_and_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(FIXTURES / "jsonl"), "--index", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 documents" in result.output
    assert "docs/s" in result.output and "MB" in result.output
    assert "Skipped 5 malformed records" in result.output
    assert "articles.jsonl:4: invalid JSON" in result.output


def test_build_without_paths_indexes_the_starter_corpus(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--index", str(tmp_path)])
    assert result.exit_code == 0, result.output
    count = int(result.output.split("Indexed ")[1].split()[0].replace(",", ""))
    assert count >= 120


def test_failed_build_exits_non_zero_and_says_the_index_is_unchanged(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(FIXTURES / "jsonl"), "--strict", "--index", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "build failed, index unchanged" in result.output
    assert "articles.jsonl:4" in result.output


def test_search_prints_ranked_answers(mini_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "is cystic fibrosis inherited?", "--index", str(mini_index)]
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(" 1. Is cystic fibrosis inherited?") and "mini-cf-inheritance" in first
    assert "*Cystic* *fibrosis*" in result.output


def test_search_json_and_index_from_environment(mini_index: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["search", "kidney stones", "--json", "--limit", "1"],
        env={"MEDSEARCH_INDEX": str(mini_index)},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["hits"][0]["id"] == "mini-kidney-stones"
    assert set(data["hits"][0]) >= {"id", "score", "title", "url", "source", "snippet"}


def test_search_without_an_index_explains_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "x", "--index", str(tmp_path)])
    assert result.exit_code == 1
    assert "medsearch build" in result.output


def test_run_writes_a_trec_run(mini_index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\twhat causes kidney stones\nq2\thow is asthma treated?\n")
    out = tmp_path / "run.txt"
    result = CliRunner().invoke(
        main,
        ["run", str(queries), "--limit", "3", "--output", str(out), "--index", str(mini_index)],
    )
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in out.read_text().splitlines()]
    assert lines[0][:4] == ["q1", "Q0", "mini-kidney-stones", "1"]
    assert all(len(line) == 6 and line[5] == "medsearch" for line in lines)
    q2 = [line for line in lines if line[0] == "q2"]
    assert q2[0][2] == "mini-asthma-treatment"
    assert [int(line[3]) for line in q2] == list(range(1, len(q2) + 1))
    scores = [float(line[4]) for line in q2]
    assert scores == sorted(scores, reverse=True)


def test_run_rejects_a_line_without_a_tab(mini_index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("q1 no tab here\n")
    result = CliRunner().invoke(main, ["run", str(queries), "--index", str(mini_index)])
    assert result.exit_code == 1
    assert "q.tsv:1: expected qid<TAB>text" in result.output


def test_search_offers_a_respelled_question(mini_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "how is astma treated", "--index", str(mini_index)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Did you mean: how is asthma treated?"
    spelled = CliRunner().invoke(
        main, ["search", "how is asthma treated", "--index", str(mini_index)]
    )
    assert "Did you mean" not in spelled.output


def test_suggest_prints_one_completion_a_line(mini_index: Path) -> None:
    result = CliRunner().invoke(main, ["suggest", "kidney st", "--index", str(mini_index)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["kidney stones", "What causes kidney stones?"]
    limited = CliRunner().invoke(
        main, ["suggest", "kidney", "--limit", "1", "--index", str(mini_index)]
    )
    assert limited.output.splitlines() == ["kidney stones"]
    nothing = CliRunner().invoke(main, ["suggest", "zzzz", "--index", str(mini_index)])
    assert (nothing.exit_code, nothing.output) == (0, "")
