"""One source row → a new risk, and what was read in it and what was done.

Every row that is a risk comes in. Its scores come from the mapping; a row whose scores are
missing or have no level comes in as an unrated Draft (only a Draft may be unrated), and
every value that does not fit its field (a date that is not one, a response the register
does not know, a sentence in a level column, a category too long to be one) is kept as it
was written in the description, with a finding that names its cell once and says what was
done: nothing of the row is dropped unseen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from riskreg.choices import (
    EscalationLevel,
    Proximity,
    Response,
    RiskKind,
    RiskStatus,
    responses_for,
)
from riskreg.exchange.foreign.kinds import fitting, kind_word, response_word, says_opportunity
from riskreg.exchange.foreign.layout import SCALE_FIELDS, Layout
from riskreg.exchange.foreign.mapping import Mapping, lead_text
from riskreg.exchange.foreign.rows import SourceRow
from riskreg.exchange.scales import NONE, PROSE, text_of
from riskreg.exchange.values import parse_date, storable
from riskreg.exchange.vocabulary import key, vocabulary, words_key
from riskreg.records import ActionDraft, RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.validation import RISK_FIELDS

TITLE_MOST = RISK_FIELDS["title"].max_length
CATEGORY_MOST = 100
OWNER_MOST = RISK_FIELDS["owner"].max_length
EXCEL_EPOCH = date(1899, 12, 30)
_MONEY = re.compile(r"^[£$€]?\s*-?[\d,]+(?:\.\d+)?\s*[kKmM]?$")


@dataclass(frozen=True, slots=True)
class Finding:
    """What the import found in one cell (or row) and what it did about it.

    ``kind``: ``new`` (a risk to create), ``duplicate`` (one like a risk already here, left
    out unless picked; ``picked`` once it is), ``warning`` (read, with something the user
    should know), ``read`` (how a value was read onto this register), ``skipped`` (rows
    left out), ``error`` (a row that cannot come in).
    """

    kind: str
    sheet: str
    cell: str
    field: str
    value: str
    message: str
    """What was read and what was done, without the cell (shown beside it)."""
    draft: RiskDraft | None = None
    row: int = 0
    source_id: str = ""
    """The row's own id in its workbook (a new risk's), to find it in this register."""

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"

    def as_json(self) -> dict[str, Any]:
        """The exchange import's item shape (kind, sheet, cell, ref, field, old, new, message)."""
        return {"kind": self.kind, "sheet": self.sheet, "cell": self.cell, "ref": "",
                "field": self.field, "old": None, "new": self.value or None,
                "message": self.message}  # fmt: skip


def _label(name: str) -> str:
    return name.replace("_", " ")


class RowBuilder:
    """Turns the source rows of one sheet into findings; remembers what it saw for the
    report (the first cell of each scale value, the rows of each lead text)."""

    def __init__(
        self,
        mapping: Mapping,
        scheme: ScoringScheme,
        categories: dict[str, str],
        workbook: str,
        uncached: set[str],
    ) -> None:
        self.mapping = mapping
        self.scheme = scheme
        self.categories = categories
        self.workbook = workbook
        self.uncached = uncached
        self.sheet = mapping.layout.sheet
        layout: Layout = mapping.layout
        self.letters = {m.field: m.letter for m in layout.columns if m.field}
        self.headers = {m.field: m.header for m in layout.columns if m.field}
        self.scale_fields = [f for f in SCALE_FIELDS if f in self.letters]
        self.choices = {name: {c.value: c for c in choices}
                        for name, choices in mapping.scales.items()}  # fmt: skip
        self.mirrored = [
            (tier, other) for tier, other in (("inherent", "current"), ("current", "inherent"))
            if not any(f"{tier}_{a}" in self.letters for a in ("likelihood", "impact"))
        ]  # fmt: skip
        """A base with no column of its own takes the other's scores (one pair of ratings)."""
        self.title_with_asset = (
            "asset" in self.letters
            and key(self.headers.get("title", "")) in vocabulary().title_with_asset
        )
        self.new_categories: set[str] = set()
        self.first_cell: dict[tuple[str, str], str] = {}
        self.lead_cells: dict[str, str] = {}

    def cell(self, name: str, row: SourceRow) -> str:
        return f"{self.letters.get(name, 'A')}{row.excel_row}"

    def build(self, row: SourceRow) -> list[Finding]:
        return _Row(self, row).build()


