-- grain: one row per period (the whole range, or each month of it with $by = 'month')
-- and group ($by: 'none' | 'unit' | 'area' | 'agency' | 'field' | 'level' | 'month'), with every
-- measure and rate of DESIGN §4. 'agency' groups by receiving agency (MaDonVi: the
-- Decision 766 index ranks province-level agencies one by one). 'area' groups by the units directly below $area_parents
-- (the province's districts before the reform, its communes after): an agency counts in
-- the child unit that contains it, or in the parent itself when it sits at that level.
--
-- The body of the KPI query: its steps and final select, with no `with` of its own;
-- warehouse/kpi_sql.py composes it (models.with_ctes) after the blocks of CTEs it needs.
-- It reads these relations by name:
--   kpi_daily, kpi_monthly  the rollups: one row per agency, field, channel, registry
--                           version of the day received and day (month) with any KPI event
--   fct_unhappy_dossiers    the dossiers that may count against satisfaction (5.4)
--   dim_fields              the fields the rows group by (`field_id`, code, name)
--   dim_procedure_levels    the procedures of each level (online services)
--   fct_agency_field_spans  the fields a province-level agency handles, by span of days
--   dim_agencies            the agencies, each on its unit
--   dim_unit_membership     the units containing each agency, per registry version
--   fct_form06a             the form 06a reports, each on its unit
--   dim_units, fct_feedback, kpi_procedure_daily, kpi_procedure_monthly
-- Each is the published table unless a block composed in front of this file defines a
-- CTE of that name, which then stands in for it (a CTE's name is in scope after it, not
-- in its own body, so it may read the table it stands in for). The blocks, in this folder:
--   from_dossiers.sql, then the rollups rebuilt from its dossiers by the marts' own SQL,
--     then by_field.sql or by_procedure.sql: the first six above, from just the dossiers
--     that match a procedure filter or a grouping by procedure (procedures then stand in
--     for fields); without them, the stored rollups answer (a channel filter too)
--   units_current.sql: dim_agencies, dim_unit_membership and fct_form06a on today's units
--     (warehouse/current_units.py); without it, the units as recorded
-- Nothing in this file is rewritten.
--
-- Parameters (all bound, never spliced):
--   $date_from, $date_to  inclusive calendar dates (Asia/Ho_Chi_Minh)
--   $by                   grouping, as above
--   $agency_ids           BIGINT[] of dim_agencies ids, or NULL for every agency
--   $window_from, $window_to  the days a unit filter's registry version is valid: its
--                         agencies count only the dossiers received then (NULL: any day)
--   $unit_codes           VARCHAR[] of unit codes a form 06a without an agency may match, or NULL
--   $level                'province' | 'district' | 'commune', or NULL
--   $field_ids            BIGINT[] of dim_fields ids, or NULL
--   $area_parents         VARCHAR[] of unit codes whose children $by = 'area' groups by
--                         (NULL: the provinces), with $area_versions their registry versions
--   $channel              KenhThucHien (1 direct, 2 online, 3 postal), or NULL for all
--   $dossiers_only        true when a filter (procedure, channel) or grouping (by procedure)
--                         only dossiers carry: a form 06a, which has neither, then counts nowhere
--
-- How a period is summed from the rollups: every measure is read through its prefix sum
-- P(x) = everything on days <= x, taken from whole months in kpi_monthly and the days of
-- at most one month in kpi_daily. Then, for [from, to]:
--   flows (received..., resolved...)  = P(to) - P(from - 1)
--   pending, pending_overdue          = P(to) of their +1/-1 deltas
--   carried_over                      = pending at from - 1 = P(from - 1) of pending_delta
--
-- A dossier belongs to the unit that received it, on that date (DESIGN §5): by unit or
-- area, an agency whose area code is in both registry versions counts in the old unit
-- with the dossiers it received until 30 June 2025 and in the new one with the others
-- (the rollups keep `received_after_reform`); a unit filter keeps those of its version.
--
-- Online services (DESIGN §4 v2) are counts of procedures and of (agency, procedure) pairs
-- in the competence of the group's agencies on each period's last day (`to`; by month,
-- each month's own), from dim_procedure_levels and fct_agency_field_spans, and of the
-- dossiers received in the period per agency and procedure (kpi_procedure_daily/monthly).
-- Rules chosen here:
--   * An agency part (by unit or area, or under a unit filter: the dossiers of one registry
--     version) is in scope for a period when its version is valid on a day of it: the part
--     received before the reform for a period starting before 1 July 2025, the part after
--     it for one ending on or after that day; an agency counted whole, always. Competence
--     is the agency's own (a province-level agency's fields from all its dossiers); the
--     dossiers that make a pair used or a procedure paid are those of the part.
--   * `procedures...` count each procedure once per group, whichever of its agencies has it
--     in competence; `online_services...` count pairs (an agency in two parts of one group
--     is one agency). The level filter keeps agencies of that level, as for dossiers; with
--     a field filter or by field a procedure counts in its own field (MaLinhVuc).
--   * A fee-bearing procedure in scope is paid when a dossier of it received in the period
--     by one of the group's agencies was paid online (DuocThanhToanTrucTuyen 1 or 2).
--   * full_online_rate = procedures fully online and eligible / procedures eligible
--     (DuDieuKienToanTrinh = 1): a procedure whose file lacked the column is in neither, and
--     `procedures_eligible_full` is null when no procedure in scope carries it.
--   * `$channel`: these measures describe procedures and agencies, not a slice of dossiers,
--     so a channel filter makes them null. `$dossiers_only` changes nothing here: a procedure
--     filter (the dossier path: by_field.sql) narrows the pairs to that procedure,
--     and by procedure each procedure's row carries its own figures.
periods as (
    select $date_from::date as period_start, $date_to::date as period_end
    where $by <> 'month'
    union all
    select
        greatest(month_start::date, $date_from::date),
        least((month_start + interval 1 month)::date - 1, $date_to::date)
    from range(date_trunc('month', $date_from::date), $date_to::date + interval 1 day, interval 1 month)
        as months(month_start)
    where $by = 'month'
),

-- P(x) = months before `whole_months_until` + days from it to x (none when x ends a month)
points as (
    select distinct point, date_trunc('month', point + 1)::date as whole_months_until
    from (
        select period_start - 1 as point from periods
        union all
        select period_end from periods
    )
),

area_parents as (
    select unit_code, unit_version from dim_units
    where $by = 'area'
      and (($area_parents is null and parent_code is null)
           or (unit_code in (select unnest($area_parents::varchar[]))
               and unit_version in (select unnest($area_versions::varchar[]))))
),

-- the parents and their direct children; an agency takes the deepest one containing it
area_units as (
    select dim_units.unit_code, dim_units.unit_version, dim_units.unit_name, dim_units.unit_level, 1 as depth
    from dim_units
    inner join area_parents
        on dim_units.parent_code = area_parents.unit_code and dim_units.unit_version = area_parents.unit_version
    union all
    select dim_units.unit_code, dim_units.unit_version, dim_units.unit_name, dim_units.unit_level, 0 as depth
    from dim_units
    inner join area_parents using (unit_code, unit_version)
),

agency_areas as (
    select
        dim_unit_membership.agency_id,
        dim_unit_membership.unit_version,
        max_by(area_units.unit_code, area_units.depth)  as unit_code,
        max_by(area_units.unit_name, area_units.depth)  as unit_name,
        max_by(area_units.unit_level, area_units.depth) as unit_level
    from dim_unit_membership
    inner join area_units
        on area_units.unit_code = dim_unit_membership.ancestor_code
        and area_units.unit_version = dim_unit_membership.unit_version
    group by dim_unit_membership.agency_id, dim_unit_membership.unit_version
),

-- by unit or area, an agency's part in each registry version its area code is in (its
-- dossiers received before the reform, or after; or all of them when the code is in one
-- version only); otherwise, and for an agency whose code is in neither, all its dossiers
agency_parts as (
    select
        agency_id,
        unit_version,
        case when valid_to < date '9999-12-31' then false
             when valid_from > date '1900-01-01' then true end as received_after_reform
    from dim_unit_membership
    where depth = 0 and $by in ('unit', 'area')
    union all
    select agency_id, null, null
    from dim_agencies
    where $by not in ('unit', 'area')
       or agency_id not in (select agency_id from dim_unit_membership)
),

