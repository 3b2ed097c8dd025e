"""What the register window shows, each read in one transaction: the whole register when
it opens, the rows a change touched, one risk's history. A view that re-reads after a
change asks for exactly what it shows, and sees one consistent moment of the register."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from riskreg.errors import NotFound
from riskreg.records import (
    CategoryRecord,
    RegisterOverview,
    RegisterSettings,
    RiskHistory,
    RowsUpdate,
)
from riskreg.service.history import history_in, trends_in
from riskreg.service.queries import appetites, overdue_in, partner_records, select_risks
from riskreg.service.unit_of_work import ServiceBase, collector_paused


class WindowReads(ServiceBase):
    """Composite reads for the window."""

    def settings(self) -> RegisterSettings:
        """The register's own settings: name, scheme, keeper, partners, categories,
        appetites; one transaction."""
        with self._read() as s:
            return _settings_in(self, s)

    def overview(self, *, first: int | None = None) -> RegisterOverview:
        """The register as the window first shows it: its settings, every risk (or the
        ``first`` n), overdue flags and trends."""
        today = self.today()
        with self._read() as s, collector_paused():
            return RegisterOverview(
                settings=_settings_in(self, s),
                risks=select_risks(s, None, first),
                overdue=frozenset(overdue_in(s, today)),
                trends=trends_in(s),
                today=today,
            )

    def rows_of(self, uuids: Sequence[str]) -> RowsUpdate:
        """Some risks as they are now, with their overdue flags and trends."""
        wanted = sorted(set(uuids))
        with self._read() as s, collector_paused():
            return RowsUpdate(
                risks={r.uuid: r for r in select_risks(s, None, among=wanted)},
                overdue=frozenset(overdue_in(s, self.today(), wanted)),
                trends=trends_in(s, wanted),
            )

    def risk_history(self, uuid: str) -> RiskHistory:
        """One risk, its change log (its actions' too) and its direction of travel."""
        with self._read() as s:
            found = select_risks(s, uuid)
            if not found:
                raise NotFound(f"no risk with id {uuid} in this register")
            return RiskHistory(found[0], history_in(s, uuid), trends_in(s, [uuid]).get(uuid))


def _settings_in(service: ServiceBase, s: Session) -> RegisterSettings:
    partnership, partners = appetites(s)
    return RegisterSettings(
        info=service._info(s),
        partners=tuple(partner_records(s)),
        categories=tuple(CategoryRecord(name, band) for name, band in sorted(partnership.items())),
        partnership_appetite=partnership,
        partner_appetite=partners,
    )
