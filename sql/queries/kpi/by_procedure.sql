-- The catalogue of the KPI query grouped by procedure: procedures stand in for fields
-- (composed after from_dossiers.sql and the rollups rebuilt from
-- `matching_dossiers_by_procedure`, whose `field_id` is the procedure's id). Each CTE
-- stands in for the table of the same name in kpi/measures.sql:
--   fct_agency_field_spans  one row per province-level agency, procedure and span: an
--                           agency's span of a field holds for each province-level
--                           procedure of that field (first: it reads the published
--                           dim_procedure_levels, which the last CTE stands in for)
--   dim_fields              one row per procedure: its id, code and name as a field's
--   dim_procedure_levels    one row per procedure and level of the filter
--                           (matching_procedure_levels), the procedure its own field, for
--                           the procedures with a row in the rebuilt kpi_daily (as before:
--                           no row for every procedure in scope, only for those with dossiers)
fct_agency_field_spans as (
    select distinct spans.agency_id, levels.procedure_id as field_id, spans.competent_from, spans.competent_until
    from fct_agency_field_spans as spans
    inner join dim_procedure_levels as levels
        on levels.field_id = spans.field_id and levels.level = 'province'
),

dim_fields as (
    select procedure_id as field_id, procedure_code as field_code, procedure_name as field_name
    from dim_procedures
),

dim_procedure_levels as (
    select * replace (procedure_id as field_id)
    from matching_procedure_levels
    where procedure_id in (select field_id from kpi_daily)
)
