-- grain: one row per unit and indicator of the Decision 766 index (DESIGN §10), one per
-- unit and group (indicator = the group code) and one per unit (indicator = 'total').
--
-- This query applies the configured rules; it defines no rate. Its inputs are registered
-- by warehouse/index766.py on the connection that runs it:
--   index766_kpi     one row per unit: unit_key, unit_code, unit_name, level,
--                    published_agency / published_unit (the key its published figures
--                    carry: MaDonVi for an agency, MaDVHC for an area), then the unit's
--                    `kpi` row (warehouse.query.kpi with its parts) as doubles. A measure
--                    the `kpi` rows lack is no column here: its indicator has no inputs.
--   index766_rules   one row per indicator: config/index766.toml as data (scale and cap
--                    already defaulted to the maximum, "full" to the maximum), with the
--                    parts of its rate from warehouse/registry.py
--   fct_published_index  the national portal's published figures (mart)
--
-- Parameters (bound): $date_from, $date_to (a published figure counts for exactly this
-- period); $has_feedback (the warehouse ever held a PAKN); $rank (rank the units' totals).
--
-- An indicator is `computed` (our rate through its formula, or a stated case), else
-- `published` (the figure published for the same unit and period), else `unavailable`
-- (null points: never 0, never full marks). Groups and the total add the points that
-- exist; max_available adds the maxima of the indicators that have points.
with kpi_rows as (
    select * from index766_kpi
),

rules as (
    select * from index766_rules
),

published as (
    select * from fct_published_index
    where period_start = $date_from::date and period_end = $date_to::date
),

units as (
    select unit_key, unit_code, unit_name, level, published_agency, published_unit
    from kpi_rows
),

-- one row per unit and measure that has a value: a null rate is as good as no rate here
measures as (
    unpivot kpi_rows
    on columns(* exclude (unit_key, unit_code, unit_name, level, published_agency, published_unit))
    into name measure value value
),

-- what the stated cases read: the unit's dossiers (resolved + pending, the denominator of
-- 2.1 and 5.4) and its PAKN received in the period (null when no `feedback` measure)
unit_counts as (
    select
        unit_key,
        sum(value) filter (where measure in ('resolved', 'pending')) as dossiers,
        max(value) filter (where measure = 'feedback')               as feedback
    from measures
    group by unit_key
),

unit_rules as (
    select units.unit_key, rules.*
    from units
    cross join rules
),

rates as (
    select unit_rules.unit_key, unit_rules.indicator, measures.value as rate
    from unit_rules
    inner join measures
        on measures.unit_key = unit_rules.unit_key and measures.measure = unit_rules.measure
),

-- a rate's numerator and denominator are the sums of its parts, when every part is there;
-- some numerators take parts off (5.4: resolved + pending less the unhappy dossiers)
rate_parts as (
    select unit_key, indicator, 'numerator' as side, unnest(numerator_parts) as measure, 1 as sign,
           len(numerator_parts) + len(coalesce(numerator_less, [])) as wanted
    from unit_rules
    union all
    select unit_key, indicator, 'numerator' as side, unnest(numerator_less) as measure, -1 as sign,
           len(numerator_parts) + len(numerator_less) as wanted
    from unit_rules
    union all
    select unit_key, indicator, 'denominator' as side, unnest(denominator_parts) as measure, 1 as sign,
           len(denominator_parts) as wanted
    from unit_rules
),

ratios as (
    select
        rate_parts.unit_key,
        rate_parts.indicator,
        case when count(measures.value) filter (where side = 'numerator') = max(wanted) filter (where side = 'numerator')
             then sum(measures.value * sign) filter (where side = 'numerator') end     as numerator,
        case when count(measures.value) filter (where side = 'denominator') = max(wanted) filter (where side = 'denominator')
             then sum(measures.value * sign) filter (where side = 'denominator') end   as denominator
    from rate_parts
    left join measures using (unit_key, measure)
    group by rate_parts.unit_key, rate_parts.indicator
),

computed as (
    select
        unit_rules.*,
        ratios.numerator,
        ratios.denominator,
        rates.rate,
        case
            when unit_rules.national then null
            when rates.rate is not null then
                case unit_rules.formula
                    when 'linear' then unit_rules.scale * rates.rate
                    when 'linear_threshold' then unit_rules.scale * least(1.0, rates.rate / unit_rules.threshold)
                    when 'capped' then least(unit_rules.cap, unit_rules.factor * rates.rate)
                end
            when unit_rules.no_dossiers_points is not null and unit_counts.dossiers = 0
                then unit_rules.no_dossiers_points
            when unit_rules.no_feedback_points is not null and $has_feedback and unit_counts.feedback = 0
                then unit_rules.no_feedback_points
        end as computed_points
    from unit_rules
    left join unit_counts using (unit_key)
    left join rates using (unit_key, indicator)
    left join ratios using (unit_key, indicator)
),

