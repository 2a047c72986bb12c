-- grain: one row per agency, field, channel, registry version of the day received and
-- month (first day) with any KPI event.
-- Whole months of a period are read here; only its first and last month come from kpi_daily.
with events as (
    select * replace (date_trunc('month', day)::date as day) from kpi_daily
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
