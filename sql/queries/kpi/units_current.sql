-- The units of the KPI query on today's units ("theo địa giới mới", DESIGN §5 "Across the
-- reform"; warehouse/current_units.py): CTEs that stand in for the tables of the same name
-- in kpi/measures.sql (each reads the table it stands in for), with each agency on the
-- unit dim_agency_current_units places it on. Composed last, just before the body.
--   dim_agencies         one row per agency, today's unit in place of the recorded one;
--                        `unit_level` is the row's level: the unit's, or 'district' for
--                        the old districts' own one-stops and 'commune' for split
--                        communes, both under today's province
--   fct_form06a          one row per data row of a form 06a: one sent by an agency counts
--                        where the agency does; one without an agency is known only by its
--                        recorded unit, and stays there (in totals, in no unit of today)
--   dim_unit_membership  no rows: on today's units an agency counts whole, where it is
--                        placed above, so none of its dossiers is kept apart by the
--                        registry version of the day it was received
-- each placed agency's unit of today and the level its rows take there (null: not placed)
agency_places as (
    select
        agency_id,
        current_unit_code,
        current_unit_name,
        case attribution
            when 'district' then 'district'
            when 'split' then 'commune'
            when 'unlisted' then 'commune'
            when 'unit' then current_unit_level
        end as current_level
    from dim_agency_current_units
),

dim_agencies as (
    select dim_agencies.* replace (
        coalesce(placed.current_unit_code, dim_agencies.unit_code) as unit_code,
        coalesce(placed.current_unit_name, dim_agencies.unit_name) as unit_name,
        coalesce(placed.current_level, dim_agencies.unit_level)    as unit_level
    )
    from dim_agencies
    left join agency_places as placed using (agency_id)
),

fct_form06a as (
    select fct_form06a.* replace (
        coalesce(placed.current_unit_code, fct_form06a.unit_code) as unit_code,
        coalesce(placed.current_unit_name, fct_form06a.unit_name) as unit_name,
        coalesce(placed.current_level, fct_form06a.level)         as level
    )
    from fct_form06a
    left join agency_places as placed using (agency_id)
),

dim_unit_membership as (
    select * from dim_unit_membership where false
)
