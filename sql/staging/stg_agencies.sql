-- grain: one row per agency (MaDonVi), latest version sent
with source as (
    select * from raw_agencies
),

renamed as (
    select
        MaDonVi      as agency_code,
        TenDonVi     as agency_name,
        case Cap when 'TINH' then 'province' when 'HUYEN' then 'district' when 'XA' then 'commune' end
                     as agency_level,
        MaDVHC       as unit_code,
        MaDonViCha   as parent_agency_code
    from source
)

select * from renamed
