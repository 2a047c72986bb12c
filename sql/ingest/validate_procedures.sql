-- grain: one row per data row of a procedures file (temp view `mapped`), typed, with `_reason`
create or replace temp table validated as
with typed as (
    select
        _line,
        blank_to_null(MaTTHC)        as MaTTHC,
        blank_to_null(TenTTHC)       as TenTTHC,
        blank_to_null(MaLinhVuc)     as MaLinhVuc,
        blank_to_null(TenLinhVuc)    as TenLinhVuc,
        blank_to_null(CapThucHien)   as CapThucHien,
        blank_to_null(MucDo)         as level_text,
        parse_int(MucDo)             as MucDo,
        blank_to_null(YeuCauKetQuaGiay) as paper_text,
        parse_int(YeuCauKetQuaGiay)  as YeuCauKetQuaGiay,
        blank_to_null(CoPhiLePhi)    as fees_text,
        parse_int(CoPhiLePhi)        as CoPhiLePhi,
        blank_to_null(DuDieuKienToanTrinh) as eligible_text,
        -- v2: a column the file does not have is unknown (NULL); an empty cell is "no" (0)
        case when _has_DuDieuKienToanTrinh then coalesce(parse_int(DuDieuKienToanTrinh), case when blank_to_null(DuDieuKienToanTrinh) is null then 0 end) end as DuDieuKienToanTrinh,
        _extra
    from mapped
),

checked as (
    select
        *,
        nullif(concat_ws('; ',
            case when MaTTHC is null then 'MaTTHC is empty' end,
            case when level_text is not null and (MucDo is null or MucDo not in (2, 3, 4))
                 then 'MucDo ''' || level_text || ''' is not 2, 3 or 4' end,
            case when paper_text is not null and (YeuCauKetQuaGiay is null or YeuCauKetQuaGiay not in (0, 1))
                 then 'YeuCauKetQuaGiay ''' || paper_text || ''' is not 0 or 1' end,
            case when fees_text is not null and (CoPhiLePhi is null or CoPhiLePhi not in (0, 1))
                 then 'CoPhiLePhi ''' || fees_text || ''' is not 0 or 1' end,
            case when eligible_text is not null and (DuDieuKienToanTrinh is null or DuDieuKienToanTrinh not in (0, 1))
                 then 'DuDieuKienToanTrinh ''' || eligible_text || ''' is not 0 or 1' end
        ), '') as _reason
    from typed
),

final as (
    select
        MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc, CapThucHien,
        -- try_cast: a quarantined row may hold any number; only good rows are in range
        try_cast(MucDo as tinyint) as MucDo, try_cast(YeuCauKetQuaGiay as tinyint) as YeuCauKetQuaGiay,
        try_cast(CoPhiLePhi as tinyint) as CoPhiLePhi,
        try_cast(DuDieuKienToanTrinh as tinyint) as DuDieuKienToanTrinh,
        _extra, _line,
        _reason
    from checked
)

select * from final
