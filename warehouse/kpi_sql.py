"""The KPI query's SQL, composed from the files of `sql/queries/kpi/`.

`kpi/measures.sql` computes every measure of DESIGN §4 from relations it reads by fixed
names (its header lists them: the rollups, the catalogue, the agencies and their units).
Each is the published table unless a block of CTEs composed in front of the body defines
a CTE of that name, which then stands in for it. The paths are chosen by which blocks
come first (`models.with_ctes`: plain concatenation), never by rewriting the body:

    rollups  'stored'        no block: the published rollups (a channel filter too)
             'by_field'      rollups rebuilt from the dossiers that match a procedure
                             filter (kpi/from_dossiers.sql, then the marts' own SQL over
                             them, then kpi/by_field.sql), grouped by field as the stored ones
             'by_procedure'  the same, procedures standing in for fields (kpi/by_procedure.sql)
    units    'recorded'      no block: the units as recorded
             'current'       today's units (kpi/units_current.sql, warehouse/current_units.py)

The units block comes last, so that no other block reads today's units. Stand-ins rather
than import CTEs of other names: with a pass-through CTE per input (`daily as (select *
from kpi_daily)`) DuckDB spent 6-10 ms more planning every KPI query (about 10% on a
small warehouse); with stand-ins the stored path is the body alone, planned as before.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from warehouse.models import mart, query_sql, with_ctes

Rollups = Literal["stored", "by_field", "by_procedure"]
Units = Literal["recorded", "current"]  # as recorded (the default), or on today's units (DESIGN §5)

# the CTE of kpi/from_dossiers.sql the rebuilt rollups read in place of fct_dossiers
REBUILT_FROM: dict[Rollups, str] = {"by_field": "matching_dossiers", "by_procedure": "matching_dossiers_by_procedure"}


@cache
def kpi_sql(rollups: Rollups = "stored", units: Units = "recorded") -> str:
    """The KPI query over `rollups` on `units` (the module docstring lists them). The
    dossier paths bind two more parameters: $procedure_ids and $dossier_field_ids."""
    blocks: list[str] = []
    if rollups != "stored":
        blocks += [query_sql("kpi/from_dossiers"), rebuilt_rollups(REBUILT_FROM[rollups]), query_sql(f"kpi/{rollups}")]
    if units == "current":
        blocks.append(query_sql("kpi/units_current"))
    return with_ctes(*blocks, query_sql("kpi/measures"))


def rebuilt_rollups(dossiers: str) -> str:
    """CTEs standing in for fct_kpi_events, kpi_daily, kpi_monthly and fct_unhappy_dossiers:
    the marts that build them at publish, run over the CTE `dossiers` in place of
    fct_dossiers. kpi_daily and kpi_monthly read the CTEs before them by their names; the
    dossiers are swapped with `Model.reading`, as the incremental marts do, because by
    procedure they are a second form of fct_dossiers (a name stands for one CTE only)."""
    return ",\n\n".join(
        [
            f"fct_kpi_events as ({mart('fct_kpi_events').reading(fct_dossiers=dossiers)})",
            # read by kpi_monthly, by the days of the prefix sums and by procedure: built once
            f"kpi_daily as materialized ({mart('kpi_daily').sql})",
            f"kpi_monthly as ({mart('kpi_monthly').sql})",
            f"fct_unhappy_dossiers as ({mart('fct_unhappy_dossiers').reading(fct_dossiers=dossiers)})",
        ]
    )
