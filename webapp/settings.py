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
    Setting(
        "HOST", "127.0.0.1", "Address the server (`make serve`, `medsearch serve`) listens on."
    ),
    Setting("PORT", 8000, "Port the server listens on."),
    Setting("WORKERS", 2, "gunicorn worker processes; each opens the index after the fork."),
    Setting("THREADS", 4, "Threads per worker (one Whoosh searcher each)."),
    Setting("PAGE_SIZE", 10, "Results per page on the search page."),
    Setting(
        "CORS_ORIGINS",
        "*",
        "Origins allowed to call `/api/*` from a browser: `*` or a comma-separated list "
        "(`https://a.example,https://b.example`).",
    ),
    Setting(
        "RATE_LIMIT",
        "120/minute",
        "Requests per client to `/api/*` (Flask-Limiter syntax, `;` between several, e.g. "
        "`120/minute;2000/hour`); empty: no limit. Kept per worker with the default storage.",
    ),
    Setting(
        "RATE_LIMIT_STORAGE",
        "memory://",
        "Where rate-limit counters live: `memory://` (per worker process) or a shared store "
        "such as `redis://host:6379` (needs the `redis` package).",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of the app whose `X-Forwarded-For` is trusted for the "
        "client address of rate limits; 0: use the connecting address.",
    ),
    Setting(
        "CACHE_SECONDS",
        60,
        "`Cache-Control: max-age` of successful `GET /api/*` answers (they also carry an ETag).",
    ),
    Setting("LOG_LEVEL", "INFO", "Level of the JSON log lines on stderr (DEBUG, INFO, WARNING…)."),
    Setting(
        "METRICS_DIR",
        "",
        "Folder for Prometheus multiprocess metrics under gunicorn (`PROMETHEUS_MULTIPROC_DIR`); "
        "empty: a fresh temporary folder per server start.",
    ),
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
