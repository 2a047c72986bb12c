-- grain: one row per kind of v2 row (ratings, feedback) and kind of reference it makes
-- that names nothing loaded: a rating of an unknown dossier, a PAKN of an unknown agency
-- (MaDonVi not in raw_agencies) or about an unknown dossier. Such rows are kept in raw and
-- count nowhere until what they name is loaded (DESIGN §3); the data-health page lists
-- them, with a few of the codes. Only references that miss something have a row.
-- Parameters: $file_id (only the rows of that file, for `ingest load`'s report; NULL = all).
with ratings as (
    select * from raw_ratings
    where $file_id::integer is null or _file_id = $file_id::integer
),

feedback as (
    select * from raw_feedback
    where $file_id::integer is null or _file_id = $file_id::integer
),

-- no `distinct`: an anti join needs none, and one over 1.5 million dossiers costs 10×
dossiers as (
    select MaHoSo from raw_dossiers
),

agencies as (
    select MaDonVi from raw_agencies
),

ratings_of_unknown_dossiers as (
    select 'ratings' as kind, 'dossier' as refers_to, ratings.MaHoSo as code
    from ratings
    anti join dossiers on dossiers.MaHoSo = ratings.MaHoSo
),

feedback_of_unknown_agencies as (
    select 'feedback' as kind, 'agency' as refers_to, feedback.MaDonVi as code
    from feedback
    anti join agencies on agencies.MaDonVi = feedback.MaDonVi
),

feedback_about_unknown_dossiers as (
    select 'feedback' as kind, 'dossier' as refers_to, feedback.MaHoSo as code
    from feedback
    anti join dossiers on dossiers.MaHoSo = feedback.MaHoSo
    where feedback.MaHoSo is not null
),

missing as (
    select * from ratings_of_unknown_dossiers
    union all
    select * from feedback_of_unknown_agencies
    union all
    select * from feedback_about_unknown_dossiers
),

final as (
    select
        kind,
        refers_to,
        count(*)                                                        as rows,
        count(distinct code)                                            as codes,
        array_to_string(list_slice(list(distinct code order by code), 1, 5), ', ') as examples
    from missing
    group by kind, refers_to
    order by kind desc, refers_to desc
)

select * from final