-- a unit filter's own part: the dossiers received while its version is valid
filter_part as (
    select case when $window_to::date < date '2025-07-01' then false
                when $window_from::date >= date '2025-07-01' then true end as received_after_reform
),

selected_agencies as (
    select
        dim_agencies.agency_id,
        coalesce(agency_parts.received_after_reform, filter_part.received_after_reform) as received_after_reform,
        case when $by = 'unit' then coalesce(own_unit.unit_code, dim_agencies.unit_code)
             when $by = 'area' then coalesce(agency_areas.unit_code, dim_agencies.unit_code)
             when $by = 'agency' then dim_agencies.agency_code end as unit_code,
        case when $by = 'unit' then coalesce(own_unit.unit_name, dim_agencies.unit_name)
             when $by = 'area' then coalesce(agency_areas.unit_name, dim_agencies.unit_name)
             when $by = 'agency' then dim_agencies.agency_name end as unit_name,
        case when $by = 'unit' then coalesce(own_unit.unit_level, dim_agencies.unit_level)
             when $by = 'area' then coalesce(agency_areas.unit_level, dim_agencies.unit_level)
             when $by in ('level', 'agency') then dim_agencies.agency_level end as level
    from dim_agencies
    inner join agency_parts using (agency_id)
    cross join filter_part
    left join dim_units as own_unit
        on own_unit.unit_code = dim_agencies.unit_code and own_unit.unit_version = agency_parts.unit_version
    left join agency_areas
        on agency_areas.agency_id = dim_agencies.agency_id and agency_areas.unit_version = agency_parts.unit_version
    where ($agency_ids is null or dim_agencies.agency_id in (select unnest($agency_ids::bigint[])))
      and ($level is null or dim_agencies.agency_level = $level)
      -- a part of another version than the filter's is no part of it
      and (agency_parts.received_after_reform is null or filter_part.received_after_reform is null
           or agency_parts.received_after_reform = filter_part.received_after_reform)
),

