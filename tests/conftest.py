"""Shared fixtures: temporary registers built through the real services, headless Qt."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from riskreg.records import Actor, CategoryRecord, PartnerRecord
from riskreg.service import RegisterService, create_register, open_service

ALICE = Actor(user="alice", partner_code="CNCL", source="test")
BOB = Actor(user="bob", partner_code="APEX", source="test")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session", autouse=True)
def _private_qt_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep window geometry and recent files of test runs out of the user's settings."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("qt-settings")),
    )
    QCoreApplication.setOrganizationName("JointRiskRegisterTests")


@pytest.fixture(scope="session", autouse=True)
def _a_widget_application_first(_private_qt_settings: None, qapp: object) -> None:
    """Rendering makes a bare QGuiApplication when none exists (the command line's PDFs),
    and a GUI test after one could make no widget: the tests' QApplication comes first,
    so the suite passes in any order."""


@pytest.fixture(autouse=True)
def _fresh_qt_settings(_private_qt_settings: None) -> Iterator[None]:
    """Each test starts from no preferences: one test's choice (a backup folder, acting as
    another partner) must not steer the next."""
    from PySide6.QtCore import QSettings

    QSettings().clear()
    yield
    QSettings().clear()


# -- backends: the service and exchange tests run on a file and on a PostgreSQL server ----
SERVER_MODULES = {
    "test_service_risks", "test_service_partners_actions", "test_service_scheme_history",
    "test_exchange", "test_exchange_properties", "test_exchange_safety", "test_governance",
    "test_heatmap", "test_redaction", "test_text_fidelity", "test_foreign", "test_two_users",
    "test_server", "test_service_changes", "test_unrated_drafts", "test_travel",
    "test_exchange_trust", "test_exchange_sheets", "test_exchange_text", "test_review_cadence",
    "test_acceptance",
}  # fmt: skip
SET_UP_SERVER_MODULES = {
    "test_service_risks", "test_service_partners_actions", "test_service_scheme_history",
    "test_governance", "test_service_changes", "test_unrated_drafts", "test_review_cadence",
    "test_acceptance",
}  # fmt: skip
"""Run a third time on a server after ``server-setup``, where the server writes the change
log: every history these tests read must come out the same."""
FILE_FIXTURES = {"register_path", "demo_path", "blank_window", "qtbot"}
"""A test asking for one of these works on the file itself, so it runs on SQLite only."""


@pytest.fixture(autouse=True)
def _cycles_collected_in_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Window tests run as the application does: reference cycles are collected only in
    the GUI thread (see ``ui.collector``), and the last test's windows are collected here
    rather than by the next test's worker thread."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("qapp")
    from ui.collector import GuiThreadCollector

    gc.collect()
    collector = GuiThreadCollector()
    qtbot = request.getfixturevalue("qtbot")
    kept: list[object] = []
    add_widget = qtbot.addWidget

    def add_and_keep(widget: object, **kwargs: object) -> None:
        # pytest-qt holds widgets weakly; a window a test drops at its end would go without
        # being closed (its register and worker threads left open). Kept, pytest-qt closes
        # it as the application would.
        kept.append(widget)
        add_widget(widget, **kwargs)

    qtbot.addWidget = add_and_keep
    yield
    kept.clear()
    collector.stop()  # after pytest-qt has closed the test's widgets
    collector.deleteLater()


@pytest.fixture(autouse=True)
def _window_questions_answered_as_a_user_pressing_ok(
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    """A window test that leaves typing unsaved when its window closes answers "Discard",
    and one whose actor is no partner of the register acts for its keeper (the questions
    would otherwise wait for a click forever); tests of a question replace its seam."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from ui.main_window import MainWindow
    from ui.views.risk_editor import RiskEditor, Unsaved

    original = RiskEditor.ask_unsaved, MainWindow.ask_acting_partner
    RiskEditor.ask_unsaved = lambda editor, record: Unsaved.DISCARD  # type: ignore[method-assign,assignment,misc]
    # a window on a register the test's actor is no partner of: OK on the keeper, as shown
    MainWindow.ask_acting_partner = (  # type: ignore[method-assign]
        lambda window, partners, keeper: keeper or partners[0].code  # type: ignore[misc]
    )
    try:
        yield
    finally:
        RiskEditor.ask_unsaved, MainWindow.ask_acting_partner = original  # type: ignore[method-assign]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of the listed modules that reach the register only through the services run
    twice: on a register file and on a database of the test server."""
    if "backend" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rpartition(".")[2]
    backends = ["sqlite"]
    if module in SERVER_MODULES and not FILE_FIXTURES & set(metafunc.fixturenames):
        backends.append("postgresql")
        if module in SET_UP_SERVER_MODULES:
            backends.append("postgresql-set-up")
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def register_path(register_location: str | Path) -> Path:
    """The register file itself (tests asking for it run on SQLite only)."""
    assert isinstance(register_location, Path)
    return register_location


@pytest.fixture
def register_location(backend: str, tmp_path: Path) -> Iterator[str | Path]:
    """Where a new register goes: a file, or a new empty database on the test server."""
    if backend == "sqlite":
        yield tmp_path / "alliance.riskreg"
        return
    from tests.pg_server import scratch_database

    with scratch_database() as url:
        yield url


@pytest.fixture
def service(register_location: str | Path, backend: str) -> Iterator[RegisterService]:
    """A small register: three partners, two categories, default 5×5 scheme."""
    svc = create_register(
        register_location,
        ALICE,
        name="Test alliance",
        partners=[
            PartnerRecord("CNCL", "County Council", "#1f5fa8"),
            PartnerRecord("APEX", "Apex Civils", "#e07b00"),
            PartnerRecord("AQUA", "Aqua Water", "#138a8a"),
        ],
        keeper="CNCL",
        categories=[CategoryRecord("Financial", "Cautious"), CategoryRecord("Safety", "Averse")],
    )
    _set_up_if_asked(register_location, backend)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from riskreg.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.riskreg"
    build_demo(path, ALICE, today=date.today()).close()
    return path


@pytest.fixture
def demo_path(demo_location: str | Path) -> Path:
    """The private copy of the demo register as a file (tests asking for it run on SQLite
    only)."""
    assert isinstance(demo_location, Path)
    return demo_location


@pytest.fixture
def demo_location(backend: str, demo_template: Path, tmp_path: Path) -> Iterator[str | Path]:
    """A private copy of the demo register: a file, or a database on the test server."""
    if backend == "sqlite":
        path = tmp_path / "demo.riskreg"
        shutil.copyfile(demo_template, path)
        yield path
        return
    from tests.pg_server import scratch_database

    with scratch_database(template="demo") as url:
        _set_up_if_asked(url, backend)
        yield url


def _set_up_if_asked(location: str | Path, backend: str) -> None:
    """The "postgresql-set-up" backend: partner roles, row-level security and the change
    log kept by the server (the tests then act as the tables' owner)."""
    if backend == "postgresql-set-up":
        from riskreg.server import setup_server

        setup_server(str(location))


@pytest.fixture
def demo(demo_location: str | Path) -> Iterator[RegisterService]:
    svc = open_service(demo_location, ALICE)
    yield svc
    svc.close()


@pytest.fixture
def blank_window(qtbot: object, service: RegisterService, register_path: Path) -> object:
    """The main window on the small test register (its own connection, as a second user's)."""
    from ui.main_window import MainWindow

    window = MainWindow(open_service(register_path, ALICE))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    return window


def pytest_terminal_summary(terminalreporter: object) -> None:
    """The fault table: how many hostile cases each class ran (the README copies it)."""
    import sys

    loads = sys.modules.get("tests.test_server_load")
    for name, title in (("RESULT", ""), ("SET_UP_RESULT", ", after server-setup")):
        load = getattr(loads, name, None)
        if not load:
            continue
        terminalreporter.section(
            f"load test: editors on one register on a PostgreSQL server{title}"
        )  # type: ignore[attr-defined]
        terminalreporter.write_line(  # type: ignore[attr-defined]
            f"{load['editors']:.0f} processes for {load['seconds']:.0f} s: "
            f"{load['accepted']:.0f} edits accepted ({load['per_second']:.1f} a second), "
            f"{load['conflicts']:.0f} conflicts reported ({load['conflict_rate']:.1%} of "
            "attempts), 0 lost, 0 other errors"
        )
    crashes = getattr(sys.modules.get("tests.test_crash_safety"), "OUTCOMES", None)
    if crashes:
        terminalreporter.section("fault table: SIGKILL during a write")  # type: ignore[attr-defined]
        for write, (before, after) in crashes.items():
            terminalreporter.write_line(  # type: ignore[attr-defined]
                f"{write}: {before + after} kills — check passed every time; "
                f"{before} left the state before, {after} the state after, 0 a mixture"
            )
    standalone = getattr(sys.modules.get("tests.test_standalone"), "FIGURES", None)
    if standalone:
        terminalreporter.section("standalone copy (PyInstaller), measured in this run")  # type: ignore[attr-defined]
        for line in _standalone_lines(standalone):
            terminalreporter.write_line(line)  # type: ignore[attr-defined]
    _hostile_registers_table(terminalreporter)
    module = sys.modules.get("tests.test_hostile_workbooks")
    cases = getattr(module, "CASES", None)
    if not cases:
        return
    failed = [
        r for r in terminalreporter.stats.get("failed", [])  # type: ignore[attr-defined]
        if "test_hostile_workbooks" in r.nodeid
    ]  # fmt: skip
    verdict = "SOME FAILED" if failed else "each refused or reported, file unchanged, < 5 s"
    terminalreporter.section("fault table: hostile workbooks, each through both importers")  # type: ignore[attr-defined]
    peaks = getattr(module, "PEAK_MB", {})
    for fault, count in cases.items():
        peak = f", at most {peaks[fault]:.0f} MB more memory" if fault in peaks else ""
        terminalreporter.write_line(f"{fault}: {count} cases — {verdict}{peak}")  # type: ignore[attr-defined]
    terminalreporter.write_line(f"total: {sum(cases.values())} cases")  # type: ignore[attr-defined]


def _standalone_lines(figures: dict[str, float]) -> list[str]:
    """The standalone copy's figures (tests/test_standalone.py), as the README quotes them."""
    f = figures
    lines = []
    if "size_mb" in f:
        built = f", built and zipped in {f['build_s']:.0f} s" if "build_s" in f else ""
        lines.append(f"folder {f['size_mb']:.1f} MB (target ≤ 250 MB), zip "
                     f"{f['zip_mb']:.1f} MB{built}")  # fmt: skip
    if "copy_paint_ms" in f:
        lines.append(f"start to first paint, demo register, warm (median of 5): copy "
                     f"{f['copy_paint_ms']:.0f} ms, virtualenv {f['venv_paint_ms']:.0f} ms: "
                     f"{f['ratio']:.2f}× (target ≤ 2×)")  # fmt: skip
    if "first_start_s" in f:
        lines.append(f"first start of the copy (it builds the demo register): first paint "
                     f"after {f['first_start_s'] * 1000:.0f} ms")  # fmt: skip
    return lines


def _hostile_registers_table(terminalreporter: object) -> None:
    """The fault table of hostile register files (tests/test_hostile_registers.py)."""
    import sys

    module = sys.modules.get("tests.test_hostile_registers")
    cases, outcomes = getattr(module, "CASES", None), getattr(module, "OUTCOMES", {})
    if not cases:
        return
    failed = [
        r for r in terminalreporter.stats.get("failed", [])  # type: ignore[attr-defined]
        if "hostile_registers" in r.nodeid
    ]  # fmt: skip
    terminalreporter.section("fault table: hostile and damaged register files")  # type: ignore[attr-defined]
    for fault, count in cases.items():
        copy = outcomes.get(fault + " (copy)")
        said = outcomes.get(fault, "") + (f"; {copy}" if copy else "")
        terminalreporter.write_line(f"{fault}: {count} — {said}")  # type: ignore[attr-defined]
    verdict = "SOME FAILED" if failed else f"each within {module.SECONDS:.0f} s, no traceback"  # type: ignore[union-attr]
    terminalreporter.write_line(f"total: {sum(cases.values())} cases — {verdict}")  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the template databases made on the test server."""
    import sys

    server = sys.modules.get("tests.pg_server")
    if server is not None:
        server.drop_templates()
