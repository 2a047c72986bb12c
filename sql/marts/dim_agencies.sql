-- grain: one row per agency, whether sent in the agencies export or only named by dossiers
-- The agency's area code (MaDVHC) is named here in the unit registry version most of its
-- dossiers were received in: codes were re-used by the 2025 reform (05809 means Cù Vân
-- before 1 July 2025), and a stray dossier dated after it must not rename years of
-- history. This is only the agency's label; what counts where is dim_unit_membership,
-- by each dossier's date.
with agencies as (
    select * from stg_agencies
),

dossier_agencies as (
    select
        agency_code,
        count_if(received_date <= date '2025-06-30') as dossiers_before_reform,
        count_if(received_date > date '2025-06-30')  as dossiers_after_reform
    from stg_dossiers
    group by agency_code
),

units as (
    select * from stg_admin_units
),

all_agencies as (
    select
        coalesce(agencies.agency_code, dossier_agencies.agency_code) as agency_code,
        agencies.agency_name,
        agencies.agency_level,
        agencies.unit_code,
        agencies.parent_agency_code,
        coalesce(dossier_agencies.dossiers_before_reform, 0) as dossiers_before_reform,
        coalesce(dossier_agencies.dossiers_after_reform, 0)  as dossiers_after_reform,
        agencies.agency_code is not null as is_known_agency
    from agencies
    full outer join dossier_agencies on agencies.agency_code = dossier_agencies.agency_code
),

unit_versions as (
    select
        all_agencies.*,
        exists (select 1 from units where units.unit_code = all_agencies.unit_code and unit_version = 'pre2025')  as in_pre,
        exists (select 1 from units where units.unit_code = all_agencies.unit_code and unit_version = 'post2025') as in_post
    from all_agencies
),

versioned as (
    select
        * exclude (in_pre, in_post),
        case
            when in_pre and in_post
                then case when dossiers_after_reform > dossiers_before_reform then 'post2025' else 'pre2025' end
            when in_pre then 'pre2025'
            when in_post then 'post2025'
        end as unit_version
    from unit_versions
),

final as (
    select
        -- a hash of the code, not a row number: ids must not move when agencies are added,
        -- because the writer keeps the facts that carry them materialised between cycles
        stable_id(versioned.agency_code)                          as agency_id,
        versioned.agency_code,
        coalesce(versioned.agency_name, versioned.agency_code)    as agency_name,
        versioned.agency_level,
        versioned.unit_code,
        coalesce(units.unit_name, versioned.agency_name, versioned.agency_code) as unit_name,
        coalesce(units.unit_level, versioned.agency_level)        as unit_level,
        versioned.unit_version,
        units.province_code,
        versioned.parent_agency_code,
        versioned.is_known_agency,
        versioned.dossiers_before_reform,
        versioned.dossiers_after_reform,
        units.unit_code is not null                               as is_unit_resolved
    from versioned
    left join units
        on units.unit_code = versioned.unit_code
        and units.unit_version = versioned.unit_version
)

select * from final
