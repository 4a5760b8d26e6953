"""Store-and-forward sync of the station's SQLite store with the central PostgreSQL.

Qt-free: :mod:`hmi.sync.push` (events up), :mod:`hmi.sync.pull` (master data down),
:mod:`hmi.sync.engine` (one run, the loop, the report). ``hmi.services.sync`` runs the
engine on its own thread and signals the status to the header. Rules: docs/sync.md.
"""
