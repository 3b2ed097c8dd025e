"""One write path: every write the window makes goes through the document, which turns
refusals into messages and pushes the undo step; views re-read only what a change touches;
long writes run in the background and a cancelled one leaves the register as it was."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from riskreg.choices import EscalationLevel
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE, file_digest
from tests.gui_helpers import wait_for_jobs
from ui import actions as act
from ui.jobs import WriteJob
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_MODULES = {"ui/document.py", "ui/operations.py", "ui/undo.py"}
"""The document's own modules: the one place the GUI calls a writing use case."""
LIFECYCLE = {"ui/lifecycle.py", "ui/register_safety.py"}
"""Opening, creating and restoring a register file, and the way back for a refused one
(not writes to the open register)."""


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    return win


def _writing_methods() -> set[str]:
    """The service's public methods that write: those whose code opens a write
    transaction, and those that call one of them."""
    methods = {
        name: inspect.getsource(member)
        for name, member in inspect.getmembers(RegisterService, inspect.isfunction)
        if not name.startswith("_")
    }
    writes = {name for name, code in methods.items() if "self._write(" in code}
    grown = True
    while grown:
        callers = {n for n, code in methods.items() if any(f"self.{w}(" in code for w in writes)}
        grown = not callers <= writes
        writes |= callers
    return writes


WRITE_FUNCTIONS = {"apply_import", "apply_foreign", "export_register", "take", "restore"}
"""Module functions that write a register (or a file from it) on the services' behalf."""
WRITING_MODULES = {"backups", "importer", "foreign", "export"}


def test_no_widget_module_calls_a_writing_service_method() -> None:
    writes = _writing_methods()
    assert {"edit_risk", "change_scheme", "apply_exchange", "save_category"} <= writes
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in DOCUMENT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute):
                receiver = func.value
                receiver_name = (
                    receiver.attr if isinstance(receiver, ast.Attribute)
                    else receiver.id if isinstance(receiver, ast.Name) else ""
                )  # fmt: skip
                if func.attr in writes and receiver_name in ("service", "s", "svc"):
                    found.append(f"{name}:{node.lineno} {receiver_name}.{func.attr}()")
                if (func.attr in WRITE_FUNCTIONS and receiver_name in WRITING_MODULES
                        and name not in LIFECYCLE):  # fmt: skip
                    found.append(f"{name}:{node.lineno} {receiver_name}.{func.attr}()")
            elif (
                isinstance(func, ast.Name) and func.id in WRITE_FUNCTIONS and name not in LIFECYCLE
            ):
                found.append(f"{name}:{node.lineno} {func.id}()")
    assert found == [], "widgets must write through ui/document.py"


def test_the_checker_would_see_a_widget_calling_a_writing_method() -> None:
    """The check above looks at what it should: a direct call is seen."""
    tree = ast.parse("self._document.service.edit_risk(uuid, 1, {})")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    func = calls[0].func
    assert isinstance(func, ast.Attribute) and func.attr in _writing_methods()
    assert isinstance(func.value, ast.Attribute) and func.value.attr == "service"


@pytest.fixture
def transactions(window: MainWindow) -> Iterator[list[str]]:
    """Every transaction the register's engine begins from now on."""
    engine = window.document.service._store.engine
    begun: list[str] = []

    def count(connection: object) -> None:
        begun.append("begin")

    event.listen(engine, "begin", count)
    yield begun
    event.remove(engine, "begin", count)


def test_one_field_save_costs_at_most_four_transactions_and_so_does_its_undo(
    qtbot: QtBot, window: MainWindow, transactions: list[str]
) -> None:
    risk = window.document.service.find_risk("R-003")
    window.register_view.select_uuid(risk.uuid)
    qtbot.keyClick(window.editor.form.owner, Qt.Key.Key_End)
    qtbot.keyClicks(window.editor.form.owner, " and Ash")
    transactions.clear()
    assert window.editor.save()
    assert len(transactions) <= 4, transactions
    saved = len(transactions)
    transactions.clear()
    window.actions_by_id[act.UNDO].trigger()
    undone = len(transactions)
    assert window.document.service.find_risk("R-003").owner == risk.owner
    assert undone <= 4, transactions
    assert saved >= 1 and undone >= 1


