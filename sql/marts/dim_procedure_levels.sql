-- grain: one row per procedure of the catalogue and level that carries it out (one of its
-- CapThucHien levels, as `dim_agencies.agency_level`).
-- Competence (DESIGN §4 v2) is read from here: a commune or district has every procedure
-- of its level in its competence; a province-level agency those of its level in the fields
-- fct_agency_field_spans holds for it on the day `to`. Pairs agency × procedure are never
-- stored: every agency of a level shares the same procedures, so the KPI query counts
-- them by level and field, and expands pairs only where dossiers were received online.
with procedures as (
    select * from dim_procedures where is_known_procedure
),

final as (
    select
        procedures.procedure_id,
        level,
        procedures.procedure_field_id as field_id,   -- the procedure's own field
        procedures.online_level,                     -- MucDo: 2, 3 partly, 4 fully online
        procedures.full_online_eligible,             -- DuDieuKienToanTrinh; NULL = unknown
        procedures.has_fees                          -- CoPhiLePhi
    from procedures, unnest(procedures.service_levels) as levels(level)
    order by level, field_id
)

select * from final
