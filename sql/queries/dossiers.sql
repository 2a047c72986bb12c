-- grain: one row per dossier behind a number: those a measure of DESIGN §4 counts for
-- the period [$date_from, $date_to] and the filters (the drill-down's last step).
--
-- Parameters (all bound): $date_from, $date_to; $measure, one of received,
-- received_online, received_direct, received_postal, resolved, resolved_early,
-- resolved_on_time, resolved_late, pending, pending_within_due, pending_overdue,
-- carried_over, refused, rated, rated_unsatisfied; $agency_ids, $level, $field_ids, $procedure_ids (NULL = all),
-- $window_from, $window_to (a unit filter's version: the days its dossiers were received, or NULL),
-- $channel (KenhThucHien or NULL); $row_limit.
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

selected as (
    select *
    from dossiers
    where ($agency_ids is null or agency_id in (select unnest($agency_ids::bigint[])))
      and received_date between coalesce($window_from::date, received_date) and coalesce($window_to::date, received_date)
      and ($field_ids is null or field_id in (select unnest($field_ids::bigint[])))
      and ($procedure_ids is null or procedure_id in (select unnest($procedure_ids::bigint[])))
      and ($channel is null or channel = $channel)
),

flags as (
    select
        *,
        received_date between $date_from::date and $date_to::date                          as in_received,
        finished_date between $date_from::date and $date_to::date                          as in_resolved,
        -- the states of DESIGN §4 at the period's end and start: sql/macros/dossier_state.sql
        is_pending(received_date, finished_date, $date_to::date)                          as pending_at_end,
        is_pending_overdue(received_date, due_date, finished_date, $date_to::date)        as overdue_at_end,
        is_carried_over(received_date, finished_date, $date_from::date)                   as carried_at_start
    from selected
),

counted as (
    select * from flags
    where case $measure
        when 'refused'            then is_refused and in_received
        when 'received'           then counts_in_kpis and in_received
        when 'received_online'    then counts_in_kpis and in_received and channel = 2
        when 'received_direct'    then counts_in_kpis and in_received and channel = 1
        when 'received_postal'    then counts_in_kpis and in_received and channel = 3
        when 'resolved'           then counts_in_kpis and in_resolved
        when 'resolved_early'     then counts_in_kpis and in_resolved and resolution_class = 'early'
        when 'resolved_on_time'   then counts_in_kpis and in_resolved and resolution_class = 'on_time'
        when 'resolved_late'      then counts_in_kpis and in_resolved and resolution_class = 'late'
        when 'pending'            then counts_in_kpis and pending_at_end
        when 'pending_within_due' then counts_in_kpis and pending_at_end and not overdue_at_end
        when 'pending_overdue'    then counts_in_kpis and overdue_at_end
        when 'carried_over'       then counts_in_kpis and carried_at_start
        when 'rated'              then counts_in_kpis and in_resolved and satisfaction is not null
        when 'rated_unsatisfied'  then counts_in_kpis and in_resolved and satisfaction = 3
    end
),

final as (
    select
        counted.dossier_code,
        agencies.agency_code,
        agencies.agency_name,
        agencies.unit_code,
        agencies.unit_name,
        agencies.agency_level                                   as level,
        fields.field_code,
        fields.field_name,
        procedures.procedure_code,
        procedures.procedure_name,
        case counted.channel when 1 then 'direct' when 2 then 'online' when 3 then 'postal' end as channel,
        counted.status,
        counted.received_date,
        counted.due_date,
        counted.finished_date,
        counted.resolution_class
    from counted
    inner join agencies using (agency_id)
    left join procedures using (procedure_id)
    left join fields using (field_id)
    where $level is null or agencies.agency_level = $level
    order by counted.received_date desc, counted.dossier_code
    limit $row_limit
)

select * from final
