-- grain: one row per data row of the file being loaded (temp view `mapped`, contract
-- column names, all text), typed, with `_reason` saying why it cannot load (NULL if it can).
-- A date before 2000, or (except the due date) after the variable `ingest_clock` (the
-- portal's clock, "now" for a file) plus a day, is a typo, not a dossier: it would put
-- the agency's history in the wrong registry version and stretch every period's range.
create or replace temp table validated as
with typed as (
    select
        _line,
        blank_to_null(MaHoSo)                   as MaHoSo,
        blank_to_null(MaTTHC)                   as MaTTHC,
        blank_to_null(MaLinhVuc)                as MaLinhVuc,
        blank_to_null(TenLinhVuc)               as TenLinhVuc,
        blank_to_null(MaDonVi)                  as MaDonVi,
        blank_to_null(KenhThucHien)             as channel_text,
        parse_int(KenhThucHien)                 as KenhThucHien,
        blank_to_null(TrangThaiHoSo)            as status_text,
        parse_int(TrangThaiHoSo)                as TrangThaiHoSo,
        blank_to_null(NgayTiepNhan)             as received_text,
        parse_local_ts(NgayTiepNhan)            as NgayTiepNhan,
        blank_to_null(NgayHenTra)               as due_text,
        parse_local_ts(NgayHenTra)              as NgayHenTra,
        blank_to_null(NgayKetThucXuLy)          as finished_text,
        parse_local_ts(NgayKetThucXuLy)         as NgayKetThucXuLy,
        blank_to_null(NgayTra)                  as returned_text,
        parse_local_ts(NgayTra)                 as NgayTra,
        -- a flag column the file does not have is unknown (NULL); an empty cell is "no" (0)
        case when _has_DuocThanhToanTrucTuyen then coalesce(parse_int(DuocThanhToanTrucTuyen), case when blank_to_null(DuocThanhToanTrucTuyen) is null then 0 end) end as DuocThanhToanTrucTuyen,
        case when _has_HoSoCoThanhPhanSoHoa then coalesce(parse_int(HoSoCoThanhPhanSoHoa), case when blank_to_null(HoSoCoThanhPhanSoHoa) is null then 0 end) end as HoSoCoThanhPhanSoHoa,
        case when _has_CoKetQuaDienTu then coalesce(parse_int(CoKetQuaDienTu), case when blank_to_null(CoKetQuaDienTu) is null then 0 end) end as CoKetQuaDienTu,
        case when _has_CoTaiSuDungDuLieuSoHoa then coalesce(parse_int(CoTaiSuDungDuLieuSoHoa), case when blank_to_null(CoTaiSuDungDuLieuSoHoa) is null then 0 end) end as CoTaiSuDungDuLieuSoHoa,
        case when _has_DuocLayTuKhoDMQG then coalesce(parse_int(DuocLayTuKhoDMQG), case when blank_to_null(DuocLayTuKhoDMQG) is null then 0 end) end as DuocLayTuKhoDMQG,
        case when _has_TaiKhoanDuocXacThucVoiVNeID then coalesce(parse_int(TaiKhoanDuocXacThucVoiVNeID), case when blank_to_null(TaiKhoanDuocXacThucVoiVNeID) is null then 0 end) end as TaiKhoanDuocXacThucVoiVNeID,
        blank_to_null(SoLanBoSung)              as supplements_text,
        coalesce(parse_int(SoLanBoSung), case when blank_to_null(SoLanBoSung) is null then 0 end) as SoLanBoSung,
        DuocThanhToanTrucTuyen                  as paid_text,
        HoSoCoThanhPhanSoHoa                    as digitised_text,
        CoKetQuaDienTu                          as e_result_text,
        CoTaiSuDungDuLieuSoHoa                  as reuse_text,
        DuocLayTuKhoDMQG                        as store_text,
        TaiKhoanDuocXacThucVoiVNeID             as vneid_text,
        _extra
    from mapped
),

checked as (
    select
        *,
        nullif(concat_ws('; ',
            case when MaHoSo is null then 'MaHoSo is empty' end,
            case when MaDonVi is null then 'MaDonVi is empty' end,
            case when MaTTHC is null then 'MaTTHC is empty' end,
            case when TrangThaiHoSo is null or TrangThaiHoSo not between 1 and 10
                 then 'TrangThaiHoSo ''' || coalesce(status_text, '') || ''' is not a status 1..10' end,
            case when channel_text is not null and (KenhThucHien is null or KenhThucHien not in (1, 2, 3))
                 then 'KenhThucHien ''' || channel_text || ''' is not 1, 2 or 3' end,
            case when received_text is null then 'NgayTiepNhan is empty'
                 when NgayTiepNhan is null then 'NgayTiepNhan ''' || received_text || ''' is not a valid date' end,
            case when due_text is not null and NgayHenTra is null
                 then 'NgayHenTra ''' || due_text || ''' is not a valid date' end,
            case when finished_text is not null and NgayKetThucXuLy is null
                 then 'NgayKetThucXuLy ''' || finished_text || ''' is not a valid date' end,
            case when returned_text is not null and NgayTra is null
                 then 'NgayTra ''' || returned_text || ''' is not a valid date' end,
            case when least(NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra) < timestamp '2000-01-01'
                 then 'a date is before 2000 (' || strftime(least(NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra), '%d/%m/%Y') || ')' end,
            case when greatest(NgayTiepNhan, NgayKetThucXuLy, NgayTra) > getvariable('ingest_clock')::timestamp + interval 1 day
                 then 'a date is in the future (' || strftime(greatest(NgayTiepNhan, NgayKetThucXuLy, NgayTra), '%d/%m/%Y') || ')' end,
            case when NgayKetThucXuLy::date < NgayTiepNhan::date
                 then 'NgayKetThucXuLy ' || strftime(NgayKetThucXuLy, '%d/%m/%Y') || ' is before NgayTiepNhan ' || strftime(NgayTiepNhan, '%d/%m/%Y') end,
            case when supplements_text is not null and (SoLanBoSung is null or SoLanBoSung not between 0 and 2147483647)
                 then 'SoLanBoSung ''' || supplements_text || ''' is not a count (0 or more)' end,
            case when DuocThanhToanTrucTuyen is null and blank_to_null(paid_text) is not null
                   or DuocThanhToanTrucTuyen not in (0, 1, 2)
                 then 'DuocThanhToanTrucTuyen ''' || paid_text || ''' is not 0, 1 or 2' end,
            case when HoSoCoThanhPhanSoHoa is null and blank_to_null(digitised_text) is not null
                   or HoSoCoThanhPhanSoHoa not in (0, 1)
                 then 'HoSoCoThanhPhanSoHoa ''' || digitised_text || ''' is not 0 or 1' end,
            case when CoKetQuaDienTu is null and blank_to_null(e_result_text) is not null
                   or CoKetQuaDienTu not in (0, 1)
                 then 'CoKetQuaDienTu ''' || e_result_text || ''' is not 0 or 1' end,
            case when CoTaiSuDungDuLieuSoHoa is null and blank_to_null(reuse_text) is not null
                   or CoTaiSuDungDuLieuSoHoa not in (0, 1)
                 then 'CoTaiSuDungDuLieuSoHoa ''' || reuse_text || ''' is not 0 or 1' end,
            case when DuocLayTuKhoDMQG is null and blank_to_null(store_text) is not null
                   or DuocLayTuKhoDMQG not in (0, 1)
                 then 'DuocLayTuKhoDMQG ''' || store_text || ''' is not 0 or 1' end,
            case when TaiKhoanDuocXacThucVoiVNeID is null and blank_to_null(vneid_text) is not null
                   or TaiKhoanDuocXacThucVoiVNeID not in (0, 1)
                 then 'TaiKhoanDuocXacThucVoiVNeID ''' || vneid_text || ''' is not 0 or 1' end
        ), '') as _reason
    from typed
),

final as (
    -- try_cast: a quarantined row may hold any number; only good rows are in range
    select
        MaHoSo, MaTTHC, MaLinhVuc, TenLinhVuc, MaDonVi,
        try_cast(KenhThucHien as tinyint) as KenhThucHien, try_cast(TrangThaiHoSo as tinyint) as TrangThaiHoSo,
        NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra,
        try_cast(DuocThanhToanTrucTuyen as tinyint) as DuocThanhToanTrucTuyen,
        try_cast(HoSoCoThanhPhanSoHoa as tinyint) as HoSoCoThanhPhanSoHoa,
        try_cast(CoKetQuaDienTu as tinyint) as CoKetQuaDienTu,
        try_cast(CoTaiSuDungDuLieuSoHoa as tinyint) as CoTaiSuDungDuLieuSoHoa,
        try_cast(DuocLayTuKhoDMQG as tinyint) as DuocLayTuKhoDMQG,
        try_cast(TaiKhoanDuocXacThucVoiVNeID as tinyint) as TaiKhoanDuocXacThucVoiVNeID,
        try_cast(SoLanBoSung as integer) as SoLanBoSung,
        _extra,
        _line,
        _reason
    from checked
)

select * from final
