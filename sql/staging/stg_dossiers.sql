-- grain: one row per dossier (MaHoSo), the version received last
-- Timestamps are already local (Asia/Ho_Chi_Minh) wall-clock times: ingest converted any
-- offset, so a plain cast to date is the calendar day every KPI compares.
with source as (
    select * from raw_dossiers
),

renamed as (
    select
        MaHoSo                          as dossier_code,
        MaTTHC                          as procedure_code,
        MaLinhVuc                       as field_code,
        TenLinhVuc                      as field_name,
        MaDonVi                         as agency_code,
        coalesce(KenhThucHien, 1)       as channel,
        TrangThaiHoSo                   as status,
        NgayTiepNhan                    as received_at,
        NgayHenTra                      as due_at,
        NgayKetThucXuLy                 as finished_at,
        NgayTra                         as returned_at,
        DuocThanhToanTrucTuyen          as paid_online,
        HoSoCoThanhPhanSoHoa            as has_digitised_component,
        CoKetQuaDienTu                  as has_e_result,
        coalesce(SoLanBoSung, 0)        as supplement_requests,
        -- v2 flags: NULL when the row's file lacked the column (unknown, DESIGN §4)
        CoTaiSuDungDuLieuSoHoa          as reused_digitised_data,
        DuocLayTuKhoDMQG                as from_personal_store,
        TaiKhoanDuocXacThucVoiVNeID     as vneid_verified,
        NgayTiepNhan::date              as received_date,
        NgayHenTra::date                as due_date,
        NgayKetThucXuLy::date           as finished_date
    from source
)

select * from renamed
