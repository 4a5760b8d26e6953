"""The sync package's one local table: rows quarantined on the way to or from the central database.

A row the central PostgreSQL refuses (a constraint, bad data, a different event already
holding the station's sequence number) or a master-data version that differs from the one
the station holds under the same ``(code, version)`` is neither dropped nor retried forever:
it is recorded here with the reason, the queue goes on, and an administrator sees it
(``SyncStatus.quarantined``). The row itself stays where it was (events in their table,
the station's master-data version unchanged); this table only says what was refused and why.

Not an event: an administrator resolves an entry (``resolved_at``/``resolved_by``/
``resolution``), so it is bookkeeping like :class:`~hmi.store.models.sync.SyncState`.
"""

from __future__ import annotations

from hmi.store.models.sync import SyncQuarantine

__all__ = ["SyncQuarantine"]
