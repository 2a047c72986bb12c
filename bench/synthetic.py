"""Synthetic portal exports for Thái Nguyên (pre-2025 units): agencies, procedures, dossiers.

Generated inside DuckDB from a hash of the row number, so N = 10 million takes seconds,
the output is the same on every run, and it does not depend on thread scheduling.
Not the demo portal (that serves realistic, calibrated history over HTTP); this is bulk
data in the contract's CSV form for the benchmark and for a first look at the app.

    python -m bench.synthetic OUT_DIR [--dossiers N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from warehouse.writer import ADMIN_UNITS_CSV

PROVINCE = "19"
FIELDS = (
    ("HT", "Hộ tịch"),
    ("CT", "Chứng thực"),
    ("DD", "Đất đai"),
    ("XD", "Xây dựng"),
    ("KD", "Đăng ký kinh doanh"),
    ("LDTBXH", "Lao động - Thương binh và Xã hội"),
    ("GD", "Giáo dục và Đào tạo"),
    ("YT", "Y tế"),
    ("TP", "Tư pháp"),
    ("NN", "Nông nghiệp"),
    ("GT", "Giao thông vận tải"),
    ("TNMT", "Tài nguyên và Môi trường"),
    ("VH", "Văn hóa"),
    ("CT2", "Công thương"),
    ("NV", "Nội vụ"),
    ("TC", "Tài chính"),
)


def generate(out: Path, dossiers: int) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = false")
    con.execute(
        "create table units as select * from read_csv(?, all_varchar = true) where valid_to = '2025-06-30'",
        [str(ADMIN_UNITS_CSV)],
    )
    con.execute(
        """
        create table agencies as
        select 'STP' || lpad(i::varchar, 2, '0') as MaDonVi, 'Sở ngành ' || i as TenDonVi, 'TINH' as Cap,
               ? as MaDVHC, null as MaDonViCha, 1 as weight
        from range(1, 21) t(i)
        union all
        select 'H' || code, 'UBND ' || lower(name[1]) || name[2:], 'HUYEN', code, null, 3
        from units where level = 'district' and province_code = ?
        union all
        select 'X' || code, 'UBND ' || lower(name[1]) || name[2:], 'XA', code, 'H' || parent_code, 1
        from units where level = 'commune' and province_code = ?
        """,
        [PROVINCE, PROVINCE, PROVINCE],
    )
    con.execute(
        """
        create table fields as select * from (values {}) t(code, name)
        """.format(", ".join(f"('{c}', '{n}')" for c, n in FIELDS))
    )
    con.execute(
        """
        create table procedures as
        select '1.' || lpad(i::varchar, 6, '0') as MaTTHC,
               'Thủ tục ' || i as TenTTHC,
               f.code as MaLinhVuc, f.name as TenLinhVuc,
               -- every seventh procedure is carried out at two levels (codes or names, as portals write them)
               case when i % 7 = 0 then 'Cấp Huyện; Cấp Xã'
                    else case i % 3 when 0 then 'XA' when 1 then 'HUYEN' else 'TINH' end end as CapThucHien,
               (2 + hash(i, 'level') % 3)::int as MucDo,
               (hash(i, 'paper') % 2)::int as YeuCauKetQuaGiay,
               (hash(i, 'fee') % 3 = 0)::int as CoPhiLePhi,
               (MucDo = 4 or hash(i, 'eligible') % 4 = 0)::int as DuDieuKienToanTrinh
        from range(1, 401) t(i)
        join (select row_number() over () - 1 as k, * from fields) f on f.k = i % (select count(*) from fields)
        """
    )
    paths = {name: out / f"{name}.csv" for name in ("agencies", "procedures", "dossiers")}
    con.execute(f"copy (select * exclude (weight) from agencies) to '{paths['agencies']}' (header)")
    con.execute(f"copy procedures to '{paths['procedures']}' (header)")
    con.execute(
        f"""
        copy (
            with lists as (
                select (select list(MaDonVi) from agencies, range(weight)) as agency_codes,
                       (select list(MaTTHC order by MaTTHC) from procedures) as procedure_codes,
                       (select list(MaLinhVuc order by MaTTHC) from procedures) as field_codes,
                       (select list(TenLinhVuc order by MaTTHC) from procedures) as field_names
            ),
            draws as (
                select
                    i,
                    ((hash(i, 'a') % len(agency_codes)) + 1)::bigint as agency_pick,
                    -- a few procedures carry most dossiers, as in every province
                    (floor(pow((hash(i, 'p') % 1000000) / 1e6, 3) * len(procedure_codes)))::bigint + 1 as procedure_pick,
                    timestamp '2023-01-01 07:30:00'
                        + to_days((hash(i, 'd') % 1420)::int)
                        + to_minutes((hash(i, 'm') % 600)::int) as received,
                    (3 + hash(i, 'sla') % 15)::int as sla_days,
                    (hash(i, 'dur') % 1000) / 1000.0 as duration_draw,
                    hash(i, 'c') % 100 as channel_draw,
                    hash(i, 's') % 100 as status_draw,
                    agency_codes, procedure_codes, field_codes, field_names
                from range({dossiers}) t(i), lists
            )
            select
                'HS' || lpad(i::varchar, 10, '0')                         as MaHoSo,
                procedure_codes[procedure_pick]                            as MaTTHC,
                field_codes[procedure_pick]                                as MaLinhVuc,
                field_names[procedure_pick]                                as TenLinhVuc,
                agency_codes[agency_pick]                                  as MaDonVi,
                case when channel_draw < 60 then '2' when channel_draw < 95 then '1'
                     when channel_draw < 98 then '3' else '' end           as KenhThucHien,
                case when status_draw < 2 then '3' when status_draw < 3 then '1'
                     when finished is null then '4' else '10' end          as TrangThaiHoSo,
                strftime(received, '%Y%m%d%H%M%S')                         as NgayTiepNhan,
                strftime(received + to_days(sla_days), '%Y%m%d%H%M%S')     as NgayHenTra,
                strftime(finished, '%Y%m%d%H%M%S')                         as NgayKetThucXuLy,
                strftime(finished + interval 1 day, '%Y%m%d%H%M%S')        as NgayTra,
                (hash(i, 'pay') % 3)::int                                  as DuocThanhToanTrucTuyen,
                (hash(i, 'dig') % 10 < 7)::int                             as HoSoCoThanhPhanSoHoa,
                (hash(i, 'ekq') % 10 < 6)::int                             as CoKetQuaDienTu,
                case when hash(i, 'bs') % 50 = 0 then 2 else 0 end         as SoLanBoSung
            from (
                select *,
                    case when duration_draw < 0.97
                         then received + to_minutes((duration_draw * sla_days * 1.15 * 1440)::int)
                    end as finished
                from draws
            )
            where finished is null or finished < timestamp '2026-11-20 17:00:00'
        ) to '{paths["dossiers"]}' (header)
        """
    )
    con.close()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    paths = generate(args.out, args.dossiers)
    print(f"wrote {', '.join(str(p) for p in paths.values())} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
