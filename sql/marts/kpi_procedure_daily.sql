-- grain: one row per agency, procedure, registry version of the day received (before or
-- after the 2025 reform) and day with any dossier received (as counted by `received`).
-- What the online-service measures (DESIGN §4 v2) read of the dossiers: whether an agency
-- used a procedure online in a period, whether a fee-bearing one was paid online. Kept
-- by difference like kpi_daily (warehouse/marts.py); sorted by day for zone maps.
with events as (
    select * from fct_kpi_events
    where received <> 0 and procedure_id is not null
),

final as (
    select
        agency_id, procedure_id, received_after_reform, day,
        sum(received)::integer              as received,
        sum(received_online)::integer       as received_online,
        sum(received_paid_online)::integer  as received_paid_online
    from events
    group by all
    order by day
)

select * from final
