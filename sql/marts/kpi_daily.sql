-- grain: one row per agency, field, channel (KenhThucHien), registry version of the day
-- received (before or after the 2025 reform) and day with any KPI event.
-- Materialised at publish, sorted by day so that a period's days are read by zone maps.
-- The channel is in the grain because the explorer filters by it: without it, a channel
-- meant re-deriving the rollups from the dossiers (seconds for a year, not milliseconds).
with events as (
    select * from fct_kpi_events
),

final as (
    select
        agency_id, field_id, channel, received_after_reform, day,
        -- every measure of the events, by its own name: a new measure needs no line here
        sum(columns(events.* exclude (agency_id, field_id, procedure_id, channel, received_after_reform, day)))::integer
    from events
    group by all
    order by day
)

select * from final
