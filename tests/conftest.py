from __future__ import annotations

from pathlib import Path

import pytest

from search import Engine
from search.indexing import build

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """A path under ../shared/data, or a skip saying plainly that the data is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here: tests on the shared data sets are skipped")
    return path


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built index of tests/fixtures/mini.jsonl (ten articles)."""
    root = tmp_path_factory.mktemp("mini-index")
    build([FIXTURES / "mini.jsonl"], root)
    return root


@pytest.fixture(scope="session")
def starter_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built index of the shipped starter corpus."""
    from search.corpus import starter_path

    root = tmp_path_factory.mktemp("starter-index")
    build([starter_path()], root)
    return root


@pytest.fixture(scope="session")
def reader_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter corpus plus tests/fixtures/reader.jsonl: articles from other sources, with
    lists, headings and links to originals, for the reader pages."""
    from search.corpus import starter_path

    root = tmp_path_factory.mktemp("reader-index")
    build([starter_path(), FIXTURES / "reader.jsonl"], root)
    return root


@pytest.fixture
def engine(mini_index: Path) -> Engine:
    return Engine(mini_index)


@pytest.fixture(scope="session")
def medquad_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MedQuAD from ../shared/data, built once for the session (about 30 s), or a skip."""
    corpus = shared("medquad")
    root = tmp_path_factory.mktemp("medquad-index")
    build([corpus], root)
    return root


@pytest.fixture(scope="session")
def medquad(medquad_index: Path) -> Engine:
    return Engine(medquad_index)
