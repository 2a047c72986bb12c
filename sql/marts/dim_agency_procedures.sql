-- grain: one row per agency and procedure that one of the procedure's CapThucHien levels
-- is the agency's Cap: the pairs that can be in the agency's competence (DESIGN §4 v2).
-- A commune or district handles every procedure of its level, so its pairs are its
-- competence on any day. A province-level agency (`by_field`) handles only its own
-- fields: a pair counts on a day `to` only when fct_agency_field_spans holds the
-- procedure's field for the agency on that day (sql/queries/kpi.sql does that join).
-- An agency without a known Cap, or a procedure only named by dossiers, makes no pair.
with agencies as (
    select agency_id, agency_level from dim_agencies where agency_level is not null
),

procedures as (
    select * from dim_procedures where is_known_procedure
),

final as (
    select
        agencies.agency_id,
        procedures.procedure_id,
        procedures.procedure_field_id as field_id,              -- the procedure's own field
        procedures.online_level,                                -- MucDo: 2, 3 partly, 4 fully online
        procedures.full_online_eligible,                        -- DuDieuKienToanTrinh; NULL = unknown
        procedures.has_fees,                                    -- CoPhiLePhi
        agencies.agency_level = 'province'                      as by_field
    from agencies
    inner join procedures on list_contains(procedures.service_levels, agencies.agency_level)
    order by agencies.agency_id, procedures.procedure_field_id
)

select * from final
