-- grain: one row per agency or form 06a reporting unit that could not be placed in the
-- official unit registry (DESIGN §5: keep its own name, and report it).
with agencies as (
    select * from dim_agencies
),

reports as (
    select * from raw_form06a_reports
),

unplaced_agencies as (
    select
        'agency'                 as kind,
        agency_code              as code,
        agency_name              as name,
        unit_code                as area_code,
        case when unit_code is null then 'no area code (MaDVHC)'
             else 'area code not in the unit registry' end as reason,
        null::date               as last_seen
    from agencies
    where not is_unit_resolved
),

unplaced_reports as (
    select
        'form06a'                as kind,
        null::varchar            as code,
        reporting_unit           as name,
        null::varchar            as area_code,
        coalesce(resolution_note, 'reporting unit not found') as reason,
        period_end               as last_seen
    from reports
    where agency_code is null and unit_code is null
),

final as (
    select * from unplaced_agencies
    union all
    select * from unplaced_reports
    order by kind, name
)

select * from final
