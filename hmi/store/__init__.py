"""hmi.store layer: SQLAlchemy models, engine factory and migrations.

``from hmi.store import models`` gives every table class; the common ones are
re-exported here too. Users, roles and audit tables are in
``hmi.store.security``. Engines are built by :func:`hmi.store.engine.make_engine`
(never at import time).
"""

from hmi.store import models
from hmi.store.base import (
    Base,
    EventMixin,
    ImmutableRowError,
    MasterMixin,
    MasterStatus,
    UTCDateTime,
    new_id,
    utcnow,
)
from hmi.store.events import append_event, last_event, next_seq
from hmi.store.models import *  # noqa: F403 - re-export every model class
from hmi.store.models import __all__ as _model_names

__all__ = [
    "Base",
    "EventMixin",
    "ImmutableRowError",
    "MasterMixin",
    "MasterStatus",
    "UTCDateTime",
    "append_event",
    "last_event",
    "models",
    "new_id",
    "next_seq",
    "utcnow",
    *_model_names,
]
