"""Guards on the platform the application stands on: Qt bindings and the layering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_void_qt_calls_do_not_leak_references_to_none() -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call and aborts
    a real GUI (``none_dealloc``) after ~5,000 of them; pyproject pins around it."""
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for n in range(20_000):
        obj.setObjectName("x" if n % 2 else "y")  # returns None
        obj.blockSignals(False)
        obj.setProperty("n", n)
    after = sys.getrefcount(None)
    # On 3.12+ None is immortal and its count is constant; on 3.11 a leak would show as a
    # fall of ~60,000 references.
    assert after >= before - 1_000


def test_layering_contracts_hold() -> None:
    """riskreg never imports the GUI or Qt widgets; the GUI never reaches the database."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or "0 broken" in result.stdout.lower()


def _run_tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_code_is_lint_clean_and_formatted() -> None:
    lint = _run_tool("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout
    formatting = _run_tool("ruff", "format", "--check", ".")
    assert formatting.returncode == 0, formatting.stdout


def test_code_type_checks() -> None:
    result = _run_tool("mypy")
    assert result.returncode == 0, result.stdout


def test_rendering_uses_only_qtcore_and_qtgui() -> None:
    """The command line draws heat maps with no widgets: riskreg.render stays on QtGui."""
    import ast

    allowed = {"PySide6.QtCore", "PySide6.QtGui"}
    used = set()
    for path in (ROOT / "riskreg" / "render").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("PySide6")
            ):
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used |= {a.name for a in node.names if a.name.startswith("PySide6")}
    assert used
    assert used <= allowed, used - allowed