selected_fields as (
    select field_id, case when $by = 'field' then field_id end as group_field_id
    from dim_fields
    where $field_ids is null or field_id in (select unnest($field_ids::bigint[]))
),

monthly_by_group as (
    select
        selected_agencies.unit_code, selected_agencies.unit_name, selected_agencies.level,
        selected_fields.group_field_id as field_id,
        kpi_monthly.day as month,
        sum(columns(kpi_monthly.* exclude (agency_id, field_id, channel, received_after_reform, day)))
    from kpi_monthly
    inner join selected_agencies
        on selected_agencies.agency_id = kpi_monthly.agency_id
        and kpi_monthly.received_after_reform = coalesce(selected_agencies.received_after_reform, kpi_monthly.received_after_reform)
    inner join selected_fields using (field_id)
    where $channel is null or kpi_monthly.channel = $channel
    group by all
),

days_by_group as (
    select
        selected_agencies.unit_code, selected_agencies.unit_name, selected_agencies.level,
        selected_fields.group_field_id as field_id,
        kpi_daily.day,
        sum(columns(kpi_daily.* exclude (agency_id, field_id, channel, received_after_reform, day)))
    from kpi_daily
    inner join selected_agencies
        on selected_agencies.agency_id = kpi_daily.agency_id
        and kpi_daily.received_after_reform = coalesce(selected_agencies.received_after_reform, kpi_daily.received_after_reform)
    inner join selected_fields using (field_id)
    -- only P(from - 1) and P(to) can fall inside a month; every other point ends one
    where (kpi_daily.day between date_trunc('month', $date_from::date) and $date_from::date - 1
           or kpi_daily.day between date_trunc('month', $date_to::date + 1) and $date_to::date)
      and ($channel is null or kpi_daily.channel = $channel)
    group by all
),

prefix_parts as (
    select points.point, monthly_by_group.* exclude (month)
    from points
    inner join monthly_by_group on monthly_by_group.month < points.whole_months_until
    union all
    select points.point, days_by_group.* exclude (day)
    from points
    inner join days_by_group
        on days_by_group.day >= points.whole_months_until and days_by_group.day <= points.point
),

weighted as (
    select periods.period_start, periods.period_end, prefix_parts.*, 1 as w_flow, 1 as w_to, 0 as w_from
    from periods
    inner join prefix_parts on prefix_parts.point = periods.period_end
    union all
    select periods.period_start, periods.period_end, prefix_parts.*, -1 as w_flow, 0 as w_to, 1 as w_from
    from periods
    inner join prefix_parts on prefix_parts.point = periods.period_start - 1
),

dossier_rows as (
    select
        period_start, period_end, unit_code, unit_name, level, field_id,
        sum(columns('^(received|refused|resolved)') * w_flow),
        sum(columns('^rated') * w_flow),
        sum(pending_delta * w_from) as carried_over,
        sum(pending_delta * w_to)   as pending,
        sum(overdue_delta * w_to)   as pending_overdue
    from weighted
    group by all
),

form06a_in_period as (
    select periods.period_start as query_start, periods.period_end as query_end, fct_form06a.*
    from periods
    inner join fct_form06a
        on fct_form06a.period_start >= periods.period_start
        and fct_form06a.period_end <= periods.period_end
    -- a report counts with the part of its agency its period ends in
    left join selected_agencies
        on selected_agencies.agency_id = fct_form06a.agency_id
        and (fct_form06a.period_end >= date '2025-07-01')
            = coalesce(selected_agencies.received_after_reform, fct_form06a.period_end >= date '2025-07-01')
    where not fct_form06a.covered_by_dossiers
      and not $dossiers_only
      and ($field_ids is null or fct_form06a.field_id in (select unnest($field_ids::bigint[])))
      and ($level is null or fct_form06a.level = $level)
      and (
          selected_agencies.agency_id is not null
          or (fct_form06a.agency_id is null
              and (($agency_ids is null and $unit_codes is null)
                   or fct_form06a.unit_code in (select unnest($unit_codes::varchar[]))))
      )
),

