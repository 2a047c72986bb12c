-- grain: one row per procedure, whether sent in the procedures export or only named by dossiers
-- `service_levels` lists the agency levels (`dim_agencies.agency_level`) that carry it out:
-- CapThucHien names them by code (TINH, HUYEN, XA) or by name ("Cấp Tỉnh", "Cấp Huyện",
-- "Cấp Xã"), separated by ';' (DESIGN §3); a part that is neither is ignored.
-- `procedure_field_id` is the procedure's own field in dim_fields (by code, else by name, else 0),
-- the field a province-level agency must have received dossiers in (DESIGN §4 v2).
with procedures as (
    select * from stg_procedures
),

dossier_procedures as (
    select distinct procedure_code from stg_dossiers where procedure_code is not null
),

fields as (
    select * from dim_fields
),

level_parts as (
    select procedure_code, regexp_replace(normalize_name(part), '^cap ', '') as part
    from (select procedure_code, unnest(string_split(service_levels, ';')) as part from procedures)
),

service_levels as (
    select
        procedure_code,
        -- sorted: the list is part of the dimension's fingerprint (warehouse/marts.py), which
        -- must not change when nothing did
        list_sort(list(distinct case part when 'tinh' then 'province' when 'huyen' then 'district' when 'xa' then 'commune' end)
             filter (where part in ('tinh', 'huyen', 'xa'))) as service_levels
    from level_parts
    group by procedure_code
),

all_procedures as (
    select
        coalesce(procedures.procedure_code, dossier_procedures.procedure_code) as procedure_code,
        procedures.procedure_name,
        procedures.field_code,
        procedures.field_name,
        procedures.online_level,
        procedures.paper_result_required,
        procedures.has_fees,
        procedures.full_online_eligible,
        procedures.procedure_code is not null as is_known_procedure
    from procedures
    full outer join dossier_procedures on procedures.procedure_code = dossier_procedures.procedure_code
),

final as (
    select
        stable_id(all_procedures.procedure_code) as procedure_id,
        all_procedures.procedure_code,
        coalesce(all_procedures.procedure_name, all_procedures.procedure_code) as procedure_name,
        all_procedures.field_code,
        all_procedures.field_name,
        coalesce(coded_field.field_id, named_field.field_id, 0) as procedure_field_id,
        all_procedures.online_level,
        all_procedures.paper_result_required,
        all_procedures.has_fees,
        all_procedures.full_online_eligible,
        coalesce(service_levels.service_levels, []::varchar[]) as service_levels,
        all_procedures.is_known_procedure
    from all_procedures
    left join service_levels using (procedure_code)
    left join fields as coded_field on coded_field.field_code = all_procedures.field_code
    left join (select distinct field_id, field_name_key from fields where field_code is null) as named_field
        on all_procedures.field_code is null
        and named_field.field_name_key = normalize_name(all_procedures.field_name)
)

select * from final