-- a figure published for the unit: an agency's carries its MaDonVi, an area's its MaDVHC
unit_published as (
    select units.unit_key, published.indicator, published.numerator, published.denominator, published.points
    from units
    inner join published
        on (units.published_agency is not null and published.agency_code = units.published_agency)
        or (units.published_agency is null and published.agency_code is null
            and published.unit_code = units.published_unit)
),

indicator_rows as (
    select
        computed.unit_key,
        computed.group_code,
        computed.indicator,
        computed.group_order,
        0 as row_order,
        computed.indicator_order,
        case when computed.computed_points is null and unit_published.points is not null
             then unit_published.numerator else computed.numerator end              as numerator,
        case when computed.computed_points is null and unit_published.points is not null
             then unit_published.denominator else computed.denominator end          as denominator,
        case when computed.computed_points is null and unit_published.points is not null
             then unit_published.numerator / nullif(unit_published.denominator, 0)
             else computed.rate end                                                 as rate,
        coalesce(computed.computed_points, unit_published.points)                   as points,
        computed.max_points,
        case when computed.computed_points is not null then 'computed'
             when unit_published.points is not null then 'published'
             else 'unavailable' end                                                 as source,
        unit_published.points                                                       as published_points
    from computed
    left join unit_published using (unit_key, indicator)
),

group_rows as (
    select
        indicator_rows.unit_key,
        indicator_rows.group_code,
        indicator_rows.group_code as indicator,
        indicator_rows.group_order,
        1 as row_order,
        0 as indicator_order,
        sum(indicator_rows.points)                                                  as points,
        sum(indicator_rows.max_points)                                              as max_points,
        coalesce(sum(indicator_rows.max_points) filter (where indicator_rows.points is not null), 0) as max_available
    from indicator_rows
    group by all
),

total_rows as (
    select
        unit_key,
        null::varchar as group_code,
        'total' as indicator,
        max(group_order) + 1 as group_order,
        2 as row_order,
        0 as indicator_order,
        sum(points)                                                                 as points,
        sum(max_points)                                                             as max_points,
        coalesce(sum(max_points) filter (where points is not null), 0)              as max_available
    from indicator_rows
    group by unit_key
),

-- units rank on points / max_available, 1 = best, ties share a rank; the ratio is rounded
-- to 9 decimals for the comparison only, so that sums in another order still tie
ranked_totals as (
    select
        total_rows.*,
        case when $rank and max_available > 0 then
            rank() over (
                partition by max_available > 0
                order by round(points / nullif(max_available, 0), 9) desc nulls last
            )
        end as rank
    from total_rows
),

summary_rows as (
    select group_rows.*, null::bigint as rank from group_rows
    union all by name
    select * from ranked_totals
),

summary_published as (
    select
        summary_rows.*,
        unit_published.points as published_points
    from summary_rows
    left join unit_published using (unit_key, indicator)
),

all_rows as (
    select
        unit_key, group_code, indicator, group_order, row_order, indicator_order,
        numerator, denominator, rate, points, max_points,
        case when points is not null then max_points else 0 end as max_available,
        source, published_points, null::bigint as rank
    from indicator_rows
    union all by name
    select
        unit_key, group_code, indicator, group_order, row_order, indicator_order,
        null::double as numerator, null::double as denominator, null::double as rate,
        points, max_points, max_available, null::varchar as source, published_points, rank
    from summary_published
),

final as (
    select
        units.unit_code,
        units.unit_name,
        units.level,
        all_rows.group_code as "group",
        all_rows.indicator,
        all_rows.numerator::double   as numerator,
        all_rows.denominator::double as denominator,
        all_rows.rate::double        as rate,
        all_rows.points::double      as points,
        all_rows.max_points::double  as max_points,
        all_rows.max_available::double as max_available,
        all_rows.source,
        all_rows.published_points::double as published_points,
        all_rows.rank
    from all_rows
    inner join units using (unit_key)
    order by units.unit_key, all_rows.group_order, all_rows.row_order, all_rows.indicator_order
)

select * from final
