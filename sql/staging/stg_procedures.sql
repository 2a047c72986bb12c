-- grain: one row per procedure (MaTTHC), latest version sent
with source as (
    select * from raw_procedures
),

renamed as (
    select
        MaTTHC            as procedure_code,
        TenTTHC           as procedure_name,
        MaLinhVuc         as field_code,
        TenLinhVuc        as field_name,
        CapThucHien       as service_levels,
        MucDo             as online_level,
        YeuCauKetQuaGiay  as paper_result_required,
        CoPhiLePhi        as has_fees,
        DuDieuKienToanTrinh as full_online_eligible
    from source
)

select * from renamed
