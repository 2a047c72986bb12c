-- grain: one row per data row of a loaded form 06a: aggregate facts for one unit (and,
-- in a report by field, one field) over the report's period.
-- `covered_by_dossiers` marks a unit and period that dossier-level data already covers:
-- such a row never counts, so nothing is counted twice.
with rows as (
    select * from stg_form06a_rows
),

agencies as (
    select * from dim_agencies
),

fields as (
    select * from dim_fields
),

units as (
    select * from stg_admin_units
),

membership as (
    select * from dim_unit_membership
),

dossiers as (
    select agency_id, received_date from fct_dossiers
),

subjects as (
    select
        rows.*,
        coalesce(rows.row_agency_code, rows.report_agency_code) as agency_code,
        coalesce(rows.row_unit_code, rows.report_unit_code)     as area_code
    from rows
),

with_agency as (
    select
        subjects.*,
        agencies.agency_id,
        coalesce(subjects.area_code, agencies.unit_code) as unit_code,
        agencies.agency_level,
        agencies.unit_name as agency_unit_name
    from subjects
    left join agencies on agencies.agency_code = subjects.agency_code
),

with_unit as (
    select
        with_agency.*,
        coalesce(with_agency.agency_level, units.unit_level) as level,
        coalesce(units.unit_name, with_agency.agency_unit_name, with_agency.reporting_unit) as unit_name
    from with_agency
    left join units
        on units.unit_code = with_agency.unit_code
        and with_agency.period_end between units.valid_from and units.valid_to
),

with_field as (
    select
        with_unit.*,
        (select min(field_id) from fields where fields.field_name_key = normalize_name(with_unit.label))
            as matched_field_id
    from with_unit
),

final as (
    select
        report_id,
        line,
        agency_id,
        unit_code,
        unit_name,
        level,
        case when row_kind = 'field' then matched_field_id end as field_id,
        period_start,
        period_end,
        received, received_online, received_direct, carried_over,
        resolved, resolved_early, resolved_on_time, resolved_late,
        pending, pending_within_due, pending_overdue,
        coalesce(len(violations), 0) > 0 as breaks_identity,
        case
            when agency_id is not null then exists (
                select 1 from dossiers
                where dossiers.agency_id = with_field.agency_id
                  and dossiers.received_date between with_field.period_start and with_field.period_end
            )
            else exists (
                select 1 from dossiers
                inner join membership on membership.agency_id = dossiers.agency_id
                where membership.ancestor_code = with_field.unit_code
                  and dossiers.received_date between membership.valid_from and membership.valid_to
                  and dossiers.received_date between with_field.period_start and with_field.period_end
            )
        end as covered_by_dossiers
    from with_field
)

select * from final
