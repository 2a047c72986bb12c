-- grain: one row per data row of a loaded form 06a (total rows are not data rows)
with reports as (
    select * from raw_form06a_reports
),

rows as (
    select * from raw_form06a_rows
),

final as (
    select
        reports.report_id,
        rows.line,
        rows.label,
        rows.agency_code               as row_agency_code,
        rows.unit_code                 as row_unit_code,
        reports.row_kind,
        reports.reporting_unit,
        reports.agency_code            as report_agency_code,
        reports.unit_code              as report_unit_code,
        reports.period_start,
        reports.period_end,
        rows.c4 + rows.c5              as received,
        rows.c4                        as received_online,
        rows.c5                        as received_direct,
        rows.c6                        as carried_over,
        rows.c7                        as resolved,
        rows.c8                        as resolved_early,
        rows.c9                        as resolved_on_time,
        rows.c10                       as resolved_late,
        rows.c11                       as pending,
        rows.c12                       as pending_within_due,
        rows.c13                       as pending_overdue,
        rows.violations
    from rows
    inner join reports using (report_id)
)

select * from final
