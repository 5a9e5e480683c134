"""Settings, declared once as (name, default, help); read from ``MEDSEARCH_<NAME>``.

The README lists every setting; a test fails when one is missing there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = (
    Setting("INDEX", "index", "Index directory: builds and the `current` link."),
    Setting("HOST", "127.0.0.1", "Address `medsearch serve` listens on."),
    Setting("PORT", 8000, "Port `medsearch serve` listens on."),
    Setting("WORKERS", 2, "gunicorn worker processes for `medsearch serve`."),
    Setting("THREADS", 4, "Threads per worker for `medsearch serve`."),
    Setting("PAGE_SIZE", 10, "Results per page on the search page."),
)

PREFIX = "MEDSEARCH_"


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Each setting from the environment, converted to the type of its default."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(PREFIX + setting.name)
        if raw is None:
            values[setting.name] = setting.default
        elif isinstance(setting.default, int):
            try:
                values[setting.name] = int(raw)
            except ValueError as exc:
                raise ValueError(f"{PREFIX}{setting.name}={raw!r}: not a whole number") from exc
        else:
            values[setting.name] = raw
    return values
