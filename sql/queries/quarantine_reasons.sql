-- grain: one row per reason a row was quarantined, with how many rows and files.
with quarantined as (
    select * from quarantine
),

final as (
    select
        reason,
        count(*)                as rows,
        count(distinct file_id) as files
    from quarantined
    group by reason
    order by rows desc, reason
)

select * from final
