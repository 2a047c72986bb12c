-- grain: one row per agency, registry version its area code (MaDVHC) names a unit in, and
-- administrative unit containing that area (depth 0 the area itself, 1 its district or
-- province, 2 its province), with the receipt dates over which the agency counts in it.
-- This is what "the unit with that code, with the units below it" filters on.
--
-- A dossier belongs to the unit that received it, on that date (DESIGN §5). A code found
-- in both versions (re-used by the reform: 05809 was Xã Cù Vân, and is now another
-- commune) means the old unit for dossiers received until 30 June 2025 and the new one
-- after, whatever the agency's other dossiers; a version in which the agency received
-- nothing is left out (unless it is the agency's label), so an old commune's agency
-- is not offered, nor its open stock carried, under the new unit. A code found in one
-- version only means that unit on any date, so that no dossier is left without a unit.
with agencies as (
    select * from dim_agencies
),

units as (
    select * from stg_admin_units
),

agency_versions as (
    select
        agencies.agency_id,
        units.unit_version,
        units.unit_code,
        units.valid_from,
        units.valid_to,
        count(*) over (partition by agencies.agency_id) as version_count
    from agencies
    inner join units on units.unit_code = agencies.unit_code
    where units.unit_version = agencies.unit_version
       or (units.unit_version = 'pre2025' and agencies.dossiers_before_reform > 0)
       or (units.unit_version = 'post2025' and agencies.dossiers_after_reform > 0)
),

own_unit as (
    select
        agency_id,
        unit_version,
        unit_code as ancestor_code,
        0 as depth,
        case when version_count > 1 then valid_from else date '1900-01-01' end as valid_from,
        case when version_count > 1 then valid_to else date '9999-12-31' end as valid_to
    from agency_versions
),

parent as (
    select own_unit.* replace (units.parent_code as ancestor_code, 1 as depth)
    from own_unit
    inner join units
        on units.unit_code = own_unit.ancestor_code and units.unit_version = own_unit.unit_version
    where units.parent_code is not null
),

grandparent as (
    select parent.* replace (units.parent_code as ancestor_code, 2 as depth)
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
