"""A fast decoder for OPC UA PublishResponses carrying scalar data changes.

Why: at 10k changes/s about half of the OPC UA client's CPU went into
asyncua's generic, reflection-driven decoding of each PublishResponse
(``struct_from_binary(ua.PublishResponse, …)``: a dataclass, a DataValue, a
Variant, a StatusCode and two datetimes per value, each through a chain of
closures). Nearly every notification a station receives has the same shape — a
scalar of a built-in type, a status code and timestamps — so this module reads
exactly that shape with precompiled :mod:`struct` formats into plain tuples
(:class:`FastDataChange`) and leaves everything else to asyncua.

Rules that keep it safe:

* Anything it does not recognise (arrays, structures, picoseconds, diagnostic
  infos, a body length that does not add up, truncated data) makes it give up
  on the *whole* response; the caller then decodes that response with
  asyncua's generic decoder, byte for byte what asyncua did before. It never
  guesses.
* Only the data-change bodies are read by hand. The response header, the
  publish result's other fields and every other notification type (status
  changes, events) are decoded by asyncua's own functions.
* ``tests/test_opcua_publish.py`` decodes thousands of responses encoded by
  asyncua's encoder both ways and requires identical results.

The decoded response is a regular ``ua.PublishResponse`` whose
``NotificationData`` holds :class:`FastDataChange` objects in place of
``ua.DataChangeNotification``; only the driver's own publish callback (see
:mod:`hmi.devices.opcua`) receives it.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from typing import Any, NamedTuple

from asyncua import ua
from asyncua.common.utils import Buffer
from asyncua.ua import ua_binary
from asyncua.ua.ua_binary import Primitives, extensionobject_from_binary, nodeid_from_binary

__all__ = ["FastDataChange", "FastItem", "decode_publish_response", "status_quality_bits"]


class FastItem(NamedTuple):
    """One monitored item's notification: what ``MonitoredItemNotification`` says."""

    handle: int  # ClientHandle
    value: Any  # the Variant's value (None for a Null variant or no value)
    status: int  # StatusCode as its 32-bit value (0 = Good, also when absent)
    source: datetime | None  # SourceTimestamp, UTC-aware
    server: datetime | None  # ServerTimestamp, UTC-aware


class FastDataChange:
    """A DataChangeNotification decoded by :func:`decode_publish_response`."""

    __slots__ = ("items",)

    def __init__(self, items: list[FastItem]) -> None:
        self.items = items

    def __repr__(self) -> str:
        return f"FastDataChange({len(self.items)} items)"


class _Unsupported(Exception):
    """A shape this decoder does not read: the whole response goes to asyncua."""


_DATACHANGE = ua.FourByteNodeId(ua.ObjectIds.DataChangeNotification_Encoding_DefaultBinary)

_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")
_HANDLE_MASK = struct.Struct("<IB")

# Variant built-in type id -> fixed-size format (OPC UA Part 6, 5.1.2 / 5.2.2).
_SCALARS: dict[int, struct.Struct] = {
    1: struct.Struct("<?"),  # Boolean
    2: struct.Struct("<b"),  # SByte
    3: struct.Struct("<B"),  # Byte
    4: struct.Struct("<h"),  # Int16
    5: struct.Struct("<H"),  # UInt16
    6: struct.Struct("<i"),  # Int32
    7: struct.Struct("<I"),  # UInt32
    8: struct.Struct("<q"),  # Int64
    9: struct.Struct("<Q"),  # UInt64
    10: struct.Struct("<f"),  # Float
    11: struct.Struct("<d"),  # Double
}
_NULL, _STRING, _DATETIME = 0, 12, 13

# DataValue encoding mask bits; 0x10/0x20 (picoseconds) are left to asyncua.
_HAS_VALUE, _HAS_STATUS, _HAS_SOURCE_TS, _HAS_SERVER_TS = 0x01, 0x02, 0x04, 0x08
_UNSUPPORTED_MASK = ~0x0F & 0xFF


def _filetime(ticks: int, cache: dict[int, datetime]) -> datetime:
    """FILETIME (100 ns since 1601) -> aware datetime, as asyncua does (µs, clamped)."""
    dt = cache.get(ticks)
    if dt is None:
        dt = ua.win_epoch_to_datetime(ticks)
        if dt.tzinfo is None:  # pragma: no cover - asyncua 2.1 returns aware values
            dt = dt.replace(tzinfo=UTC)
        cache[ticks] = dt
    return dt


