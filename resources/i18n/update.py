"""Regenerate the translation sources (``hmi_*.ts``) from ``hmi/`` and compile them.

Usage (from the repository root)::

    .venv/bin/python resources/i18n/update.py          # update .ts, compile .qm, list open work
    .venv/bin/python resources/i18n/update.py --check  # change nothing; exit 1 if work is open

Qt's ``pyside6-lupdate`` writes and merges the ``.ts`` files (kept translations,
similar-text hints for changed sources, numerus forms for the target language)
and ``pyside6-lrelease`` compiles them. lupdate's Python parser, however, only
sees calls spelled out with literals: ``self.tr("…")`` and
``QCoreApplication.translate("Context", "…")``. It misses what most of this code
base uses — ``tr(CTX, "…", arg)`` from :mod:`hmi.services.i18n` with the context
in a module constant, module wrappers such as ``presenters.tr("…")`` or
``_t("…")``, parenthesised string concatenations and calls with placeholder
arguments — and it reads ``tr("Ctx", "text")`` as a source text with a comment.

So this script first *prepares* the sources: it parses every module with
:mod:`ast`, resolves each translation call's context (module constant, wrapper
function, enclosing class for ``self.tr``) and writes a stand-in file with the
same path and line numbers that holds only canonical
``QCoreApplication.translate("Context", "text")`` lines. lupdate runs on those
stand-ins; the ``.ts`` locations therefore point at the real files and lines.
Calls whose text is not a literal (an f-string, a variable) cannot be extracted
by any tool; they are listed as problems (mark such texts with
``QT_TRANSLATE_NOOP("Context", "…")`` where they are defined).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
I18N = REPO / "resources" / "i18n"
SOURCE_DIR = REPO / "hmi"
#: Languages shipped with full translations (English is the source language).
TRANSLATED = ("de",)
#: hmi_en.ts holds only numerus forms ("%n part(s)" -> "1 part" / "2 parts").
NUMERUS_ONLY = ("en",)

_QT_APP_CLASSES = {"QCoreApplication", "QApplication", "QGuiApplication"}
_PLACEHOLDER = re.compile(r"%(\d+|n|L\d+)")


# --------------------------------------------------------------------------- tools


def tool(name: str) -> str:
    """Path of a PySide6 tool (``lupdate``, ``lrelease``) next to this Python."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    if here.exists():
        return str(here)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise FileNotFoundError(f"pyside6-{name} not found: install PySide6 in this environment")
    return found


# --------------------------------------------------------------------------- scanning


@dataclass(frozen=True)
class Message:
    """One translatable call found in the sources."""

    path: str  # relative to the repository, posix
    line: int
    context: str
    source: str
    comment: str | None = None
    numerus: bool = False

    def canonical(self) -> str:
        args = [json.dumps(self.context, ensure_ascii=False), json.dumps(self.source, ensure_ascii=False)]
        if self.comment is not None or self.numerus:
            args.append(json.dumps(self.comment, ensure_ascii=False) if self.comment else "None")
        if self.numerus:
            args.append("n")
        return f"QCoreApplication.translate({', '.join(args)})"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.why}"


@dataclass(frozen=True)
class _Wrapper:
    """A function that translates: where its context and text come from."""

    context: str | None  # fixed context, or None: the first argument is the context
    text_index: int
    numerus_index: int | None = None


@dataclass
class ScanResult:
    messages: list[Message] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_qt_translate(func: ast.expr) -> bool:
    """``QCoreApplication.translate`` however it is reached (``qtcore.QCoreApplication…``)."""
    if not (isinstance(func, ast.Attribute) and func.attr == "translate"):
        return False
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    return name in _QT_APP_CLASSES


def _wrapper_of(fn: ast.FunctionDef) -> _Wrapper | None:
    """Recognise ``def t(text): return QCoreApplication.translate("Ctx", text)`` and
    ``def tr(context, text, *args): … QCoreApplication.translate(context, text) …``."""
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    if params and params[0] in ("self", "cls"):
        return None
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Call) and _is_qt_translate(node.func) and len(node.args) >= 2):
            continue
        ctx, text = node.args[0], node.args[1]
        if not (isinstance(text, ast.Name) and text.id in params):
            continue
        numerus = None
        if len(node.args) >= 4 and isinstance(node.args[3], ast.Name) and node.args[3].id in params:
            numerus = params.index(node.args[3].id)
        if isinstance(ctx, ast.Constant) and isinstance(ctx.value, str):
            return _Wrapper(ctx.value, params.index(text.id), numerus)
        if isinstance(ctx, ast.Name) and ctx.id in params:
            if params.index(ctx.id) != 0:
                return None
            return _Wrapper(None, params.index(text.id), numerus)
    return None


