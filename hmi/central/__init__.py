"""Central-side tooling for the plant's PostgreSQL (docs/central.md). Qt-free.

* :func:`init` / :func:`upgrade` — alembic migrations plus station grants and insert checks;
* :func:`seed` — master-data files with the station's importer;
* :func:`import_orders` / :func:`order_results` — the ERP exchange against central;
* :func:`add_station_role` & co. — one least-privilege login role per station
  (grants plus an insert-check trigger per event table);
* :func:`check_compatibility`, :func:`clock_skew`, :func:`skew_warning` — what a
  station checks before it pushes.
"""

from hmi.central.link import CentralError, LinkInfo, explain, make_central_engine, parse_url
from hmi.central.roles import (
    GROUP_ROLE,
    RoleResult,
    StationRole,
    add_station_role,
    apply_security,
    default_role_name,
    list_station_roles,
    remove_station_role,
)
from hmi.central.schema import (
    CENTRAL_STATION_ID,
    CLOCK_SKEW_WARN,
    SchemaResult,
    accepted_station_revisions,
    central_revision,
    check_compatibility,
    clock_skew,
    code_head,
    import_orders,
    init,
    order_results,
    seed,
    skew_warning,
    status,
    upgrade,
)

__all__ = [
    "CENTRAL_STATION_ID",
    "CLOCK_SKEW_WARN",
    "GROUP_ROLE",
    "CentralError",
    "LinkInfo",
    "RoleResult",
    "SchemaResult",
    "StationRole",
    "accepted_station_revisions",
    "add_station_role",
    "apply_security",
    "central_revision",
    "check_compatibility",
    "clock_skew",
    "code_head",
    "default_role_name",
    "explain",
    "import_orders",
    "init",
    "list_station_roles",
    "make_central_engine",
    "order_results",
    "parse_url",
    "remove_station_role",
    "seed",
    "skew_warning",
    "status",
    "upgrade",
]
