-- grain: one row per post-reform commune of the 2025 conversion table: whether its
-- pre-reform past is the sum of its source communes (none of them split), and if not why
-- (warehouse/reference/commune_comparability_2025.csv)
with source as (
    select * from ref_commune_comparability
),

final as (
    select new_code, new_name, new_province_code, old_communes, comparable, note
    from source
)

select * from final
