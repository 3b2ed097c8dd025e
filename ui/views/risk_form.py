"""Every field of a risk, grouped as a risk lead thinks of them, with live scores and
messages beside the fields. Shared by the editor panel and the new-risk dialog.

The groups stand in one column, or in two when the form is wide enough for both (a wide
screen); titles show from their start, level names whole, the score and band in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from riskreg.choices import RiskKind, responses_for
from riskreg.errors import Problem
from riskreg.records import (
    CategoryRecord,
    PartnerRecord,
    Proximity,
    Response,
    RiskDraft,
    RiskRecord,
    RiskStatus,
    Visibility,
)
from riskreg.scoring import ScoringScheme
from riskreg.validation import response_problem
from ui.plain import escaped, plain, tip
from ui.views.fields import ErrorLabel, MoneyEdit, OptionalDateEdit
from ui.views.share_editor import ShareEditor

BASES = ("inherent", "current", "target")
TEXT_FIELDS = ("description", "cause", "consequence", "controls")
TWO_COLUMNS_FROM = 900
"""Form width (pixels) from which the groups stand in two columns."""
DATE_FIELDS = ("target_date", "raised_on", "last_reviewed", "next_review")
MONEY_FIELDS = ("cost_min", "cost_likely", "cost_max")


def _text_box(lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(12 + 18 * lines)
    return box


class RiskForm(QWidget):
    sig_edited = Signal()
    """The user changed any field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scheme = ScoringScheme.default()
        self.errors: dict[str, ErrorLabel] = {}

        # identification
        self.ref_label = QLabel("new risk")
        self.ref_label.setTextFormat(Qt.TextFormat.RichText)  # its own markup; the ref escaped
        self.title = QLineEdit()
        self.kind = QComboBox()
        for kind in RiskKind:
            self.kind.addItem(kind.value, kind.value)
        self.kind.setToolTip(tip(
            "A threat would harm the partnership's objectives; an opportunity would further "
            "them. Each has its own responses and its own heat map; appetite is for threats."
        ))  # fmt: skip
        self.category = QComboBox()
        self.status = QComboBox()
        for status in RiskStatus:
            self.status.addItem(status.value, status.value)
        self.description = _text_box()
        self.cause = _text_box(2)
        self.consequence = _text_box(2)
        # assessment
        self.likelihood: dict[str, QComboBox] = {b: QComboBox() for b in BASES}
        self.impact: dict[str, QComboBox] = {b: QComboBox() for b in BASES}
        self.score_labels: dict[str, QLabel] = {b: QLabel() for b in BASES}
        plain(*self.score_labels.values())  # band names from the register
        self.target_date = OptionalDateEdit()
        self.proximity = QComboBox()
        self.proximity.addItem("—", "")
        for proximity in Proximity:
            self.proximity.addItem(proximity.value, proximity.value)
        # ownership
        self.lead_partner = QComboBox()
        self.owner = QLineEdit()
        self.visibility = QComboBox()
        for visibility in Visibility:
            self.visibility.addItem(visibility.value, visibility.value)
        self.shares = ShareEditor()
        # response
        self.response = QComboBox()
        self._fill_responses(RiskKind.THREAT, None)
        self.controls = _text_box(2)
        self.cost_min = MoneyEdit()
        self.cost_likely = MoneyEdit()
        self.cost_max = MoneyEdit()
        # dates
        self.raised_on = OptionalDateEdit()
        self.last_reviewed = OptionalDateEdit()
        self.next_review = OptionalDateEdit()

        for combo in (*self.likelihood.values(), *self.impact.values()):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.left_groups = [self._identification_group(), self._assessment_group()]
        self.right_groups = [self._ownership_group(), self._response_group(),
                             self._dates_group()]  # fmt: skip
        self._columns = QHBoxLayout(self)
        self._columns.setContentsMargins(0, 0, 0, 0)
        self._left = QVBoxLayout()
        self._right = QVBoxLayout()
        self._columns.addLayout(self._left, 1)
        self._columns.addLayout(self._right, 1)
        self._two_columns: bool | None = None
        self._arrange(two_columns=False)
        self._connect()

    # -- layout -------------------------------------------------------------------------
    @property
    def two_columns(self) -> bool:
        return bool(self._two_columns)

    def _arrange(self, *, two_columns: bool) -> None:
        """The groups in one column, or the assessment beside the ownership."""
        if two_columns == self._two_columns:
            return
        self._two_columns = two_columns
        for layout in (self._left, self._right):
            while layout.count():
                layout.takeAt(0)
        self._columns.setStretch(1, 1 if two_columns else 0)
        left = self.left_groups if two_columns else self.left_groups + self.right_groups
        for group in left:
            self._left.addWidget(group)
        self._left.addStretch(1)
        if two_columns:
            for group in self.right_groups:
                self._right.addWidget(group)
            self._right.addStretch(1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(two_columns=event.size().width() >= TWO_COLUMNS_FROM)
        super().resizeEvent(event)

    def message_labels(self) -> list[ErrorLabel]:
        """The error labels in the order the fields stand (the editor scrolls to the first
        one showing)."""
        return list(dict.fromkeys(self.errors.values()))

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(1)
        inner.addWidget(widget)
        error = ErrorLabel()
        inner.addWidget(error)
        self.errors[field] = error
        form.addRow(label, holder)

    def _identification_group(self) -> QGroupBox:
        group = QGroupBox("Identification")
        form = QFormLayout(group)
        form.addRow("Ref", self.ref_label)
        self._row(form, "Title", self.title, "title")
        self._row(form, "Type", self.kind, "kind")
        self._row(form, "Category", self.category, "category")
        self._row(form, "Status", self.status, "status")
        self._row(form, "Description", self.description, "description")
        self._row(form, "Cause", self.cause, "cause")
        self._row(form, "Consequence", self.consequence, "consequence")
        return group

    def _assessment_group(self) -> QGroupBox:
        group = QGroupBox("Assessment")
        grid = QGridLayout(group)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for column, heading in enumerate(("Basis, score and band", "Likelihood", "Impact")):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        for row, basis in enumerate(BASES, start=1):
            label = self.score_labels[basis]
            label.setMargin(3)
            holder = QWidget()
            stacked = QVBoxLayout(holder)
            stacked.setContentsMargins(0, 0, 0, 0)
            stacked.setSpacing(2)
            stacked.addWidget(QLabel(basis.capitalize()))
            stacked.addWidget(label)
            grid.addWidget(holder, row * 2 - 1, 0)
            grid.addWidget(self.likelihood[basis], row * 2 - 1, 1)
            grid.addWidget(self.impact[basis], row * 2 - 1, 2)
            error = ErrorLabel()
            self.errors[f"{basis}_likelihood"] = error
            self.errors[f"{basis}_impact"] = error
            grid.addWidget(error, row * 2, 0, 1, 3)
        grid.addWidget(QLabel("Target date"), 7, 0)
        grid.addWidget(self.target_date, 7, 1, 1, 2)
        self.errors["target_date"] = ErrorLabel()
        grid.addWidget(self.errors["target_date"], 8, 1, 1, 2)
        grid.addWidget(QLabel("Proximity"), 9, 0)
        grid.addWidget(self.proximity, 9, 1, 1, 2)
        self.errors["proximity"] = ErrorLabel()
        grid.addWidget(self.errors["proximity"], 10, 1, 1, 2)
        return group

    def _ownership_group(self) -> QGroupBox:
        group = QGroupBox("Ownership")
        form = QFormLayout(group)
        self._row(form, "Lead partner", self.lead_partner, "lead_partner")
        self._row(form, "Owner", self.owner, "owner")
        self._row(form, "Visibility", self.visibility, "visibility")
        self._row(form, "Shares", self.shares, "shares")
        return group

    def _response_group(self) -> QGroupBox:
        group = QGroupBox("Response and controls")
        form = QFormLayout(group)
        self._row(form, "Response", self.response, "response")
        self._row(form, "Existing controls", self.controls, "controls")
        self._row(form, "Cost minimum", self.cost_min, "cost_min")
        self._row(form, "Cost most likely", self.cost_likely, "cost_likely")
        self._row(form, "Cost maximum", self.cost_max, "cost_max")
        return group

    def _dates_group(self) -> QGroupBox:
        group = QGroupBox("Dates")
        form = QFormLayout(group)
        self._row(form, "Raised", self.raised_on, "raised_on")
        self._row(form, "Last reviewed", self.last_reviewed, "last_reviewed")
        self._row(form, "Next review", self.next_review, "next_review")
        return group

    def _connect(self) -> None:
        def edited(*_args: object) -> None:
            self.sig_edited.emit()

        for line in (self.title, self.owner, self.cost_min, self.cost_max):
            line.textEdited.connect(edited)
        self.title.editingFinished.connect(lambda: self.title.setCursorPosition(0))
        self.cost_likely.textEdited.connect(lambda _text: self._cost_changed())
        for box in (self.description, self.cause, self.consequence, self.controls):
            box.textChanged.connect(edited)
        self.kind.activated.connect(lambda _index: self._kind_changed())
        self.response.activated.connect(lambda _index: self._say_response_fit())
        combos = [self.category, self.status, self.proximity, self.visibility, self.response]
        combos += list(self.likelihood.values()) + list(self.impact.values())
        for combo in combos:
            combo.activated.connect(edited)
        for basis in BASES:
            self.likelihood[basis].currentIndexChanged.connect(lambda _i: self._update_scores())
            self.impact[basis].currentIndexChanged.connect(lambda _i: self._update_scores())
        self.lead_partner.activated.connect(lambda _index: self._lead_changed())
        self.shares.sig_changed.connect(edited)
        for date_edit in (self.target_date, self.raised_on, self.last_reviewed, self.next_review):
            date_edit.sig_changed.connect(edited)

    # -- choices ------------------------------------------------------------------------
    def set_choices(
        self,
        scheme: ScoringScheme,
        partners: Sequence[PartnerRecord],
        categories: Sequence[CategoryRecord],
    ) -> None:
        self._scheme = scheme
        for basis in BASES:
            for combo, levels in (
                (self.likelihood[basis], scheme.likelihood),
                (self.impact[basis], scheme.impact),
            ):
                combo.blockSignals(True)
                combo.clear()
                if basis == "target":
                    combo.addItem("—", 0)
                else:  # only a Draft may stay unrated; the register says so on save
                    combo.addItem("unrated", 0)
                for level in levels:
                    combo.addItem(level.caption, level.value)
                    combo.setItemData(combo.count() - 1, tip(level.description), 3)  # tooltip
                combo.blockSignals(False)
        self.category.clear()
        self.category.addItem("—", "")
        for category in categories:
            self.category.addItem(category.name, category.name)
        self.lead_partner.clear()
        for partner in partners:
            suffix = "" if partner.active else " (inactive)"
            self.lead_partner.addItem(f"{partner.code} – {partner.name}{suffix}", partner.code)
        self.shares.set_partners(partners)

    # -- values -------------------------------------------------------------------------
    def load(self, record: RiskRecord | None, *, lead: str = "") -> None:
        """Show a risk, or a blank new risk led by ``lead``."""
        self.blockSignals(True)
        try:
            self.clear_problems()
            if record is None:
                today = date.today()
                self.ref_label.setText("new risk (ref given on save)")
                self.title.clear()
                for box in (self.description, self.cause, self.consequence, self.controls):
                    box.clear()
                self.owner.clear()
                _select(self.category, None)
                _select(self.status, RiskStatus.OPEN)
                _select(self.visibility, Visibility.JOINT)
                _select(self.kind, RiskKind.THREAT)  # a new risk is a threat unless told
                self._fill_responses(RiskKind.THREAT, Response.TREAT)
                _select(self.proximity, None)
                _select(self.lead_partner, lead or None)
                lead = self.lead_partner.currentData() or ""  # a partner of this register
                for basis in BASES:
                    default = None if basis == "target" else 3
                    _select(self.likelihood[basis], default)
                    _select(self.impact[basis], default)
                self.shares.set_shares(((lead, 100),) if lead else (), lead)
                for money in (self.cost_min, self.cost_likely, self.cost_max):
                    money.set_value(None)
                self.target_date.set_value(None)
                self.raised_on.set_value(today)
                self.last_reviewed.set_value(None)
                self.next_review.set_value(None)
            else:
                self.ref_label.setText(f"<b>{escaped(record.ref)}</b>  ·  version {record.version}")
                self.title.setText(record.title)
                self.title.setCursorPosition(0)  # long titles show from their start
                self.description.setPlainText(record.description)
                self.cause.setPlainText(record.cause)
                self.consequence.setPlainText(record.consequence)
                self.controls.setPlainText(record.controls)
                self.owner.setText(record.owner)
                _select(self.category, record.category)
                _select(self.status, record.status)
                _select(self.visibility, record.visibility)
                _select(self.kind, record.kind)
                self._fill_responses(record.kind, record.response)
                _select(self.proximity, record.proximity)
                _select(self.lead_partner, record.lead_partner)
                for basis in BASES:
                    _select(self.likelihood[basis], getattr(record, f"{basis}_likelihood"))
                    _select(self.impact[basis], getattr(record, f"{basis}_impact"))
                self.shares.set_shares(record.shares, record.lead_partner)
                self.cost_min.set_value(record.cost_min)
                self.cost_likely.set_value(record.cost_likely)
                self.cost_max.set_value(record.cost_max)
                self.target_date.set_value(record.target_date)
                self.raised_on.set_value(record.raised_on)
                self.last_reviewed.set_value(record.last_reviewed)
                self.next_review.set_value(record.next_review)
            self.shares.set_cost(self.cost_likely.value())
        finally:
            self.blockSignals(False)
        self._update_scores()

    def values(self) -> dict[str, Any]:
        """The form's content as the service's field names and types."""
        values: dict[str, Any] = {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "cause": self.cause.toPlainText(),
            "consequence": self.consequence.toPlainText(),
            "category": self.category.currentData() or None,
            "status": RiskStatus(self.status.currentData()),
            "lead_partner": self.lead_partner.currentData(),
            "owner": self.owner.text(),
            "visibility": Visibility(self.visibility.currentData()),
            "kind": self.current_kind(),
            "response": Response(self.response.currentData()),
            "controls": self.controls.toPlainText(),
            "target_date": self.target_date.value(),
            "proximity": Proximity(self.proximity.currentData())
            if self.proximity.currentData()
            else None,
            "cost_min": self.cost_min.value(),
            "cost_likely": self.cost_likely.value(),
            "cost_max": self.cost_max.value(),
            "raised_on": self.raised_on.value(),
            "last_reviewed": self.last_reviewed.value(),
            "next_review": self.next_review.value(),
            "shares": self.shares.shares(),
        }
        for basis in BASES:
            values[f"{basis}_likelihood"] = self.likelihood[basis].currentData() or None
            values[f"{basis}_impact"] = self.impact[basis].currentData() or None
        return values

    def draft(self) -> RiskDraft:
        values = self.values()
        return RiskDraft(**values)

    def local_problems(self) -> list[Problem]:
        """What the form can tell without asking the register: shown before any save."""
        problems = []
        if not self.title.text().strip():
            problems.append(Problem("title", "Title is required"))
        mismatch = response_problem(self.current_kind(), Response(self.response.currentData()))
        if mismatch is not None:
            problems.append(mismatch)
        share_problem = self.shares.problem()
        if share_problem:
            problems.append(Problem("shares", share_problem))
        target = (self.likelihood["target"].currentData(), self.impact["target"].currentData())
        if bool(target[0]) != bool(target[1]):
            problems.append(
                Problem("target_likelihood", "give both target likelihood and impact, or neither")
            )
        for name in DATE_FIELDS:
            problem = getattr(self, name).problem()
            if problem:
                problems.append(Problem(name, problem))
        if self.raised_on.value() is None and not self.raised_on.problem():
            problems.append(Problem("raised_on", "Raised is required"))
        amounts = {name: getattr(self, name) for name in MONEY_FIELDS}
        for name, field in amounts.items():
            if field.problem():
                problems.append(Problem(name, field.problem()))
        given = [(name, f.value()) for name, f in amounts.items() if f.value() is not None]
        if [v for _, v in given] != sorted(v for _, v in given):
            problems.append(
                Problem(
                    "cost_max" if "cost_max" in dict(given) else "cost_likely",
                    "the costs must run minimum ≤ most likely ≤ maximum",
                )
            )
        return problems

    def clear_problems(self) -> None:
        for label in set(self.errors.values()):
            label.show_message("")

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.clear_problems()
        by_label: dict[ErrorLabel, list[str]] = {}
        split_said = self.shares.problem()  # the split editor says it under its total
        for problem in problems:
            if problem.field == "shares" and problem.message == split_said:
                continue
            label = self.errors.get(problem.field) or self.errors["title"]
            by_label.setdefault(label, []).append(problem.message)
        for label, messages in by_label.items():
            label.show_message("; ".join(messages))

    def visible_messages(self) -> list[str]:
        """Every message in view, the split editor's own under its total included."""
        shown = [label.text() for label in set(self.errors.values()) if label.isVisibleTo(self)]
        if self.shares.problem() and self.shares.total_label.isVisibleTo(self):
            shown.append(self.shares.total_label.text())
        return shown

    # -- live feedback ------------------------------------------------------------------
    def _update_scores(self) -> None:
        for basis in BASES:
            lik = self.likelihood[basis].currentData()
            imp = self.impact[basis].currentData()
            label = self.score_labels[basis]
            if not lik or not imp:
                label.setText("—")
                label.setStyleSheet("")
                continue
            band = self._scheme.band(lik, imp)
            label.setText(f"{lik * imp}  ·  {band.name}")
            label.setToolTip(tip(f"Score {lik * imp} (likelihood {lik} × impact {imp}): "
                                 f"{band.name}"))  # fmt: skip
            label.setStyleSheet(
                f"background: {band.colour}; color: {_text_colour(band.colour)};"
                " border-radius: 3px; font-weight: bold;"
            )

    def current_kind(self) -> RiskKind:
        return RiskKind(self.kind.currentData())

    def _fill_responses(self, kind: RiskKind, keep: Response | None) -> None:
        """The responses a risk of ``kind`` takes. A response the user chose that does not
        fit the type is kept, marked, and said beside the field: changing the type never
        silently changes what was chosen."""
        self.response.blockSignals(True)
        self.response.clear()
        for response in responses_for(kind):
            self.response.addItem(response.value, response.value)
        if keep is not None and keep not in responses_for(kind):
            other = "an opportunity's" if kind is RiskKind.THREAT else "a threat's"
            self.response.addItem(f"{keep.value} ({other} response)", keep.value)
        _select(self.response, keep if keep is not None else responses_for(kind)[0])
        self.response.blockSignals(False)

    def _kind_changed(self) -> None:
        self._fill_responses(self.current_kind(), Response(self.response.currentData()))
        self._say_response_fit()
        self.sig_edited.emit()

    def _say_response_fit(self) -> None:
        """Beside Response at once (the new-risk dialog shows messages only on "Add")."""
        chosen = Response(self.response.currentData())
        mismatch = response_problem(self.current_kind(), chosen)
        self.errors["response"].show_message(mismatch.message if mismatch else "")

    def _lead_changed(self) -> None:
        lead = self.lead_partner.currentData() or ""
        shares = self.shares.shares()
        if len(shares) == 1 and shares[0][1] == 100:
            self.shares.set_shares(((lead, 100),), lead)  # the default split follows the lead
        else:
            self.shares.set_lead(lead)
        self.sig_edited.emit()

    def _cost_changed(self) -> None:
        self.shares.set_cost(self.cost_likely.value())
        self.sig_edited.emit()


def _select(combo: QComboBox, value: object) -> None:
    """Choose the item holding ``value`` (enums by their value, None as the blank item)."""
    if value is None:
        value = 0 if combo.findData(0) >= 0 else ""
    elif isinstance(value, RiskStatus | Visibility | Response | Proximity | RiskKind):
        value = value.value
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


def _text_colour(background: str) -> str:
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 110 else "#ffffff"


def reveal_first_message(form: RiskForm, scroll_area: QScrollArea) -> None:
    """Scroll the first message beside a field wholly into view: laid out first, since a
    label just shown has no height yet (and would be scrolled to half out of sight)."""
    layout = form.layout()
    if layout is not None:
        layout.activate()
    for label in form.message_labels():
        if label.isVisibleTo(form):
            scroll_area.ensureWidgetVisible(label, 0, label.height() + 24)
            return
