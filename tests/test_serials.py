"""Serial and lot numbers: unique across stations numbering offline, continued after a
restart from the stored units, restarted each day, refused schemes, GS1 label content."""

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, update

from hmi.services.gs1 import parse_scan
from hmi.services.serials import (
    SchemeError,
    SerialAllocator,
    SerialExhausted,
    SerialScheme,
    load_last,
)
from hmi.store.events import StationSequence, append_event, next_seq
from hmi.store.models.material import ProducedUnit

BERLIN = ZoneInfo("Europe/Berlin")
GTIN = "04012345000108"  # demo product BRK-100
DAY1 = dt.datetime(2025, 3, 14, 6, 0, tzinfo=BERLIN)


@pytest.fixture
def two_stores(demo_db_template, tmp_path):
    """Two stations' own SQLite stores (copies of the migrated demo database)."""
    from hmi.store.engine import open_store

    engines, factories = [], []
    for name in ("st10", "st20"):
        target = tmp_path / f"{name}.sqlite"
        shutil.copy(demo_db_template, target)
        engine, sf = open_store(f"sqlite:///{target}")
        engines.append(engine)
        factories.append(sf)
    yield factories
    for engine in engines:
        engine.dispose()


def store(sf, station, identifiers, kind="serial"):
    with sf.begin() as s:
        for ident in identifiers:
            append_event(s, ProducedUnit(station_id=station, kind=kind, identifier=ident,
                                         product_code="BRK-100"))


def store_many(sf, station, identifiers):
    """The rows ``store`` writes, with the station's sequence reserved in one step (the
    per-row ``append_event`` costs ~2 ms here; 20,000 of them would dominate the suite)."""
    with sf.begin() as s:
        first = next_seq(s, station)
        s.execute(update(StationSequence).where(StationSequence.station_id == station)
                  .values(last_seq=first + len(identifiers) - 1))
        s.execute(insert(ProducedUnit), [
            {"station_id": station, "seq": first + i, "kind": "serial", "identifier": ident,
             "product_code": "BRK-100"} for i, ident in enumerate(identifiers)])


def stored(sf, station=None, kind="serial"):
    with sf() as s:
        stmt = select(ProducedUnit.identifier).where(ProducedUnit.kind == kind)
        if station:
            stmt = stmt.where(ProducedUnit.station_id == station)
        return list(s.scalars(stmt))


def run_shift(sf, alloc, start, count, step=dt.timedelta(seconds=3)):
    """``count`` units made one every ``step`` from ``start``, each numbered and stored."""
    made = [alloc.next(start + i * step) for i in range(count)]
    store(sf, alloc.station, made)
    return made


# --------------------------------------------------------------------------- plant-wide unique


@pytest.mark.parametrize("template, prefixes", [
    ("{station}-{yymmdd}-{seq:05d}", None),
    ("{prefix}{year2}{doy:03d}{seq:06d}", {"ST-10": "1", "ST-20": "12"}),
], ids=["station id", "prefix"])
def test_two_stations_numbering_offline_never_collide(two_stores, template, prefixes):
    scheme = SerialScheme(template, prefixes=prefixes, tz=BERLIN)
    # 10,000 units each, one every 12 s from 06:00: the run crosses midnight (counter
    # restarts). Each station is restarted every 2,500 units and continues from its store.
    step = dt.timedelta(seconds=12)
    made = {}
    for sf, station in zip(two_stores, ("ST-10", "ST-20"), strict=True):
        made[station] = []
        for part in range(4):
            start = DAY1 + part * 2_500 * step
            with sf() as s:
                alloc = SerialAllocator.from_store(s, scheme, station, now=start)
            idents = [alloc.next(start + i * step) for i in range(2_500)]
            store_many(sf, station, idents)
            made[station] += idents
    everything = made["ST-10"] + made["ST-20"]
    assert len(everything) == 20_000
    assert len(set(everything)) == 20_000
    # what the two stores hold, merged as the central database would: no identifier twice
    merged = stored(two_stores[0]) + stored(two_stores[1])
    assert sorted(merged) == sorted(everything)
    # each number says which station made it and in which day
    for station, idents in made.items():
        parsed = [scheme.parse(i) for i in idents]
        assert {p.station for p in parsed} == {station}
        assert {p.period for p in parsed} == {dt.date(2025, 3, 14), dt.date(2025, 3, 15)}
    # the counter restarted at midnight: day 2 starts at 1 again
    day2 = [p for p in (scheme.parse(i) for i in made["ST-10"])
            if p.period == dt.date(2025, 3, 15)]
    assert day2[0].seq == 1 and len(day2) == 10_000 - 5_400  # 18 h * 300/h on day 1


