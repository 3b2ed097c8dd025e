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
    from riskreg.records import Actor
    from ui.dialogs.welcome import WelcomeChoice
    from ui.main_window import MainWindow


def demo_register_path(actor: Actor) -> Path:
    """The demo partnership in the user's data folder, made the first time it is asked for
    (apart from the user's own default register)."""
    from platformdirs import user_data_path

    from riskreg.first_start import open_default_register
    from ui.app import ORGANISATION

    path = user_data_path(ORGANISATION, appauthor=False) / "demo.riskreg"
    if not path.exists():
        open_default_register(path, actor).close()
    return path


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
        """The new-partnership wizard; the register it sets up opens in this window, and
        you act from then on as the person and partner you gave."""
        from ui.dialogs.new_partnership import NewPartnershipWizard

        window = self._window
        user = window.document.service.actor.user if window.document.is_open else ""
        made = NewPartnershipWizard.ask(self.start_folder(FolderKind.REGISTER), user, window)
        if made is None:
            return False
        window.preferences.remember_folder(FolderKind.REGISTER, made.path)
        created = window.create_register(
            made.path, name=made.name, actor=made.actor, partners=made.partners,
            keeper=made.keeper, categories=made.categories, scheme=made.scheme,
        )  # fmt: skip
        if created:
            window.set_actor(made.actor)
        return created

    def choose_and_open(self, *, server: bool = False) -> bool:
        from ui.dialogs.open_register import OpenRegisterDialog

        window = self._window
        location = OpenRegisterDialog.ask(self.start_folder(FolderKind.REGISTER), window,
                                          on_server=server)  # fmt: skip
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
        """Who the pack is for, what it counts from and where it goes (issue 17), then the
        pack written in the background with progress, and where it went."""
        from ui.dialogs.meeting_pack import MeetingPackDialog

        window = self._window
        document = window.document
        day = document.service.today()  # a pack a meeting; the file says which
        start = Path(self.start_folder(FolderKind.PDF)) / f"meeting pack {day:%Y-%m-%d}.pdf"
        service = document.service
        choice = MeetingPackDialog.ask(window, service.list_partners(), start,
                                       service.latest_review_basis().label)  # fmt: skip
        if choice is None:
            return
        window.preferences.remember_folder(FolderKind.PDF, choice.path)
        document.write_meeting_pack(
            choice.path, choice.since,
            lambda pages: confirm_written(window, "Meeting pack written",
                                          f"The meeting pack has {pages} pages "
                                          f"({choice.audience.marking}).", choice.path),
            choice.audience,
        )  # fmt: skip

    # -- risks and the partnership ------------------------------------------------------
    def new_risk(self) -> None:
        from ui.dialogs.new_risk import NewRiskDialog

        window = self._window
        created = NewRiskDialog.ask(window.document, window)
        if created is not None and not window.register_view.select_uuid(created.uuid):
            window.statusBar().showMessage(
                f"{created.ref} added; the filters hide it (Clear filters to see it)", 30_000
            )

    def edit_partners(self) -> None:
        from ui.dialogs.partners import PartnersDialog

        PartnersDialog.ask(self._window.document, self._window)

    def edit_categories(self) -> None:
        from ui.dialogs.categories import CategoriesDialog

        CategoriesDialog.ask(self._window.document, self._window)

    def edit_scheme(self) -> None:
        from ui.dialogs.scheme import SchemeDialog

        SchemeDialog.ask(self._window.document, self._window)

    def edit_settings(self) -> None:
        from ui.dialogs.register_settings import RegisterSettingsDialog

        RegisterSettingsDialog.ask(self._window.document, self._window)

    def welcome(self) -> bool:
        """Help ▸ Welcome: the ways to begin; the one chosen is taken in this window."""
        from ui.dialogs.welcome import WelcomeDialog

        window = self._window
        choice = WelcomeDialog.ask(window.preferences.recent_registers, "", window)
        return choice is not None and self.begin(choice)

    def begin(self, choice: WelcomeChoice) -> bool:
        """Take one of the welcome screen's ways to begin."""
        from ui.dialogs.welcome import Start

        window = self._window
        if choice.start is Start.DEMO:
            return window.open_register(str(demo_register_path(window.document.service.actor)))
        if choice.start is Start.NEW:
            return self.new_register()
        if choice.start is Start.SPREADSHEET:
            return self.new_register_from_spreadsheet()
        if choice.start in (Start.OPEN, Start.SERVER):
            return self.choose_and_open(server=choice.start is Start.SERVER)
        return window.open_register(choice.location)

    def new_register_from_spreadsheet(self) -> bool:
        """A new partnership's register, filled from a risk register in a spreadsheet."""
        window = self._window
        path, _ = QFileDialog.getOpenFileName(
            window, "The spreadsheet register to bring in", self.start_folder(FolderKind.FOREIGN),
            "Spreadsheets (*.xlsx *.xlsm *.xls *.ods)",
        )  # fmt: skip
        if not path or not self.new_register():
            return False
        window.preferences.remember_folder(FolderKind.FOREIGN, Path(path))
        return window.exchange.import_foreign(Path(path)) > 0

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
