"""The Register tab: the table on the left with the selected risk's actions and history
under it, the risk editor beside it at full height.

Why a splitter beside the table rather than docks: at 1366×768 the docks left the editor a
keyhole (about 380×190 pixels, scrolling both ways); beside the table it gets the whole
height, the table stays in view to choose the next risk, and the user moves the divide
(remembered). Below about 1,150 pixels wide the form shows its groups in one column.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from ui.views.actions_view import RiskActionsView
from ui.views.history_view import HistoryView
from ui.views.register_view import RegisterView
from ui.views.risk_editor import RiskEditor


class RegisterPage(QSplitter):
    """The table, the risk's actions and history, and the editor."""

    def __init__(
        self,
        register_view: RegisterView,
        editor: RiskEditor,
        risk_actions: RiskActionsView,
        history: HistoryView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("register_page")
        self.details = QTabWidget()
        self.details.setDocumentMode(True)
        self.details.addTab(risk_actions, "Actions of the risk")
        self.details.addTab(history, "History")
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(register_view)
        self.left.addWidget(self.details)
        self.left.setStretchFactor(0, 3)
        self.left.setStretchFactor(1, 2)
        self.left.setChildrenCollapsible(False)
        self.addWidget(self.left)
        self.addWidget(editor)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)
        register_view.setMinimumWidth(360)
        editor.setMinimumWidth(400)

    def layout_state(self) -> QByteArray:
        """Both divides, for the next start."""
        state = QByteArray()
        state.append(self.saveState())
        state.append(b"|")
        state.append(self.left.saveState())
        return state

    def restore_layout_state(self, state: QByteArray | None) -> bool:
        if state is None:
            return False
        outer, _, inner = bytes(state.data()).partition(b"|")
        return bool(outer and inner) and (
            self.restoreState(QByteArray(outer)) and self.left.restoreState(QByteArray(inner))
        )

    def share_width(self, total: int) -> None:
        """A first start: the editor gets a little more than half (it holds more)."""
        editor = max(400, total * 11 // 20)
        self.setSizes([max(360, total - editor), editor])
