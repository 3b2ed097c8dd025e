"""The window's menu commands that open a dialog: new register, open, save a copy, the
meeting pack, new risk, partners, categories, scheme, preferences, joint reviews, help.

Dialogs are imported when first used: start-up pays only for the main window. Every file
dialog starts in the register's folder or the last folder used for that kind of file, and
every file written is confirmed with its full path and a "Show in folder" button.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from riskreg.locations import SUFFIX, is_server
from ui.confirm import confirm_written
from ui.settings import FolderKind

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class WindowCommands:
    """What the menus open; each asks, then goes through the document."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    # -- files --------------------------------------------------------------------------
    def start_folder(self, kind: FolderKind) -> str:
        """Where a file dialog for ``kind`` opens: the last folder used for it, else the
        register's folder, else the home folder; never the working directory."""
        window = self._window
        register = window.document.service.path if window.document.is_open else None
        return str(window.preferences.folder_for(kind, register))

    def new_register(self) -> bool:
        window = self._window
        path, _ = QFileDialog.getSaveFileName(
            window, "New register", self.start_folder(FolderKind.REGISTER),
            f"Risk registers (*{SUFFIX})",
        )  # fmt: skip
        if not path:
            return False
        window.preferences.remember_folder(FolderKind.REGISTER, Path(path))
        return window.create_register(Path(path))

    def choose_and_open(self) -> bool:
        from ui.dialogs.open_register import OpenRegisterDialog

        window = self._window
        location = OpenRegisterDialog.ask(self.start_folder(FolderKind.REGISTER), window)
        if location is None:
            return False
        if not is_server(location):
            window.preferences.remember_folder(FolderKind.REGISTER, Path(location))
        return window.open_register(location)

    def save_copy(self) -> None:
        window = self._window
        path, _ = QFileDialog.getSaveFileName(
            window, "Save a copy", self.start_folder(FolderKind.REGISTER),
            f"Risk registers (*{SUFFIX})",
        )  # fmt: skip
        if not path:
            return
        target = Path(path).with_suffix(SUFFIX)
        window.preferences.remember_folder(FolderKind.REGISTER, target)
        window.document.save_copy(
            target,
            lambda written: confirm_written(window, "Copy saved", "A copy of the register "
                                            "was saved.", written),
        )  # fmt: skip

    def choose_meeting_pack(self) -> None:
        window = self._window
        start = Path(self.start_folder(FolderKind.PDF)) / "meeting pack.pdf"
        path, _ = QFileDialog.getSaveFileName(window, "Meeting pack", str(start), "PDF (*.pdf)")
        if not path:
            return
        target = Path(path).with_suffix(".pdf")
        window.preferences.remember_folder(FolderKind.PDF, target)
        window.document.write_meeting_pack(
            target, None,
            lambda pages: confirm_written(window, "Meeting pack written",
                                          f"The meeting pack has {pages} pages.", target),
        )  # fmt: skip

    # -- risks and the partnership ------------------------------------------------------
    def new_risk(self) -> None:
        from ui.dialogs.new_risk import NewRiskDialog

        window = self._window
        created = NewRiskDialog.ask(window.document, window)
        if created is not None:
            window.register_view.select_uuid(created.uuid)

    def edit_partners(self) -> None:
        from ui.dialogs.partners import PartnersDialog

        PartnersDialog.ask(self._window.document, self._window)

    def edit_categories(self) -> None:
        from ui.dialogs.categories import CategoriesDialog

        CategoriesDialog.ask(self._window.document, self._window)

    def edit_scheme(self) -> None:
        from ui.dialogs.scheme import SchemeDialog

        SchemeDialog.ask(self._window.document, self._window)

    def edit_preferences(self) -> None:
        from ui.dialogs.preferences import PreferencesDialog

        window = self._window
        service = window.document.service
        settings = window.document.settings
        assert settings is not None
        choice = PreferencesDialog.ask(service.actor, list(settings.partners), window,
                                       backups=window.preferences.backup_policy)  # fmt: skip
        if choice is not None:
            window.preferences.backup_policy = choice.backups
            service.backup_policy = choice.backups
            window.set_actor(choice.actor)

    # -- joint reviews ------------------------------------------------------------------
    def record_review(self) -> None:
        from ui.dialogs.reviews import RecordReviewDialog

        window = self._window
        settings = window.document.settings
        assert settings is not None
        service = window.document.service
        record = RecordReviewDialog.ask(
            list(settings.partners), service.list_risks(), service.today(), window
        )
        if record is None:
            return
        title, held_on, attendees, decisions = record
        review = window.document.record_joint_review(title, held_on, tuple(attendees),
                                                     tuple(decisions))  # fmt: skip
        if review is not None:
            window.statusBar().showMessage(
                f"Joint review recorded; fingerprint {review.fingerprint[:16]}…", 10_000
            )

    def show_reviews(self) -> None:
        from ui.dialogs.reviews import ReviewsDialog

        ReviewsDialog.ask(self._window.document, self._window)

    # -- help ---------------------------------------------------------------------------
    def about(self) -> None:
        from ui.dialogs.about import AboutDialog

        AboutDialog.ask(self._window)

    def user_guide(self) -> None:
        from ui.dialogs.user_guide import UserGuideDialog

        UserGuideDialog.ask(self._window)
