"""One worker thread for database work, with results delivered on the GUI thread.

Nothing blocks the GUI thread: SQL and PIN hashing run here. Like Anki, all
database writes go through this single thread, so SQLite never sees two
writers from this process and the order of writes is the order of calls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


class DbWorker(QObject):
    _sig_finished = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hmi-db")
        self._sig_finished.connect(self._deliver)

    def submit(self, fn: Callable[..., T], *args: Any,
               on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> Future[T]:
        """Run ``fn(*args)`` on the worker; call back on the GUI thread."""
        fut = self._pool.submit(fn, *args)
        fut.add_done_callback(lambda f: self._sig_finished.emit(on_done, on_error, f))
        return fut

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Await ``fn(*args)`` on the worker from a coroutine."""
        return await asyncio.wrap_future(self._pool.submit(fn, *args))

    def _deliver(self, on_done, on_error, fut: Future) -> None:
        exc = fut.exception()
        if exc is None:
            if on_done is not None:
                on_done(fut.result())
            return
        if on_error is not None:
            on_error(exc)
        else:
            log.error("database task failed", exc_info=exc)
            raise exc

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
