"""The ``medsearch`` command: build, search, suggest, run (TREC), serve."""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

import click

from search import indexing
from search.corpus import FORMATS, starter_path
from search.engine import Engine, IndexUnavailable

PROBLEMS_SHOWN = 20

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="index",
    envvar="MEDSEARCH_INDEX",
    show_default=True,
    show_envvar=True,
    help="Index directory (builds and the `current` link).",
)


@click.group()
@click.version_option(package_name="medsearch")
def main() -> None:
    """medsearch: answers to health questions from a library of Q&A articles."""


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _progress(files: list[Path]) -> Iterator[Path]:
    with click.progressbar(
        files,
        label="Indexing",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda path: path.name if path else None,
    ) as bar:
        yield from bar


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@index_option
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), help="Read every file as this format."
)
@click.option("--strict", is_flag=True, help="Fail on the first malformed record.")
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    default=None,
    help="Processes that read and index [default: 2 for 4 MB of files or more, else 1].",
)
def build(
    paths: tuple[Path, ...], index_dir: Path, fmt: str | None, strict: bool, procs: int | None
) -> None:
    """Index PATHS (files or folders; none: the starter corpus) into a new build.

    The new build replaces the served one only when it is complete.
    """
    sources = list(paths) or [starter_path()]
    try:
        report = indexing.build(
            sources, index_dir, fmt=fmt, strict=strict, progress=_progress, procs=procs
        )
    except (indexing.BuildError, ValueError, FileNotFoundError) as exc:
        raise click.ClickException(f"build failed, index unchanged: {exc}") from exc

    click.echo(
        f"Indexed {report.indexed:,} documents in {report.seconds:.1f} s "
        f"({report.docs_per_second:,.0f} docs/s); index {_megabytes(report.size_bytes)} "
        f"at {report.path}"
    )
    for reason, count in report.skipped.most_common():
        click.echo(f"Skipped {count:,} records: {reason}")
    if report.problems:
        click.echo(f"Skipped {len(report.problems):,} malformed records:", err=True)
        for problem in report.problems[:PROBLEMS_SHOWN]:
            click.echo(f"  {problem}", err=True)
        if len(report.problems) > PROBLEMS_SHOWN:
            click.echo(f"  … and {len(report.problems) - PROBLEMS_SHOWN:,} more", err=True)


@main.command()
@click.argument("question")
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(question: str, index_dir: Path, limit: int, as_json: bool) -> None:
    """Answer QUESTION from the index."""
    try:
        results = Engine(index_dir).search(question, limit=limit)
    except IndexUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(asdict(results), ensure_ascii=False, indent=2))
        return
    if results.did_you_mean:
        click.echo(f"Did you mean: {results.did_you_mean}?")
    if not results.hits:
        click.echo("No answers found.")
    for rank, hit in enumerate(results.hits, start=1):
        click.echo(f"{rank:>2}. {hit.title}  [{hit.id}, {hit.source}, score {hit.score:.2f}]")
        click.echo(f"    {_plain(hit.snippet)}")


@main.command()
@click.argument("prefix")
@index_option
@click.option("--limit", default=8, show_default=True, type=click.IntRange(1, 20))
def suggest(prefix: str, index_dir: Path, limit: int) -> None:
    """Print focus names and questions completing PREFIX, one a line."""
    try:
        completions = Engine(index_dir).suggest(prefix, limit=limit)
    except IndexUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    for completion in completions:
        click.echo(completion)


def _plain(snippet: str) -> str:
    """A snippet for the terminal: marks shown as *word*, entities decoded."""
    return html.unescape(snippet.replace("<mark>", "*").replace("</mark>", "*"))


@main.command()
@click.argument("queries", type=click.File(encoding="utf-8"))
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Run file (default: stdout).",
)
@click.option("--tag", default="medsearch", show_default=True, help="Run name in the last column.")
def run(
    queries: TextIO,
    index_dir: Path,
    limit: int,
    output: TextIO,
    tag: str,
) -> None:
    """Answer each `qid<TAB>text` line of QUERIES and write a TREC run."""
    engine = Engine(index_dir)
    for number, line in enumerate(queries, start=1):
        if not line.strip():
            continue
        qid, sep, text = line.rstrip("\n").partition("\t")
        if not sep or not qid.strip():
            raise click.ClickException(f"{queries.name}:{number}: expected qid<TAB>text")
        try:
            results = engine.search(text, limit=limit)
        except IndexUnavailable as exc:
            raise click.ClickException(str(exc)) from exc
        for rank, hit in enumerate(results.hits, start=1):
            output.write(f"{qid.strip()} Q0 {hit.id} {rank} {hit.score:.4f} {tag}\n")


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, envvar="MEDSEARCH_HOST")
@click.option("--port", default=8000, show_default=True, type=int, envvar="MEDSEARCH_PORT")
@click.option("--workers", default=2, show_default=True, type=int, envvar="MEDSEARCH_WORKERS")
@click.option("--threads", default=4, show_default=True, type=int, envvar="MEDSEARCH_THREADS")
def serve(index_dir: Path, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web pages with gunicorn."""
    from webapp.server import serve as run_server

    run_server({"INDEX": str(index_dir)}, host=host, port=port, workers=workers, threads=threads)


@main.command(name="eval")
@index_option
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default="../shared/data",
    show_default=True,
    help="Folder holding liveqa-train/.",
)
@click.option(
    "--paraphrase",
    type=click.Path(dir_okay=False, path_type=Path),
    default="eval/paraphrase.tsv",
    show_default=True,
    help="The team's paraphrase questions.",
)
@click.option("--qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--run", "run_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate(
    index_dir: Path, data: Path, paraphrase: Path, qrels: Path | None, run_file: Path | None
) -> None:
    """Measure relevance: a TREC run against qrels, or the engine on the development sets."""
    from search import evaluation

    if qrels or run_file:
        if not (qrels and run_file):
            raise click.UsageError("--qrels and --run go together")
        judged = evaluation.read_qrelsfile(qrels)
        topics = [evaluation.Topic(qid, "") for qid in dict.fromkeys(q.query_id for q in judged)]
        dev = evaluation.DevSet(qrels.name, topics, judged)
        scores = evaluation.measure(dev, evaluation.read_runfile(run_file))
        click.echo(
            f"{len(topics)} questions: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items())
        )
        return
    try:
        engine = Engine(index_dir)
        sets = evaluation.development_sets(engine.documents(), data, paraphrase)
    except IndexUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    if not sets:
        raise click.ClickException(f"no development sets found under {data} or at {paraphrase}")

    def ranker(text: str) -> list[tuple[str, float]]:
        return [(hit.id, hit.score) for hit in engine.search(text, limit=10).hits]

    for name, _, count, scores in evaluation.compare(sets, {"medsearch": ranker}):
        click.echo(
            f"{name:<22} {count:>4} questions  "
            + "  ".join(f"{k} {v:.3f}" for k, v in scores.items())
        )
