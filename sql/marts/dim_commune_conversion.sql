-- grain: one row per (pre-reform commune, post-reform commune it went into) of the official
-- 2025 conversion table, with whether the new commune is comparable with its past (none of
-- its source communes was split) and, when not, why. Shipped reference data, kept in every
-- snapshot so the view "on today's units" can always say what it was computed with.
with conversion as (
    select * from stg_commune_conversion
),

comparability as (
    select * from stg_commune_comparability
),

final as (
    select
        conversion.*,
        comparability.comparable as new_comparable,
        comparability.note       as new_note
    from conversion
    left join comparability using (new_code)
)

select * from final
