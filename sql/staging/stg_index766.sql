-- grain: one row per published 766 figure: unit (MaDonVi, else MaDVHC), period (TuNgay,
-- DenNgay) and indicator (MaChiSo), the later load (then the later line) winning (DESIGN §3).
with source as (
    select * from raw_index766
),

renamed as (
    select
        MaDonVi                     as agency_code,
        MaDVHC                      as unit_code,
        coalesce(MaDonVi, MaDVHC)   as published_unit,
        TuNgay                      as period_start,
        DenNgay                     as period_end,
        MaChiSo                     as indicator,
        TuSo                        as numerator,
        MauSo                       as denominator,
        Diem                        as points,
        _file_id                    as file_id,
        _line                       as line
    from source
),

latest as (
    select * exclude (file_id, line)
    from renamed
    qualify row_number() over (
        partition by published_unit, period_start, period_end, indicator order by file_id desc, line desc
    ) = 1
)

select * from latest
