"""The register table fed from the document: the first full load, the rest of a large
register in the background, and, after each change, only the rows it touched.

A change that reaches every row (the scheme, partners, categories, appetites, another
register) reads the whole register again; any other reads the touched risks with their
flags and trends in one transaction (``rows_of``), whatever the register's size.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from riskreg.records import Changes, RegisterOverview, RiskRecord, RiskStatus, RowsUpdate
from ui.document import RegisterDocument
from ui.loader import BackgroundJob
from ui.models.risk_table import TableContext
from ui.views.register_view import RegisterView

FIRST_PAGE = 500
"""Risks shown at once when a large register is opened; the rest load in the background."""

ROW_BY_ROW_LIMIT = 2_000
"""A change touching more risks than this reloads the table whole (one read, not slices)."""


class RegisterFeed(QObject):
    """Keeps a ``RegisterView`` showing the register as it is now."""

    sig_loaded = Signal()
    """Every risk is in the table (after the first load or the background read)."""

    progressive_threshold = 5_000
    """Registers with more risks than this are read in the background after a first page."""

    def __init__(
        self, document: RegisterDocument, view: RegisterView, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._view = view
        self.loader = BackgroundJob("risk-loader", self)
        self._awaiting_load = False
        self._changed_while_loading: set[str] = set()
        self.loader.sig_done.connect(self._risks_loaded)
        self.loader.sig_failed.connect(self._risks_not_loaded)
        document.sig_changed.connect(self._register_changed)

    @property
    def loading(self) -> bool:
        """The rest of a large register is still being read."""
        return self._awaiting_load

    def load(self) -> None:
        """Show the whole register as it is now (one read; a large one page first)."""
        document = self._document
        known = document.settings
        assert known is not None
        large = known.info.risk_count > self.progressive_threshold
        overview = document.service.overview(first=FIRST_PAGE if large else None)
        view = self._view
        settings = overview.settings
        view.set_choices(settings.partners, settings.categories, [s.value for s in RiskStatus],
                         settings.scheme.band_names)  # fmt: skip
        context = context_of(overview)
        if large:
            self._changed_while_loading = set()
            view.set_risks(overview.risks, context, settings.info.risk_count)
            self.loader.run(document.service.list_risks)
            self._awaiting_load = True
        else:
            self.loader.cancel()
            self._awaiting_load = False
            view.set_risks(overview.risks, context)
            self.sig_loaded.emit()

    def stop(self) -> None:
        self.loader.stop()

    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        touched = changes.touched_risks
        if changes.reaches_every_risk or len(touched) > ROW_BY_ROW_LIMIT:
            self.load()
            return
        if not touched:
            return
        if self._awaiting_load:  # the list being read may predate this change
            self._changed_while_loading |= touched
        update = self._document.service.rows_of(sorted(touched))
        if len(update.risks) != len(touched):  # one is gone (or hidden): show what is there
            self.load()
            return
        self._show_update(update)

    def _show_update(self, update: RowsUpdate) -> None:
        view = self._view
        context = merged(view.model.context, update)
        view.update_risks(list(update.risks.values()), context)

    def _risks_loaded(self, generation: int, risks: list[RiskRecord]) -> None:
        """The background read of a large register arrived: show all of it."""
        if generation != self.loader.generation:
            return  # another register or a reload since
        self._awaiting_load = False
        self._view.set_risks(risks, self._view.model.context)
        changed = sorted(self._changed_while_loading)
        self._changed_while_loading = set()
        if changed:  # edits made while it was read may be older in the list
            self._show_update(self._document.service.rows_of(changed))
        self.sig_loaded.emit()

    def _risks_not_loaded(self, generation: int, reason: str) -> None:
        if generation == self.loader.generation:
            self._awaiting_load = False
            self._document.sig_error.emit("The register could not be read completely", reason)


def context_of(overview: RegisterOverview) -> TableContext:
    """What the table's cells need beyond the records, as the overview read it."""
    settings = overview.settings
    return TableContext(
        scheme=settings.scheme,
        today=overview.today,
        overdue=overview.overdue,
        trends=overview.trends,
        partnership_appetite=settings.partnership_appetite,
        partner_appetite=settings.partner_appetite,
    )


def merged(context: TableContext, update: RowsUpdate) -> TableContext:
    """The table's context with the flags and trends of some risks read again."""
    touched = update.risks.keys()
    trends = {uuid: t for uuid, t in context.trends.items() if uuid not in touched}
    trends.update(update.trends)
    overdue = (context.overdue - touched) | update.overdue
    return replace(context, overdue=frozenset(overdue), trends=trends)