def test_same_numbers_without_a_station_part_is_exactly_what_is_refused():
    with pytest.raises(SchemeError) as info:
        SerialScheme("{yymmdd}-{seq:05d}")
    assert info.value.reason == "no_station_part"
    assert "two stations numbering offline could make the same number" in str(info.value)


# --------------------------------------------------------------------------- restart


def test_restart_continues_from_the_stored_units_without_reuse(demo_store):
    scheme = SerialScheme("{station}-{yymmdd}-{seq:05d}", tz=BERLIN)
    first = run_shift(demo_store, SerialAllocator(scheme, "ST-10"), DAY1, 25)
    assert first[-1] == "ST-10-250314-00025"
    # other rows in the same store must not disturb the count: another station's numbers
    # (as in a central database), this station's lots, and an identifier of an old scheme
    store(demo_store, "ST-20", ["ST-20-250314-00900"])
    store(demo_store, "ST-10", ["ST-10-250314-00777"], kind="lot")
    store(demo_store, "ST-10", ["SN-OLD-1"])

    later = DAY1 + dt.timedelta(hours=2)
    with demo_store() as s:
        assert load_last(s, scheme, "ST-10", now=later) == "ST-10-250314-00025"
        alloc = SerialAllocator.from_store(s, scheme, "ST-10", now=later)
    second = run_shift(demo_store, alloc, later, 10)
    assert second[0] == "ST-10-250314-00026"
    assert len(set(stored(demo_store, "ST-10"))) == len(stored(demo_store, "ST-10"))


def test_restart_on_a_new_day_starts_the_day_at_1(demo_store):
    scheme = SerialScheme("{station}-{yymmdd}-{seq:05d}", tz=BERLIN)
    run_shift(demo_store, SerialAllocator(scheme, "ST-10"), DAY1, 5)
    next_day = DAY1 + dt.timedelta(days=1)
    with demo_store() as s:
        assert load_last(s, scheme, "ST-10", now=next_day) is None
        alloc = SerialAllocator.from_store(s, scheme, "ST-10", now=next_day)
    assert alloc.next(next_day) == "ST-10-250315-00001"


def test_lots_have_their_own_template_and_counter(demo_store):
    serials = SerialScheme("{station}-{yymmdd}-{seq:05d}", tz=BERLIN)
    lots = SerialScheme("L{prefix}{yy}{mm}{seq:04d}", prefixes={"ST-10": "A", "ST-20": "B"},
                        tz=BERLIN)
    assert lots.reset == "month"
    run_shift(demo_store, SerialAllocator(serials, "ST-10"), DAY1, 30)
    made = [SerialAllocator(lots, "ST-10").next(DAY1) for _ in range(1)]
    alloc = SerialAllocator(lots, "ST-10", last=made[-1])
    made += [alloc.next(DAY1 + dt.timedelta(days=d)) for d in range(1, 4)]
    store(demo_store, "ST-10", made, kind="lot")
    assert made == ["LA25030001", "LA25030002", "LA25030003", "LA25030004"]
    with demo_store() as s:
        assert load_last(s, lots, "ST-10", kind="lot", now=DAY1) == "LA25030004"
        assert load_last(s, serials, "ST-10", now=DAY1) == "ST-10-250314-00030"
        # a new month starts the lot counter again
        april = dt.datetime(2025, 4, 1, 0, 5, tzinfo=BERLIN)
        assert SerialAllocator.from_store(s, lots, "ST-10", kind="lot",
                                          now=april).next(april) == "LA25040001"


# --------------------------------------------------------------------------- day rollover


