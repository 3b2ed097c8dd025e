"""Heat maps: risks per cell, their key, movements between bases and since a date."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from riskreg.governance import Outlines
from riskreg.heatmap import (
    Basis,
    HeatFilter,
    HeatMap,
    Movement,
    PlacedRisk,
    build_heat_map,
    movements,
)
from riskreg.model import (
    Change,
    ChangeSet,
    Register,
    Risk,
)
from riskreg.scoring import ScoringScheme
from riskreg.service.changes import CREATED
from riskreg.service.queries import (
    BASIS_COLUMNS,
    SCORE_FIELDS,
    appetite_breaches_in,
    heat_conditions,
    naive_utc,
    placed_rows,
)
from riskreg.service.unit_of_work import (
    ServiceBase,
)


class HeatMapReads(ServiceBase):
    """Heat maps: risks per cell, their key, movements between bases and since a date."""

    # -- heat maps ----------------------------------------------------------------------
    def heat_map(self, basis: Basis, heat_filter: HeatFilter | None = None) -> HeatMap:
        """Risks per cell for a basis and filter: one grouped query, whatever the size."""
        heat_filter = heat_filter or HeatFilter()
        lik, imp = BASIS_COLUMNS[basis]
        with self._read() as s:
            scheme = ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())
            query = (
                select(lik, imp, func.aggregate_strings(Risk.ref, " "))
                .where(*heat_conditions(s, heat_filter))
                .group_by(lik, imp)
            )
            rows = s.connection().execute(query).all()
        return build_heat_map(scheme, basis, heat_filter, self.today(), rows)

    def placed_risks(self, basis: Basis, heat_filter: HeatFilter | None = None) -> list[PlacedRisk]:
        """The risks of a heat map with what its printed key shows, in ref order."""
        with self._read() as s:
            return placed_rows(s, basis, heat_filter or HeatFilter())

    def heat_movements(
        self, start: Basis, end: Basis, heat_filter: HeatFilter | None = None
    ) -> list[Movement]:
        """How risks moved between two bases (e.g. inherent → current)."""
        heat_filter = heat_filter or HeatFilter()
        (l0, i0), (l1, i1) = BASIS_COLUMNS[start], BASIS_COLUMNS[end]
        with self._read() as s:
            rows = (
                s.connection()
                .execute(
                    select(Risk.ref, l0, i0, l1, i1)
                    .where(*heat_conditions(s, heat_filter))
                    .where(l0.is_not(None), i0.is_not(None), l1.is_not(None), i1.is_not(None))
                    .order_by(Risk.number)
                )
                .all()
            )
        moved: Any = rows
        return movements(moved)

    def heat_movements_since(
        self, since: datetime, heat_filter: HeatFilter | None = None
    ) -> list[Movement]:
        """How risks moved on the current basis from a past moment to now (change log).

        A risk's position then is its current position with every later change undone;
        risks raised after that moment have no position then and are left out.
        """
        heat_filter = heat_filter or HeatFilter()
        cutoff = naive_utc(since)
        with self._read() as s:
            conn = s.connection()
            later = conn.execute(
                select(Change.entity_uuid, Change.field, Change.old)
                .join(ChangeSet, Change.change_set_id == ChangeSet.id)
                .where(ChangeSet.at >= cutoff, Change.entity == "risk")
                .where(Change.field.in_((CREATED, *SCORE_FIELDS)))
                .order_by(Change.id)
            ).all()
            now = conn.execute(
                select(Risk.uuid, Risk.ref, Risk.current_likelihood, Risk.current_impact)
                .where(*heat_conditions(s, heat_filter))
                .order_by(Risk.number)
            ).all()
        created_later: set[str] = set()
        first_old: dict[str, dict[str, int]] = defaultdict(dict)
        for entity_uuid, field, old in later:
            if field == CREATED:
                created_later.add(entity_uuid)
            elif old is not None:
                first_old[entity_uuid].setdefault(field, int(old))
        rows = []
        for entity_uuid, ref, lik, imp in now:
            if entity_uuid in created_later or lik is None or imp is None:
                continue  # raised since, or unrated now: no move to draw
            then = first_old.get(entity_uuid, {})
            rows.append((ref, then.get("current_likelihood", lik), then.get("current_impact", imp),
                         lik, imp))  # fmt: skip
        return movements(rows)

    def appetite_cells(self, basis: Basis, heat_filter: HeatFilter | None = None) -> Outlines:
        """The cells of a heat map that hold a risk above appetite, each with the worst
        state among its risks (warning or breach of tolerance); appetite is judged on the
        current position, so only a current-risk map has them; one transaction."""
        if basis is not Basis.CURRENT:
            return {}
        with self._read() as s:
            breaches = appetite_breaches_in(s, self.today())
            if not breaches:
                return {}
            ref_of = dict(s.execute(select(Risk.uuid, Risk.ref)).all())
            states = {ref_of[uuid]: judged.state for uuid, judged in breaches.items()}
            placed = placed_rows(s, basis, heat_filter or HeatFilter())
        cells: Outlines = {}
        for p in placed:
            state = states.get(p.ref)
            if state is not None:
                cell = (p.likelihood, p.impact)
                cells[cell] = max(state, cells.get(cell, state))
        return cells