-- of two reports of the same unit and field where one contains the other, the longer
-- (or, for the same period, the later loaded) counts
form06a_kept as (
    select * from form06a_in_period as report
    where not exists (
        select 1 from form06a_in_period as other
        where other.query_start = report.query_start
          and other.report_id <> report.report_id
          and coalesce(other.agency_id::varchar, other.unit_code) is not distinct from coalesce(report.agency_id::varchar, report.unit_code)
          and other.field_id is not distinct from report.field_id
          and other.period_start <= report.period_start
          and other.period_end >= report.period_end
          and (other.period_end - other.period_start > report.period_end - report.period_start
               or (other.period_end - other.period_start = report.period_end - report.period_start
                   and other.report_id > report.report_id))
    )
),

-- consecutive reports add their flows; the stock carried over comes from the earliest,
-- the pending stock from the latest
form06a_rows as (
    select
        query_start as period_start,
        query_end   as period_end,
        case when $by = 'field' then field_id end as field_id,
        received, received_online, received_direct,
        resolved, resolved_early, resolved_on_time, resolved_late,
        case when period_start = min(period_start) over subject then carried_over else 0 end as carried_over,
        case when period_end = max(period_end) over subject then pending else 0 end as pending,
        case when period_end = max(period_end) over subject then pending_within_due else 0 end as pending_within_due,
        case when period_end = max(period_end) over subject then pending_overdue else 0 end as pending_overdue,
        case when $by in ('unit', 'area') then unit_code
             when $by = 'agency' then (select agency_code from dim_agencies where dim_agencies.agency_id = form06a_kept.agency_id)
        end as unit_code,
        case when $by in ('unit', 'area') then unit_name
             when $by = 'agency' then (select agency_name from dim_agencies where dim_agencies.agency_id = form06a_kept.agency_id)
        end as unit_name,
        case when $by in ('unit', 'area', 'level', 'agency') then level end as level
    from form06a_kept
    window subject as (partition by query_start, coalesce(agency_id::varchar, unit_code), field_id)
),

-- Satisfaction and feedback (DESIGN §4 v2). Ratings are in the rollups (`rated`,
-- `rated_unsatisfied`, on the resolution day). What depends on the period's end is read
-- per period from two small marts, with the same agency parts, fields and channel as the
-- rollups above:
-- * dossier_satisfaction_rate (5.4): the dossiers counted against it are the rollups'
--   resolved_late and pending_overdue, plus those of resolved + pending that are neither
--   (so none counts twice) and are rated 3 or named by a PAKN received in the period
--   (`dossiers_unhappy_extra`). A form 06a's late and overdue count as well (it has no ratings).
-- * feedback (5.2, 5.3): PAKN received in the period, by their handling agency; a PAKN
--   takes the field of the dossier it names, else the unknown field, so a field filter or
--   a grouping by field places it with that dossier. It is on time when handled by `to`
--   on or before its deadline, or open at `to` (judged from NgayXuLyXong alone) with the
--   deadline >= `to`. A PAKN has no procedure or channel: with such a filter ($dossiers_only)
--   the feedback measures are null.
-- resolved in the period and not late, or pending at its end and not overdue (the states of
-- sql/macros/dossier_state.sql): two range joins (a dossier is one or the other, never
-- both), cheaper than one join on an `or`
unhappy_in_period as (
    select periods.period_start, periods.period_end, unhappy.*
    from periods
    inner join fct_unhappy_dossiers as unhappy
        on unhappy.finished_date >= periods.period_start and unhappy.finished_date <= periods.period_end
    where unhappy.resolution_class <> 'late'
    union all
    select periods.period_start, periods.period_end, unhappy.*
    from periods
    inner join fct_unhappy_dossiers as unhappy
        on holds_on(unhappy.received_date, unhappy.finished_date, periods.period_end)
    where not is_pending_overdue(unhappy.received_date, unhappy.due_date, unhappy.finished_date, periods.period_end)
),

unhappy_extra_rows as (
    select
        unhappy.period_start, unhappy.period_end,
        selected_agencies.unit_code, selected_agencies.unit_name, selected_agencies.level,
        selected_fields.group_field_id as field_id,
        count(*) as dossiers_unhappy_extra
    from unhappy_in_period as unhappy
    inner join selected_agencies
        on selected_agencies.agency_id = unhappy.agency_id
        and unhappy.received_after_reform = coalesce(selected_agencies.received_after_reform, unhappy.received_after_reform)
    inner join selected_fields on selected_fields.field_id = unhappy.field_id
    where ($channel is null or unhappy.channel = $channel)
      and (unhappy.rated_unsatisfied
           or len(list_filter(unhappy.named_on, lambda day: day between unhappy.period_start and unhappy.period_end)) > 0)
    group by all
),