class _Row:
    """The work on one row: its findings and the texts it keeps in the description."""

    def __init__(self, builder: RowBuilder, row: SourceRow) -> None:
        self.b = builder
        self.row = row
        self.v = row.values
        self.findings: list[Finding] = []
        self.kept: list[tuple[str, str]] = []
        self.escalated = False

    def note(self, name: str, message: str, value: Any = None, kind: str = "warning") -> None:
        text = text_of(self.v.get(name) if value is None else value)
        self.findings.append(Finding(kind, self.b.sheet, self.b.cell(name, self.row), name,
                                     text, message, row=self.row.excel_row))  # fmt: skip

    def keep(self, name: str, text: str) -> None:
        self.kept.append((self.b.headers.get(name, _label(name).capitalize()), text))

    def text(self, name: str) -> str:
        if name not in self.v:
            return ""
        raw = text_of(self.v[name])
        clean = storable(raw)
        if clean != raw:
            self.note(name, "holds control characters (pasted from another program): they "
                            "are shown as visible symbols (␋)", raw)  # fmt: skip
        return clean

    # -- the row ------------------------------------------------------------------------
    def build(self) -> list[Finding]:
        b, mapping = self.b, self.b.mapping
        kind, category_text = self._kind(self.text("category"))
        raid = vocabulary().raid.get(key(text_of(self.v.get("raid_type", ""))), "")
        if not raid and not self.v.get("raid_type") and key(category_text) in vocabulary().raid:
            raid, category_text = vocabulary().raid[key(category_text)], ""
        if raid and raid != "risk":
            if mapping.raid == "skip":
                where: str = next(f for f in ("raid_type", "category", "kind") if f in self.v)
                self.note(where, f"a RAID log's {raid}, not a risk: left out (choose “bring "
                                 "them in, with their kind as the category” to keep it)",
                          kind="skipped")  # fmt: skip
                return self.findings
            category_text = raid.capitalize()
        title = self._title()
        kind = self._signed_kind(kind)
        response, kind = self._response(kind)
        levels, rated = self._scores()
        status = self._status(rated)
        lead = mapping.leads.get(lead_text(self.v)) or mapping.partner
        text = lead_text(self.v)
        if text:
            b.lead_cells.setdefault(text, self.b.cell(
                "lead_partner" if "lead_partner" in self.v else "owner", self.row))  # fmt: skip
        draft = RiskDraft(
            title=title,
            lead_partner=lead,
            inherent_likelihood=levels["inherent_likelihood"],
            inherent_impact=levels["inherent_impact"],
            current_likelihood=levels["current_likelihood"],
            current_impact=levels["current_impact"],
            cause=self.text("cause"),
            consequence=self.text("consequence"),
            category=self._category(category_text),
            status=status,
            visibility=mapping.visibility,
            owner=self._owner(),
            kind=kind,
            response=response,
            controls=self.text("controls"),
            target_likelihood=levels["target_likelihood"],
            target_impact=levels["target_impact"],
            target_date=self._date("target_date"),
            proximity=self._proximity(),
            cost_likely=self._cost(),
            raised_on=self._date("raised_on"),
            last_reviewed=self._date("last_reviewed"),
            next_review=self._date("next_review"),
            actions=(ActionDraft(self.text("action"), lead),) if "action" in self.v else (),
            description=self._description(),
        )
        draft = self._within_cadence(draft)
        if self.escalated:
            draft = replace(draft, escalation=EscalationLevel.JOINT_MANAGEMENT,
                            escalation_reason=f"“Escalated” in {b.workbook} (its status column, "
                                              f"{self.b.cell('status', self.row)})")  # fmt: skip
        where = self.b.cell("title" if "title" in self.v else "description", self.row)
        what = "new risk" if rated else "new unrated Draft"
        if kind is RiskKind.OPPORTUNITY:
            what = what.replace("risk", "opportunity").replace("Draft", "Draft opportunity")
        self.findings.insert(0, Finding("new", b.sheet, where, "title", title, f"{what}: {title}",
                                        draft, self.row.excel_row,
                                        text_of(self.v.get("source_id", ""))))  # fmt: skip
        return self.findings

    def _title(self) -> str:
        title = self.text("title")
        asset = self.text("asset")
        if title and asset and self.b.title_with_asset:
            title = f"{asset}: {title}"
        elif asset:
            self.keep("asset", asset)
        if not title:
            title = first_sentence(self.text("description")) or asset
        if len(title) > TITLE_MOST:
            self.note("title", f"is {len(title):,} characters long, more than a title holds "
                               f"({TITLE_MOST}): its first sentence is the title and the whole "
                               "text is kept in the description", title[:60] + "…")  # fmt: skip
            self.keep("title", title)
            title = first_sentence(title)
        return title

    def _description(self) -> str:
        parts = [self.text("description")]
        if self.kept or self.row.kept:
            lines = [f"{header}: {storable(text)}" for header, text in self.kept]
            lines += [f"{header}: {storable(text_of(value))}" for header, value in self.row.kept]
            parts.append("\n".join(lines))
        if self.b.mapping.keep_source_ids and "source_id" in self.v:
            parts.append(f"(Imported from {self.b.workbook}, where it was "
                         f"{storable(text_of(self.v['source_id']))}.)")  # fmt: skip
        return "\n\n".join(p for p in parts if p)

    # -- scores -------------------------------------------------------------------------
    def _scores(self) -> tuple[dict[str, int | None], bool]:
        """The six levels, and whether the risk is rated (inherent and current, whole)."""
        b = self.b
        levels: dict[str, int | None] = dict.fromkeys(SCALE_FIELDS)
        problems: list[tuple[str, str]] = []
        for name in b.scale_fields:
            raw = self.v.get(name)
            if raw is None:
                if b.cell(name, self.row) not in b.uncached:
                    problems.append((name, f"{_label(name)} is empty"))
                continue
            value = text_of(raw)
            choice = b.choices.get(name, {}).get(value)
            b.first_cell.setdefault((name, value), b.cell(name, self.row))
            if choice is not None and choice.level is not None:
                levels[name] = choice.level
            elif choice is not None and choice.kind == NONE:
                problems.append((name, f"{_label(name)} “{value}” gives no value"))
            elif choice is not None and choice.kind == PROSE:
                self.keep(name, value)
                problems.append((name, f"{_label(name)} “{_short(value)}” is a description, "
                                       "not a level: kept in the description"))  # fmt: skip
            else:
                self.keep(name, value)
                problems.append((name, f"{_label(name)} “{_short(value)}” has no level in the "
                                       "mapping (choose one, or score the risk later); the "
                                       "text is kept in the description"))  # fmt: skip
        for tier, other in b.mirrored:
            for axis in ("likelihood", "impact"):
                levels[f"{tier}_{axis}"] = levels[f"{other}_{axis}"]
        rated = all(levels[f] is not None for f in SCALE_FIELDS[:4])
        target = (levels["target_likelihood"], levels["target_impact"])
        if (target[0] is None) != (target[1] is None):
            present = "target_likelihood" if target[0] is not None else "target_impact"
            self.keep(present, text_of(self.v.get(present)))
            self.note(present, "a target needs both likelihood and impact: none is set; the "
                               "value is kept in the description")  # fmt: skip
            levels["target_likelihood"] = levels["target_impact"] = None
        problems = [p for p in problems if not p[0].startswith("target")]
        if rated:
            return levels, True
        for name in SCALE_FIELDS[:4]:  # what was read is kept, as written, not scored
            if levels[name] is not None and name in self.v:
                self.keep(name, text_of(self.v[name]))
            levels[name] = None
        if not b.scale_fields:
            return levels, False  # no scale column at all: said once, in the plan's notes
        for name, problem in problems:
            self.note(name, f"{problem}; the risk comes in as an unrated Draft")
        return levels, False

    # -- the other fields ---------------------------------------------------------------
    def _status(self, rated: bool) -> RiskStatus:
        status = self.b.mapping.status
        if "status" in self.v:
            written = text_of(self.v["status"])
            escalated = vocabulary().escalated
            if key(written) in escalated or key(words_key(written).split(" ")[0]) in escalated:
                self.escalated = True
                level = EscalationLevel.JOINT_MANAGEMENT.value
                self.note("status", f"“{_short(written)}”: escalation is a level of the ladder "
                                    f"here, not a status: the risk comes in as {status.value} at "
                                    f"{level}", kind="read")  # fmt: skip
                return status if rated else RiskStatus.DRAFT
            found = vocabulary().status.get(key(written))
            if found is None:
                found = vocabulary().status.get(key(words_key(written).split(" ")[0]))
            if found is RiskStatus.CLOSED:
                status = RiskStatus.CLOSED
            elif found is None:
                self.keep("status", written)
                self.note("status", f"“{written}” is not a status this register knows: the risk "
                                    f"comes in as {status.value}; the text is kept in the "
                                    "description")  # fmt: skip
        if not rated and status is not RiskStatus.DRAFT:
            if "status" in self.v and status is RiskStatus.CLOSED:
                self.keep("status", text_of(self.v["status"]))
                self.note("status", f"“{text_of(self.v['status'])}”: the risk comes in as a "
                                    "Draft, since only a Draft may be unrated; the text is "
                                    "kept in the description")  # fmt: skip
            status = RiskStatus.DRAFT
        return status

    def _category(self, text: str) -> str | None:
        if not text:
            return None
        if len(text) > CATEGORY_MOST:
            self.keep("category", text)
            self.note("category", f"is {len(text)} characters long, more than a category "
                                  f"name holds ({CATEGORY_MOST}): no category; the text is kept "
                                  "in the description")  # fmt: skip
            return None
        found = self.b.categories.get(key(text))
        if found is None:
            self.b.new_categories.add(text)
            self.b.categories[key(text)] = text
            return text
        return found

    def _owner(self) -> str:
        owner = self.text("owner")
        if len(owner) > OWNER_MOST:
            self.keep("owner", owner)
            self.note("owner", f"is {len(owner)} characters long, more than an owner holds "
                               f"({OWNER_MOST}): no owner; the text is kept in the "
                               "description")  # fmt: skip
            return ""
        return owner

    def _kind(self, category_text: str) -> tuple[RiskKind | None, str]:
        """The type a type column or the category says, and the category left."""
        kind = None
        if "kind" in self.v:
            written = self.text("kind")
            kind = kind_word(written)
            if kind is None and "category" not in self.v:
                category_text = written  # a "Type" column of categories or RAID kinds
            elif kind is None:
                self.keep("kind", written)
                self.note("kind", f"“{_short(written)}” is neither a threat nor an opportunity: "
                                  "the risk comes in as a threat; the text is kept in the "
                                  "description")  # fmt: skip
        if kind is None and says_opportunity(category_text):
            where = "category" if "category" in self.v else "kind"
            self.note(where, f"“{_short(category_text)}”: an opportunity (a type here, not a "
                             "category)", category_text, kind="read")  # fmt: skip
            return RiskKind.OPPORTUNITY, ""
        return kind, category_text

    def _signed_kind(self, kind: RiskKind | None) -> RiskKind | None:
        """A signed impact says the type, unless a type column already did."""
        for read in self.row.signs:
            what = f"impact {read.written}"
            if kind is not None and kind is not read.kind:
                said = (
                    f"{what} would make it {read.kind.value.lower()}, but its type says "
                    f"{kind.value.lower()}: it stays one, at impact {self.v[read.field]}"
                )
                self.note(read.field, said, read.written, kind="read")
                continue
            kind = read.kind
            self.note(read.field, f"{what}: {read.kind.value.lower()} at impact "
                                  f"{self.v[read.field]} (the workbook signs its impacts)",
                      read.written, kind="read")  # fmt: skip
        return kind

    def _response(self, kind: RiskKind | None) -> tuple[Response, RiskKind]:
        """The response and the type it settles: an opportunity's response (Exploit,
        Enhance …) makes an untyped row an opportunity; a response of the other type is
        read as its PRINCE2 counterpart (Treat ↔ Enhance, Transfer ↔ Share …)."""
        if "response" not in self.v:
            settled = kind or RiskKind.THREAT
            return responses_for(settled)[0], settled
        written = self.text("response")
        found, its_kind = response_word(written, kind)
        if found is None or its_kind is None:
            settled = kind or RiskKind.THREAT
            default = responses_for(settled)[0]
            names = ", ".join(r.value for r in responses_for(settled))
            self.keep("response", written)
            self.note("response", f"“{_short(written)}” is not a response this register knows "
                                  f"for a {settled.value.lower()} ({names}): {default.value}; "
                                  "the text is kept in the description")  # fmt: skip
            return default, settled
        if kind is None:
            if its_kind is RiskKind.OPPORTUNITY:
                self.note("response", f"“{_short(written)}”: an opportunity's response, so the "
                                      "risk comes in as an opportunity", kind="read")  # fmt: skip
            return found, its_kind
        fits = fitting(found, kind)
        if fits is not found:
            self.note("response", f"“{_short(written)}” is a {its_kind.value.lower()}'s "
                                  f"response; for this {kind.value.lower()}: {fits.value}",
                      kind="read")  # fmt: skip
        return fits, kind

    def _proximity(self) -> Proximity | None:
        if "proximity" not in self.v:
            return None
        written = self.text("proximity")
        words = vocabulary().proximity
        wanted = key(written)
        found = words.get(wanted)
        if found is None:
            found = next((p for w, p in words.items() if len(w) >= 4 and w in wanted), None)
        if found is None:
            self.keep("proximity", written)
            self.note("proximity", f"“{_short(written)}” is not a proximity this register knows: "
                                   "none; the text is kept in the description")  # fmt: skip
        return found

    def _within_cadence(self, draft: RiskDraft) -> RiskDraft:
        """A next review later than the risk's band allows here comes in at the latest it
        allows (said), so one far date never stops the import."""
        given = draft.next_review
        if given is None or draft.status is RiskStatus.CLOSED:
            return draft
        current = (draft.current_likelihood, draft.current_impact)
        if current == (None, None):
            current = (draft.inherent_likelihood, draft.inherent_impact)
        latest = self.b.scheme.latest_next_review(*current, draft.last_reviewed,
                                                  draft.raised_on, date.today())  # fmt: skip
        if given <= latest:
            return draft
        self.note("next_review", f"next review {given:%d %b %Y} is later than this register's "
                                 f"review cadence allows for the risk's band: {latest:%d %b %Y}",
                  kind="read")  # fmt: skip
        return replace(draft, next_review=latest)

    def _date(self, name: str) -> date | None:
        if name not in self.v:
            return None
        raw = self.v[name]
        found = parse_date(raw)
        if found is None and isinstance(raw, int | float) and 20_000 <= raw <= 80_000:
            found = EXCEL_EPOCH + timedelta(days=int(raw))  # a date cell without its format
            self.note(name, f"the number {text_of(raw)} read as the date it stands for in "
                            f"Excel, {found:%d %b %Y}", kind="read")  # fmt: skip
        if found is None:
            self.keep(name, text_of(raw))
            self.note(name, f"“{_short(text_of(raw))}” is not a date: none; the text is kept "
                            "in the description")  # fmt: skip
        return found

    def _cost(self) -> int | None:
        if "cost_likely" not in self.v:
            return None
        raw = self.v["cost_likely"]
        amount = _amount(raw)
        if amount is None:
            self.keep("cost_likely", text_of(raw))
            self.note("cost_likely", f"“{_short(text_of(raw))}” is not an amount of 0 or more: "
                                     "none; the text is kept in the description")  # fmt: skip
        return amount


def _amount(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return round(raw) if math.isfinite(raw) and raw >= 0 else None
    text = text_of(raw).replace(" ", "")
    if not _MONEY.match(text) or text.lstrip("£$€").startswith("-"):
        return None
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    digits = text.lstrip("£$€").rstrip("kKmM").replace(",", "")
    try:
        return round(float(digits) * scale)
    except ValueError:
        return None


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57].rstrip() + "…"


def first_sentence(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0]
    return first if len(first) <= TITLE_MOST else first[: TITLE_MOST - 3].rstrip() + "…"
