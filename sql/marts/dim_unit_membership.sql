-- grain: one row per agency and each administrative unit that contains its area
-- (the area itself, its district, its province), in the agency's registry version.
-- This is what "the unit with that code, with the units below it" filters on.
with agencies as (
    select * from dim_agencies where is_unit_resolved
),

units as (
    select * from stg_admin_units
),

own_unit as (
    select agency_id, unit_version, unit_code as ancestor_code from agencies
),

parent as (
    select own_unit.agency_id, own_unit.unit_version, units.parent_code as ancestor_code
    from own_unit
    inner join units
        on units.unit_code = own_unit.ancestor_code and units.unit_version = own_unit.unit_version
    where units.parent_code is not null
),

grandparent as (
    select parent.agency_id, parent.unit_version, units.parent_code as ancestor_code
    from parent
    inner join units
        on units.unit_code = parent.ancestor_code and units.unit_version = parent.unit_version
    where units.parent_code is not null
),

final as (
    select * from own_unit
    union all select * from parent
    union all select * from grandparent
)

select * from final