def test_day_rollover_is_at_local_midnight():
    scheme = SerialScheme("{station}-{yymmdd}-{seq:05d}", tz=BERLIN)
    alloc = SerialAllocator(scheme, "ST-10")
    before = dt.datetime(2025, 3, 14, 23, 59, 58, tzinfo=BERLIN)
    assert [alloc.next(before), alloc.next(before)] == ["ST-10-250314-00001",
                                                        "ST-10-250314-00002"]
    # 23:00 UTC is already the 15th in Berlin (UTC+1 in March)
    after = dt.datetime(2025, 3, 14, 23, 0, 1, tzinfo=dt.UTC)
    assert alloc.next(after) == "ST-10-250315-00001"
    assert alloc.last == (dt.date(2025, 3, 15), 1)


def test_clock_going_back_does_not_repeat_numbers(demo_store):
    scheme = SerialScheme("{station}-{yymmdd}-{seq:05d}", tz=BERLIN)
    alloc = SerialAllocator(scheme, "ST-10")
    day2 = DAY1 + dt.timedelta(days=1)
    made = [alloc.next(DAY1), alloc.next(day2), alloc.next(day2)]
    # the clock is set back a day: the numbering stays in the later day
    made.append(alloc.next(DAY1))
    assert made == ["ST-10-250314-00001", "ST-10-250315-00001", "ST-10-250315-00002",
                    "ST-10-250315-00003"]
    store(demo_store, "ST-10", made)
    # ... also across a restart with the clock still behind
    with demo_store() as s:
        alloc = SerialAllocator.from_store(s, scheme, "ST-10", now=DAY1)
    assert alloc.next(DAY1) == "ST-10-250315-00004"


def test_counter_exhausted_is_refused_until_the_next_day():
    scheme = SerialScheme("{station}-{yymmdd}-{seq:01d}", tz=BERLIN)
    alloc = SerialAllocator(scheme, "ST-10")
    assert [alloc.next(DAY1) for _ in range(9)][-1] == "ST-10-250314-9"
    with pytest.raises(SerialExhausted) as info:
        alloc.next(DAY1)
    assert "all 9 numbers of scheme {station}-{yymmdd}-{seq:01d} are used" in str(info.value)
    assert alloc.next(DAY1 + dt.timedelta(days=1)) == "ST-10-250315-1"


# --------------------------------------------------------------------------- refused schemes