feedback_in_period as (
    select
        periods.period_start, periods.period_end,
        selected_agencies.unit_code, selected_agencies.unit_name, selected_agencies.level,
        selected_fields.group_field_id as field_id,
        fct_feedback.disliked,
        fct_feedback.raised_again,
        case when fct_feedback.handled_date <= periods.period_end then fct_feedback.handled_date <= fct_feedback.deadline
             else fct_feedback.deadline >= periods.period_end end as on_time
    from periods
    inner join fct_feedback on fct_feedback.received_date between periods.period_start and periods.period_end
    inner join selected_agencies
        on selected_agencies.agency_id = fct_feedback.agency_id
        and fct_feedback.received_after_reform = coalesce(selected_agencies.received_after_reform, fct_feedback.received_after_reform)
    inner join selected_fields on selected_fields.field_id = fct_feedback.field_id
    where not $dossiers_only
),

feedback_rows as (
    select
        period_start, period_end, unit_code, unit_name, level, field_id,
        count(*)                                                    as feedback,
        count_if(on_time)                                           as feedback_on_time,
        count_if(not on_time)                                       as feedback_overdue,
        count_if(on_time and not disliked and not raised_again)     as feedback_satisfied
    from feedback_in_period
    group by all
),

-- the selected agency parts in scope for each period (rules in the header)
online_agency_parts as (
    select
        periods.period_start, periods.period_end,
        selected_agencies.agency_id, selected_agencies.received_after_reform,
        selected_agencies.unit_code, selected_agencies.unit_name, selected_agencies.level
    from periods
    cross join selected_agencies
    where $channel is null
      and (selected_agencies.received_after_reform is null
           or (selected_agencies.received_after_reform and periods.period_end >= date '2025-07-01')
           or (not selected_agencies.received_after_reform and periods.period_start < date '2025-07-01'))
),

-- each agency once per period and group, with the fields it handles on the period's last
-- day: every field of its level for a commune or district (field_id NULL), and for a
-- province-level agency those it received dossiers in over the year before
online_agency_fields as (
    select distinct
        online_agency_parts.period_start, online_agency_parts.period_end, online_agency_parts.unit_code,
        online_agency_parts.unit_name, online_agency_parts.level, online_agency_parts.agency_id,
        dim_agencies.agency_level, spans.field_id
    from online_agency_parts
    inner join dim_agencies using (agency_id)
    left join fct_agency_field_spans as spans
        on spans.agency_id = online_agency_parts.agency_id
        and online_agency_parts.period_end between spans.competent_from and spans.competent_until
    where dim_agencies.agency_level in ('commune', 'district')
       or (dim_agencies.agency_level = 'province' and spans.field_id is not null)
),

-- the procedures in scope of each group: those of a level and field one of its agencies handles
online_scope as (
    select distinct
        online_agency_fields.period_start, online_agency_fields.period_end, online_agency_fields.unit_code,
        online_agency_fields.unit_name, online_agency_fields.level, selected_fields.group_field_id as field_id,
        procedure_levels.procedure_id, procedure_levels.online_level, procedure_levels.full_online_eligible,
        procedure_levels.has_fees
    from (
        select distinct period_start, period_end, unit_code, unit_name, level, agency_level, field_id
        from online_agency_fields
    ) as online_agency_fields
    inner join dim_procedure_levels as procedure_levels
        on procedure_levels.level = online_agency_fields.agency_level
        and (online_agency_fields.field_id is null or procedure_levels.field_id = online_agency_fields.field_id)
    inner join selected_fields on selected_fields.field_id = procedure_levels.field_id
),

-- online services (pairs agency × procedure with MucDo 3 or 4), counted by level and field
-- rather than expanded: every agency of a level has the same procedures
online_level_fields as (
    select level, field_id, count_if(online_level in (3, 4)) as online_procedures
    from dim_procedure_levels
    group by all
),

online_service_counts as (
    select
        online_agency_fields.period_start, online_agency_fields.period_end, online_agency_fields.unit_code,
        online_agency_fields.unit_name, online_agency_fields.level, selected_fields.group_field_id as field_id,
        sum(online_level_fields.online_procedures) as online_services
    from online_agency_fields
    inner join online_level_fields
        on online_level_fields.level = online_agency_fields.agency_level
        and (online_agency_fields.field_id is null or online_level_fields.field_id = online_agency_fields.field_id)
    inner join selected_fields on selected_fields.field_id = online_level_fields.field_id
    group by all
),

