-- grain: one row per pending dossier (received by $as_of, not finished by it) that is
-- overdue (due before $as_of, as `pending_overdue` in DESIGN §4) or due by $due_by; the
-- states are those of sql/macros/dossier_state.sql.
--
-- Parameters (all bound):
--   $as_of       the calendar date the watchlist is read on
--   $due_by      the last due date counted as "due soon" ($as_of - 1 for none)
--   $agency_ids  BIGINT[] or NULL;  $level  agency level or NULL;  $field_ids  BIGINT[] or NULL
--   $window_from, $window_to  a unit filter's version: the days its dossiers were received, or NULL
with dossiers as (
    select * from fct_dossiers
),

agencies as (
    select * from dim_agencies
),

procedures as (
    select * from dim_procedures
),

fields as (
    select * from dim_fields
),

pending as (
    select *
    from dossiers
    where counts_in_kpis
      and is_pending(received_date, finished_date, $as_of::date)
      and due_date is not null
      and due_date <= greatest($due_by::date, $as_of::date - 1)
      and ($agency_ids is null or agency_id in (select unnest($agency_ids::bigint[])))
      and received_date between coalesce($window_from::date, received_date) and coalesce($window_to::date, received_date)
      and ($field_ids is null or field_id in (select unnest($field_ids::bigint[])))
),

final as (
    select
        pending.dossier_code,
        agencies.agency_code,
        agencies.agency_name,
        agencies.unit_code,
        agencies.unit_name,
        agencies.agency_level                                   as level,
        fields.field_code,
        fields.field_name,
        procedures.procedure_code,
        procedures.procedure_name,
        case pending.channel when 1 then 'direct' when 2 then 'online' when 3 then 'postal' end as channel,
        pending.received_date,
        pending.due_date,
        case
            when is_pending_overdue(pending.received_date, pending.due_date, pending.finished_date, $as_of::date)
            then 'overdue' else 'due_soon'
        end                                                     as state
    from pending
    inner join agencies using (agency_id)
    left join procedures using (procedure_id)
    left join fields using (field_id)
    where $level is null or agencies.agency_level = $level
    order by pending.due_date, pending.dossier_code
)

select * from final
