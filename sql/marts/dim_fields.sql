-- grain: one row per field (lĩnh vực): by code where the portal gives one, else by name.
-- Form 06a rows name fields in words; a label matching no known field becomes a field
-- of its own with a null code.
with named_fields as (
    select field_code, field_name from stg_dossiers
    union all
    select field_code, field_name from stg_procedures
),

coded as (
    select field_code, mode(field_name) as field_name
    from named_fields
    where field_code is not null
    group by field_code
),

name_only as (
    select distinct null::varchar as field_code, field_name
    from named_fields
    where field_code is null and field_name is not null
      and normalize_name(field_name) not in (select normalize_name(field_name) from coded where field_name is not null)
),

form06a_labels as (
    select distinct null::varchar as field_code, label as field_name
    from stg_form06a_rows
    where row_kind = 'field'
      and normalize_name(label) not in (select normalize_name(field_name) from coded where field_name is not null)
      and normalize_name(label) not in (select normalize_name(field_name) from name_only)
),

all_fields as (
    select * from coded
    union all select * from name_only
    union all select * from form06a_labels
),

numbered as (
    select
        stable_id(coalesce('code:' || field_code, 'name:' || normalize_name(field_name))) as field_id,
        field_code,
        field_name,
        normalize_name(field_name) as field_name_key
    from all_fields
),

-- dossiers whose field nobody named still count: in field 0
final as (
    select 0::bigint as field_id, null::varchar as field_code, 'Chưa rõ lĩnh vực' as field_name, null::varchar as field_name_key
    union all
    select * from numbered
)

select * from final