@pytest.mark.parametrize("template, kwargs, reason, says", [
    ("{yymmdd}-{seq:05d}", {}, "no_station_part", "no part unique to the station"),
    ("{station}-{yymmdd}", {}, "no_seq", "it has no counter"),
    ("{station}-{seq}", {}, "seq_width", "needs a fixed width such as {seq:05d}"),
    ("{station}-{seq:5d}", {}, "seq_width", "not {seq:5d}"),
    ("{station}-{seq:03d}-{seq:03d}", {}, "seq_twice", "only once"),
    ("{station}-{dd}{mm}-{seq:04d}", {}, "date_incomplete", "no year"),
    ("{station}-{yy}{dd}-{seq:04d}", {}, "date_incomplete", "a day ({dd}) but no month"),
    ("{station}-{week}-{seq:04d}", {}, "unknown_field", "unknown field {week}"),
    ("{station}-{yymmdd:06d}-{seq:04d}", {}, "syntax", "takes no format"),
    ("{station}-{yymmdd}-{seq:04d}", {"expected_per_period": 20_000}, "too_small",
     "at most 9,999 numbers per day, but 20,000 are expected; use {seq:05d}"),
    ("{prefix}{yymmdd}{seq:04d}", {}, "prefix", "no station prefixes are configured"),
    ("{prefix}{yymmdd}{seq:04d}", {"prefixes": {"ST-10": "A", "ST-20": "A"}}, "prefix",
     "stations ST-10 and ST-20 have the same prefix 'A'"),
    ("{station}-{yyyymmdd}-{seq:06d}", {"prefixes": {}, "gs1": True}, "too_long", None),
    ("{station}-{seq:05d", {}, "syntax", "not a valid template"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("{") else None)
def test_a_bad_template_is_refused_with_its_reason(template, kwargs, reason, says):
    with pytest.raises(SchemeError) as info:
        scheme = SerialScheme(template, **kwargs)
        scheme.check_station("STATION-LONG-NAME-10")
    assert info.value.reason == reason
    assert str(info.value).startswith(f"numbering scheme {template!r}: ")
    if says:
        assert says in str(info.value)


def test_a_station_without_a_prefix_cannot_number():
    scheme = SerialScheme("{prefix}{yymmdd}{seq:04d}", prefixes={"ST-10": "A"})
    with pytest.raises(SchemeError, match="station ST-30 has no prefix configured"):
        SerialAllocator(scheme, "ST-30")


def test_a_good_template_with_enough_room_is_accepted():
    scheme = SerialScheme("{station}-{yymmdd}-{seq:05d}", expected_per_period=20_000)
    assert (scheme.reset, scheme.width, scheme.capacity) == ("day", 5, 99_999)
    assert SerialScheme("{station}-{seq:09d}").reset == "never"


def test_parse_reads_back_only_numbers_of_the_scheme():
    scheme = SerialScheme("{prefix}{year2}{doy:03d}{seq:06d}", prefixes={"ST-10": "7",
                                                                         "ST-20": "8"})
    p = scheme.parse("725073000042")
    assert (p.station, p.prefix, p.period, p.seq) == ("ST-10", "7", dt.date(2025, 3, 14), 42)
    assert scheme.parse("725073000042", station="ST-20") is None
    assert scheme.parse("925073000042") is None  # unknown prefix
    assert scheme.parse("725400000042") is None  # day 400 of the year
    assert scheme.parse("72507300004") is None  # counter one digit short


# --------------------------------------------------------------------------- GS1 label content


def test_gs1_element_string_for_a_label_round_trips_through_the_parser():
    from hmi.services.gs1 import gs1_element_string

    scheme = SerialScheme("{station}-{yymmdd}-{seq:05d}", tz=BERLIN, gs1=True)
    serial = SerialAllocator(scheme, "ST-10").next(DAY1)
    label = gs1_element_string("4012345000108", serial=serial, lot="LA25030001",
                               expiry=dt.date(2026, 9, 30), production_date=dt.date(2025, 3, 14))
    assert label.hri == (f"(01){GTIN}(11)250314(17)260930(10)LA25030001"
                         "(21)ST-10-250314-00001")
    # FNC1 form: fixed-length fields need no separator, GS after the lot, none at the end
    assert label.data == f"01{GTIN}112503141726093010LA25030001\x1d21ST-10-250314-00001"
    for scanned in (f"]C1{label.data}", f"]d2{label.data}", label.hri):
        c = parse_scan(scanned)
        assert (c.gtin, c.serial, c.lot, c.expiry, c.production_date) == (
            GTIN, serial, "LA25030001", dt.date(2026, 9, 30), dt.date(2025, 3, 14))


def test_gs1_element_string_with_quantity_and_net_weight():
    from decimal import Decimal

    from hmi.services.gs1 import gs1_element_string

    label = gs1_element_string(GTIN, lot="B7", net_weight_kg="12.5", quantity=40)
    assert label.hri == f"(01){GTIN}(3101)000125(30)40(10)B7"
    c = parse_scan("]C1" + label.data)
    assert c.measures == {"3101": Decimal("12.5")} and c.quantity.value == 40


@pytest.mark.parametrize("kwargs, says", [
    ({"gtin": "04012345000109"}, "wrong check digit (expected 8)"),
    ({"gtin": GTIN, "serial": "S" * 21}, "AI 21 value"),
    ({"gtin": GTIN, "lot": "LOT#1"}, "AI 10 value"),
    ({"gtin": "4012"}, "must be 8, 12, 13 or 14 digits"),
])
def test_gs1_element_string_refuses_what_no_scanner_could_read_back(kwargs, says):
    from hmi.services.gs1 import gs1_element_string

    with pytest.raises(ValueError, match=None) as info:
        gs1_element_string(**kwargs)
    assert says in str(info.value)
