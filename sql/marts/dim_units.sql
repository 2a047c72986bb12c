-- grain: one row per official administrative unit per registry version
with units as (
    select * from stg_admin_units
),

final as (
    select *, normalize_name(unit_name) as unit_name_key, normalize_name(unit_short_name) as short_name_key
    from units
)

select * from final
