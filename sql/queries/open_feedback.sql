-- grain: one row per PAKN (feedback) a leader acts on for the period [$date_from, $date_to]:
-- open at $date_to (received by then, not handled by then: judged from NgayXuLyXong alone),
-- or handled in the period after its deadline. Only PAKN that count (fct_feedback: status
-- 4 and unknown agencies left out). Codes and agencies only: a PAKN carries nothing personal.
-- The working days left or late are counted by the caller with the calendar (warehouse/lists.py).
--
-- Parameters (all bound): $date_from, $date_to; $agency_ids BIGINT[] or NULL; $window_from,
-- $window_to (a unit filter's version: the days its PAKN were received, or NULL);
-- $level agency level or NULL; $field_ids BIGINT[] or NULL (the field of the dossier a PAKN names).
with feedback as (
    select * from fct_feedback
),

agencies as (
    select * from dim_agencies
),

fields as (
    select * from dim_fields
),

selected as (
    select
        *,
        case
            when handled_date is null or handled_date > $date_to::date then
                case when deadline < $date_to::date then 'open_overdue' else 'open' end
            else 'handled_late'
        end as state
    from feedback
    where received_date <= $date_to::date
      and (handled_date is null or handled_date > $date_to::date
           or (handled_date between $date_from::date and $date_to::date and handled_date > deadline))
      and ($agency_ids is null or agency_id in (select unnest($agency_ids::bigint[])))
      and received_date between coalesce($window_from::date, received_date) and coalesce($window_to::date, received_date)
      and ($field_ids is null or field_id in (select unnest($field_ids::bigint[])))
),

final as (
    select
        selected.feedback_code,
        agencies.agency_code,
        agencies.agency_name,
        agencies.unit_code,
        agencies.unit_name,
        agencies.agency_level   as level,
        fields.field_code,
        fields.field_name,
        selected.dossier_code,
        selected.status,
        selected.received_date,
        selected.deadline,
        selected.handled_date,
        selected.state
    from selected
    inner join agencies using (agency_id)
    left join fields using (field_id)
    where $level is null or agencies.agency_level = $level
    order by selected.deadline, selected.feedback_code
)

select * from final
