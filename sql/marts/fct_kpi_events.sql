-- grain: one row per dossier and day on which one of its KPI measures changes.
-- Flow measures (received..., resolved...) are counted on the day they happen. Stock
-- measures are written as +1/-1 deltas, so that a stock on any date is the running sum
-- of its deltas up to that date. Their days come from the state spans of
-- sql/macros/dossier_state.sql, the rule the dossier lists read (`is_pending`,
-- `is_pending_overdue`): +1 on a span's first day, -1 on the day it ends, for a span that
-- holds some day (`holds_some_day`):
--   pending_delta   [received_date, finished_date)
--   overdue_delta   [overdue_from(received_date, due_date), finished_date)
-- Carried over at `from` (`is_carried_over`) is the pending stock at `from` - 1, so it
-- needs no deltas of its own.
-- `received_after_reform` keeps each event with the registry version of the day its dossier
-- was received (DESIGN §5: a re-used area code names the old unit until 30 June 2025), so
-- that an old commune's open dossiers never count in the new commune that re-used its code.
with dossiers as (
    select * from fct_dossiers
),

counted as (
    select * from dossiers where counts_in_kpis
),

received as (
    select
        agency_id, field_id, procedure_id, channel,
        received_date >= date '2025-07-01' as received_after_reform,
        received_date                                             as day,
        1                                                         as received,
        (channel = 2)::int                                        as received_online,
        (channel = 1)::int                                        as received_direct,
        (channel = 3)::int                                        as received_postal,
        is_online_eligible::int                                   as received_eligible,
        (is_online_eligible and channel = 2)::int                 as received_online_eligible,
        (has_digitised_component is not null)::int                as received_digitised_known,
        coalesce(has_digitised_component = 1, false)::int         as received_digitised,
        (has_fees and paid_online is not null)::int               as received_with_fees,
        coalesce(has_fees and paid_online in (1, 2), false)::int  as received_paid_online,
        holds_some_day(received_date, finished_date)::int         as pending_delta,
        -- v2 flags (DESIGN §4): a dossier whose file lacked the column is in neither part;
        -- citizen data is known when the `or` of its two flags is (either one is 1, or both 0)
        (reused_digitised_data is not null)::int                  as received_reuse_known,
        coalesce(reused_digitised_data = 1, false)::int           as received_reuse,
        (from_personal_store is not null)::int                    as received_store_known,
        coalesce(from_personal_store = 1, false)::int             as received_store,
        ((vneid_verified = 1 or from_personal_store = 1) is not null)::int as received_citizen_data_known,
        coalesce(vneid_verified = 1 or from_personal_store = 1, false)::int as received_citizen_data
    from counted
),

refused as (
    select
        agency_id, field_id, procedure_id, channel,
        received_date >= date '2025-07-01' as received_after_reform,
        received_date as day,
        1 as refused
    from dossiers
    where is_refused
),

resolved as (
    select
        agency_id, field_id, procedure_id, channel,
        received_date >= date '2025-07-01' as received_after_reform,
        finished_date as day,
        1                                                                 as resolved,
        (resolution_class = 'early')::int                                 as resolved_early,
        (resolution_class = 'on_time')::int                               as resolved_on_time,
        (resolution_class = 'late')::int                                  as resolved_late,
        (needs_paper_result and has_e_result is not null)::int            as resolved_needing_paper,
        coalesce(needs_paper_result and has_e_result = 1, false)::int     as resolved_with_e_result,
        -holds_some_day(received_date, finished_date)::int                as pending_delta,
        -- ratings count on the resolution day
        (satisfaction is not null)::int                                   as rated,
        coalesce(satisfaction = 3, false)::int                            as rated_unsatisfied
    from counted
    where finished_date is not null
),

overdue_start as (
    select
        agency_id, field_id, procedure_id, channel,
        received_date >= date '2025-07-01' as received_after_reform,
        overdue_from(received_date, due_date) as day,
        1 as overdue_delta
    from counted
    where holds_some_day(overdue_from(received_date, due_date), finished_date)
),

overdue_end as (
    select
        agency_id, field_id, procedure_id, channel,
        received_date >= date '2025-07-01' as received_after_reform,
        finished_date as day,
        -1 as overdue_delta
    from counted
    where finished_date is not null
      and holds_some_day(overdue_from(received_date, due_date), finished_date)
),

-- each kind of event names only its own measures (by name: a new measure is a line in its
-- branch, nothing positional to keep in step); the others are 0
events as (
    select * from received
    union all by name select * from refused
    union all by name select * from resolved
    union all by name select * from overdue_start
    union all by name select * from overdue_end
),

final as (
    select
        agency_id, field_id, procedure_id, channel, received_after_reform, day,
        coalesce(columns(* exclude (agency_id, field_id, procedure_id, channel, received_after_reform, day)), 0)
    from events
)

select * from final
