-- grain: one row per problem found in a loaded form 06a: a data row whose columns break
-- the form's identities ((3) = (4)+(5)+(6), ...), or a total row that is not the sum of
-- the rows above it.
with reports as (
    select * from raw_form06a_reports
),

report_rows as (
    select * from raw_form06a_rows
),

row_problems as (
    select report_id, line, label, unnest(violations) as problem
    from report_rows
    where len(violations) > 0
),

total_problems as (
    select report_id, null::integer as line, 'Tổng số' as label, unnest(total_mismatches) as problem
    from reports
    where len(total_mismatches) > 0
),

final as (
    select
        reports.reporting_unit,
        reports.period_start,
        reports.period_end,
        problems.line,
        problems.label,
        problems.problem
    from (select * from row_problems union all select * from total_problems) as problems
    inner join reports using (report_id)
    order by reports.period_end desc, reports.reporting_unit, problems.line nulls last
)

select * from final
