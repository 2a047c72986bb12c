-- grain: one row per official administrative unit per version (code + valid_from)
with source as (
    select * from ref_admin_units
),

final as (
    select
        code                                   as unit_code,
        name                                   as unit_name,
        short_name                             as unit_short_name,
        level                                  as unit_level,
        nullif(parent_code, '')                as parent_code,
        province_code,
        coalesce(valid_from, date '1900-01-01') as valid_from,
        coalesce(valid_to, date '9999-12-31')   as valid_to,
        case when valid_to is not null then 'pre2025' else 'post2025' end as unit_version
    from source
)

select * from final
