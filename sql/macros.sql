-- Helpers shared by the views. Temporary: created on every writer connection.

-- normalize_name(s), the diacritics-, case-, punctuation- and spacing-insensitive form of a
-- Vietnamese name ("Tư pháp - Hộ tịch" -> "tu phap ho tich"), is not defined here: it is the
-- Python `warehouse.units.normalize_name`, registered on the writer's connection before
-- this file runs (`warehouse.units.register_sql_functions`), so both say the rule once.

-- A portal timestamp as local (Asia/Ho_Chi_Minh) wall-clock time: yyyyMMddHHmmss, ISO 8601
-- (an offset is converted, none means local), or dd/mm/yyyy as Excel users type it.
-- NULL when the text is no real date (31/02/2023).
create or replace temp macro parse_local_ts(s) as coalesce(
    try_strptime(s, '%Y%m%d%H%M%S'),   -- the portal's own form: the fast path
    try_strptime(trim(s), ['%Y%m%d%H%M%S', '%Y%m%d']),
    try_strptime(trim(s), ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']),
    timezone('Asia/Ho_Chi_Minh', try_cast(trim(s) as timestamptz))
);

-- An integer written as text, "2" or "2.0" (spreadsheets), else NULL. Never raises: a
-- number beyond 64 bits ("99999999999999999999", "1e400") is no integer here either, so
-- its row is quarantined with a reason instead of failing the whole file.
create or replace temp macro parse_int(s) as coalesce(
    try_cast(s as bigint),
    case when try_cast(trim(s) as double) % 1 = 0 then try_cast(try_cast(trim(s) as double) as bigint) end
);

-- Empty text is no value.
create or replace temp macro blank_to_null(s) as nullif(trim(s), '');

-- A surrogate key that depends only on the natural key, so it stays put when rows are
-- added: the writer keeps facts carrying these ids materialised from one cycle to the next.
create or replace temp macro stable_id(natural_key) as (hash(natural_key) >> 1)::bigint;
