"""History of the selected risk: its change log as a timeline and its score trend."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from riskreg.records import ChangeRecord, Changes
from ui.document import RegisterDocument
from ui.models.history_table import HistoryModel
from ui.plain import escaped


class HistoryView(QWidget):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._uuid = ""
        self.trend_label = QLabel()
        self.trend_label.setTextFormat(Qt.TextFormat.RichText)  # its own markup; the ref escaped
        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((120, 110, 60, 180)):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.trend_label)
        layout.addWidget(self.table)
        document.sig_changed.connect(self._register_changed)
        self.show_risk("")

    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        if self._uuid and changes.touches_risk(self._uuid):
            self.refresh()

    def show_risk(self, uuid: str) -> None:
        """The risk's change log, its score over time and its direction of travel, read
        in one transaction."""
        self._uuid = uuid
        if not uuid:
            self.model.set_rows([])
            self.trend_label.setText("Select a risk to see its history.")
            return
        found = self._document.service.risk_history(uuid)
        changes, record = found.changes, found.risk
        self.model.set_rows(changes)
        if record.current_likelihood is None or record.current_impact is None:
            self.trend_label.setText(f"<b>{escaped(record.ref)}</b> is an unrated draft: not "
                                     "scored yet.")  # fmt: skip
            return
        scores = self._score_path(changes, record.current_likelihood, record.current_impact)
        arrow = {1: "▲ rising", -1: "▼ falling", 0: "steady"}[found.trend or 0]
        self.trend_label.setText(
            f"<b>{escaped(record.ref)}</b> current score {record.current_score} — trend {arrow}. "
            f"Score over time: {' → '.join(str(s) for s in scores)}"
        )

    def refresh(self) -> None:
        self.show_risk(self._uuid)

    @staticmethod
    def _score_path(changes: Sequence[ChangeRecord], likelihood: int, impact: int) -> list[int]:
        """Current scores from creation to now, rebuilt backwards from the change log."""
        path = [likelihood * impact]
        lik, imp = likelihood, impact
        by_revision: dict[int, dict[str, str | None]] = {}
        for change in changes:
            if change.field in ("current_likelihood", "current_impact"):
                by_revision.setdefault(change.revision, {})[change.field] = change.old
        for revision in sorted(by_revision, reverse=True):
            olds = by_revision[revision]
            lik = int(olds.get("current_likelihood") or lik)
            imp = int(olds.get("current_impact") or imp)
            path.append(lik * imp)
        return list(reversed(path))