-- dossiers received online or paid online in each period, by agency and procedure, apart
-- by the registry version of the day received: whole months from kpi_procedure_monthly,
-- the days of a month the range cuts from kpi_procedure_daily; each row falls in one
-- period (by month, its month's)
online_usage as (
    select
        case when $by = 'month' then greatest(date_trunc('month', usage.day)::date, $date_from::date)
             else $date_from::date end as period_start,
        usage.agency_id,
        usage.procedure_id,
        sum(case when usage.received_after_reform then 0 else usage.received_online end)      as online_before,
        sum(case when usage.received_after_reform then usage.received_online else 0 end)      as online_after,
        sum(case when usage.received_after_reform then 0 else usage.received_paid_online end) as paid_before,
        sum(case when usage.received_after_reform then usage.received_paid_online else 0 end) as paid_after
    from (
        select * from kpi_procedure_monthly
        where day >= $date_from::date and last_day(day) <= $date_to::date
        union all by name
        select * from kpi_procedure_daily
        where day between $date_from::date and $date_to::date
          and (date_trunc('month', day) < $date_from::date or last_day(day) > $date_to::date)
    ) as usage
    where $channel is null and (usage.received_online > 0 or usage.received_paid_online > 0)
    group by all
),

-- each agency once per period and group, with the registry versions its parts there take
online_agency_groups as (
    select
        period_start, period_end, unit_code, unit_name, level, agency_id,
        bool_or(received_after_reform is null or not received_after_reform) as takes_before,
        bool_or(received_after_reform is null or received_after_reform)     as takes_after
    from online_agency_parts
    group by all
),

online_usage_by_group as (
    select
        online_agency_groups.period_start, online_agency_groups.period_end, online_agency_groups.unit_code,
        online_agency_groups.unit_name, online_agency_groups.level, online_agency_groups.agency_id,
        online_usage.procedure_id,
        case when takes_before then online_before else 0 end + case when takes_after then online_after else 0 end
            as received_online,
        case when takes_before then paid_before else 0 end + case when takes_after then paid_after else 0 end
            as received_paid_online
    from online_usage
    inner join online_agency_groups using (period_start, agency_id)
),

-- the online services used: pairs in competence with a dossier received online
online_services_used as (
    select
        usage.period_start, usage.period_end, usage.unit_code, usage.unit_name, usage.level,
        selected_fields.group_field_id as field_id,
        count(*) as online_services_used
    from online_usage_by_group as usage
    inner join dim_agencies using (agency_id)
    inner join dim_procedure_levels as procedure_levels
        on procedure_levels.procedure_id = usage.procedure_id and procedure_levels.level = dim_agencies.agency_level
    inner join selected_fields on selected_fields.field_id = procedure_levels.field_id
    left join fct_agency_field_spans as spans
        on spans.agency_id = usage.agency_id
        and spans.field_id = procedure_levels.field_id
        and usage.period_end between spans.competent_from and spans.competent_until
    where usage.received_online > 0
      and procedure_levels.online_level in (3, 4)
      and (dim_agencies.agency_level <> 'province' or spans.agency_id is not null)
    group by all
),

online_paid as (
    select distinct period_start, unit_code, unit_name, level, procedure_id
    from online_usage_by_group
    where received_paid_online > 0
),

online_procedure_counts as (
    select
        online_scope.period_start, online_scope.period_end, online_scope.unit_code,
        online_scope.unit_name, online_scope.level, online_scope.field_id,
        count(*)                                                       as procedures,
        count_if(online_scope.online_level = 4)                        as procedures_full,
        count_if(online_scope.online_level = 3)                        as procedures_partial,
        case when count(online_scope.full_online_eligible) > 0
             then count_if(online_scope.full_online_eligible = 1) end   as procedures_eligible_full,
        count_if(online_scope.online_level = 4 and online_scope.full_online_eligible = 1)
                                                                       as procedures_full_eligible,
        count_if(online_scope.has_fees = 1)                            as fee_procedures,
        count_if(online_scope.has_fees = 1 and online_paid.procedure_id is not null) as fee_procedures_paid
    from online_scope
    left join online_paid
        on online_paid.period_start = online_scope.period_start
        and online_paid.procedure_id = online_scope.procedure_id
        and online_paid.unit_code is not distinct from online_scope.unit_code
        and online_paid.unit_name is not distinct from online_scope.unit_name
        and online_paid.level is not distinct from online_scope.level
    group by all
),

online_rows as (
    select * from online_procedure_counts
    union all by name
    select * from online_service_counts
    union all by name
    select * from online_services_used
),

-- every source of figures, by column name: a branch names only the measures it has (the
-- others are NULL), so a new source of measures is one more branch here
combined as (
    select
        period_start, period_end, field_id, unit_code, unit_name, level,
        received, received_online, received_direct, received_postal, refused,
        received_eligible, received_online_eligible, received_digitised_known, received_digitised,
        received_with_fees, received_paid_online,
        resolved, resolved_early, resolved_on_time, resolved_late,
        resolved_needing_paper, resolved_with_e_result,
        carried_over, pending, pending - pending_overdue as pending_within_due, pending_overdue,
        1 as from_dossiers
    from dossier_rows
    union all by name
    select
        period_start, period_end, field_id, unit_code, unit_name, level,
        received, received_online, received_direct,
        resolved, resolved_early, resolved_on_time, resolved_late,
        carried_over, pending, pending_within_due, pending_overdue,
        0 as from_dossiers
    from form06a_rows
    union all by name
    select
        period_start, period_end, field_id, unit_code, unit_name, level,
        received_reuse_known, received_reuse, received_store_known, received_store,
        received_citizen_data_known, received_citizen_data, rated, rated_unsatisfied
    from dossier_rows
    union all by name
    select * from unhappy_extra_rows
    union all by name
    select * from feedback_rows
    union all by name
    select
        period_start, period_end, field_id, unit_code, unit_name, level,
        procedures, procedures_full, procedures_partial, procedures_eligible_full, procedures_full_eligible,
        online_services, online_services_used, fee_procedures, fee_procedures_paid
    from online_rows
),

grouped as (
    select
        periods.period_start,
        periods.period_end,
        combined.unit_code,
        combined.unit_name,
        combined.level,
        combined.field_id,
        coalesce(sum(combined.received), 0)::bigint               as received,
        coalesce(sum(combined.received_online), 0)::bigint        as received_online,
        coalesce(sum(combined.received_direct), 0)::bigint        as received_direct,
        case when count(combined.received) > 0 and coalesce(sum(combined.from_dossiers), 0) = 0 then null
             else coalesce(sum(combined.received_postal), 0) end::bigint as received_postal,
        coalesce(sum(combined.carried_over), 0)::bigint           as carried_over,
        coalesce(sum(combined.resolved), 0)::bigint               as resolved,
        coalesce(sum(combined.resolved_early), 0)::bigint         as resolved_early,
        coalesce(sum(combined.resolved_on_time), 0)::bigint       as resolved_on_time,
        coalesce(sum(combined.resolved_late), 0)::bigint          as resolved_late,
        coalesce(sum(combined.pending), 0)::bigint                as pending,
        coalesce(sum(combined.pending_within_due), 0)::bigint     as pending_within_due,
        coalesce(sum(combined.pending_overdue), 0)::bigint        as pending_overdue,
        coalesce(sum(combined.refused), 0)::bigint                as refused,
        coalesce(sum(combined.received_eligible), 0)              as received_eligible,
        coalesce(sum(combined.received_online_eligible), 0)       as received_online_eligible,
        coalesce(sum(combined.received_digitised_known), 0)       as received_digitised_known,
        coalesce(sum(combined.received_digitised), 0)             as received_digitised,
        coalesce(sum(combined.received_with_fees), 0)             as received_with_fees,
        coalesce(sum(combined.received_paid_online), 0)           as received_paid_online,
        coalesce(sum(combined.resolved_needing_paper), 0)         as resolved_needing_paper,
        coalesce(sum(combined.resolved_with_e_result), 0)         as resolved_with_e_result,
        coalesce(sum(combined.received_reuse_known), 0)           as received_reuse_known,
        coalesce(sum(combined.received_reuse), 0)                 as received_reuse,
        coalesce(sum(combined.received_store_known), 0)           as received_store_known,
        coalesce(sum(combined.received_store), 0)                 as received_store,
        coalesce(sum(combined.received_citizen_data_known), 0)    as received_citizen_data_known,
        coalesce(sum(combined.received_citizen_data), 0)          as received_citizen_data,
        coalesce(sum(combined.rated), 0)                          as rated,
        coalesce(sum(combined.rated_unsatisfied), 0)              as rated_unsatisfied,
        coalesce(sum(combined.resolved_late), 0) + coalesce(sum(combined.pending_overdue), 0)
            + coalesce(sum(combined.dossiers_unhappy_extra), 0)   as dossiers_unhappy,
        case when not $dossiers_only then coalesce(sum(combined.feedback), 0) end           as feedback,
        case when not $dossiers_only then coalesce(sum(combined.feedback_on_time), 0) end   as feedback_on_time,
        case when not $dossiers_only then coalesce(sum(combined.feedback_overdue), 0) end   as feedback_overdue,
        case when not $dossiers_only then coalesce(sum(combined.feedback_satisfied), 0) end as feedback_satisfied,
        -- online services: null under a channel filter (header)
        case when $channel is null then coalesce(sum(combined.procedures), 0) end::bigint           as procedures,
        case when $channel is null then coalesce(sum(combined.procedures_full), 0) end::bigint      as procedures_full,
        case when $channel is null then coalesce(sum(combined.procedures_partial), 0) end::bigint   as procedures_partial,
        sum(combined.procedures_eligible_full)::bigint                                             as procedures_eligible_full,
        case when $channel is null then coalesce(sum(combined.procedures_full_eligible), 0) end::bigint
                                                                                                    as procedures_full_eligible,
        case when $channel is null then coalesce(sum(combined.online_services), 0) end::bigint      as online_services,
        case when $channel is null then coalesce(sum(combined.online_services_used), 0) end::bigint as online_services_used,
        case when $channel is null then coalesce(sum(combined.fee_procedures), 0) end::bigint       as fee_procedures,
        case when $channel is null then coalesce(sum(combined.fee_procedures_paid), 0) end::bigint  as fee_procedures_paid
    from periods
    left join combined using (period_start, period_end)
    group by all
    -- a group that exists only because nothing matched (the left join's null row) is dropped,
    -- except the one row of an ungrouped query
    having $by in ('none', 'month') or count(combined.period_start) > 0
),

final as (
    select
        grouped.unit_code,
        grouped.unit_name,
        grouped.level,
        dim_fields.field_code,
        dim_fields.field_name,
        grouped.period_start,
        grouped.period_end,
        grouped.received,
        grouped.received_online,
        grouped.received_direct,
        grouped.received_postal,
        grouped.carried_over,
        grouped.resolved,
        grouped.resolved_early,
        grouped.resolved_on_time,
        grouped.resolved_late,
        grouped.pending,
        grouped.pending_within_due,
        grouped.pending_overdue,
        grouped.refused,
        grouped.received_online / nullif(grouped.received, 0)                         as online_rate,
        grouped.received_online_eligible / nullif(grouped.received_eligible, 0)       as online_rate_eligible,
        (grouped.resolved_early + grouped.resolved_on_time) / nullif(grouped.resolved, 0) as on_time_rate,
        (grouped.resolved_early + grouped.resolved_on_time + grouped.pending_within_due)
            / nullif(grouped.resolved + grouped.pending, 0)                           as on_time_rate_766,
        grouped.received_digitised / nullif(grouped.received_digitised_known, 0)      as digitised_rate,
        grouped.resolved_with_e_result / nullif(grouped.resolved_needing_paper, 0)    as e_result_rate,
        grouped.received_paid_online / nullif(grouped.received_with_fees, 0)          as online_payment_rate,
        -- the parts of rates that are no measure of their own (warehouse/registry.py: shown = false)
        grouped.received_eligible::bigint as received_eligible,
        grouped.received_online_eligible::bigint as received_online_eligible,
        grouped.received_digitised_known::bigint as received_digitised_known,
        grouped.received_digitised::bigint as received_digitised,
        grouped.received_with_fees::bigint as received_with_fees,
        grouped.received_paid_online::bigint as received_paid_online,
        grouped.resolved_needing_paper::bigint as resolved_needing_paper,
        grouped.resolved_with_e_result::bigint as resolved_with_e_result,
        -- v2 (DESIGN §4): satisfaction and feedback counts, the rates, then their parts
        grouped.rated::bigint as rated,
        grouped.rated_unsatisfied::bigint as rated_unsatisfied,
        grouped.feedback::bigint as feedback,
        grouped.feedback_on_time::bigint as feedback_on_time,
        grouped.feedback_overdue::bigint as feedback_overdue,
        grouped.received_reuse / nullif(grouped.received_reuse_known, 0)               as reuse_rate,
        grouped.received_store / nullif(grouped.received_store_known, 0)               as personal_store_rate,
        grouped.received_citizen_data / nullif(grouped.received_citizen_data_known, 0) as citizen_data_rate,
        (grouped.rated - grouped.rated_unsatisfied) / nullif(grouped.rated, 0)         as satisfaction_rate,
        (grouped.resolved + grouped.pending - grouped.dossiers_unhappy)
            / nullif(grouped.resolved + grouped.pending, 0)                            as dossier_satisfaction_rate,
        grouped.feedback_on_time / nullif(grouped.feedback, 0)                         as feedback_on_time_rate,
        grouped.feedback_satisfied / nullif(grouped.feedback, 0)                       as feedback_satisfied_rate,
        grouped.received_reuse_known::bigint as received_reuse_known,
        grouped.received_reuse::bigint as received_reuse,
        grouped.received_store_known::bigint as received_store_known,
        grouped.received_store::bigint as received_store,
        grouped.received_citizen_data_known::bigint as received_citizen_data_known,
        grouped.received_citizen_data::bigint as received_citizen_data,
        grouped.dossiers_unhappy::bigint as dossiers_unhappy,
        grouped.feedback_satisfied::bigint as feedback_satisfied,
        -- online services (DESIGN §4 v2; rules in the header)
        grouped.procedures,
        grouped.procedures_full,
        grouped.procedures_partial,
        grouped.procedures_eligible_full,
        grouped.online_services,
        grouped.online_services_used,
        (grouped.procedures_full + grouped.procedures_partial) / nullif(grouped.procedures, 0) as online_service_rate,
        grouped.procedures_full_eligible / nullif(grouped.procedures_eligible_full, 0)         as full_online_rate,
        grouped.online_services_used / nullif(grouped.online_services, 0)                     as online_service_use_rate,
        grouped.fee_procedures_paid / nullif(grouped.fee_procedures, 0)                       as fee_procedures_paid_rate,
        grouped.procedures_full_eligible,
        grouped.fee_procedures,
        grouped.fee_procedures_paid
    from grouped
    left join dim_fields on dim_fields.field_id = grouped.field_id
    order by grouped.period_start, grouped.unit_code, grouped.level, dim_fields.field_code, dim_fields.field_name
)

select * from final
