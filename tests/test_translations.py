"""Translations: the extraction finds every text, German is complete, and the UI language
follows the person who logs in (docs/translations.md).

The first tests run the real extraction (pyside6-lupdate over hmi/) into a scratch
directory and compare it with the shipped resources/i18n/hmi_de.ts: a text added to
the code without a German translation fails here. Re-run after code changes with
``.venv/bin/python resources/i18n/update.py`` (it lists what needs translating).
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel

REPO = Path(__file__).resolve().parents[1]
I18N = REPO / "resources" / "i18n"
STATION = "ST-10"
LENA = ("1101", "1357")  # a German-speaking operator, imported by the tests below


def _load_update():
    spec = importlib.util.spec_from_file_location("hmi_i18n_update", I18N / "update.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


update = _load_update()


# --------------------------------------------------------------------------- extraction


@pytest.fixture(scope="module")
def extraction(tmp_path_factory):
    return update.extract(tmp_path_factory.mktemp("i18n"))


def test_every_text_in_the_code_has_a_finished_german_translation(extraction):
    problems = update.problems(I18N / "hmi_de.ts", extraction.ts["de"])
    assert not problems, (
        f"{len(problems)} problem(s) in resources/i18n/hmi_de.ts - run "
        "`.venv/bin/python resources/i18n/update.py` and translate what it lists:\n"
        + "\n".join(problems[:60]))


def test_lupdate_sees_every_translation_call_and_no_text_is_an_f_string(extraction):
    unique = {(m.context, m.source, m.comment) for m in extraction.scan.messages}
    fresh = update.read_ts(extraction.ts["de"])
    assert len(fresh) == len(unique) > 1000  # lupdate parsed every stand-in line
    # An f-string passed to tr() is looked up after formatting and never matches.
    fstrings = [str(p) for p in extraction.scan.problems if "f-string" in p.why]
    assert not fstrings, "\n".join(fstrings)


def test_the_shipped_qm_is_compiled_from_the_shipped_ts(tmp_path):
    for lang in update.TRANSLATED:
        fresh = tmp_path / f"hmi_{lang}.qm"
        update.run_lrelease(I18N / f"hmi_{lang}.ts", fresh)
        shipped = I18N / f"hmi_{lang}.qm"
        assert shipped.exists() and shipped.read_bytes() == fresh.read_bytes(), (
            f"{shipped.name} is stale: run `.venv/bin/python resources/i18n/update.py`")


def _ts(path: Path, messages: str) -> Path:
    path.write_text(textwrap.dedent(f"""\
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE TS>
        <TS version="2.1" language="de_DE" sourcelanguage="en">
        <context>
            <name>demo</name>
        {messages}
        </context>
        </TS>
        """), encoding="utf-8")
    return path


def test_the_check_names_unfinished_obsolete_and_broken_placeholder_translations(tmp_path):
    ts = _ts(tmp_path / "hmi_de.ts", """
            <message><source>Save</source><translation>Speichern</translation></message>
            <message><source>Order %1 started</source>
                <translation type="unfinished">Auftrag gestartet</translation></message>
            <message><source>%1 of %2 good</source><translation>%1 gut</translation></message>
            <message><source>Old text</source>
                <translation type="vanished">Alter Text</translation></message>
            <message><source>Empty</source><translation></translation></message>
        """)
    found = update.problems(ts)
    assert len(found) == 4, found
    assert any("untranslated" in p and "Order %1 started" in p for p in found)
    assert any("placeholders" in p and "%1 of %2 good" in p for p in found)
    assert any("obsolete" in p and "Old text" in p for p in found)
    assert any("untranslated" in p and "'Empty'" in p for p in found)


def test_extraction_resolves_contexts_and_flags_text_added_without_translation(tmp_path):
    """Every call style of this code base, in a small package, through the real lupdate."""
    pkg = tmp_path / "src" / "app"
    (pkg / "views").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "views" / "__init__.py").write_text("")
    (pkg / "i18n.py").write_text(textwrap.dedent("""\
        from PySide6.QtCore import QCoreApplication

        def tr(context, text, *args):
            return QCoreApplication.translate(context, text)
        """))
    (pkg / "views" / "presenters.py").write_text(textwrap.dedent("""\
        from PySide6.QtCore import QCoreApplication

        def tr(text):
            return QCoreApplication.translate("presenters", text)
        """))
    (pkg / "service.py").write_text(textwrap.dedent("""\
        from app.i18n import tr
        CTX = "orders"

        def started(code, name):
            return tr(CTX, "Order %1 started "
                           "by %2", code, name)

        def other():
            return tr("andon", "Call %1", tr(CTX, "maintenance"))
        """))
    (pkg / "views" / "screen.py").write_text(textwrap.dedent("""\
        from PySide6.QtWidgets import QWidget
        from app.views import presenters

        class Screen(QWidget):
            def build(self, x):
                def t(text):
                    return QCoreApplication.translate("Dialog", text)
                return (self.tr("Save"), presenters.tr("RUNNING"), t("Why paused?"),
                        self.tr(f"broken {x}"))
        """))
    shipped = tmp_path / "i18n"
    shipped.mkdir()
    _ts(shipped / "hmi_de.ts", "")
    ex = update.extract(tmp_path / "work", i18n_dir=shipped, source_dir=pkg)
    got = {(m.context, m.source) for m in update.read_ts(ex.ts["de"])}
    assert got == {("orders", "Order %1 started by %2"), ("andon", "Call %1"),
                   ("orders", "maintenance"), ("Screen", "Save"), ("presenters", "RUNNING"),
                   ("Dialog", "Why paused?")}
    assert [p.why for p in ex.scan.problems if "f-string" in p.why]  # named, not extracted
    locations = {m.source: m.location for m in update.read_ts(ex.ts["de"])}
    assert locations["Save"].endswith("app/views/screen.py:8")  # the real file and line
    new = update.problems(shipped / "hmi_de.ts", ex.ts["de"])
    assert len([p for p in new if p.startswith("new text")]) == 6


# --------------------------------------------------------------------------- master data


def _import_users(sf, tmp_path, users: str):
    from hmi.services.masterdata import import_file

    path = tmp_path / "users.toml"
    path.write_text("format_version = 1\n" + textwrap.dedent(users), encoding="utf-8")
    return import_file(sf, path, station_id=STATION)


def test_a_user_language_must_be_a_shipped_one(demo_store, tmp_path):
    from sqlalchemy import select

    from hmi.services.masterdata import MasterDataError
    from hmi.store.security import UserAccount

    with pytest.raises(MasterDataError) as err:
        _import_users(demo_store, tmp_path, """
            [[users]]
            badge = "1102"
            name = "Pierre Martin"
            roles = ["operator"]
            language = "fr"
            """)
    assert "'fr' is not a language this station ships; use one of: en, de" in str(err.value)
    _import_users(demo_store, tmp_path, """
        [[users]]
        badge = "1101"
        name = "Lena Hoffmann"
        roles = ["operator"]
        pin = "1357"
        language = "de"
        """)
    with demo_store() as s:
        lena = s.scalars(select(UserAccount).where(UserAccount.code == "1101")).one()
        anna = s.scalars(select(UserAccount).where(UserAccount.code == "1001")).one()
    assert (lena.language, anna.language) == ("de", None)


# --------------------------------------------------------------------------- at run time


@pytest.fixture
def switcher(qapp):
    from hmi.views.language import LanguageSwitcher

    made = []

    def make(language: str):
        s = LanguageSwitcher(language, qapp)
        made.append(s)
        return s

    yield make
    for s in made:  # the next test starts in English
        s.set_language("en")
        s.setParent(None)


def texts(widget) -> set[str]:
    found = [*widget.findChildren(QLabel), *widget.findChildren(QAbstractButton)]
    return {w.text() for w in found if w.isVisibleTo(widget) and w.text()}


def test_a_german_station_shows_the_login_screen_in_german(qtbot, switcher, themed):
    from hmi.services.session import StationSession
    from hmi.services.worker import DbWorker
    from hmi.views.login import LoginView

    worker = DbWorker()
    try:
        lang = switcher("de")
        view = LoginView(StationSession(worker), "Europe/Berlin")
        qtbot.addWidget(view)
        view.resize(1120, 650)
        view.show()
        shown = texts(view)
        assert {"Anmelden", "Ausweis", "Löschen"} <= shown, shown
        assert "Log in" not in shown
        assert view.badge.placeholderText() == "Ausweis"
        view.grab().save("/tmp/i18n_login_de.png")
        # switched back in place: the same widgets, now in English
        lang.set_language("en")
        assert {"Log in", "Badge", "Clear"} <= texts(view)
        assert view.badge.placeholderText() == "Badge"
    finally:
        worker.shutdown()


def test_an_unknown_station_language_falls_back_to_english(qapp, switcher, caplog):
    from hmi.services.i18n import tr

    lang = switcher("xx")
    assert lang.language == "en" and "no translation for language 'xx'" in caplog.text
    assert tr("LoginView", "Log in") == "Log in"


@pytest.fixture
def station(qtbot, demo_store, tmp_path):
    from types import SimpleNamespace

    from hmi import config
    from hmi.services.audit import AuditWriter
    from hmi.services.auth import AuthService
    from hmi.services.production import ProductionMonitor
    from hmi.services.session import StationSession
    from hmi.services.worker import DbWorker
    from hmi.views.main_window import MainWindow

    _import_users(demo_store, tmp_path, """
        [[users]]
        badge = "1101"
        name = "Lena Hoffmann"
        roles = ["operator"]
        pin = "1357"
        language = "de"
        """)
    cfg = config.load(config.demo_config_path())
    worker = DbWorker()
    session = StationSession(worker)
    win = MainWindow(cfg, session, ProductionMonitor(cfg))
    session.attach(AuthService(demo_store, STATION, audit=AuditWriter(STATION)))
    qtbot.addWidget(win)
    win.build_screens()  # the live screen, as after the first paint
    win.show()
    yield SimpleNamespace(win=win, session=session)
    worker.shutdown()


def log_in(qtbot, st, badge, pin):
    keypad = st.win.login_view.keypad
    for d in badge:
        qtbot.mouseClick(keypad.keys[d], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.keys["enter"], Qt.MouseButton.LeftButton)
    for d in pin:
        qtbot.mouseClick(keypad.keys[d], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(st.session.sig_user_logged_in, timeout=10_000) as got:
        qtbot.mouseClick(keypad.keys["enter"], Qt.MouseButton.LeftButton)
    return got.args[0]


def test_the_screens_follow_the_language_of_who_logs_in(qtbot, station, switcher, themed):
    win = station.win
    lang = switcher("en")
    lang.follow(station.session)
    assert "Log in" in texts(win.login_view)

    actor = log_in(qtbot, station, *LENA)
    assert actor.language == "de", (
        "hmi/services/auth.py must put UserAccount.language on the Actor (language=user.language)")
    assert lang.language == "de"
    assert win.nav_buttons["orders"].text() == "Aufträge"
    assert win.logout_button.text() == "Abmelden"
    live = texts(win.live_view)
    assert {"Maschinenzustand", "Gut", "Ausschuss"} <= live, live
    # texts formatted from now on come out in German as well
    from hmi.services.i18n import tr
    assert tr("orders", "Order %1 is already running.", "WO-1") == "Auftrag WO-1 läuft bereits."
    win.grab().save("/tmp/i18n_live_de.png")
    assert lang.last_switch_ms < 1000

    qtbot.mouseClick(win.logout_button, Qt.MouseButton.LeftButton)
    assert lang.language == "en"
    assert win.nav_buttons["orders"].text() == "Orders"
    assert "Log in" in texts(win.login_view) and "Anmelden" not in texts(win.login_view)
    assert "Machine state" in texts(win.live_view)

    # Anna has no language of her own: the station's (English) stays
    actor = log_in(qtbot, station, "1001", "1234")
    assert actor.language is None and lang.language == "en"
    assert win.nav_buttons["orders"].text() == "Orders"


def test_a_german_station_returns_to_german_after_an_english_user_logs_out(qtbot, station, switcher):
    lang = switcher("de")
    lang.follow(station.session)
    win = station.win
    assert "Anmelden" in texts(win.login_view)
    lang.set_language("en")  # as if an English-speaking user were active
    assert "Log in" in texts(win.login_view)
    station.session.sig_user_logged_out.emit("by user")
    assert lang.language == "de" and "Anmelden" in texts(win.login_view)


def cut_off_buttons(root) -> list[str]:
    """Buttons whose (longest line of) text is wider than the button."""
    out = []
    for b in root.findChildren(QAbstractButton):
        if not b.isVisibleTo(root) or not b.text():
            continue
        font = QFont(b.font())
        font.setBold(font.bold() or b.isChecked())  # the theme draws the chosen tab bold
        need = max(QFontMetrics(font).horizontalAdvance(line) for line in b.text().split("\n"))
        if need > b.contentsRect().width() - 8:
            out.append(f"{b.text()!r} needs {need} px, has {b.contentsRect().width()}")
    return out


def test_every_screen_fits_the_panel_in_german(qtbot, demo_store, switcher, themed):
    """German runs longer than English: every MES screen still fits 1280x800 and no button
    text on a screen is cut off (rendered to /tmp/i18n_<screen>_de.png)."""
    from types import SimpleNamespace

    from hmi import config
    from hmi.services.production import ProductionMonitor
    from hmi.services.session import StationSession
    from hmi.views.main_window import MainWindow
    from tests.test_views_mes import Plant

    switcher("de")
    plant = Plant(qtbot, config.load(config.demo_config_path()), demo_store)
    try:
        win = MainWindow(plant.cfg, StationSession(plant.worker), ProductionMonitor(plant.cfg))
        qtbot.addWidget(win)
        win.attach_services(SimpleNamespace(
            downtime=plant.downtime, alarms=plant.alarms, andon=plant.andon, kpis=plant.kpis,
            load_history=None, load_stops=None))
        win.build_screens()
        win.show()
        plant.login("1001", "1234")
        win._session.actor = plant.session.actor
        win._session.sig_user_logged_in.emit(plant.session.actor)
        for key in ("live", "downtime", "alarms", "andon", "kpi", "handover"):
            win.show_screen(key)
            qtbot.wait(10)
            size = win.minimumSizeHint().expandedTo(win.minimumSize())
            assert size.width() <= 1280 and size.height() <= 800, (key, size)
            assert (win.width(), win.height()) == (1280, 800), key
            assert not cut_off_buttons(win.stack.currentWidget()), (key, cut_off_buttons(
                win.stack.currentWidget()))
            assert not cut_off_buttons(win.header), cut_off_buttons(win.header)
            win.grab().save(f"/tmp/i18n_{key}_de.png")
    finally:
        plant.close()
