"""The fast PublishResponse decoder reads exactly what asyncua's generic decoder reads.

Responses are built with asyncua's own encoder (``struct_to_binary``), so the
bytes are what an asyncua server sends; each is decoded both ways and the
results must be identical — including the shapes the fast path leaves to
asyncua (arrays, picoseconds, status changes, diagnostic infos, truncation).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asyncua import ua
from asyncua.common.utils import Buffer
from asyncua.ua.ua_binary import struct_from_binary, struct_to_binary

from hmi.devices.opcua_publish import FastDataChange, FastItem, decode_publish_response

_SCALAR_MAKERS: list[tuple[ua.VariantType, Any]] = [
    (ua.VariantType.Boolean, lambda r: r.random() < 0.5),
    (ua.VariantType.SByte, lambda r: r.randint(-128, 127)),
    (ua.VariantType.Byte, lambda r: r.randint(0, 255)),
    (ua.VariantType.Int16, lambda r: r.randint(-32768, 32767)),
    (ua.VariantType.UInt16, lambda r: r.randint(0, 65535)),
    (ua.VariantType.Int32, lambda r: r.randint(-(2**31), 2**31 - 1)),
    (ua.VariantType.UInt32, lambda r: r.randint(0, 2**32 - 1)),
    (ua.VariantType.Int64, lambda r: r.randint(-(2**63), 2**63 - 1)),
    (ua.VariantType.UInt64, lambda r: r.randint(0, 2**64 - 1)),
    (ua.VariantType.Float, lambda r: r.uniform(-1e6, 1e6)),
    (ua.VariantType.Double, lambda r: r.uniform(-1e12, 1e12)),
    (ua.VariantType.String, lambda r: r.choice(["", "Öl-Temp °C", "ok", None, "x" * 300])),
    (
        ua.VariantType.DateTime,
        lambda r: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=r.randint(0, 10**13)),
    ),
]


def _timestamp(rng: random.Random) -> datetime | None:
    if rng.random() < 0.2:
        return None
    # Several items share a timestamp, as when a PLC samples them together.
    return datetime(2026, 12, 1, tzinfo=UTC) + timedelta(milliseconds=rng.randint(0, 20))


def _data_value(rng: random.Random, *, plain: bool) -> ua.DataValue:
    kind = rng.random()
    if kind < 0.05:
        variant = None
    elif kind < 0.08:
        variant = ua.Variant(None, ua.VariantType.Null)
    else:
        vtype, make = rng.choice(_SCALAR_MAKERS)
        variant = ua.Variant(make(rng), vtype)
    status = rng.choice([0, 0, 0, 0x40000000, 0x80000000, 0x808A0000, 0x408F0000])
    dv = ua.DataValue(
        variant,
        StatusCode=ua.StatusCode(status) if rng.random() < 0.9 else None,
        SourceTimestamp=_timestamp(rng),
        ServerTimestamp=_timestamp(rng),
    )
    if not plain:  # a shape the fast path hands to asyncua
        odd = rng.choice(["array", "picoseconds", "bytestring"])
        if odd == "array":
            dv.Value = ua.Variant([1.0, 2.0, rng.random()], ua.VariantType.Double)
        elif odd == "picoseconds":
            dv.SourcePicoseconds = rng.randint(0, 9999)
        else:
            dv.Value = ua.Variant(b"\x00\x01", ua.VariantType.ByteString)
    return dv


def _response(rng: random.Random, *, odd_items: int = 0, extra: list[Any] | None = None) -> bytes:
    notifications: list[Any] = []
    for _ in range(rng.randint(1, 3)):
        items = [
            ua.MonitoredItemNotification(
                ClientHandle=rng.randint(1, 5000), Value=_data_value(rng, plain=True)
            )
            for _ in range(rng.randint(0, 40))
        ]
        for _ in range(odd_items):
            items.insert(
                rng.randint(0, len(items)),
                ua.MonitoredItemNotification(ClientHandle=9, Value=_data_value(rng, plain=False)),
            )
        notifications.append(ua.DataChangeNotification(MonitoredItems=items))
    notifications.extend(extra or [])
    rng.shuffle(notifications)
    response = ua.PublishResponse()
    response.Parameters.SubscriptionId = rng.randint(1, 100)
    response.Parameters.AvailableSequenceNumbers = [
        rng.randint(1, 99) for _ in range(rng.randint(0, 3))
    ]
    response.Parameters.MoreNotifications = rng.random() < 0.3
    response.Parameters.NotificationMessage.SequenceNumber = rng.randint(1, 2**32 - 1)
    response.Parameters.NotificationMessage.NotificationData = notifications
    response.Parameters.Results = [ua.StatusCode(0)] * rng.randint(0, 2)
    return struct_to_binary(response)


def _flatten(response: ua.PublishResponse) -> list[Any]:
    """The notifications as comparable values; data changes as FastItem tuples."""
    out: list[Any] = []
    for n in response.Parameters.NotificationMessage.NotificationData:
        if isinstance(n, ua.DataChangeNotification):
            items = []
            for item in n.MonitoredItems:
                dv = item.Value
                value = dv.Value.Value if dv.Value is not None else None
                status = dv.StatusCode.value if dv.StatusCode is not None else 0
                items.append(
                    FastItem(
                        item.ClientHandle, value, status, dv.SourceTimestamp, dv.ServerTimestamp
                    )
                )
            out.append(("datachange", items))
        elif isinstance(n, FastDataChange):
            out.append(("datachange", list(n.items)))
        else:
            out.append(n)
    return out


def _both(data: bytes) -> tuple[ua.PublishResponse, ua.PublishResponse]:
    return decode_publish_response(Buffer(data)), struct_from_binary(
        ua.PublishResponse, Buffer(data)
    )


def _assert_same(fast: ua.PublishResponse, generic: ua.PublishResponse) -> None:
    assert _flatten(fast) == _flatten(generic)
    assert fast.TypeId == generic.TypeId
    assert fast.ResponseHeader == generic.ResponseHeader
    fp, gp = fast.Parameters, generic.Parameters
    assert (fp.SubscriptionId, fp.AvailableSequenceNumbers, fp.MoreNotifications) == (
        gp.SubscriptionId,
        gp.AvailableSequenceNumbers,
        gp.MoreNotifications,
    )
    fm, gm = fp.NotificationMessage, gp.NotificationMessage
    assert (fm.SequenceNumber, fm.PublishTime) == (gm.SequenceNumber, gm.PublishTime)
    assert (fp.Results, fp.DiagnosticInfos) == (gp.Results, gp.DiagnosticInfos)


def test_scalar_data_changes_decode_like_asyncua_and_take_the_fast_path() -> None:
    rng = random.Random(20261201)
    for _ in range(400):
        fast, generic = _both(_response(rng))
        _assert_same(fast, generic)
        kinds = {type(n) for n in fast.Parameters.NotificationMessage.NotificationData}
        assert kinds == {FastDataChange}


def test_status_changes_next_to_data_changes_are_decoded_by_asyncua() -> None:
    rng = random.Random(7)
    status = ua.StatusChangeNotification(Status=ua.StatusCode(ua.StatusCodes.BadTimeout))
    for _ in range(50):
        fast, generic = _both(_response(rng, extra=[status]))
        _assert_same(fast, generic)
        data = fast.Parameters.NotificationMessage.NotificationData
        assert status in data  # asyncua's own object, untouched
        assert any(isinstance(n, FastDataChange) for n in data)


@pytest.mark.parametrize("seed", range(30))
def test_a_shape_the_fast_path_does_not_read_goes_to_asyncua_whole(seed: int) -> None:
    rng = random.Random(seed)
    fast, generic = _both(_response(rng, odd_items=1))
    _assert_same(fast, generic)
    data = fast.Parameters.NotificationMessage.NotificationData
    assert not any(isinstance(n, FastDataChange) for n in data)  # nothing half-fast


def test_keepalive_and_diagnostic_infos() -> None:
    keepalive = ua.PublishResponse()
    keepalive.Parameters.SubscriptionId = 4
    _assert_same(*_both(struct_to_binary(keepalive)))

    with_diag = ua.PublishResponse()
    item = ua.MonitoredItemNotification(
        ClientHandle=1, Value=ua.DataValue(ua.Variant(3, ua.VariantType.Int32))
    )
    with_diag.Parameters.NotificationMessage.NotificationData = [
        ua.DataChangeNotification(
            MonitoredItems=[item], DiagnosticInfos=[ua.DiagnosticInfo(SymbolicId=5)]
        )
    ]
    fast, generic = _both(struct_to_binary(with_diag))
    _assert_same(fast, generic)
    assert isinstance(
        fast.Parameters.NotificationMessage.NotificationData[0], ua.DataChangeNotification
    )


def test_a_truncated_response_fails_the_same_way_as_in_asyncua() -> None:
    data = _response(random.Random(3))
    for cut in (len(data) - 1, len(data) // 2, 40):
        with pytest.raises(Exception) as generic:
            struct_from_binary(ua.PublishResponse, Buffer(data[:cut]))
        with pytest.raises(type(generic.value)):
            decode_publish_response(Buffer(data[:cut]))


def test_timestamps_are_utc_aware_and_clamped_like_asyncua() -> None:
    for ts in (datetime(1601, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)):
        response = ua.PublishResponse()
        dv = ua.DataValue(
            ua.Variant(1, ua.VariantType.Int16), SourceTimestamp=ts, ServerTimestamp=ts
        )
        response.Parameters.NotificationMessage.NotificationData = [
            ua.DataChangeNotification(MonitoredItems=[ua.MonitoredItemNotification(1, dv)])
        ]
        fast, generic = _both(struct_to_binary(response))
        _assert_same(fast, generic)
        (item,) = fast.Parameters.NotificationMessage.NotificationData[0].items
        assert item.source is not None and item.source.tzinfo is not None