def test_undo_after_an_escalation_undoes_the_escalation_not_an_older_edit(
    window: MainWindow,
) -> None:
    document = window.document
    service = document.service
    action = service.list_actions()[0]
    assert document.edit_action(action, {"owner": "Pat"}) is not None
    risk = service.find_risk("R-002")
    assert risk.escalation is EscalationLevel.OPERATIONAL
    assert document.escalate(risk, EscalationLevel.JOINT_MANAGEMENT, "board asked") is not None
    assert "Escalation of R-002" in document.undo_stack.undoText()
    document.undo_stack.undo()
    assert service.find_risk("R-002").escalation is EscalationLevel.OPERATIONAL
    assert service.list_actions()[0].owner == "Pat"  # the older edit stays
    history = [c for c in service.history(risk.uuid) if c.field == "escalation_reason"]
    assert history[-1].new == "undone: board asked"
    document.undo_stack.redo()
    assert service.find_risk("R-002").escalation is EscalationLevel.JOINT_MANAGEMENT


def test_a_category_with_partner_appetites_is_one_undoable_step(window: MainWindow) -> None:
    from riskreg.records import CategoryRecord

    document = window.document
    service = document.service
    before = service.revision()
    saved = document.save_category(None, CategoryRecord("Weather", "Open"),
                                   {"APEX": "Cautious", "AQUA": "Averse"})  # fmt: skip
    assert saved is not None
    assert service.revision() == before + 1  # one change set
    _, partners = service.appetites()
    assert partners[("APEX", "Weather")] == "Cautious" and partners[("AQUA", "Weather")] == "Averse"
    document.undo_stack.undo()
    assert "Weather" not in [c.name for c in service.list_categories()]
    assert ("APEX", "Weather") not in service.appetites()[1]


def _cancel_at_first_report(job: WriteJob) -> None:
    """Press Cancel as soon as the job first says how far it has got (in its thread, so
    the next report is the one that stops it)."""
    job.sig_progress.connect(lambda done, total: job.cancel(), Qt.ConnectionType.DirectConnection)


@pytest.mark.parametrize("write", ["export", "scheme change", "import"])
def test_a_cancelled_background_write_leaves_the_register_byte_for_byte(
    qtbot: QtBot, window: MainWindow, demo_path: Path, tmp_path: Path, write: str
) -> None:
    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import plan_import
    from tests.exchange_helpers import edit

    document = window.document
    service = document.service
    workbook = tmp_path / "apex.xlsx"
    if write == "import":
        export_register(service, workbook, "APEX")
        edit(workbook, "Risks", "R-001", {"Owner": "Changed in Excel"})
    wait_for_jobs(qtbot, document)
    qtbot.waitUntil(lambda: not window.open_checker.is_running, timeout=10_000)
    before = file_digest(demo_path)
    exports_before = len(list(tmp_path.glob("*.xlsx")))
    started: list[WriteJob] = []
    cancelled: list[bool] = []

    def press_cancel_once_it_reports(job: WriteJob) -> None:  # before the job starts
        started.append(job)
        _cancel_at_first_report(job)
        job.sig_cancelled.connect(lambda: cancelled.append(True))

    document.sig_job_started.connect(press_cancel_once_it_reports)
    target = tmp_path / "for AQUA.xlsx"
    if write == "export":
        document.export_workbook(target, "AQUA", lambda result: None)
    elif write == "scheme change":
        document.change_scheme(ScoringScheme.sized(4, 4))
    else:
        plan = plan_import(service, workbook)
        document.apply_import(plan, [i for i in plan.items if i.kind == "update"])
    assert len(started) == 1
    wait_for_jobs(qtbot, document)
    qtbot.waitUntil(lambda: cancelled == [True], timeout=10_000)
    assert file_digest(demo_path) == before
    assert not target.exists()
    assert len(list(tmp_path.glob("*.xlsx"))) == exports_before
    assert not list(tmp_path.glob("*.part"))
