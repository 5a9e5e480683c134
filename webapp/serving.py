"""gunicorn settings and hooks, shared by ``gunicorn.conf.py`` (``make serve``) and
``medsearch serve``.

Workers import the app after the fork (no ``preload_app``), so each opens the index itself.
Metrics: every worker writes its counters to files in ``PROMETHEUS_MULTIPROC_DIR`` (set here,
in the master, before any worker imports prometheus-client); the folder is emptied when the
server starts and a dead worker's live gauges are dropped by ``child_exit``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_CREATED_ENV = "MEDSEARCH_METRICS_DIR_CREATED"


def metrics_dir(configured: str = "") -> Path:
    """The multiprocess metrics folder, made and exported to the environment for workers.

    ``PROMETHEUS_MULTIPROC_DIR`` if already set, else ``MEDSEARCH_METRICS_DIR``, else a new
    temporary folder (removed again when the server exits).
    """
    chosen = os.environ.get(MULTIPROC_ENV) or configured
    if not chosen:
        chosen = tempfile.mkdtemp(prefix="medsearch-metrics-")
        os.environ[_CREATED_ENV] = chosen
    path = Path(chosen)
    path.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def clear_metrics(path: Path) -> None:
    """Forget the counts of an earlier run (only prometheus-client's ``*.db`` files)."""
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def on_starting(server: Any) -> None:
    clear_metrics(Path(os.environ[MULTIPROC_ENV]))


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    created = os.environ.get(_CREATED_ENV)
    if created:
        shutil.rmtree(created, ignore_errors=True)


def logconfig(level: str) -> dict[str, Any]:
    """gunicorn's own log lines as JSON too; its access log is off (the app logs requests)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "webapp.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "webapp.logs.StderrHandler", "formatter": "json"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }


def options(values: Mapping[str, Any]) -> dict[str, Any]:
    """gunicorn settings from medsearch's (``webapp.settings``) values."""
    metrics_dir(str(values.get("METRICS_DIR", "")))
    return {
        "bind": f"{values['HOST']}:{values['PORT']}",
        "workers": int(values["WORKERS"]),
        "threads": int(values["THREADS"]),
        "worker_class": "gthread",
        "accesslog": None,
        "errorlog": "-",
        "logconfig_dict": logconfig(str(values["LOG_LEVEL"])),
        "on_starting": on_starting,
        "child_exit": child_exit,
        "on_exit": on_exit,
    }
