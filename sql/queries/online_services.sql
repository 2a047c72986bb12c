-- grain: one row per agency of the filter and procedure in scope of the filter's agencies
-- (DESIGN §4 v2) that the agency has in its competence on $date_to, or received a dossier
-- of in the period: its dossiers received in the period, online among them. What the
-- online-service lists are made of (warehouse/online_services.py): per procedure, and
-- the fully online services nobody used.
-- The rules are kpi/measures.sql's: competence on the period's last day (a province-level agency's
-- fields from fct_agency_field_spans); a unit filter's agencies count with the dossiers of
-- its registry version and are in scope when that version is valid on a day of the period;
-- a procedure counts in its own field (MaLinhVuc) under a field filter.
--
-- Parameters (all bound):
--   $date_from, $date_to      inclusive calendar dates
--   $agency_ids               BIGINT[] or NULL;  $level  agency level or NULL
--   $window_from, $window_to  a unit filter's version: the days it is valid, or NULL
--   $field_ids                BIGINT[] of dim_fields ids, or NULL
with filter_part as (
    select case when $window_to::date < date '2025-07-01' then false
                when $window_from::date >= date '2025-07-01' then true end as received_after_reform
),

agencies as (
    select dim_agencies.agency_id, dim_agencies.agency_code, dim_agencies.agency_name, dim_agencies.agency_level,
           filter_part.received_after_reform
    from dim_agencies
    cross join filter_part
    where ($agency_ids is null or dim_agencies.agency_id in (select unnest($agency_ids::bigint[])))
      and ($level is null or dim_agencies.agency_level = $level)
      and (filter_part.received_after_reform is null
           or (filter_part.received_after_reform and $date_to::date >= date '2025-07-01')
           or (not filter_part.received_after_reform and $date_from::date < date '2025-07-01'))
),

procedures as (
    select * from dim_procedures
    where $field_ids is null or procedure_field_id in (select unnest($field_ids::bigint[]))
),

competence as (
    select agencies.agency_id, procedure_levels.procedure_id
    from agencies
    inner join dim_procedure_levels as procedure_levels on procedure_levels.level = agencies.agency_level
    where agencies.agency_level <> 'province'
       or exists (
           select 1 from fct_agency_field_spans as spans
           where spans.agency_id = agencies.agency_id
             and spans.field_id = procedure_levels.field_id
             and $date_to::date between spans.competent_from and spans.competent_until
       )
),

in_scope as (
    select distinct procedure_id from competence
),

-- whole months from the monthly rollup, the days of a month the range cuts from the daily one
usage as (
    select rollup.agency_id, rollup.procedure_id, sum(rollup.received) as received,
           sum(rollup.received_online) as received_online
    from (
        select * from kpi_procedure_monthly
        where day >= $date_from::date and last_day(day) <= $date_to::date
        union all by name
        select * from kpi_procedure_daily
        where day between $date_from::date and $date_to::date
          and (date_trunc('month', day) < $date_from::date or last_day(day) > $date_to::date)
    ) as rollup
    inner join agencies
        on agencies.agency_id = rollup.agency_id
        and rollup.received_after_reform = coalesce(agencies.received_after_reform, rollup.received_after_reform)
    where rollup.procedure_id in (select procedure_id from in_scope)
    group by all
),

pairs as (
    select
        coalesce(competence.agency_id, usage.agency_id)         as agency_id,
        coalesce(competence.procedure_id, usage.procedure_id)   as procedure_id,
        competence.agency_id is not null                        as in_competence,
        coalesce(usage.received, 0)::bigint                     as received,
        coalesce(usage.received_online, 0)::bigint              as received_online
    from competence
    full outer join usage using (agency_id, procedure_id)
),

final as (
    select
        agencies.agency_code,
        agencies.agency_name,
        agencies.agency_level,
        procedures.procedure_code,
        procedures.procedure_name,
        procedures.field_code,
        procedures.field_name,
        procedures.online_level,
        pairs.in_competence,
        pairs.received,
        pairs.received_online
    from pairs
    inner join agencies using (agency_id)
    inner join procedures using (procedure_id)
    order by procedures.procedure_code, agencies.agency_code
)

select * from final
