-- grain: one row per rated dossier (MaHoSo), its latest rating (DESIGN §3 Ratings).
-- Ingest keeps one row per dossier already; the latest is chosen here again (by
-- ThoiGianDanhGia, then the later load and line) so that no dossier ever counts twice.
-- A rating of a dossier not (yet) loaded stays here and counts once the dossier arrives.
with source as (
    select * from raw_ratings
),

renamed as (
    select
        MaHoSo              as dossier_code,
        ThoiGianDanhGia     as rated_at,
        MucDoHaiLong        as satisfaction,     -- 1 very satisfied, 2 satisfied, 3 unsatisfied
        KenhDanhGia         as rating_channel,
        _file_id            as file_id,
        _line               as line
    from source
),

latest as (
    select * exclude (file_id, line)
    from renamed
    qualify row_number() over (
        partition by dossier_code order by rated_at desc nulls last, file_id desc, line desc
    ) = 1
)

select * from latest
