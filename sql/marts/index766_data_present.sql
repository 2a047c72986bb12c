-- grain: one row: which optional inputs of the Decision 766 index the warehouse has ever
-- held. 5.2 and 5.3 give full points for a period without PAKN only once the warehouse has
-- feedback data at all (DESIGN §10); without any, they are unavailable. The snapshot holds
-- no raw tables, so the fact travels as this one row.
with feedback as (
    select count(*) as feedback_rows from raw_feedback
),

final as (
    select feedback_rows > 0 as has_feedback
    from feedback
)

select * from final
