-- grain: one row per PAKN (feedback) that counts (DESIGN §4 "Satisfaction and feedback"):
-- status 4 (refused as not within competence) excluded, and a PAKN of an agency nobody
-- knows left out (it counts nowhere). Its handling deadline is the Nth working day after
-- the day received, N from config/feedback.toml (15), read from `feedback_deadlines`,
-- which the writer fills from the official calendar (warehouse/feedback_deadlines.py)
-- before the marts are built: SQL has no holiday calendar of its own.
-- Field: the field of the dossier it names (MaHoSo), else the unknown field (0), so that a
-- field filter or a grouping by field places it with that dossier; the registry version is
-- that of the day it was received, as a dossier's.
with feedback as (
    select * from stg_feedback
),

agencies as (
    select agency_id, agency_code from dim_agencies
),

deadlines as (
    select * from feedback_deadlines
),

dossiers as (
    select dossier_code, field_id from fct_dossiers
),

final as (
    select
        feedback.feedback_code,
        agencies.agency_id,
        coalesce(dossiers.field_id, 0)                      as field_id,
        feedback.dossier_code,
        feedback.status,
        feedback.received_date,
        feedback.received_date >= date '2025-07-01'         as received_after_reform,
        deadlines.deadline,
        feedback.handled_date,
        feedback.dislikes > feedback.likes                  as disliked,
        feedback.raised_again
    from feedback
    inner join agencies on agencies.agency_code = feedback.agency_code
    inner join deadlines on deadlines.received_date = feedback.received_date
    left join dossiers on dossiers.dossier_code = feedback.dossier_code
    where feedback.status is distinct from 4
)

select * from final