def _string(node: ast.expr | None) -> str | None:
    """The value of a string literal (also ``"a" + "b"``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string(node.left), _string(node.right)
        if left is not None and right is not None:
            return left + right
    return None


class _ModuleScanner(ast.NodeVisitor):
    def __init__(self, rel: str, tree: ast.Module, wrappers: dict[tuple[str, str], _Wrapper],
                 out: ScanResult) -> None:
        self.rel = rel
        self.out = out
        self.constants: dict[str, str] = {}
        for stmt in tree.body:  # module-level NAME = "literal"
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name) and _string(stmt.value) is not None):
                self.constants[stmt.targets[0].id] = _string(stmt.value)
            elif (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                  and _string(stmt.value) is not None):
                self.constants[stmt.target.id] = _string(stmt.value)
        # Names bound to translation wrappers: imported ones, then this module's own.
        module_scope: dict[str, _Wrapper] = {}
        self.module_aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    spec = wrappers.get((node.module, alias.name))
                    if spec is not None:
                        module_scope[alias.asname or alias.name] = spec
                    self.module_aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.module_aliases[alias.asname] = alias.name
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef) and (spec := _wrapper_of(stmt)) is not None:
                module_scope[stmt.name] = spec
        self.wrappers = wrappers
        self.scopes: list[dict[str, _Wrapper]] = [module_scope]
        self.classes: list[str] = []

    # -- scopes
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if _wrapper_of(node) is not None:
            return  # the wrapper's own translate(context, text) call has no literal to find
        local: dict[str, _Wrapper] = {}
        for stmt in ast.walk(node):
            if stmt is not node and isinstance(stmt, ast.FunctionDef):
                spec = _wrapper_of(stmt)
                if spec is not None:
                    local[stmt.name] = spec
        self.scopes.append(local)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _lookup(self, func: ast.expr) -> _Wrapper | None:
        if isinstance(func, ast.Name):
            for scope in reversed(self.scopes):
                if func.id in scope:
                    return scope[func.id]
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module = self.module_aliases.get(func.value.id, func.value.id)
            return self.wrappers.get((module, func.attr))
        return None

    # -- calls
    def _context(self, node: ast.expr | None) -> str | None:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        return _string(node)

    def _problem(self, node: ast.AST, why: str) -> None:
        self.out.problems.append(Problem(self.rel, node.lineno, why))

    def _add(self, call: ast.Call, context: str | None, text: ast.expr | None,
             comment: ast.expr | None = None, numerus: bool = False) -> None:
        if context is None:
            self._problem(call, "the translation context is not a string literal or a "
                                "module-level constant")
            return
        source = _string(text)
        if source is None:
            if isinstance(text, ast.JoinedStr):
                self._problem(call, "an f-string is passed to tr(): it never matches a "
                                    "translation; use %1 placeholders")
            else:
                self._problem(call, "the text is not a literal (lupdate cannot see it): mark the "
                                    "texts with QT_TRANSLATE_NOOP where they are defined")
            return
        note = _string(comment) if comment is not None else None
        self.out.messages.append(Message(self.rel, call.lineno, context, source, note or None,
                                         numerus))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        args = node.args
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        if (isinstance(func, ast.Attribute) and func.attr in ("tr", "trUtf8")
                and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls")):
            if not self.classes:
                self._problem(node, "self.tr() outside a class")
            else:
                numerus = len(args) >= 3 or "n" in kw
                self._add(node, self.classes[-1], args[0] if args else kw.get("sourceText"),
                          args[1] if len(args) > 1 else kw.get("disambiguation"), numerus)
        elif _is_qt_translate(func):
            numerus = len(args) >= 4 or "n" in kw
            self._add(node, self._context(args[0] if args else kw.get("context")),
                      args[1] if len(args) > 1 else kw.get("sourceText"),
                      args[2] if len(args) > 2 else kw.get("disambiguation"), numerus)
        elif isinstance(func, ast.Name) and func.id == "QT_TRANSLATE_NOOP":
            self._add(node, self._context(args[0] if args else None),
                      args[1] if len(args) > 1 else None)
        elif isinstance(func, ast.Name) and func.id == "QT_TR_NOOP":
            self._add(node, self.classes[-1] if self.classes else None, args[0] if args else None)
        else:
            spec = self._lookup(func)
            if spec is not None:
                if spec.context is None:
                    context = self._context(args[0] if args else None)
                else:
                    context = spec.context
                text = args[spec.text_index] if len(args) > spec.text_index else None
                numerus = spec.numerus_index is not None
                self._add(node, context, text, None, numerus)
        self.generic_visit(node)


def _python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path


def scan(source_dir: Path = SOURCE_DIR) -> ScanResult:
    """Every translatable call under ``source_dir`` (a package such as ``hmi/``)."""
    root = source_dir.parent
    trees: dict[Path, ast.Module] = {}
    wrappers: dict[tuple[str, str], _Wrapper] = {}
    for path in _python_files(source_dir):
        tree = ast.parse(path.read_bytes(), filename=str(path))
        trees[path] = tree
        module = _module_name(path, root)
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef) and (spec := _wrapper_of(stmt)) is not None:
                wrappers[(module, stmt.name)] = spec
    result = ScanResult(files=len(trees))
    for path, tree in trees.items():
        rel = path.relative_to(root).as_posix()
        _ModuleScanner(rel, tree, wrappers, result).visit(tree)
    return result


def prepare(dest: Path, source_dir: Path = SOURCE_DIR) -> ScanResult:
    """Write lupdate stand-ins of ``source_dir`` under ``dest`` (same relative paths)."""
    result = scan(source_dir)
    lines: dict[str, dict[int, list[str]]] = {}
    for msg in result.messages:
        lines.setdefault(msg.path, {}).setdefault(msg.line, []).append(msg.canonical())
    for rel, by_line in lines.items():
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        last = max(by_line)
        # Line i of the stand-in holds the calls of line i (lupdate's Python parser loses
        # count over blank lines at the very start, hence the comment on line 1).
        text = "\n".join("_ = (" + ", ".join(by_line[i]) + ",)" if i in by_line
                         else "# lupdate stand-in" if i == 1 else ""
                         for i in range(1, last + 1))
        out.write_text(text + "\n", encoding="utf-8")
    return result


# --------------------------------------------------------------------------- lupdate / lrelease


def run_lupdate(prepared: Path, ts_files: list[Path], *, plural_only: bool = False) -> str:
    """lupdate over the stand-ins in ``prepared`` (e.g. ``work/hmi``) into ``ts_files`` (merged)."""
    cmd = [tool("lupdate"), "-extensions", "py", "-locations", "absolute", "-no-obsolete",
           "-source-language", "en"]
    if plural_only:
        cmd.append("-pluralonly")
    cmd += [str(prepared), "-ts", *map(str, ts_files)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"lupdate failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout + done.stderr


def run_lrelease(ts: Path, qm: Path) -> None:
    done = subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0 or not qm.exists():
        raise RuntimeError(f"lrelease failed for {ts.name}: {done.stderr or done.stdout}")


@dataclass
class Extraction:
    scan: ScanResult
    ts: dict[str, Path]  # language -> fresh .ts (merged with the shipped one)
    log: str


def extract(work: Path, i18n_dir: Path = I18N, source_dir: Path = SOURCE_DIR) -> Extraction:
    """Extract into ``work`` (a scratch directory); the shipped files are not touched.

    ``work/resources/i18n/hmi_<lang>.ts`` start as copies of the shipped files, so
    lupdate merges: kept translations stay, new texts arrive unfinished, texts gone
    from the code are dropped.
    """
    result = prepare(work, source_dir)
    (work / source_dir.name).mkdir(parents=True, exist_ok=True)
    out_dir = work / "resources" / "i18n"
    out_dir.mkdir(parents=True, exist_ok=True)
    fresh: dict[str, Path] = {}
    log = []
    for lang in TRANSLATED + NUMERUS_ONLY:
        ts = out_dir / f"hmi_{lang}.ts"
        shipped = i18n_dir / ts.name
        if shipped.exists():
            shutil.copyfile(shipped, ts)
        log.append(run_lupdate(work / source_dir.name, [ts], plural_only=lang in NUMERUS_ONLY))
        fresh[lang] = ts
    return Extraction(result, fresh, "".join(log))


# --------------------------------------------------------------------------- reading .ts


@dataclass(frozen=True)
class TsMessage:
    context: str
    source: str
    comment: str | None
    numerus: bool
    type: str | None  # None (finished), "unfinished", "obsolete", "vanished"
    translations: tuple[str, ...]
    location: str

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.context, self.source, self.comment)


def read_ts(path: Path) -> list[TsMessage]:
    out = []
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            forms = tr.findall("numerusform") if tr is not None else []
            if msg.get("numerus") == "yes":
                texts = tuple(f.text or "" for f in forms)
            else:
                texts = ((tr.text or "") if tr is not None else "",)
            loc = msg.find("location")
            where = f"{loc.get('filename')}:{loc.get('line')}" if loc is not None else "?"
            out.append(TsMessage(name, msg.findtext("source") or "", msg.findtext("comment"),
                                 msg.get("numerus") == "yes",
                                 tr.get("type") if tr is not None else "unfinished",
                                 texts, where))
    return out


def placeholders(text: str) -> set[str]:
    return {m.group(0).replace("%L", "%") for m in _PLACEHOLDER.finditer(text)}


def problems(shipped: Path, fresh: Path | None = None) -> list[str]:
    """What is wrong with the shipped ``.ts`` (and against a fresh extraction)."""
    found: list[str] = []
    messages = read_ts(shipped)
    for m in messages:
        label = f"[{m.context}] {m.source!r} ({m.location})"
        if m.type in ("obsolete", "vanished"):
            found.append(f"obsolete (no longer in the code): {label}")
            continue
        if m.type == "unfinished" or not all(t.strip() for t in m.translations):
            found.append(f"untranslated: {label}")
            continue
        want = placeholders(m.source)
        for text in m.translations:
            got = placeholders(text)
            if m.numerus:
                want_n, got_n = want - {"%n"}, got - {"%n"}
                if want_n != got_n:
                    found.append(f"placeholders {sorted(got)} instead of {sorted(want)}: {label}")
            elif got != want:
                found.append(f"placeholders {sorted(got)} instead of {sorted(want)}: {label}")
    if fresh is not None:
        have = {m.key for m in messages}
        now = {m.key: m for m in read_ts(fresh)}
        for key, m in now.items():
            if key not in have:
                found.append(f"new text, not in {shipped.name}: [{m.context}] {m.source!r} "
                             f"({m.location})")
        for key in have - set(now):
            found.append(f"in {shipped.name} but no longer in the code: [{key[0]}] {key[1]!r}")
    return found


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if anything is untranslated or stale")
    parser.add_argument("--no-qm", action="store_true", help="do not compile .qm files")
    parser.add_argument("--problems", action="store_true",
                        help="also list calls whose text cannot be extracted")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hmi-i18n-") as tmp:
        ex = extract(Path(tmp))
        print(f"{len(ex.scan.messages)} translation calls in {ex.scan.files} files; "
              f"{len(ex.scan.problems)} calls cannot be extracted")
        if args.problems:
            for p in ex.scan.problems:
                print(f"  {p}")
        open_work = 0
        for lang in TRANSLATED:
            shipped = I18N / f"hmi_{lang}.ts"
            if args.check:
                issues = problems(shipped, ex.ts[lang]) if shipped.exists() else [
                    f"{shipped} is missing"]
            else:
                shutil.copyfile(ex.ts[lang], shipped)
                issues = problems(shipped)
            open_work += len(issues)
            for issue in issues:
                print(f"{lang}: {issue}")
        for lang in NUMERUS_ONLY:
            if not args.check:
                shutil.copyfile(ex.ts[lang], I18N / f"hmi_{lang}.ts")
        if not args.check and not args.no_qm:
            for lang in TRANSLATED + NUMERUS_ONLY:
                run_lrelease(I18N / f"hmi_{lang}.ts", I18N / f"hmi_{lang}.qm")
        print("nothing left to translate" if not open_work else
              f"{open_work} message(s) need work in resources/i18n/hmi_<lang>.ts "
              "(pyside6-linguist, or a text editor)")
    return 1 if open_work and args.check else 0


if __name__ == "__main__":
    os.chdir(REPO)
    sys.exit(main())
