"""Django's WSGI handler, callable in-process inside a test's transaction (for schemathesis)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections

ExcInfo = tuple[type[BaseException], BaseException, TracebackType]


class InProcessApp:
    """A WSGI app for the test's thread and database connection.

    Django closes "old" connections at the start and end of each request; inside a test transaction
    that would close the connection mid-test (the test client unhooks the same handler)."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


@dataclass
class RequestErrors:
    """Exceptions that escaped a view (Django turned them into a 500 and signalled them)."""

    caught: list[ExcInfo] = field(default_factory=list)

    def _receive(self, sender: Any, **kwargs: Any) -> None:
        info = sys.exc_info()
        if info[0] is not None:
            self.caught.append(info)  # type: ignore[arg-type]

    @classmethod
    @contextlib.contextmanager
    def capture(cls) -> Iterator[RequestErrors]:
        errors = cls()
        got_request_exception.connect(errors._receive)
        try:
            yield errors
        finally:
            got_request_exception.disconnect(errors._receive)

    def raise_first(self, note: str) -> None:
        """Re-raise the first exception of the last request with its traceback, like the test client."""
        if not self.caught:
            return
        _kind, exc, traceback = self.caught[0]
        self.caught.clear()
        exc.add_note(note)
        raise exc.with_traceback(traceback)
