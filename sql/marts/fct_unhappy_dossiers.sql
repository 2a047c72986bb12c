-- grain: one row per dossier that may count against dossier_satisfaction_rate (766 item
-- 5.4) for a reason the rollups do not carry: rated 3 (its latest rating), or named by a
-- PAKN that counts (fct_feedback: status 4 and unknown agencies left out). `named_on` lists
-- the days those PAKN were received: the KPI query keeps a dossier for a period when it
-- is rated 3 or one of them falls in the period (and it is not already late or overdue
-- there, which the rollups count). A small set: unhappy ratings and named dossiers only.
with dossiers as (
    select * from fct_dossiers
),

named as (
    select dossier_code, list(received_date order by received_date) as named_on
    from fct_feedback
    where dossier_code is not null
    group by dossier_code
),

final as (
    select
        dossiers.dossier_code,
        dossiers.agency_id,
        dossiers.field_id,
        dossiers.channel,
        dossiers.received_date >= date '2025-07-01'          as received_after_reform,
        dossiers.received_date,
        dossiers.due_date,
        dossiers.finished_date,
        dossiers.resolution_class,
        coalesce(dossiers.satisfaction = 3, false)           as rated_unsatisfied,
        coalesce(named.named_on, [])                         as named_on
    from dossiers
    left join named on named.dossier_code = dossiers.dossier_code
    where dossiers.counts_in_kpis
      and (dossiers.satisfaction = 3 or named.dossier_code is not null)
)

select * from final
