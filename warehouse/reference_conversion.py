"""The 2025 commune conversion table in the writer's database (DESIGN §5, "Across the reform").

`warehouse/reference/commune_conversion_2025.csv` (old commune → new commune, with how
each old commune went) and `commune_comparability_2025.csv` (per new commune: comparable
with its past or not, and why) are loaded like the unit registry (`writer.py`,
`ref_admin_units`): into `ref_commune_conversion` and `ref_commune_comparability`, re-read
whenever either shipped file changes, else once. The marts built on them
(`dim_commune_conversion`, `dim_agency_current_units`) are materialised at publish, so
every snapshot carries the table the view "on today's units" was computed with.
"""

from __future__ import annotations

import hashlib

import duckdb

from warehouse.reference.conversion import COMPARABILITY_CSV, CONVERSION_CSV

META_KEY = "commune_conversion"


def load_commune_conversion(con: duckdb.DuckDBPyConnection) -> None:
    stamp = hashlib.sha256(CONVERSION_CSV.read_bytes() + b"\0" + COMPARABILITY_CSV.read_bytes()).hexdigest()
    con.execute("create table if not exists ref_meta (key varchar primary key, value varchar)")
    current = con.execute("select value from ref_meta where key = ?", [META_KEY]).fetchone()
    if current and current[0] == stamp:
        return
    con.execute(
        """
        create or replace table ref_commune_conversion as
        select old_code, nullif(old_name, '') as old_name, old_district_code, old_province_code,
               new_code, new_name, new_province_code, how
        from read_csv(?, header = true, all_varchar = true)
        """,
        [str(CONVERSION_CSV)],
    )
    con.execute(
        """
        create or replace table ref_commune_comparability as
        select new_code, new_name, new_province_code, old_communes::integer as old_communes,
               comparable = 'true' as comparable, nullif(note, '') as note
        from read_csv(?, header = true, all_varchar = true)
        """,
        [str(COMPARABILITY_CSV)],
    )
    con.execute("insert or replace into ref_meta values (?, ?)", [META_KEY, stamp])
