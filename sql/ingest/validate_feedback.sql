-- grain: one row per data row of a feedback (PAKN) file (temp view `mapped`), typed, with
-- `_reason` saying why it cannot load (NULL if it can). A PAKN naming an agency or a
-- dossier not loaded (yet) is no error: it is kept, and the data-health page names it.
-- Dates before 2000, or after the variable `ingest_clock` plus a day, are typos (as for
-- dossiers). Likes, dislikes and "raised again" follow the flags' rule: a column the file
-- does not have is unknown (NULL); an empty cell of a file that has it is 0.
create or replace temp table validated as
with typed as (
    select
        _line,
        blank_to_null(MaPAKN)         as MaPAKN,
        blank_to_null(MaDonVi)        as MaDonVi,
        blank_to_null(NgayTiepNhan)   as received_text,
        parse_local_ts(NgayTiepNhan)  as NgayTiepNhan,
        blank_to_null(NgayXuLyXong)   as handled_text,
        parse_local_ts(NgayXuLyXong)  as NgayXuLyXong,
        blank_to_null(TrangThaiPAKN)  as status_text,
        parse_int(TrangThaiPAKN)      as TrangThaiPAKN,
        blank_to_null(PhanLoai)       as category_text,
        parse_int(PhanLoai)           as PhanLoai,
        blank_to_null(MaHoSo)         as MaHoSo,
        blank_to_null(SoThich)        as likes_text,
        case when _has_SoThich then coalesce(parse_int(SoThich), case when blank_to_null(SoThich) is null then 0 end) end as SoThich,
        blank_to_null(SoKhongThich)   as dislikes_text,
        case when _has_SoKhongThich then coalesce(parse_int(SoKhongThich), case when blank_to_null(SoKhongThich) is null then 0 end) end as SoKhongThich,
        blank_to_null(PhanAnhLai)     as again_text,
        case when _has_PhanAnhLai then coalesce(parse_int(PhanAnhLai), case when blank_to_null(PhanAnhLai) is null then 0 end) end as PhanAnhLai,
        _extra
    from mapped
),

checked as (
    select
        *,
        nullif(concat_ws('; ',
            case when MaPAKN is null then 'MaPAKN is empty' end,
            case when MaDonVi is null then 'MaDonVi is empty' end,
            case when TrangThaiPAKN is null or TrangThaiPAKN not between 1 and 6
                 then 'TrangThaiPAKN ''' || coalesce(status_text, '') || ''' is not a status 1..6' end,
            case when category_text is not null and (PhanLoai is null or PhanLoai not between 1 and 3)
                 then 'PhanLoai ''' || category_text || ''' is not a category 1..3' end,
            case when received_text is null then 'NgayTiepNhan is empty'
                 when NgayTiepNhan is null then 'NgayTiepNhan ''' || received_text || ''' is not a valid date' end,
            case when handled_text is not null and NgayXuLyXong is null
                 then 'NgayXuLyXong ''' || handled_text || ''' is not a valid date' end,
            case when least(NgayTiepNhan, NgayXuLyXong) < timestamp '2000-01-01'
                 then 'a date is before 2000 (' || strftime(least(NgayTiepNhan, NgayXuLyXong), '%d/%m/%Y') || ')' end,
            case when greatest(NgayTiepNhan, NgayXuLyXong) > getvariable('ingest_clock')::timestamp + interval 1 day
                 then 'a date is in the future (' || strftime(greatest(NgayTiepNhan, NgayXuLyXong), '%d/%m/%Y') || ')' end,
            case when NgayXuLyXong::date < NgayTiepNhan::date
                 then 'NgayXuLyXong ' || strftime(NgayXuLyXong, '%d/%m/%Y') || ' is before NgayTiepNhan '
                      || strftime(NgayTiepNhan, '%d/%m/%Y') || ' (handled before it was received)' end,
            case when likes_text is not null and (SoThich is null or SoThich not between 0 and 2147483647)
                 then 'SoThich ''' || likes_text || ''' is not a count (0 or more)' end,
            case when dislikes_text is not null and (SoKhongThich is null or SoKhongThich not between 0 and 2147483647)
                 then 'SoKhongThich ''' || dislikes_text || ''' is not a count (0 or more)' end,
            case when again_text is not null and (PhanAnhLai is null or PhanAnhLai not in (0, 1))
                 then 'PhanAnhLai ''' || again_text || ''' is not 0 or 1' end
        ), '') as _reason
    from typed
),

final as (
    -- try_cast: a quarantined row may hold any number; only good rows are in range
    select
        MaPAKN, MaDonVi, NgayTiepNhan, NgayXuLyXong,
        try_cast(TrangThaiPAKN as tinyint) as TrangThaiPAKN,
        try_cast(PhanLoai as tinyint)      as PhanLoai,
        MaHoSo,
        try_cast(SoThich as integer)       as SoThich,
        try_cast(SoKhongThich as integer)  as SoKhongThich,
        try_cast(PhanAnhLai as tinyint)    as PhanAnhLai,
        _extra, _line,
        _reason
    from checked
)

select * from final
