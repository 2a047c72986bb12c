-- grain: one row per quarantined row (the newest files first), with the file it came from.
-- Parameters: $row_limit.
with quarantined as (
    select * from quarantine
),

files as (
    select * from ingest_files
),

final as (
    select
        files.loaded_at,
        files.original_name as file_name,
        quarantined.kind,
        quarantined.line,
        quarantined.reason,
        quarantined.record::varchar as record
    from quarantined
    left join files using (file_id)
    order by files.loaded_at desc nulls last, quarantined.file_id desc, quarantined.line
    limit $row_limit
)

select * from final
