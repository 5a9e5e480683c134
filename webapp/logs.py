"""Request ids and JSON logs: one JSON object per line, each with the request id it belongs to.

A request keeps the ``X-Request-ID`` it came with (when it looks like an id) or gets a new one;
the response echoes it and every log line written while serving it carries it. Query strings
are never logged: health questions are personal.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import IO, Any

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
access_log = logging.getLogger("medsearch.access")


def request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    if has_request_context():
        value = g.get("request_id")
        return str(value) if value else None
    return None


class JsonFormatter(_JsonFormatter):
    """JSON lines with time, level, logger, message, request id and any ``extra`` fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        if not args and "fmt" not in kwargs:
            kwargs["fmt"] = ["levelname", "name", "message"]
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        current = request_id()
        if current is not None:
            log_data.setdefault("request_id", current)


class StderrHandler(logging.StreamHandler[IO[str]]):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure(level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Send the root logger's records to stderr (or ``stream``) as JSON lines; idempotent."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if stream is None:
        for existing in root.handlers:
            if isinstance(existing.formatter, JsonFormatter):
                return existing
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else StderrHandler()
    )
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    return handler


def init_app(app: Flask) -> None:
    """Give every request an id (kept from ``X-Request-ID`` when valid) and log each request."""

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _ACCEPTED_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def echo_and_log(response: Response) -> Response:
        current = g.get("request_id")
        if current:
            response.headers[HEADER] = current
        started = g.get("started")
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                if started
                else None,
            },
        )
        return response