def _datachange_body(raw: bytes | memoryview, cache: dict[int, datetime]) -> FastDataChange:
    (count,) = _I32.unpack_from(raw, 0)
    off = 4
    if count < 0:
        raise _Unsupported("null MonitoredItems")
    items: list[FastItem] = []
    append = items.append
    scalars = _SCALARS
    for _ in range(count):
        handle, mask = _HANDLE_MASK.unpack_from(raw, off)
        off += 5
        if mask & _UNSUPPORTED_MASK:
            raise _Unsupported(f"DataValue mask {mask:#x}")
        value: Any = None
        if mask & _HAS_VALUE:
            vtype = raw[off]
            off += 1
            fmt = scalars.get(vtype)
            if fmt is not None:
                (value,) = fmt.unpack_from(raw, off)
                off += fmt.size
            elif vtype == _STRING:
                (length,) = _I32.unpack_from(raw, off)
                off += 4
                if length >= 0:
                    if off + length > len(raw):
                        raise _Unsupported("string runs past the body")
                    value = bytes(raw[off : off + length]).decode(
                        ua_binary.get_string_encoding(), errors="surrogateescape"
                    )
                    off += length
                elif length != -1:
                    raise _Unsupported("negative string length")
            elif vtype == _DATETIME:
                (ticks,) = _I64.unpack_from(raw, off)
                off += 8
                value = ua.win_epoch_to_datetime(ticks)
            elif vtype != _NULL:
                raise _Unsupported(f"variant type {vtype:#x}")  # arrays, structures, ...
        status = 0
        if mask & _HAS_STATUS:
            (status,) = _U32.unpack_from(raw, off)
            off += 4
        source = server = None
        if mask & _HAS_SOURCE_TS:
            (ticks,) = _I64.unpack_from(raw, off)
            off += 8
            source = _filetime(ticks, cache)
        if mask & _HAS_SERVER_TS:
            (ticks,) = _I64.unpack_from(raw, off)
            off += 8
            server = _filetime(ticks, cache)
        append(FastItem(handle, value, status, source, server))
    (diagnostics,) = _I32.unpack_from(raw, off)
    off += 4
    if diagnostics > 0:
        raise _Unsupported("diagnostic infos")
    if off != len(raw):
        raise _Unsupported(f"body length {len(raw)} but {off} bytes read")
    return FastDataChange(items)


def _notification(data: Buffer, cache: dict[int, datetime]) -> Any:
    mark = data.copy()  # a view from here: asyncua decodes other notification types from it
    typeid = nodeid_from_binary(data)
    if typeid == _DATACHANGE:
        encoding = Primitives.Byte.unpack(data)
        if encoding == 1:
            length = Primitives.Int32.unpack(data)
            if length >= 4:
                return _datachange_body(data.read(length), cache)
        raise _Unsupported("unusual DataChangeNotification encoding")
    obj = extensionobject_from_binary(mark)
    data.skip(len(data) - len(mark))  # move past what asyncua read from the view
    return obj


def _fast(data: Buffer) -> ua.PublishResponse:
    typeid = nodeid_from_binary(data)
    header = ua_binary.struct_from_binary(ua.ResponseHeader, data)
    result = ua.PublishResult()
    result.SubscriptionId = Primitives.UInt32.unpack(data)
    result.AvailableSequenceNumbers = ua_binary.unpack_uatype_array(ua.VariantType.UInt32, data)
    result.MoreNotifications = Primitives.Boolean.unpack(data)
    message = ua.NotificationMessage()
    message.SequenceNumber = Primitives.UInt32.unpack(data)
    message.PublishTime = Primitives.DateTime.unpack(data)
    count = Primitives.Int32.unpack(data)
    cache: dict[int, datetime] = {}
    message.NotificationData = [_notification(data, cache) for _ in range(count)]
    result.NotificationMessage = message
    result.Results = ua_binary.unpack_uatype_array(ua.VariantType.StatusCode, data)
    result.DiagnosticInfos = ua_binary.unpack_uatype_array(ua.VariantType.DiagnosticInfo, data)
    return ua.PublishResponse(TypeId=typeid, ResponseHeader=header, Parameters=result)


def decode_publish_response(data: Buffer) -> ua.PublishResponse:
    """Decode a PublishResponse body; scalar data changes become :class:`FastDataChange`.

    Falls back to ``struct_from_binary(ua.PublishResponse, data)`` for the whole
    response when any part of it is a shape the fast path does not read.
    """
    whole = data.copy()
    try:
        return _fast(data)
    except (_Unsupported, struct.error, IndexError, ua.UaError):
        return ua_binary.struct_from_binary(ua.PublishResponse, whole)


def status_quality_bits(status: int) -> int:
    """The StatusCode severity bits: 0 Good, 0x40000000 Uncertain, 0x80000000 Bad."""
    return status & 0xC0000000
