-- grain: one row per unit key (MaDonVi, else MaDVHC), period (TuNgay, DenNgay) and
-- indicator (MaChiSo): the national portal's published Decision 766 figure (DESIGN §3),
-- the version loaded last (later file, then later line)
with source as (
    select * from raw_index766
),

renamed as (
    select
        nullif(trim(MaDonVi), '')  as agency_code,
        nullif(trim(MaDVHC), '')   as unit_code,
        TuNgay                     as period_start,
        DenNgay                    as period_end,
        trim(MaChiSo)              as indicator,
        TuSo                       as numerator,
        MauSo                      as denominator,
        Diem                       as points,
        _file_id,
        _line
    from source
),

latest as (
    select * exclude (_file_id, _line)
    from renamed
    qualify row_number() over (
        partition by coalesce(agency_code, unit_code), period_start, period_end, indicator
        order by _file_id desc nulls last, _line desc nulls last
    ) = 1
)

select * from latest
