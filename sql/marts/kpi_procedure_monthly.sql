-- grain: one row per agency, procedure, registry version of the day received and month
-- (first day) with any dossier received: the whole months of a period are read here, the
-- days of its first and last month from kpi_procedure_daily.
with days as (
    select * replace (date_trunc('month', day)::date as day) from kpi_procedure_daily
),

final as (
    select
        agency_id, procedure_id, received_after_reform, day,
        sum(columns(days.* exclude (agency_id, procedure_id, received_after_reform, day)))::integer
    from days
    group by all
    order by day
)

select * from final
