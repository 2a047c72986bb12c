-- grain: one row per data row of an agencies file (temp view `mapped`), typed, with `_reason`
create or replace temp table validated as
with typed as (
    select
        _line,
        blank_to_null(MaDonVi)     as MaDonVi,
        blank_to_null(TenDonVi)    as TenDonVi,
        blank_to_null(Cap)         as level_text,
        case normalize_name(Cap)
            when 'tinh' then 'TINH' when 'huyen' then 'HUYEN' when 'xa' then 'XA'
        end                        as Cap,
        blank_to_null(MaDVHC)      as area_text,
        blank_to_null(MaDonViCha)  as MaDonViCha,
        _extra
    from mapped
),

padded as (
    select
        *,
        -- unit codes are zero-padded strings; exports written by spreadsheets lose the zeros
        case
            when area_text is null then null
            when not regexp_full_match(area_text, '[0-9]+') then null
            when Cap = 'TINH' then lpad(area_text, 2, '0')
            when Cap = 'HUYEN' then lpad(area_text, 3, '0')
            when Cap = 'XA' then lpad(area_text, 5, '0')
        end as MaDVHC
    from typed
),

checked as (
    select
        *,
        nullif(concat_ws('; ',
            case when MaDonVi is null then 'MaDonVi is empty' end,
            case when Cap is null then 'Cap ''' || coalesce(level_text, '') || ''' is not TINH, HUYEN or XA' end,
            case when area_text is not null and not regexp_full_match(area_text, '[0-9]+')
                 then 'MaDVHC ''' || area_text || ''' is not a unit code' end
        ), '') as _reason
    from padded
),

final as (
    select
        MaDonVi, TenDonVi, Cap, MaDVHC, MaDonViCha, _extra, _line,
        _reason
    from checked
)

select * from final
