-- grain: one row per agency, field, channel, registry version of the day received and
-- month (first day) with any KPI event.
-- Whole months of a period are read here; only its first and last month come from kpi_daily.
with events as (
    select * replace (date_trunc('month', day)::date as day) from kpi_daily
),

final as (
    select
        agency_id, field_id, channel, received_after_reform, day,
        -- every measure of the events, by its own name: a new measure needs no line here
        sum(columns(events.* exclude (agency_id, field_id, channel, received_after_reform, day)))::integer
    from events
    group by all
    order by day
)

select * from final
