-- The catalogue of the KPI query on the dossier path, grouped by field as the stored
-- rollups are (composed after from_dossiers.sql and the rollups rebuilt from
-- `matching_dossiers`); it stands in for the table of the same name in kpi/measures.sql:
--   dim_procedure_levels  one row per procedure and level of the filter
--                         (matching_procedure_levels): the online-service measures
--                         describe the filter's procedures
-- dim_fields and fct_agency_field_spans are the published ones.
dim_procedure_levels as (
    select * from matching_procedure_levels
)
