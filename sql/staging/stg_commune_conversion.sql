-- grain: one row per (pre-reform commune, post-reform commune it went into) of the official
-- 2025 conversion table (warehouse/reference/commune_conversion_2025.csv)
with source as (
    select * from ref_commune_conversion
),

final as (
    select
        old_code,
        old_name,
        old_district_code,
        old_province_code,
        new_code,
        new_name,
        new_province_code,
        how                                    -- unchanged | renamed | merged | split
    from source
)

select * from final
