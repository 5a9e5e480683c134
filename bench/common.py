"""Shared bits of the benchmarks: where the data is, and how to print a table."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def data_path(*parts: str) -> Path:
    """A path under ../shared/data; exits saying so plainly when the data is not here."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        print(f"SKIPPED: {path} is not here, so this benchmark cannot run.")
        sys.exit(0)
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        " | ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
