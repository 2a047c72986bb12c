-- grain: one row per agency: where its dossiers count on today's units, the post-reform
-- communes and provinces (DESIGN §5, "Across the reform"). `attribution`:
--   'unit'       they count for current_unit_code: a post-reform agency's own unit; a
--                pre-reform commune that went wholly (merged, renamed, unchanged) into one
--                new commune; a province-level agency, which stays as it is, in today's
--                province (old Thái Nguyên's and old Bắc Kạn's both in Thái Nguyên)
--   'district'   an old district's own one-stop: no successor commune, so in today's
--                province's totals only
--   'split'      a pre-reform commune split between several new communes (split_into):
--                in the province's totals only (those communes are not comparable)
--   'unlisted'   a pre-reform commune the conversion table lacks: province totals only
--   'unresolved' an agency whose area is not in the registry: as recorded, in no unit
-- current_unit_code is the new commune for 'unit' at commune level, else today's province.
with agencies as (
    select * from dim_agencies
),

units as (
    select * from stg_admin_units
),

conversion as (
    select * from stg_commune_conversion
),

destinations as (
    select old_code, list(new_code order by new_code) as new_codes
    from conversion
    group by old_code
),

-- an old province goes into the one new province its communes went into; where they went
-- into several, into the one that kept its code
province_successors as (
    select
        old_province_code,
        case
            when count(distinct new_province_code) = 1 then min(new_province_code)
            when bool_or(new_province_code = old_province_code) then old_province_code
        end as new_province_code
    from conversion
    group by old_province_code
),

placed as (
    select
        agencies.agency_id,
        agencies.agency_code,
        agencies.agency_name,
        agencies.agency_level,
        agencies.unit_version,
        case
            when not agencies.is_unit_resolved then 'unresolved'
            when agencies.unit_version = 'post2025' then 'unit'
            when agencies.agency_level = 'province' or agencies.unit_level = 'province' then 'unit'
            when agencies.agency_level = 'district' or agencies.unit_level = 'district' then 'district'
            when destinations.old_code is null then 'unlisted'
            when len(destinations.new_codes) > 1 then 'split'
            else 'unit'
        end as attribution,
        case
            when not agencies.is_unit_resolved then null
            when agencies.unit_version = 'post2025' and (agencies.agency_level = 'province' or agencies.unit_level = 'province')
                then agencies.province_code
            when agencies.unit_version = 'post2025' then agencies.unit_code
            when agencies.agency_level in ('province', 'district') or agencies.unit_level in ('province', 'district')
                then province_successors.new_province_code
            when len(destinations.new_codes) = 1 then destinations.new_codes[1]
            else province_successors.new_province_code
        end as current_unit_code,
        case when len(destinations.new_codes) > 1 then destinations.new_codes end as split_into
    from agencies
    left join destinations
        on agencies.unit_version = 'pre2025' and destinations.old_code = agencies.unit_code
    left join province_successors
        on agencies.unit_version = 'pre2025' and province_successors.old_province_code = agencies.province_code
),

final as (
    select
        placed.*,
        current_units.unit_name     as current_unit_name,
        current_units.unit_level    as current_unit_level,
        current_units.province_code as current_province_code
    from placed
    left join units as current_units
        on current_units.unit_code = placed.current_unit_code and current_units.unit_version = 'post2025'
)

select * from final
