-- grain: one row per unit key (agency_code, else unit_code), period and indicator: the
-- national portal's published Decision 766 figures, kept in the snapshot so that the index
-- (sql/queries/index766.sql) can fill indicators only the national portal computes and
-- set its figures beside ours (DESIGN §10)
with published as (
    select * from stg_published_index
),

final as (
    select
        agency_code,
        unit_code,
        period_start,
        period_end,
        indicator,
        numerator,
        denominator,
        points
    from published
)

select * from final
