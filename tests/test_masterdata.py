"""Master-data import: the demo file, versioning, and refusal of bad files
(all or nothing, with the file, record and field named)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from hmi.services.masterdata import MasterDataError, import_file
from hmi.store import models as m
from hmi.store.engine import load_all_models, open_store

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "masterdata" / "demo.toml"
STATION = "ST-10"


def _open(url: str):
    engine, session_factory = open_store(url)
    return engine, session_factory


@pytest.fixture
def store(tmp_path):
    engine, session_factory = _open(f"sqlite:///{tmp_path}/station.db")
    yield engine, session_factory
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    url = (f"sqlite:///{tmp_path}/station.db" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    engine, session_factory = _open(url)
    yield engine, session_factory
    engine.dispose()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """A SQLite database holding the imported demo file (copied per test: hashing
    six PINs with argon2 for every test would be slow)."""
    path = tmp_path_factory.mktemp("demo") / "station.db"
    engine, sf = _open(f"sqlite:///{path}")
    import_file(sf, DEMO, station_id=STATION)
    engine.dispose()
    return path


@pytest.fixture
def demo_store(demo_template, tmp_path):
    for suffix in ("", "-wal", "-shm"):
        src = demo_template.with_name(demo_template.name + suffix)
        if src.exists():
            shutil.copyfile(src, tmp_path / src.name)
    engine, session_factory = _open(f"sqlite:///{tmp_path / demo_template.name}")
    yield engine, session_factory
    engine.dispose()


def row_counts(engine) -> dict[str, int]:
    metadata = load_all_models()
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def write(tmp_path: Path, body: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def latest(session, model, code):
    return session.scalars(
        select(model).where(model.code == code).order_by(model.version.desc()).limit(1)
    ).one()


# --------------------------------------------------------------------------- demo file


def test_demo_file_imports(any_store):
    engine, sf = any_store
    report = import_file(sf, DEMO, station_id=STATION, actor_badge="9001")

    created = {kind: c.created for kind, c in report.counts.items()}
    assert created == {
        "equipment": 4, "materials": 6, "products": 3, "boms": 3, "downtime_reasons": 13,
        "shift_calendars": 1, "work_instructions": 3, "recipes": 3, "gauges": 3, "inspection_plans": 1,
        "tools": 5, "tool_lists": 3, "work_orders": 6, "roles": 5, "users": 6,
    }
    assert report.pins_set == 6 and report.unchanged == 0

    with sf() as s:
        station = latest(s, m.Equipment, "ST-10")
        assert (station.name, station.level, station.parent_code) == ("Press 10", "station",
                                                                       "LINE-1")
        cycle_times = sorted(p.ideal_cycle_time_s for p in s.scalars(select(m.Product)))
        assert cycle_times == [1.5, 2.2, 3.0]
        leak = latest(s, m.DowntimeReason, "MECH-HYD-LEAK")
        assert leak.parent_code == "MECH-HYD"
        assert latest(s, m.DowntimeReason, "MECH-HYD").parent_code == "MECH"
        assert latest(s, m.DowntimeReason, "CHANGEOVER").category == "planned"
        mapped = {fc.fault_code: fc.reason.code for fc in s.scalars(select(m.DowntimeReasonFaultCode))}
        assert sorted(mapped) == list(range(101, 111))
        assert mapped[105] == "ELEC"
        calendar = latest(s, m.ShiftCalendar, "LINE-1-3SHIFT")
        assert calendar.timezone == "Europe/Berlin"
        night = calendar.shifts[2]
        assert (night.name, night.start_time, night.end_time) == ("Night", "22:00", "06:00")
        assert night.weekdays == [7, 1, 2, 3, 4]  # starts Sunday to Thursday evening
        assert [(b.start_time, b.end_time) for b in night.breaks] == [("23:45", "00:15"),
                                                                      ("03:00", "03:15")]
        bom = latest(s, m.Bom, "BRK-100")
        assert [(i.material_code, i.quantity) for i in bom.items] == [
            ("STEEL-BRK-BLANK", 1.0), ("BUSH-12", 1.0), ("GREASE-EP2", 0.5)]
        order = latest(s, m.WorkOrder, "WO-1001")
        assert order.due_at.isoformat() == "2026-03-02T13:00:00+00:00"
        assert order.operations[0].recipe_code == "RCP-BRK-100"
        assert s.scalar(select(func.count()).select_from(m.MasterDataImportEvent)) == 1


def test_demo_users_can_log_in_with_their_pins(store):
    from hmi.services import auth
    from hmi.store import security

    engine, sf = store
    import_file(sf, DEMO, station_id=STATION)
    with sf() as s:
        anna = latest(s, security.UserAccount, "1001")
        assert (anna.name, anna.roles, anna.active) == ("Anna Berg", ["operator"], True)
        admin = latest(s, security.Role, "admin")
        assert "kiosk.exit" in admin.permissions
        assert "kiosk.exit" not in latest(s, security.Role, "operator").permissions
        pins = {p.badge: p.pin_hash for p in s.scalars(select(security.PinCredential))}
    assert len(pins) == 6
    assert "1234" not in pins["1001"]
    assert auth.verify_pin(pins["1001"], "1234")
    assert not auth.verify_pin(pins["1001"], "2345")
    assert auth.verify_pin(pins["1002"], "2345")


def test_reimport_is_a_no_op(any_store):
    engine, sf = any_store
    import_file(sf, DEMO, station_id=STATION)
    before = row_counts(engine)
    report = import_file(sf, DEMO, station_id=STATION)
    assert not report.changed
    assert report.created == 0 and report.pins_set == 0
    assert report.unchanged == 65
    assert row_counts(engine) == before


def test_changed_record_makes_version_2_and_leaves_version_1(store, tmp_path):
    engine, sf = store
    import_file(sf, DEMO, station_id=STATION)
    with sf() as s:
        v1_source = latest(s, m.Product, "BRK-100").source

    changed = DEMO.read_text(encoding="utf-8")
    changed = changed.replace("ideal_cycle_time_s = 1.5", "ideal_cycle_time_s = 1.8")
    changed = changed.replace('{ material = "GREASE-EP2", qty = 0.5, unit = "g" }',
                              '{ material = "GREASE-EP2", qty = 0.6, unit = "g" }')
    report = import_file(sf, write(tmp_path, changed, "demo.toml"), station_id=STATION)

    assert (report.counts["products"].created, report.counts["products"].unchanged) == (1, 2)
    assert (report.counts["boms"].created, report.counts["boms"].unchanged) == (1, 2)
    assert report.created == 2 and report.pins_set == 0
    with sf() as s:
        products = s.scalars(select(m.Product).where(m.Product.code == "BRK-100")
                             .order_by(m.Product.version)).all()
        assert [(p.version, p.ideal_cycle_time_s, p.status) for p in products] == [
            (1, 1.5, "released"), (2, 1.8, "released")]
        assert products[0].source == v1_source != products[1].source
        boms = s.scalars(select(m.Bom).where(m.Bom.code == "BRK-100")
                         .order_by(m.Bom.version)).all()
        assert [[i.quantity for i in b.items] for b in boms] == [[1.0, 1.0, 0.5], [1.0, 1.0, 0.6]]
        # other records were not touched
        assert s.scalar(select(func.max(m.Product.version)).where(m.Product.code == "BRK-200")) == 1


def test_changed_pin_sets_a_new_credential_without_a_new_user_version(store, tmp_path):
    from hmi.services import auth
    from hmi.store import security

    engine, sf = store
    import_file(sf, DEMO, station_id=STATION)
    changed = DEMO.read_text(encoding="utf-8").replace('pin = "1234"', 'pin = "7777"')
    report = import_file(sf, write(tmp_path, changed, "demo.toml"), station_id=STATION,
                         actor_badge="9001")
    assert report.pins_set == 1 and report.created == 0
    with sf() as s:
        creds = s.scalars(select(security.PinCredential)
                          .where(security.PinCredential.badge == "1001")
                          .order_by(security.PinCredential.seq)).all()
        assert len(creds) == 2
        assert auth.verify_pin(creds[-1].pin_hash, "7777")
        assert creds[-1].actor_badge == "9001"
        assert s.scalar(select(func.max(security.UserAccount.version))) == 1


def test_import_is_audited(store):
    from hmi.services.audit import verify_chain
    from hmi.store import security

    engine, sf = store
    import_file(sf, DEMO, station_id=STATION, actor_badge="9001")
    import_file(sf, DEMO, station_id=STATION, actor_badge="9001")  # no-op: no entry
    with sf() as s:
        entries = s.scalars(select(security.AuditEntry)
                            .where(security.AuditEntry.action == "masterdata.import")).all()
        assert [(e.actor_badge, e.entity_id) for e in entries] == [("9001", "demo.toml")]
        assert verify_chain(s, STATION).ok


# --------------------------------------------------------------------------- bad files

NEW_PRODUCT = """
[[products]]
code = "NEW-1"
name = "New product"
ideal_cycle_time_s = 2.0
"""

BAD_FILES = {
    "toml_syntax": (
        'format_version = 1\n[[products]]\ncode = "X"\nname = = "y"\n',
        ["bad.toml: TOML syntax error: ", "(at line 4, column 8)"],
    ),
    "unknown_section": (
        "format_version = 1\n" + NEW_PRODUCT + '[[prodcts]]\ncode = "X"\n',
        ["bad.toml: prodcts: unknown section (known sections: equipment, materials, products"],
    ),
    "missing_format_version": (
        NEW_PRODUCT,
        ["bad.toml: format_version: is required: put 'format_version = 1' at the top"],
    ),
    "cycle_time_not_positive": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[products]]
        code = "NEW-2"
        name = "Second"
        ideal_cycle_time_s = 1.0

        [[products]]
        code = "BRK-100"
        name = "Bracket"
        ideal_cycle_time_s = 0
        """,
        ["bad.toml: products[2] (code 'BRK-100').ideal_cycle_time_s: must be greater than 0"],
    ),
    "unknown_and_missing_field": (
        """format_version = 1
        [[products]]
        code = "NEW-1"
        name = "New product"
        ideal_cycletime_s = 2.0
        """,
        ["bad.toml: products[0] (code 'NEW-1').ideal_cycle_time_s: is required",
         "bad.toml: products[0] (code 'NEW-1').ideal_cycletime_s: unknown field"],
    ),
    "duplicate_code": (
        "format_version = 1\n" + NEW_PRODUCT + NEW_PRODUCT,
        ["bad.toml: products[1] (code 'NEW-1').code: duplicate 'NEW-1' (also products[0])"],
    ),
    "bom_unknown_material": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[boms]]
        product = "NEW-1"
        items = [
          { material = "BUSH-12", qty = 1, unit = "pcs" },
          { material = "BUSH-99", qty = 1, unit = "pcs" },
        ]
        """,
        ["bad.toml: boms[0] (product 'NEW-1').items[1].material: unknown material 'BUSH-99' "
         "(not in this file nor in the database)"],
    ),
    "bom_unknown_product": (
        """format_version = 1
        [[boms]]
        product = "NOPE-1"
        items = [{ material = "BUSH-12", qty = 1, unit = "pcs" }]
        """,
        ["bad.toml: boms[0] (product 'NOPE-1').product: unknown product 'NOPE-1'"],
    ),
    "reason_parent_unknown": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[downtime_reasons]]
        code = "MECH-PNEU"
        name = "Pneumatic"
        parent = "MECHX"
        category = "unplanned"
        """,
        ["bad.toml: downtime_reasons[0] (code 'MECH-PNEU').parent: unknown parent 'MECHX'"],
    ),
    "reason_cycle": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[downtime_reasons]]
        code = "A"
        name = "A"
        parent = "B"
        category = "unplanned"

        [[downtime_reasons]]
        code = "B"
        name = "B"
        parent = "A"
        category = "unplanned"
        """,
        ["bad.toml: downtime_reasons[0] (code 'A').parent: reason tree has a cycle: A > B > A",
         "bad.toml: downtime_reasons[1] (code 'B').parent: reason tree has a cycle: B > A > B"],
    ),
    "fault_code_taken": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[downtime_reasons]]
        code = "ELEC-FUSE"
        name = "Fuse"
        parent = "ELEC"
        category = "unplanned"
        fault_codes = [111, 105]
        """,
        ["bad.toml: downtime_reasons[0] (code 'ELEC-FUSE').fault_codes[1]: fault code 105 "
         "already maps to reason 'ELEC'"],
    ),
    "bad_timezone": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[shift_calendars]]
        code = "CAL-2"
        name = "Two shifts"
        timezone = "Europe/Berlim"
        shifts = [{ name = "Early", start = "06:00", end = "14:00" }]
        """,
        ["bad.toml: shift_calendars[0] (code 'CAL-2').timezone: unknown time zone "
         "'Europe/Berlim'; use an IANA name such as 'Europe/Berlin'"],
    ),
    "bad_time_format": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[shift_calendars]]
        code = "CAL-2"
        name = "Two shifts"
        timezone = "Europe/Berlin"
        shifts = [{ name = "Early", start = "6:00", end = "14:00" }]
        """,
        ["bad.toml: shift_calendars[0] (code 'CAL-2').shifts[0].start: '6:00' is not a time "
         "of day; write it as HH:MM (00:00 to 23:59)"],
    ),
    "break_outside_shift": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[shift_calendars]]
        code = "CAL-2"
        name = "Night only"
        timezone = "Europe/Berlin"

        [[shift_calendars.shifts]]
        name = "Night"
        start = "22:00"
        end = "06:00"
        breaks = [{ start = "23:30", end = "23:45" }, { start = "06:30", end = "06:45" }]
        """,
        ["bad.toml: shift_calendars[0] (code 'CAL-2').shifts[0]: breaks[1]: 06:30-06:45 is not "
         "inside the shift 22:00-06:00"],
    ),
    "unknown_role": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[users]]
        badge = "1003"
        name = "Gina Opitz"
        roles = ["operator", "opertor"]
        pin = "1357"
        """,
        ["bad.toml: users[0] (badge '1003').roles[1]: unknown role 'opertor' "
         "(not in this file nor in the database)"],
    ),
    "pin_as_number": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[users]]
        badge = "1003"
        name = "Gina Opitz"
        roles = ["operator"]
        pin = 1357
        """,
        ["bad.toml: users[0] (badge '1003').pin: must be text (got 1357)"],
    ),
    "unknown_permission": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[roles]]
        code = "viewer"
        name = "Viewer"
        permissions = ["production.view", "production.veiw"]
        """,
        ["bad.toml: roles[0] (code 'viewer').permissions: unknown permission 'production.veiw'"],
    ),
    "recipe_value_above_max": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[recipes]]
        code = "RCP-NEW-1"
        name = "New"
        product = "NEW-1"
        parameters = [{ name = "press_force", tag = "press_force_sp", value = 50, min = 10, max = 35 }]
        """,
        ["bad.toml: recipes[0] (code 'RCP-NEW-1').parameters[0]: value 50 is above max 35"],
    ),
    "equipment_level_inverted": (
        "format_version = 1\n" + NEW_PRODUCT + """
        [[equipment]]
        code = "LINE-2"
        name = "Line 2"
        level = "line"
        parent = "ST-10"
        """,
        ["bad.toml: equipment[0] (code 'LINE-2').level: a line cannot be below station 'ST-10'"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_naming_file_record_field_and_nothing_is_written(
    demo_store, tmp_path, case
):
    engine, sf = demo_store
    before = row_counts(engine)
    assert before["product"] == 3  # the demo is there; references to it are valid
    body, expected = BAD_FILES[case]

    with pytest.raises(MasterDataError) as caught:
        import_file(sf, write(tmp_path, body), station_id=STATION, actor_badge="9001")

    message = str(caught.value)
    issues = [str(e) for e in caught.value.errors]
    for part in expected:
        assert part in message
        assert any(part in issue for issue in issues), issues
    assert all(issue.startswith("bad.toml: ") for issue in issues)
    assert row_counts(engine) == before


def test_all_problems_are_listed_at_once(store, tmp_path):
    engine, sf = store
    body = """format_version = 1
    [[products]]
    code = "P1"
    name = "One"
    ideal_cycle_time_s = -1

    [[materials]]
    code = "M1"
    name = "Material"
    unit = ""
    """
    with pytest.raises(MasterDataError) as caught:
        import_file(sf, write(tmp_path, body), station_id=STATION)
    assert [str(e) for e in caught.value.errors] == [
        "bad.toml: materials[0] (code 'M1').unit: must not be empty",
        "bad.toml: products[0] (code 'P1').ideal_cycle_time_s: must be greater than 0",
    ]
    assert str(caught.value).startswith("bad.toml: 2 problems, nothing was imported:")
    assert sum(row_counts(engine).values()) == 0


def test_failure_while_writing_rolls_everything_back(pg_url):
    """The database refusing a row half-way (here a trigger on `recipe`) leaves nothing."""
    engine, sf = _open(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'recipe % refused by the database', NEW.code; END $$"
            ))
            conn.execute(text(
                "CREATE TRIGGER refuse_recipe BEFORE INSERT ON recipe FOR EACH ROW "
                "WHEN (NEW.code = 'RCP-BRK-300') EXECUTE FUNCTION refuse_row()"
            ))
        with pytest.raises(MasterDataError,
                           match="database error, nothing was imported: recipe RCP-BRK-300 "
                                 "refused by the database"):
            import_file(sf, DEMO, station_id=STATION)
        counts = row_counts(engine)
        assert sum(counts.values()) == 0, {k: v for k, v in counts.items() if v}
    finally:
        engine.dispose()


def test_missing_file_is_reported(store, tmp_path):
    engine, sf = store
    with pytest.raises(MasterDataError, match=r"^nothere\.toml: cannot read file: "):
        import_file(sf, tmp_path / "nothere.toml", station_id=STATION)


# --------------------------------------------------------------------------- issue 5 sections


def test_demo_tools_instructions_recipes_and_orders_are_stored(store):
    engine, sf = store
    import_file(sf, DEMO, station_id=STATION)
    with sf() as s:
        die = latest(s, m.Tool, "DIE-BRK-100-A")
        assert (die.tool_type, die.kind, die.life_unit, die.life_limit, die.warn_at,
                die.parts_per_cycle) == ("DIE-BRK100", "tool", "cycles", 50000, 45000, 1.0)
        assert latest(s, m.Tool, "FIX-NEST-01").kind == "fixture"
        tl = latest(s, m.ToolList, "TL-BRK-100")
        assert (tl.product_code, [(i.position, i.tool_type, i.quantity) for i in tl.items]) == (
            "BRK-100", [(1, "DIE-BRK100", 1), (2, "NEST-BRK", 1)])

        wi = latest(s, m.WorkInstruction, "WI-PRESS-BUSH")
        assert (wi.product_code, wi.operation) == ("BRK-100", "Press bushing")
        steps = {st.title: st for st in wi.steps}
        assert steps["Guard and two-hand control"].warning.startswith("Keep your hands out")
        die_step = steps["Mount the die"]
        assert (die_step.input_kind, die_step.scan_kind, die_step.expected_code,
                die_step.required_tools) == ("scan", "tool", "DIE-BRK100",
                                             ["DIE-BRK100", "NEST-BRK"])
        bush = steps["Load bushings"]
        assert (bush.scan_kind, bush.expected_code) == ("component", "BUSH-12")
        temp = steps["Die temperature"]
        assert (temp.input_kind, temp.reading_tag, temp.input_min, temp.input_max) == (
            "reading", "temperature", 170, 190)
        assert steps["Clean the die area"].mandatory is False
        assert all(st.mandatory for t, st in steps.items() if t != "Clean the die area")
        assert [t for t, st in steps.items() if st.requires_signoff] == ["First-part approval"]
        assert (steps["First-part press force"].input_kind,
                steps["First-part press force"].input_max) == ("number", 32)

        rcp = latest(s, m.Recipe, "RCP-BRK-100")
        assert (rcp.status, rcp.machine_type) == ("draft", "PRESS-HYD-32KN")
        params = {p.name: p for p in rcp.parameters}
        assert (params["press_force"].tag, params["press_force"].actual_tag,
                params["press_force"].tolerance) == ("press_force_sp", "press_force", 1.5)
        assert (params["temperature"].tag, params["temperature"].actual_tag,
                params["temperature"].tolerance) == ("temperature_setpoint", "temperature", 5)
        assert params["hold_time"].tolerance is None and params["hold_time"].actual_tag is None
        forces = [p.value for r in s.scalars(select(m.Recipe)) for p in r.parameters
                  if p.tag == "press_force_sp"]
        assert len(forces) == 3 and max(forces) <= 32
        assert {r.status for r in s.scalars(select(m.Recipe))} == {"draft"}

        assert latest(s, m.WorkOrder, "WO-1002").operations[0].tool_list_code == "TL-BRK-200"
        line_op = latest(s, m.WorkOrder, "WO-1006").operations[0]
        assert (line_op.station_code, line_op.line_code) == (None, "LINE-1")

        from hmi.store import security

        perms = {r.code: set(r.permissions) for r in s.scalars(select(security.Role))}
    assert "tool.reset" in perms["maintenance"] and "tool.reset" in perms["admin"]
    assert "instruction.signoff" in perms["team_lead"] and "instruction.signoff" in perms["admin"]
    assert "tool.reset" not in perms["operator"] | perms["team_lead"]
    assert "instruction.signoff" not in perms["operator"] | perms["maintenance"]


def test_recipe_versions_are_drafts_compared_with_the_newest_version_of_any_status(
        store, tmp_path):
    engine, sf = store
    import_file(sf, DEMO, station_id=STATION)

    def versions():
        with sf() as s:
            return [(r.version, r.status, r.parameters[0].value) for r in s.scalars(
                select(m.Recipe).where(m.Recipe.code == "RCP-BRK-100").order_by(m.Recipe.version))]

    assert versions() == [(1, "draft", 18.0)]
    changed = DEMO.read_text(encoding="utf-8").replace(
        'tag = "press_force_sp", value = 18.0', 'tag = "press_force_sp", value = 19.0')
    changed_file = write(tmp_path, changed, "demo.toml")
    report = import_file(sf, changed_file, station_id=STATION)
    assert (report.counts["recipes"].created, report.counts["recipes"].unchanged) == (1, 2)
    assert versions() == [(1, "draft", 18.0), (2, "draft", 19.0)]
    # the same file again: equal to the newest version (a draft) -> nothing new
    assert not import_file(sf, changed_file, station_id=STATION).changed

    with sf() as s, s.begin():  # a station approved version 2
        v2 = s.scalars(select(m.Recipe).where(m.Recipe.code == "RCP-BRK-100",
                                              m.Recipe.version == 2)).one()
        v2.status = "released"
    assert not import_file(sf, changed_file, station_id=STATION).changed
    # the old content again is a change against the newest version: a new draft
    report = import_file(sf, DEMO, station_id=STATION)
    assert report.counts["recipes"].created == 1 and report.created == 1
    assert versions() == [(1, "draft", 18.0), (2, "released", 19.0), (3, "draft", 18.0)]


WI_HEAD = """format_version = 1
[[work_instructions]]
code = "WI-X"
name = "Test"
product = "BRK-100"
"""

ISSUE5_BAD_FILES = {
    "scan_without_kind": (
        WI_HEAD + 'steps = [{ text = "Scan it", input = "scan" }]\n',
        ["bad.toml: work_instructions[0] (code 'WI-X').steps[0]: a scan step needs scan_kind = "
         "\"component\""]),
    "scan_kind_without_scan": (
        WI_HEAD + 'steps = [{ text = "Do it", confirm = true, scan_kind = "tool" }]\n',
        ["steps[0]: scan_kind applies to input = \"scan\" only (this step has input = \"none\")"]),
    "reading_without_tag": (
        WI_HEAD + 'steps = [{ text = "Read", input = "reading", min = 1, max = 2 }]\n',
        ["steps[0]: a reading step needs reading_tag: the station tag whose live value is taken"]),
    "reading_tag_on_a_number_step": (
        WI_HEAD + 'steps = [{ text = "Read", input = "number", reading_tag = "temperature" }]\n',
        ["steps[0]: reading_tag applies to input = \"reading\" only"]),
    "reading_tag_is_an_address": (
        WI_HEAD + 'steps = [{ text = "Read", input = "reading", reading_tag = "ns=2;s=T" }]\n',
        ["steps[0].reading_tag: 'ns=2;s=T' is not a logical tag name"]),
    "limits_on_a_text_step": (
        WI_HEAD + 'steps = [{ text = "Note", input = "text", max = 3 }]\n',
        ["steps[0]: min and max apply to input = \"number\" or \"reading\" only"]),
    "media_page_without_media": (
        WI_HEAD + 'steps = [{ text = "Look", media_page = 3 }]\n',
        ["steps[0]: media_page needs media"]),
    "expected_component_not_a_material": (
        WI_HEAD + 'steps = [{ text = "Scan", input = "scan", scan_kind = "component", '
                  'expected_code = "DIE-BRK100" }]\n',
        ["steps[0].expected_code: unknown material 'DIE-BRK100' (not in this file nor in the "
         "database); a component scan expects a material"]),
    "expected_component_not_in_bom": (
        WI_HEAD + 'steps = [{ text = "Scan", input = "scan", scan_kind = "component", '
                  'expected_code = "BUSH-16" }]\n',
        ["steps[0].expected_code: material 'BUSH-16' is not in the BOM of product 'BRK-100' "
         "(it has: BUSH-12, GREASE-EP2, STEEL-BRK-BLANK)"]),
    "expected_tool_type_unknown": (
        WI_HEAD + 'steps = [{ text = "Scan", input = "scan", scan_kind = "tool", '
                  'expected_code = "DIE-BRK-100-A" }]\n',
        ["steps[0].expected_code: unknown tool type 'DIE-BRK-100-A': no tool in this file nor "
         "in the database has this tool_type"]),
    "required_tool_unknown": (
        WI_HEAD + 'steps = [{ text = "Press", confirm = true, required_tools = ["DIE-BRK100", '
                  '"HAMMER"] }]\n',
        ["steps[0].required_tools[1]: unknown tool type 'HAMMER'"]),
    "tool_warn_not_below_limit": (
        'format_version = 1\n[[tools]]\ncode = "T1"\nname = "T"\ntool_type = "X"\n'
        'life_limit = 100\nwarn_at = 100\n',
        ["bad.toml: tools[0] (code 'T1'): warn_at (100) must be below life_limit (100)"]),
    "tool_warn_without_limit": (
        'format_version = 1\n[[tools]]\ncode = "T1"\nname = "T"\ntool_type = "X"\n'
        'warn_at = 10\n',
        ["bad.toml: tools[0] (code 'T1'): warn_at needs life_limit"]),
    "tool_kind_and_life_unit": (
        'format_version = 1\n[[tools]]\ncode = "T1"\nname = "T"\ntool_type = "X"\n'
        'kind = "jig"\nlife_unit = "hours"\nparts_per_cycle = 0\n',
        ["bad.toml: tools[0] (code 'T1').kind: must be one of 'tool' or 'fixture' (got 'jig')",
         "bad.toml: tools[0] (code 'T1').life_unit: must be one of 'cycles' or 'shots'",
         "bad.toml: tools[0] (code 'T1').parts_per_cycle: must be greater than 0"]),
    "tool_list_unknown_type": (
        'format_version = 1\n[[tool_lists]]\ncode = "TL-X"\nproduct = "BRK-100"\n'
        'items = [{ tool_type = "NEST-BRK" }, { tool_type = "DIE-BRK10" }]\n',
        ["bad.toml: tool_lists[0] (code 'TL-X').items[1].tool_type: unknown tool type "
         "'DIE-BRK10'"]),
    "tool_list_type_twice": (
        'format_version = 1\n[[tool_lists]]\ncode = "TL-Y"\n'
        'items = [{ tool_type = "NEST-BRK" }, { tool_type = "NEST-BRK", qty = 2 }]\n',
        ["bad.toml: tool_lists[0] (code 'TL-Y').items: tool type 'NEST-BRK' is listed twice"]),
    "order_tool_list_unknown_or_for_another_product": (
        """format_version = 1
        [[work_orders]]
        code = "WO-2001"
        product = "BRK-200"
        quantity = 10
        operations = [
          { sequence = 10, name = "Press", station = "ST-10", tool_list = "TL-BRK-100" },
          { sequence = 20, name = "Press", station = "ST-10", tool_list = "TL-NOPE" },
        ]
        """,
        ["bad.toml: work_orders[0] (code 'WO-2001').operations[0].tool_list: tool list "
         "'TL-BRK-100' is for product 'BRK-100', this order makes 'BRK-200'",
         "bad.toml: work_orders[0] (code 'WO-2001').operations[1].tool_list: unknown tool list "
         "'TL-NOPE' (not in this file nor in the database)"]),
    "recipe_tag_is_an_address": (
        'format_version = 1\n[[recipes]]\ncode = "R1"\nname = "R"\nparameters = [{ name = '
        '"force", tag = "ns=2;s=Press10.Recipe.Force", value = 10 }]\n',
        ["bad.toml: recipes[0] (code 'R1').parameters[0].tag: 'ns=2;s=Press10.Recipe.Force' is "
         "not a logical tag name: use the name the station file gives the signal in "
         "[[machine.tags]]"]),
    "recipe_tolerance_not_positive": (
        'format_version = 1\n[[recipes]]\ncode = "R1"\nname = "R"\nparameters = [\n'
        '{ name = "force", tag = "press_force_sp", value = 10, tolerance = 0 }]\n',
        ["bad.toml: recipes[0] (code 'R1').parameters[0].tolerance: must be greater than 0"]),
    "recipe_bool_with_tolerance": (
        'format_version = 1\n[[recipes]]\ncode = "R1"\nname = "R"\nparameters = [\n'
        '{ name = "double", tag = "double_stroke_sp", type = "bool", value = 1, '
        'tolerance = 1 }]\n',
        ["bad.toml: recipes[0] (code 'R1').parameters[0]: a bool parameter has no tolerance"]),
    "recipe_tag_twice": (
        'format_version = 1\n[[recipes]]\ncode = "R1"\nname = "R"\nparameters = [\n'
        '{ name = "force", tag = "press_force_sp", value = 10 },\n'
        '{ name = "hold", tag = "press_force_sp", value = 1 }]\n',
        ["bad.toml: recipes[0] (code 'R1').parameters: tag 'press_force_sp' is written by two "
         "parameters"]),
}


@pytest.mark.parametrize("case", list(ISSUE5_BAD_FILES))
def test_bad_issue5_records_are_refused_with_a_clear_reason(demo_store, tmp_path, case):
    engine, sf = demo_store
    before = row_counts(engine)
    body, expected = ISSUE5_BAD_FILES[case]
    with pytest.raises(MasterDataError) as caught:
        import_file(sf, write(tmp_path, body), station_id=STATION)
    issues = [str(e) for e in caught.value.errors]
    for part in expected:
        assert any(part in issue for issue in issues), (part, issues)
    assert len(issues) == len(expected), issues
    assert row_counts(engine) == before


# --------------------------------------------------------------------------- issue 6


def test_demo_inspection_plan_and_gauges_are_stored(store):
    engine, sf = store
    import_file(sf, DEMO, station_id=STATION)
    with sf() as s:
        plan = latest(s, m.InspectionPlan, "IP-BRK")
        assert (plan.operation, plan.grace_minutes, plan.signer_must_differ) == (
            "Press bushing", 10.0, True)
        depth, visual = plan.characteristics
        assert (depth.resolution, depth.physical_min, depth.physical_max, depth.chart,
                depth.rule_set, depth.reaction, depth.gauge_kind) == (
            0.01, 0.0, 25.0, "xbar_r", "nelson", "reinspect", "depth_gauge")
        assert depth.frequencies[:2] == [{"trigger": "first_piece", "every": None},
                                         {"trigger": "every_parts", "every": 50}]
        assert (visual.kind, visual.chart, visual.reaction, visual.defect_codes) == (
            "attribute", "c", "hold", ["BURR", "CRACK", "SCRATCH"])
        gauges = {g.code: g for g in s.scalars(select(m.Gauge))}
        assert sorted(gauges) == ["G-12", "G-17", "G-31"]
        # a plain date is due from the start of that day; a date-time keeps its offset
        assert gauges["G-17"].calibration_due.isoformat() == "2026-03-12T00:00:00+00:00"
        assert gauges["G-31"].calibration_due.isoformat() == "2027-01-30T23:00:00+00:00"
        assert (gauges["G-12"].kind, gauges["G-12"].resolution, gauges["G-12"].range_max,
                gauges["G-12"].unit) == ("depth_gauge", 0.01, 25.0, "mm")


def test_every_units_and_minutes_become_frequencies(store, tmp_path):
    engine, sf = store
    body = """format_version = 1
    [[inspection_plans]]
    code = "IP-OLD"
    name = "Old style"
    [[inspection_plans.characteristics]]
    code = "A"
    name = "A"
    type = "variable"
    usl = 3
    every_units = 20
    every_minutes = 30
    [[inspection_plans.characteristics]]
    code = "B"
    name = "Checklist item"
    type = "checklist"
    frequencies = [{ trigger = "shift_start" }]
    """
    path = write(tmp_path, body, "old.toml")
    import_file(sf, path, station_id=STATION)
    with sf() as s:
        plan = latest(s, m.InspectionPlan, "IP-OLD")
        a, b = plan.characteristics
        assert a.frequencies == [{"trigger": "every_parts", "every": 20},
                                 {"trigger": "every_minutes", "every": 30}]
        assert (a.frequency_units, a.frequency_minutes) == (20, 30)
        assert (b.kind, b.frequencies, b.chart, b.reaction) == (
            "checklist", [{"trigger": "shift_start", "every": None}], None, "note")
        assert (plan.grace_minutes, plan.signer_must_differ, plan.operation) == (10.0, True,
                                                                                 None)
    assert not import_file(sf, path, station_id=STATION).changed


IP_HEAD = """format_version = 1
[[inspection_plans]]
code = "IP-X"
name = "Test"
"""
CHAR = '[[inspection_plans.characteristics]]\ncode = "C1"\nname = "C"\n'
VAR = CHAR + 'type = "variable"\nlsl = 1\nusl = 2\n'
WHERE = "bad.toml: inspection_plans[0] (code 'IP-X').characteristics[0]"

ISSUE6_BAD_FILES = {
    "grace_not_positive": (
        IP_HEAD.replace('name = "Test"', 'name = "Test"\ngrace_minutes = 0') + VAR
        + "every_units = 5\n",
        ["bad.toml: inspection_plans[0] (code 'IP-X').grace_minutes: must be greater than 0"]),
    "no_frequency": (
        IP_HEAD + VAR, [f"{WHERE}: say how often: frequencies, or every_units"]),
    "frequencies_and_every_units": (
        IP_HEAD + VAR + 'every_units = 5\nfrequencies = [{ trigger = "shift_start" }]\n',
        [f"{WHERE}: give either frequencies or every_units/every_minutes, not both"]),
    "frequency_without_every": (
        IP_HEAD + VAR + 'frequencies = [{ trigger = "every_parts" }]\n',
        [f"{WHERE}.frequencies[0]: every_parts needs a positive 'every' (parts)"]),
    "event_frequency_with_every": (
        IP_HEAD + VAR + 'frequencies = [{ trigger = "shift_start", every = 3 }]\n',
        [f"{WHERE}.frequencies[0]: shift_start takes no 'every'"]),
    "unknown_trigger": (
        IP_HEAD + VAR + 'frequencies = [{ trigger = "hourly" }]\n',
        [f"{WHERE}.frequencies[0].trigger: must be one of 'first_piece', 'every_parts'"]),
    "trigger_twice": (
        IP_HEAD + VAR + 'frequencies = [{ trigger = "changeover" }, '
                        '{ trigger = "changeover" }]\n',
        [f"{WHERE}: frequencies: trigger 'changeover' is listed twice"]),
    "spc_alarm_without_chart": (
        IP_HEAD + VAR + 'frequencies = [{ trigger = "spc_alarm" }]\n',
        [f"{WHERE}: frequencies: spc_alarm needs a chart"]),
    "attribute_chart_on_variable": (
        IP_HEAD + VAR + 'every_units = 5\nchart = "p"\n',
        [f"{WHERE}: chart \"p\" is for attribute data; a variable characteristic uses "
         "xbar_r, xbar_s, imr"]),
    "variable_chart_on_attribute": (
        IP_HEAD + CHAR + 'type = "attribute"\nevery_units = 5\nchart = "imr"\n',
        [f"{WHERE}: chart \"imr\" is for measured values; an attribute characteristic uses "
         "p, np, c, u"]),
    "xbar_with_single_values": (
        IP_HEAD + VAR + 'every_units = 5\nchart = "xbar_r"\n',
        [f"{WHERE}: chart \"xbar_r\" needs subgroup_size of at least 2"]),
    "imr_with_subgroups": (
        IP_HEAD + VAR + 'every_units = 5\nchart = "imr"\nsubgroup_size = 5\n',
        [f"{WHERE}: chart \"imr\" charts single values: subgroup_size must be 1 (it is 5"]),
    "checklist_with_chart": (
        IP_HEAD + CHAR + 'type = "checklist"\nevery_units = 5\nchart = "c"\n',
        [f"{WHERE}: a checklist item has no chart"]),
    "reaction_without_chart": (
        IP_HEAD + VAR + 'every_units = 5\nreaction = "hold"\n',
        [f"{WHERE}: reaction = \"hold\" needs a chart"]),
    "unknown_rule_set_and_reaction": (
        IP_HEAD + VAR + 'every_units = 5\nchart = "imr"\nrule_set = "shewhart"\n'
                        'reaction = "email"\n',
        [f"{WHERE}.rule_set: must be one of 'nelson' or 'western_electric'",
         f"{WHERE}.reaction: must be one of 'note', 'reinspect', 'hold' or 'andon'"]),
    "defect_codes_on_variable": (
        IP_HEAD + VAR + 'every_units = 5\ndefect_codes = ["BURR"]\n',
        [f"{WHERE}: defect_codes apply to type = \"attribute\" only"]),
    "defect_code_twice": (
        IP_HEAD + CHAR + 'type = "attribute"\nevery_units = 5\n'
                         'defect_codes = ["BURR", "BURR"]\n',
        [f"{WHERE}: defect code 'BURR' is listed twice"]),
    "limits_on_attribute": (
        IP_HEAD + CHAR + 'type = "attribute"\nevery_units = 5\nusl = 3\nresolution = 0.1\n',
        [f"{WHERE}: usl, resolution apply to type = \"variable\" only"]),
    "resolution_not_positive": (
        IP_HEAD + VAR + 'every_units = 5\nresolution = 0\n',
        [f"{WHERE}.resolution: must be greater than 0"]),
    "physical_range_inverted": (
        IP_HEAD + VAR + 'every_units = 5\nphysical_min = 5\nphysical_max = 0\n',
        [f"{WHERE}: physical_min (5) must be below physical_max (0)"]),
    "limit_outside_physical_range": (
        IP_HEAD + VAR + 'every_units = 5\nphysical_min = 0\nphysical_max = 1.5\n',
        [f"{WHERE}: usl 2 lies outside the physically possible range"]),
    "unknown_gauge_kind": (
        IP_HEAD + VAR + 'every_units = 5\ngauge_kind = "micrometer"\n',
        [f"{WHERE}.gauge_kind: unknown gauge kind 'micrometer': no gauge in this file nor in "
         "the database has this kind"]),
    "gauge_range_and_resolution": (
        'format_version = 1\n[[gauges]]\ncode = "G-1"\nname = "G"\nkind = "caliper"\n'
        'range_min = 10\nrange_max = 0\n',
        ["bad.toml: gauges[0] (code 'G-1'): range_min (10) must be below range_max (0)"]),
    "gauge_due_without_offset": (
        'format_version = 1\n[[gauges]]\ncode = "G-1"\nname = "G"\nkind = "caliper"\n'
        'resolution = 0\ncalibration_due = 2027-01-01T00:00:00\n',
        ["bad.toml: gauges[0] (code 'G-1').resolution: must be greater than 0",
         "bad.toml: gauges[0] (code 'G-1').calibration_due: needs a time zone offset"]),
    "gauge_without_kind": (
        'format_version = 1\n[[gauges]]\ncode = "G-1"\nname = "G"\n',
        ["bad.toml: gauges[0] (code 'G-1').kind: is required"]),
}


@pytest.mark.parametrize("case", list(ISSUE6_BAD_FILES))
def test_bad_issue6_records_are_refused_with_a_clear_reason(demo_store, tmp_path, case):
    engine, sf = demo_store
    before = row_counts(engine)
    body, expected = ISSUE6_BAD_FILES[case]
    with pytest.raises(MasterDataError) as caught:
        import_file(sf, write(tmp_path, body), station_id=STATION)
    issues = [str(e) for e in caught.value.errors]
    for part in expected:
        assert any(part in issue for issue in issues), (part, issues)
    assert len(issues) == len(expected), issues
    assert row_counts(engine) == before
