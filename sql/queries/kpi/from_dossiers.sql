-- The dossier path of the KPI query: a procedure is finer than the stored rollups (agency ×
-- field × channel × day), so the same mart SQL that builds them at publish runs over just
-- the dossiers that match: one definition of every measure, whichever path.
-- warehouse/kpi_sql.py composes that SQL after this file, as CTEs named after the rollups
-- they stand in for, reading one of the CTEs below in place of fct_dossiers.
--   matching_dossiers               one row per dossier of fct_dossiers that matches the
--                                   filter and may count in the period
--   matching_dossiers_by_procedure  the same, with its procedure in place of its field
--                                   (a grouping by procedure: by_procedure.sql)
--   matching_procedure_levels       one row per procedure and level (dim_procedure_levels)
--                                   of the procedure filter and of the field filter (the
--                                   procedure's own field): the online-service measures
--                                   describe the filter's procedures (by_field.sql, by_procedure.sql)
-- Dossiers finished before the period add +1 and -1 to every stock before it begins, and
-- nothing to its flows: leaving them out changes no number and saves most of the work.
-- Parameters: those of kpi/measures.sql, and $procedure_ids (BIGINT[] of dim_procedures
-- ids, or NULL) and $dossier_field_ids (the field filter's dim_fields ids, or NULL).
matching_dossiers as (
    select * from fct_dossiers
    where received_date <= $date_to::date
      and (finished_date is null or finished_date >= $date_from::date)
      and ($agency_ids is null or agency_id in (select unnest($agency_ids::bigint[])))
      and ($procedure_ids is null or procedure_id in (select unnest($procedure_ids::bigint[])))
      and ($channel is null or channel = $channel)
      and ($dossier_field_ids is null or field_id in (select unnest($dossier_field_ids::bigint[])))
),

matching_dossiers_by_procedure as (
    select * replace (procedure_id as field_id) from matching_dossiers
),

matching_procedure_levels as (
    select * from dim_procedure_levels
    where ($procedure_ids is null or procedure_id in (select unnest($procedure_ids::bigint[])))
      and ($dossier_field_ids is null or field_id in (select unnest($dossier_field_ids::bigint[])))
)
