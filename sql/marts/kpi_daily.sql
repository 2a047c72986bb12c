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
        sum(received)::integer                 as received,
        sum(received_online)::integer          as received_online,
        sum(received_direct)::integer          as received_direct,
        sum(received_postal)::integer          as received_postal,
        sum(refused)::integer                  as refused,
        sum(received_eligible)::integer        as received_eligible,
        sum(received_online_eligible)::integer as received_online_eligible,
        sum(received_digitised_known)::integer as received_digitised_known,
        sum(received_digitised)::integer       as received_digitised,
        sum(received_with_fees)::integer       as received_with_fees,
        sum(received_paid_online)::integer     as received_paid_online,
        sum(resolved)::integer                 as resolved,
        sum(resolved_early)::integer           as resolved_early,
        sum(resolved_on_time)::integer         as resolved_on_time,
        sum(resolved_late)::integer            as resolved_late,
        sum(resolved_needing_paper)::integer   as resolved_needing_paper,
        sum(resolved_with_e_result)::integer   as resolved_with_e_result,
        sum(pending_delta)::integer            as pending_delta,
        sum(overdue_delta)::integer            as overdue_delta
    from events
    group by all
    order by day
)

select * from final
