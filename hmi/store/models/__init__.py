"""All tables of the station store (except users/roles/audit: ``hmi.store.security``).

Master data (versioned, :class:`~hmi.store.base.MasterMixin`) and events
(append-only, :class:`~hmi.store.base.EventMixin`) live side by side; see each
module's docstring for its part of the MES domain.
"""

from hmi.store.events import StationSequence
from hmi.store.models.calendar import ShiftBreak, ShiftCalendar, ShiftDefinition
from hmi.store.models.downtime import (
    AlarmEvent,
    AndonEvent,
    DowntimeEvent,
    DowntimeEventKind,
    DowntimeReason,
    DowntimeReasonFaultCode,
    MachineStateEvent,
    MaintenanceLogEvent,
    ProcessSnapshotEvent,
    ProductionCountEvent,
    ReasonCategory,
)
from hmi.store.models.equipment import LEVEL_DEPTH, Equipment, EquipmentLevel
from hmi.store.models.material import (
    Bom,
    BomItem,
    GenealogyLink,
    HoldEvent,
    MaterialConsumptionEvent,
    MaterialDefinition,
    MaterialKind,
    MaterialLoadEvent,
    MaterialLot,
    ProducedUnit,
    Product,
    Tracking,
)
from hmi.store.models.orders import (
    WorkOrder,
    WorkOrderEvent,
    WorkOrderEventKind,
    WorkOrderOperation,
)
from hmi.store.models.process import (
    Recipe,
    RecipeDeviationEvent,
    RecipeDownloadEvent,
    RecipeParameter,
    RecipeValidationEvent,
    StepCompletionEvent,
    WorkInstruction,
    WorkInstructionStep,
)
from hmi.store.models.quality import (
    DispositionEvent,
    Gauge,
    InspectionCharacteristic,
    InspectionPlan,
    InspectionResult,
    SpcLimitsEvent,
)
from hmi.store.models.sync import (
    MasterChangeEvent,
    MasterDataImportEvent,
    SyncQuarantine,
    SyncState,
)
from hmi.store.models.tooling import Tool, ToolEvent, ToolList, ToolListItem

__all__ = [
    "LEVEL_DEPTH",
    "AlarmEvent",
    "AndonEvent",
    "Bom",
    "BomItem",
    "DowntimeEvent",
    "DowntimeEventKind",
    "DowntimeReason",
    "DowntimeReasonFaultCode",
    "DispositionEvent",
    "Equipment",
    "EquipmentLevel",
    "Gauge",
    "GenealogyLink",
    "HoldEvent",
    "InspectionCharacteristic",
    "InspectionPlan",
    "InspectionResult",
    "MachineStateEvent",
    "MaintenanceLogEvent",
    "MasterChangeEvent",
    "MasterDataImportEvent",
    "MaterialConsumptionEvent",
    "MaterialDefinition",
    "MaterialKind",
    "MaterialLoadEvent",
    "MaterialLot",
    "ProcessSnapshotEvent",
    "ProducedUnit",
    "Product",
    "ProductionCountEvent",
    "ReasonCategory",
    "Recipe",
    "RecipeDeviationEvent",
    "RecipeDownloadEvent",
    "RecipeParameter",
    "RecipeValidationEvent",
    "ShiftBreak",
    "ShiftCalendar",
    "ShiftDefinition",
    "SpcLimitsEvent",
    "StationSequence",
    "StepCompletionEvent",
    "SyncQuarantine",
    "SyncState",
    "Tool",
    "ToolEvent",
    "ToolList",
    "ToolListItem",
    "Tracking",
    "WorkInstruction",
    "WorkInstructionStep",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderEventKind",
    "WorkOrderOperation",
]
