"""ERP order exchange: orders in (CSV, ISA-95 B2MML V0600), production results out.

Qt-free (no PySide6), so the central database can run the same import and
export. See docs/orders-erp.md.

* :func:`parse_orders` — read and validate a file without a database;
* :func:`import_orders` — validate against the database and write, all or nothing;
* :func:`order_results` / :func:`project_results` — per-order results from events;
* :func:`export_b2mml` / :func:`export_csv` — the results as B2MML or CSV.
"""

from hmi.services.erp.b2mml import export_b2mml, schema, schema_path
from hmi.services.erp.csvfmt import export_csv
from hmi.services.erp.importer import ImportReport, import_orders, parse_orders, write_orders
from hmi.services.erp.model import (
    B2MML_NS,
    OperationIn,
    OrderExportError,
    OrderImportError,
    OrderIn,
    ParsedOrders,
    Problem,
)
from hmi.services.erp.results import OrderResult, SegmentResult, order_results, project_results

__all__ = [
    "B2MML_NS",
    "ImportReport",
    "OperationIn",
    "OrderExportError",
    "OrderImportError",
    "OrderIn",
    "OrderResult",
    "ParsedOrders",
    "Problem",
    "SegmentResult",
    "export_b2mml",
    "export_csv",
    "import_orders",
    "order_results",
    "parse_orders",
    "project_results",
    "schema",
    "schema_path",
    "write_orders",
]
