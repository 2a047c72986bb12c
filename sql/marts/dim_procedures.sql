-- grain: one row per procedure, whether sent in the procedures export or only named by dossiers
with procedures as (
    select * from stg_procedures
),

dossier_procedures as (
    select distinct procedure_code from stg_dossiers where procedure_code is not null
),

all_procedures as (
    select
        coalesce(procedures.procedure_code, dossier_procedures.procedure_code) as procedure_code,
        procedures.procedure_name,
        procedures.field_code,
        procedures.field_name,
        procedures.online_level,
        procedures.paper_result_required,
        procedures.has_fees,
        procedures.procedure_code is not null as is_known_procedure
    from procedures
    full outer join dossier_procedures on procedures.procedure_code = dossier_procedures.procedure_code
),

final as (
    select
        stable_id(procedure_code) as procedure_id,
        procedure_code,
        coalesce(procedure_name, procedure_code) as procedure_name,
        field_code,
        field_name,
        online_level,
        paper_result_required,
        has_fees,
        is_known_procedure
    from all_procedures
)

select * from final
