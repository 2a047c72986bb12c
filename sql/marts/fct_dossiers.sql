-- grain: one row per dossier (its latest version), with the facts every KPI reads.
-- The rules of DESIGN §4 that belong to a single dossier are decided here, once:
-- whether it counts at all, and which resolution class it falls in.
with dossiers as (
    select * from stg_dossiers
),

agencies as (
    select agency_id, agency_code from dim_agencies
),

procedures as (
    select * from dim_procedures
),

fields as (
    select * from dim_fields
),

ratings as (
    select dossier_code, satisfaction from stg_ratings
),

with_procedure as (
    select
        dossiers.*,
        procedures.procedure_id,
        procedures.online_level,
        procedures.paper_result_required,
        procedures.has_fees,
        coalesce(dossiers.field_code, procedures.field_code) as effective_field_code,
        coalesce(dossiers.field_name, procedures.field_name) as effective_field_name
    from dossiers
    left join procedures on procedures.procedure_code = dossiers.procedure_code
),

with_keys as (
    select
        with_procedure.*,
        agencies.agency_id,
        coalesce(coded_field.field_id, named_field.field_id, 0) as field_id,
        ratings.satisfaction
    from with_procedure
    left join agencies on agencies.agency_code = with_procedure.agency_code
    left join ratings on ratings.dossier_code = with_procedure.dossier_code
    left join fields as coded_field
        on coded_field.field_code = with_procedure.effective_field_code
    left join fields as named_field
        on with_procedure.effective_field_code is null
        and named_field.field_code is null
        and named_field.field_name_key = normalize_name(with_procedure.effective_field_name)
),

final as (
    select
        dossier_code,
        agency_id,
        procedure_id,
        field_id,
        channel::tinyint                                      as channel,
        status::tinyint                                       as status,
        received_date,
        due_date,
        finished_date,
        supplement_requests,
        -- status 1 (new) and 3 (refused) count in no measure but `refused`
        status not in (1, 3)                                  as counts_in_kpis,
        status = 3                                            as is_refused,
        case
            when finished_date is null then null
            when finished_date > due_date or supplement_requests > 1 then 'late'
            when finished_date < due_date then 'early'
            else 'on_time'
        end                                                   as resolution_class,
        online_level in (3, 4)                                as is_online_eligible,
        has_digitised_component,
        paper_result_required = 1                             as needs_paper_result,
        has_e_result,
        has_fees = 1                                          as has_fees,
        paid_online,
        reused_digitised_data,
        from_personal_store,
        vneid_verified,
        satisfaction                                          -- its latest rating (MucDoHaiLong), or NULL
    from with_keys
)

select * from final
