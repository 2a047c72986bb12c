-- grain: one row per data row of a ratings file (temp view `mapped`), typed, with `_reason`
-- saying why it cannot load (NULL if it can). A rating of a dossier not loaded (yet) is
-- no error: it is kept, and the data-health page names it (sql/queries/orphan_v2_rows.sql).
-- A time before 2000, or after the variable `ingest_clock` plus a day, is a typo (as for dossiers).
create or replace temp table validated as
with typed as (
    select
        _line,
        blank_to_null(MaHoSo)           as MaHoSo,
        blank_to_null(ThoiGianDanhGia)  as rated_text,
        parse_local_ts(ThoiGianDanhGia) as ThoiGianDanhGia,
        blank_to_null(MucDoHaiLong)     as level_text,
        parse_int(MucDoHaiLong)         as MucDoHaiLong,
        blank_to_null(KenhDanhGia)      as channel_text,
        parse_int(KenhDanhGia)          as KenhDanhGia,
        _extra
    from mapped
),

checked as (
    select
        *,
        nullif(concat_ws('; ',
            case when MaHoSo is null then 'MaHoSo is empty' end,
            case when rated_text is null then 'ThoiGianDanhGia is empty'
                 when ThoiGianDanhGia is null then 'ThoiGianDanhGia ''' || rated_text || ''' is not a valid date' end,
            case when MucDoHaiLong is null or MucDoHaiLong not between 1 and 3
                 then 'MucDoHaiLong ''' || coalesce(level_text, '') || ''' is not a level 1..3' end,
            case when channel_text is not null and (KenhDanhGia is null or KenhDanhGia not between 1 and 4)
                 then 'KenhDanhGia ''' || channel_text || ''' is not a channel 1..4' end,
            case when ThoiGianDanhGia < timestamp '2000-01-01'
                 then 'ThoiGianDanhGia is before 2000 (' || strftime(ThoiGianDanhGia, '%d/%m/%Y') || ')' end,
            case when ThoiGianDanhGia > getvariable('ingest_clock')::timestamp + interval 1 day
                 then 'ThoiGianDanhGia is in the future (' || strftime(ThoiGianDanhGia, '%d/%m/%Y') || ')' end
        ), '') as _reason
    from typed
),

final as (
    -- try_cast: a quarantined row may hold any number; only good rows are in range
    select
        MaHoSo, ThoiGianDanhGia,
        try_cast(MucDoHaiLong as tinyint) as MucDoHaiLong,
        try_cast(KenhDanhGia as tinyint)  as KenhDanhGia,
        _extra, _line,
        _reason
    from checked
)

select * from final
