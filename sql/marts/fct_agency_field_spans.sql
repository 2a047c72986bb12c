-- grain: one row per province-level agency, field and span of days: the field is in the
-- agency's competence on a day `to` when `to` lies in one of its spans (DESIGN §4 v2: the
-- agency received dossiers in that field, as counted by `received`, after the same day a
-- year before `to` and up to `to`).
-- A dossier received on day d keeps its field in competence from d to the last `to` whose
-- year-earlier day is before d: d + 1 year - 1 day, or d + 1 year for a 29 February (the
-- year-earlier day of 28 February is then 28 February, still before d). Overlapping or
-- adjacent reaches of one agency and field merge into one span, so the query joins a few
-- rows per agency instead of reading a year of dossiers.
-- Read from the daily rollup (fields by the dossier's own field, as every KPI does); it is
-- rebuilt after each refresh of the rollups (warehouse/marts.py).
with received_days as (
    select kpi_daily.agency_id, kpi_daily.field_id, kpi_daily.day
    from kpi_daily
    inner join dim_agencies using (agency_id)
    where dim_agencies.agency_level = 'province'
    group by all
    having sum(kpi_daily.received) > 0
),

reaches as (
    select
        agency_id,
        field_id,
        day as reach_from,
        case when month(day) = 2 and day(day) = 29 then (day + interval 1 year)::date
             else (day + interval 1 year)::date - 1 end as reach_until
    from received_days
),

-- a reach starts a new span when it begins after every earlier reach has ended (+1 day)
flagged as (
    select
        *,
        coalesce(
            reach_from > max(reach_until) over (
                partition by agency_id, field_id order by reach_from
                rows between unbounded preceding and 1 preceding
            ) + 1,
            true
        )::int as starts_span
    from reaches
),

numbered as (
    select
        *,
        sum(starts_span) over (
            partition by agency_id, field_id order by reach_from rows between unbounded preceding and current row
        ) as span
    from flagged
),

final as (
    select agency_id, field_id, min(reach_from) as competent_from, max(reach_until) as competent_until
    from numbered
    group by agency_id, field_id, span
    order by agency_id, field_id, competent_from
)

select * from final
