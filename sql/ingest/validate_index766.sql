-- grain: one row per data row of a published 766 index file (temp view `mapped`), typed,
-- with `_reason` saying why it cannot load (NULL if it can). A row names its unit by
-- MaDonVi (an agency) or MaDVHC (an area); its key is coalesce(MaDonVi, MaDVHC), TuNgay,
-- DenNgay, MaChiSo. Numbers are read with a decimal point only: "1.234" and "1,5" mean
-- different things in Vietnamese and English, so such a row is quarantined, not guessed.
-- A period may end after today (a year published while it runs), but it cannot start
-- after `ingest_clock` plus a day, nor before 2000.
create or replace temp macro parse_number(s) as (
    -- a finite number, else NULL (DuckDB reads 'nan' and 'inf' as doubles)
    case when isfinite(try_cast(trim(s) as double)) then try_cast(trim(s) as double) end
);

create or replace temp table validated as
with typed as (
    select
        _line,
        blank_to_null(MaDonVi)                   as MaDonVi,
        blank_to_null(MaDVHC)                    as MaDVHC,
        blank_to_null(TuNgay)                    as from_text,
        parse_local_ts(TuNgay)::date             as TuNgay,
        blank_to_null(DenNgay)                   as to_text,
        parse_local_ts(DenNgay)::date            as DenNgay,
        blank_to_null(MaChiSo)                   as MaChiSo,
        blank_to_null(TuSo)                      as numerator_text,
        parse_number(TuSo)                       as TuSo,
        blank_to_null(MauSo)                     as denominator_text,
        parse_number(MauSo)                      as MauSo,
        blank_to_null(Diem)                      as points_text,
        parse_number(Diem)                       as Diem,
        _extra
    from mapped
),

checked as (
    select
        *,
        nullif(concat_ws('; ',
            case when MaDonVi is null and MaDVHC is null then 'both MaDonVi and MaDVHC are empty' end,
            case when MaChiSo is null then 'MaChiSo is empty' end,
            case when from_text is null then 'TuNgay is empty'
                 when TuNgay is null then 'TuNgay ''' || from_text || ''' is not a valid date' end,
            case when to_text is null then 'DenNgay is empty'
                 when DenNgay is null then 'DenNgay ''' || to_text || ''' is not a valid date' end,
            case when TuNgay > DenNgay
                 then 'TuNgay ' || strftime(TuNgay, '%d/%m/%Y') || ' is after DenNgay ' || strftime(DenNgay, '%d/%m/%Y') end,
            case when least(TuNgay, DenNgay) < date '2000-01-01'
                 then 'a date is before 2000 (' || strftime(least(TuNgay, DenNgay), '%d/%m/%Y') || ')' end,
            case when TuNgay > getvariable('ingest_clock')::timestamp + interval 1 day
                 then 'TuNgay is in the future (' || strftime(TuNgay, '%d/%m/%Y') || ')' end,
            case when points_text is null then 'Diem is empty'
                 when Diem is null then 'Diem ''' || points_text || ''' is not a number' end,
            case when numerator_text is not null and (TuSo is null or TuSo < 0)
                 then 'TuSo ''' || numerator_text || ''' is not a number (0 or more)' end,
            case when denominator_text is not null and (MauSo is null or MauSo < 0)
                 then 'MauSo ''' || denominator_text || ''' is not a number (0 or more)' end
        ), '') as _reason
    from typed
),

final as (
    select
        MaDonVi, MaDVHC, TuNgay, DenNgay, MaChiSo, TuSo, MauSo, Diem,
        _extra, _line,
        _reason
    from checked
)

select * from final
