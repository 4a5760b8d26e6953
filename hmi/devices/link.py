"""The link supervision every driver shares: state, reconnect, BAD-on-loss.

A protocol driver subclasses :class:`SupervisedDriver` and supplies how to
connect once (``_connect_once``), what to run while connected
(``_on_connected`` / ``_on_lost``) and how to drop its client (``_drop``).
The base class owns the rest, identically for every protocol:

* one supervisor task; the first retry after a loss is immediate, then the
  backoff doubles from ``backoff_initial`` up to ``backoff_max``;
* a generation number per connection attempt, so a late callback from a
  connection already given up can never overwrite a BAD mark;
* on losing the link: state RECONNECTING, then every tag's last value is
  re-delivered with quality BAD at once (no screen shows an old value as
  current);
* a configuration error found at connect time (an address the device does
  not know) fails ``async with`` at once when ``wait_connected``, otherwise it
  is retried every ``config_retry_s`` and reported through ``on_error``;
* a ring buffer of recent link events for diagnosis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from hmi.devices.base import (
    ConfigError,
    ConnectError,
    ConnectionState,
    DeviceError,
    Quality,
    StateCallback,
    Tag,
    TagNotFoundError,
    TagValue,
    ValueCallback,
)

logger = logging.getLogger(__name__)

B = TypeVar("B")  # a driver's per-tag binding; it has a ``tag`` attribute


def now_utc() -> datetime:
    return datetime.now(UTC)


class SupervisedDriver(Generic[B]):
    #: Exceptions from the protocol library that mean "the link failed".
    LINK_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (
        TimeoutError,
        OSError,
        ConnectionError,
    )
    #: Name used for the supervisor task.
    KIND: ClassVar[str] = "driver"

    def __init__(
        self,
        url: str,
        bindings: Mapping[str, B],
        *,
        on_value: ValueCallback,
        on_state: StateCallback,
        on_error: Callable[[DeviceError], None] | None,
        connect_timeout: float,
        wait_connected: bool,
        backoff_initial: float,
        backoff_max: float,
        config_retry_s: float,
        history: int,
    ) -> None:
        self.url = url
        self._bindings = dict(bindings)
        self._on_value = on_value
        self._on_state = on_state
        self._on_error = on_error
        self.connect_timeout = connect_timeout
        self.wait_connected = wait_connected
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.config_retry_s = config_retry_s

        self._state = ConnectionState.DISCONNECTED
        self._last: dict[str, TagValue] = {}
        self._events: deque[str] = deque(maxlen=history)
        self._client: Any = None
        self._generation = 0
        self._lost = asyncio.Event()
        self._settled = asyncio.Event()  # first connect succeeded or failed for good
        self._fatal: DeviceError | None = None
        self._last_error: DeviceError | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._closing = False

    # ------------------------------------------------------------------ what a protocol supplies

    async def _connect_once(self) -> None:
        """Bump the generation, connect, verify the tags; raise on failure."""
        raise NotImplementedError

    async def _on_connected(self) -> None:
        """Start what runs while connected (subscriptions are made in ``_connect_once``)."""

    async def _on_lost(self) -> None:
        """Stop what ran while connected (called before the BAD marks go out)."""

    async def _drop(self, *, graceful: bool) -> None:
        """Close and forget the protocol client."""
        raise NotImplementedError

    def _connect_error(self, exc: BaseException) -> DeviceError:
        """Turn a library exception met while connecting into a DeviceError."""
        return ConnectError(f"connect to {self.url} failed: {exc!r}", url=self.url)

    # ------------------------------------------------------------------ public API

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def tags(self) -> dict[str, Tag]:
        return {name: b.tag for name, b in self._bindings.items()}  # type: ignore[attr-defined]

    @property
    def last_error(self) -> DeviceError | None:
        """The most recent error met while (re)connecting; None once connected."""
        return self._last_error

    def last_values(self) -> dict[str, TagValue]:
        return dict(self._last)

    def recent_events(self) -> list[str]:
        """The ring buffer of recent link events, oldest first (for diagnosis)."""
        return list(self._events)

    async def __aenter__(self) -> Self:
        await self.start()
        if not self.wait_connected:
            return self
        try:
            await asyncio.wait_for(self._settled.wait(), self.connect_timeout)
        except TimeoutError:
            reason = self._last_error
            await self.aclose()
            raise ConnectError(
                f"could not connect to {self.url} within {self.connect_timeout:g} s"
                + (f": {reason}" if reason else ""),
                url=self.url,
                # The last attempt's own words (a device that does not answer,
                # a refused login) say more than a generic "check the cable".
                operator_message=reason.operator_message if reason is not None else None,
            ) from reason
        if self._fatal is not None:
            fatal = self._fatal
            await self.aclose()
            raise fatal
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Start the supervisor (``__aenter__`` does this). Idempotent."""
        if self._closing:
            raise ConnectError("driver is closed", url=self.url)
        if self._supervisor is None:
            self._set_state(ConnectionState.CONNECTING)
            self._supervisor = asyncio.create_task(
                self._supervise(), name=f"{self.KIND}-supervisor {self.url}"
            )

    async def aclose(self) -> None:
        """Stop reconnecting, close the link and report CLOSED. Idempotent."""
        if self._closing and self._supervisor is None:
            return
        self._closing = True
        task, self._supervisor = self._supervisor, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._on_lost()
        await self._drop(graceful=self._state is ConnectionState.CONNECTED)
        self._note("closed")
        self._set_state(ConnectionState.CLOSED)

    # ------------------------------------------------------------------ shared internals

    def _binding(self, name: str) -> B:
        try:
            return self._bindings[name]
        except KeyError:
            raise ConfigError(f"no tag named {name!r} is configured for {self.url}") from None

    def _require_client(self) -> Any:
        if self._state is not ConnectionState.CONNECTED or self._client is None:
            raise ConnectError(
                f"not connected to {self.url} (state {self._state})",
                url=self.url,
                operator_message=(
                    "The machine is not connected right now, so nothing was sent. "
                    "Wait until the connection is back, then try again."
                ),
            )
        return self._client

    def _note(self, msg: str, *args: object, level: int = logging.DEBUG) -> None:
        text = msg % args if args else msg
        self._events.append(f"{now_utc().isoformat(timespec='milliseconds')} {text}")
        logger.log(level, "%s: %s", self.url, text)

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        self._state = state
        self._note("state -> %s", state, level=logging.INFO)
        try:
            self._on_state(state)
        except Exception:
            logger.exception("on_state callback failed for %s", self.url)

    def _deliver(self, value: TagValue) -> None:
        self._last[value.tag] = value
        try:
            self._on_value(value)
        except Exception:
            logger.exception("on_value callback failed for tag %s", value.tag)

    def _record_error(self, error: DeviceError) -> None:
        is_new = self._last_error is None or str(self._last_error) != str(error)
        self._last_error = error
        self._note("connect failed: %s", error, level=logging.WARNING if is_new else logging.DEBUG)
        if is_new and self._on_error is not None:
            try:
                self._on_error(error)
            except Exception:
                logger.exception("on_error callback failed for %s", self.url)

    def _trigger_loss(self, generation: int, reason: str) -> None:
        if generation != self._generation or self._lost.is_set() or self._closing:
            return
        self._note("link lost (%s)", reason, level=logging.WARNING)
        self._lost.set()

    def _mark_all_bad(self) -> None:
        """Re-deliver every tag's last value as BAD so no screen shows it as current."""
        now = now_utc()
        for name in self._bindings:
            last = self._last.get(name)
            self._deliver(
                TagValue(
                    name,
                    last.value if last else None,
                    Quality.BAD,
                    last.source_ts if last else now,
                    now,
                    self._state,
                )
            )

    async def _supervise(self) -> None:
        backoff = self.backoff_initial
        while True:
            try:
                await self._connect_once()
            except asyncio.CancelledError:
                raise
            except TagNotFoundError as exc:
                self._record_error(exc)
                await self._drop(graceful=True)
                if self.wait_connected and not self._settled.is_set():
                    self._fatal = exc
                    self._settled.set()
                    return
                await asyncio.sleep(self.config_retry_s)
                continue
            except DeviceError as exc:
                self._record_error(exc)
            except self.LINK_ERRORS as exc:
                self._record_error(self._connect_error(exc))
            except Exception as exc:  # keep the supervisor alive, but say what broke
                logger.exception("unexpected error while connecting to %s", self.url)
                self._record_error(
                    ConnectError(f"connect to {self.url} failed: {exc!r}", url=self.url)
                )
            else:
                backoff = self.backoff_initial
                self._last_error = None
                self._set_state(ConnectionState.CONNECTED)
                self._settled.set()
                await self._on_connected()
                await self._lost.wait()
                await self._on_lost()
                self._set_state(ConnectionState.RECONNECTING)
                self._mark_all_bad()
                await self._drop(graceful=False)
                continue  # first retry at once, backoff after that
            await self._drop(graceful=False)
            self._note("retry in %.2f s", backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.backoff_max)
