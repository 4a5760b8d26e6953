"""Logging of the station: a rotating file in ``[upkeep] log_dir`` plus stderr, redacted.

:func:`setup_logging` replaces ``logging.basicConfig``: the root logger gets

* a :class:`PrivateRotatingFileHandler` writing ``<log_dir>/hmi.log`` — at most
  ``[upkeep] log_max_mb`` MiB per file, ``log_backups`` older files kept
  (``hmi.log.1`` … ``hmi.log.N``), every file created mode 0600;
* a stderr handler (the journal, under systemd);

and both carry a :class:`RedactingFilter`, so no record reaches a file or the journal
with a URL password, a ``password=``/``pin=`` value or a PEM private key in its message,
its arguments or its traceback (:func:`hmi.secrets.redact_text`).

A log directory that cannot be created is said on stderr and the station logs to stderr
only: logging must never be the reason a station does not start.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import Any

from hmi.secrets import redact_text

#: Name of the current log file in the log directory.
LOG_FILE = "hmi.log"
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"
STDERR_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_hmi_logsetup"  # attribute on the handlers installed here (replaced on a second call)


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message (after formatting it with its args), its
    traceback and stack text. Changes the record in place, so every handler after it
    sees the masked text; always lets the record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        redacted = redact_text(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are created readable by the station's user only."""

    def _open(self):  # noqa: ANN202 - logging's signature
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, self.mode if "a" in self.mode else "a", encoding=self.encoding,
                         errors=self.errors)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record (like logging's
    last-resort handler), not the stream that was current at set-up."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # noqa: ANN201 - logging's attribute
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler.setStream: ignored
        pass


def log_dir_of(cfg: Any, data_dir: Path) -> Path:
    """``[upkeep] log_dir`` resolved (``{data_dir}``, ``~``, relative to the station file)."""
    return cfg.resolve_path(cfg.upkeep.log_dir, data_dir)


def setup_logging(cfg: Any, data_dir: Path, verbose: bool = False, *,
                  level: int | None = None, to_file: bool = True,
                  stderr_level: int | None = None) -> Path | None:
    """Install the station's handlers on the root logger; return the log file (or None).

    ``cfg`` is the :class:`~hmi.config.StationConfig` (None before it is loaded: stderr
    only). ``level`` defaults to DEBUG with ``verbose``, else INFO; ``stderr_level``
    (default: the same) lets tool commands keep stderr quiet while the file gets INFO.
    Calling it again replaces the handlers installed by the previous call."""
    level = level if level is not None else (logging.DEBUG if verbose else logging.INFO)
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _MARK, False):
            root.removeHandler(h)
            h.close()
    redactor = RedactingFilter()

    err = StderrHandler()
    err.setFormatter(logging.Formatter(STDERR_FORMAT))
    err.setLevel(stderr_level if stderr_level is not None else level)
    err.addFilter(redactor)
    setattr(err, _MARK, True)
    root.addHandler(err)

    path: Path | None = None
    if cfg is not None and to_file:
        directory = log_dir_of(cfg, data_dir)
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            handler = PrivateRotatingFileHandler(
                directory / LOG_FILE, maxBytes=cfg.upkeep.log_max_mb * 1024 * 1024,
                backupCount=cfg.upkeep.log_backups, encoding="utf-8")
        except OSError as exc:
            print(f"hmi: cannot write log files in {directory} ({exc.strerror or exc}); "
                  "logging to stderr only. Fix [upkeep] log_dir or the directory's "
                  "permissions.", file=sys.stderr)
        else:
            handler.setFormatter(logging.Formatter(FILE_FORMAT))
            handler.setLevel(level)
            handler.addFilter(redactor)
            setattr(handler, _MARK, True)
            root.addHandler(handler)
            path = directory / LOG_FILE
    root.setLevel(min(level, stderr_level if stderr_level is not None else level))
    # asyncua logs every reconnect attempt at INFO; its warnings are what matter.
    if not verbose:
        logging.getLogger("asyncua").setLevel(logging.WARNING)
    return path
