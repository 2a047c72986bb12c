-- grain: one row per commune of today (post-reform) that any agency's dossiers reach on
-- today's units: one its dossiers count in, or one a split commune went into (whose past
-- is then not comparable, and says so). What the "today's units" filter offers.
with placed as (
    select * from dim_agency_current_units
),

units as (
    select * from dim_units where unit_version = 'post2025' and unit_level = 'commune'
),

reached as (
    select current_unit_code as unit_code from placed
    where attribution = 'unit' and current_unit_level = 'commune'
    union
    select unnest(split_into) as unit_code from placed
    where attribution = 'split'
),

final as (
    select distinct units.unit_code, units.unit_name
    from units
    inner join reached using (unit_code)
    order by units.unit_name
)

select * from final
