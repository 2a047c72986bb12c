-- grain: one row per procedure that has dossiers, in the fields $field_ids (NULL: all).
with dossiers as (
    select distinct procedure_id, field_id from fct_dossiers
),

procedures as (
    select * from dim_procedures
),

final as (
    select distinct procedures.procedure_code, procedures.procedure_name
    from procedures
    inner join dossiers using (procedure_id)
    where $field_ids is null or dossiers.field_id in (select unnest($field_ids::bigint[]))
    order by procedures.procedure_name
)

select * from final
