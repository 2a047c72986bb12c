-- grain: one row per administrative unit of $version and $level under $parent_code (or
-- anywhere) that contains at least one agency in the data: what a unit filter offers.
with membership as (
    select * from dim_unit_membership
),

units as (
    select * from dim_units
),

final as (
    select distinct units.unit_code, units.unit_name
    from units
    inner join membership
        on membership.ancestor_code = units.unit_code and membership.unit_version = units.unit_version
    where units.unit_version = $version
      and units.unit_level = $level
      and ($parent_code is null or units.parent_code = $parent_code)
    order by units.unit_name
)

select * from final
