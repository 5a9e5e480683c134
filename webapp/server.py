"""``medsearch serve``: the app under gunicorn, with the settings and hooks of ``serving``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from webapp import serving, settings


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Mapping[str, Any], options: Mapping[str, Any]) -> None:
        self._config = config
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # In the worker, after the fork: metrics and the index are opened per process.
        from webapp import create_app

        return create_app(self._config)


def serve(config: Mapping[str, Any], host: str, port: int, workers: int, threads: int) -> None:
    values = {
        **settings.from_environment(),
        **config,
        "HOST": host,
        "PORT": port,
        "WORKERS": workers,
        "THREADS": threads,
    }
    _Server(config, serving.options(values)).run()
