-- grain: one row per PAKN (MaPAKN), its latest version (DESIGN §3 Feedback).
-- Timestamps are local wall-clock times (ingest converted any offset): a cast to date is
-- the calendar day the deadline counts from.
with source as (
    select * from raw_feedback
),

renamed as (
    select
        MaPAKN                      as feedback_code,
        MaDonVi                     as agency_code,
        MaHoSo                      as dossier_code,
        TrangThaiPAKN               as status,       -- 4: refused as not within competence
        PhanLoai                    as category,
        NgayTiepNhan::date          as received_date,
        NgayXuLyXong::date          as handled_date,
        coalesce(SoThich, 0)        as likes,
        coalesce(SoKhongThich, 0)   as dislikes,
        coalesce(PhanAnhLai, 0) = 1 as raised_again,
        _file_id                    as file_id,
        _line                       as line
    from source
),

latest as (
    select * exclude (file_id, line)
    from renamed
    qualify row_number() over (partition by feedback_code order by file_id desc, line desc) = 1
)

select * from latest
