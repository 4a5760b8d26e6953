"""Layer rules of docs/architecture.md that a reviewer would check first."""

import ast
import subprocess
import sys
from pathlib import Path

HMI = Path(__file__).resolve().parents[1] / "hmi"


def imported_modules(package: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (HMI / package).rglob("*.py"):
        mods: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                mods.add(node.module)
                mods.update(f"{node.module}.{a.name}" for a in node.names)
        out[str(path.relative_to(HMI))] = mods
    return out


def test_services_and_config_use_at_most_qtcore():
    offenders = {
        f: sorted(m for m in mods if m.startswith("PySide6") and not m.startswith("PySide6.QtCore"))
        for f, mods in {**imported_modules("services"),
                        "config.py": imported_modules(".").get("config.py", set())}.items()
    }
    assert {f: m for f, m in offenders.items() if m} == {}


def test_devices_and_store_import_no_qt():
    for pkg in ("devices", "store"):
        for f, mods in imported_modules(pkg).items():
            assert not [m for m in mods if m.startswith(("PySide6", "pyqtgraph", "qasync"))], f


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe), "--no-cache"], capture_output=True, text=True,
                          cwd=HMI.parent, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_login_screen_does_not_pull_in_heavy_stacks():
    """First paint must not wait for SQLAlchemy, asyncua or pyqtgraph imports."""
    code = ("import sys, os; os.environ['QT_QPA_PLATFORM']='offscreen';"
            "import hmi.app, hmi.views.main_window;"
            "print(sorted(m for m in ('sqlalchemy','asyncua','pyqtgraph','pymodbus') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
