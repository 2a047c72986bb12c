-- Raw layer: what the portal sent, one row per entity at its latest version, typed at
-- ingest (so that bad rows can be quarantined with a reason), in the contract's own
-- column names. Unknown extra columns are kept in `_extra` (JSON); personal data never.

create sequence if not exists ingest_file_seq;

create table if not exists ingest_files (
    file_id          integer primary key,
    source           varchar,          -- 'file' for `ingest load`, a source name for pulls
    original_name    varchar not null,
    sha256           varchar not null,
    kind             varchar,          -- agencies | procedures | dossiers | ratings | feedback | index766 | form06a
    archived_path    varchar,
    loaded_at        timestamp not null,
    rows_loaded      bigint not null,
    rows_quarantined bigint not null,
    notes            varchar
);

create table if not exists raw_agencies (
    MaDonVi     varchar not null,
    TenDonVi    varchar,
    Cap         varchar,
    MaDVHC      varchar,
    MaDonViCha  varchar,
    _extra      json,
    _file_id    integer,
    _line       bigint
);

create table if not exists raw_procedures (
    MaTTHC            varchar not null,
    TenTTHC           varchar,
    MaLinhVuc         varchar,
    TenLinhVuc        varchar,
    CapThucHien       varchar,
    MucDo             tinyint,
    YeuCauKetQuaGiay  tinyint,
    CoPhiLePhi        tinyint,
    _extra            json,
    _file_id          integer,
    _line             bigint
);

create table if not exists raw_dossiers (
    MaHoSo                  varchar not null,
    MaTTHC                  varchar,
    MaLinhVuc               varchar,
    TenLinhVuc              varchar,
    MaDonVi                 varchar,
    KenhThucHien            tinyint,
    TrangThaiHoSo           tinyint,
    NgayTiepNhan            timestamp,
    NgayHenTra              timestamp,
    NgayKetThucXuLy         timestamp,
    NgayTra                 timestamp,
    DuocThanhToanTrucTuyen  tinyint,
    HoSoCoThanhPhanSoHoa    tinyint,
    CoKetQuaDienTu          tinyint,
    SoLanBoSung             integer,
    _extra                  json,
    _file_id                integer,
    _line                   bigint
);

create table if not exists raw_form06a_reports (
    report_id        integer primary key,   -- the file_id it came from
    reporting_unit   varchar not null,      -- as written on the form
    receiving_unit   varchar,
    period_start     date not null,
    period_end       date not null,
    row_kind         varchar not null,      -- field | unit
    agency_code      varchar,               -- resolved reporting unit (agency), if any
    unit_code        varchar,               -- resolved administrative unit, if any
    resolution_note  varchar,               -- why it is unresolved / ambiguous
    total_mismatches varchar[]
);

create table if not exists raw_form06a_rows (
    report_id   integer not null,
    line        integer not null,
    label       varchar not null,
    agency_code varchar,            -- for a report by unit: the row's unit, resolved at ingest
    unit_code   varchar,
    c3 bigint, c4 bigint, c5 bigint, c6 bigint, c7 bigint, c8 bigint,
    c9 bigint, c10 bigint, c11 bigint, c12 bigint, c13 bigint,
    violations  varchar[]
);

create table if not exists quarantine (
    file_id   integer not null,
    kind      varchar,
    line      bigint,            -- line in the file (header = 1), or worksheet row
    reason    varchar not null,
    record    json               -- the row as received, personal data removed
);

create table if not exists ingest_runs (
    run_id      varchar primary key,
    source      varchar not null,
    started_at  timestamp not null,
    finished_at timestamp,
    status      varchar not null,   -- running | ok | failed
    rows        bigint,
    error       varchar
);
-- what a long cycle (the first backfill) has done so far, for the dashboard
alter table ingest_runs add column if not exists progress varchar;

create table if not exists watermarks (
    source     varchar not null,
    entity     varchar not null,
    value      varchar,
    primary key (source, entity)
);

-- Contract v2 (DESIGN §3). Optional columns of v1 kinds: NULL when the row's file lacked
-- the column (unknown, DESIGN §4), 0 for an empty cell of a file that has it.
alter table raw_procedures add column if not exists DuDieuKienToanTrinh tinyint;
alter table raw_dossiers add column if not exists CoTaiSuDungDuLieuSoHoa tinyint;
alter table raw_dossiers add column if not exists DuocLayTuKhoDMQG tinyint;
alter table raw_dossiers add column if not exists TaiKhoanDuocXacThucVoiVNeID tinyint;

-- one row per rated dossier: its latest rating (by ThoiGianDanhGia, then the later load);
-- a rating of a dossier not (yet) loaded is kept and counts once the dossier arrives
create table if not exists raw_ratings (
    MaHoSo           varchar not null,
    ThoiGianDanhGia  timestamp,
    MucDoHaiLong     tinyint,          -- 1 very satisfied, 2 satisfied, 3 unsatisfied
    KenhDanhGia      tinyint,          -- 1 DVCQG, 2 provincial portal, 3 kiosk/QR, 4 other
    _extra           json,
    _file_id         integer,
    _line            bigint
);

-- one row per PAKN (feedback), its latest version; no content, no identity (dropped at ingest)
create table if not exists raw_feedback (
    MaPAKN         varchar not null,
    MaDonVi        varchar,
    NgayTiepNhan   timestamp,
    NgayXuLyXong   timestamp,
    TrangThaiPAKN  tinyint,            -- 1 waiting ... 4 refused (not within competence), 5 handled, 6 published
    PhanLoai       tinyint,            -- 1 procedure rules, 2 staff behaviour, 3 other
    MaHoSo         varchar,
    SoThich        integer,
    SoKhongThich   integer,
    PhanAnhLai     tinyint,
    _extra         json,               -- always NULL: a feedback export's other columns are never kept
    _file_id       integer,
    _line          bigint
);

-- the national portal's published Decision 766 figures: one row per unit, period and
-- indicator (key: MaDonVi or MaDVHC, TuNgay, DenNgay, MaChiSo; the later load wins)
create table if not exists raw_index766 (
    MaDonVi   varchar,
    MaDVHC    varchar,
    TuNgay    date not null,
    DenNgay   date not null,
    MaChiSo   varchar not null,
    TuSo      double,
    MauSo     double,
    Diem      double not null,
    _extra    json,
    _file_id  integer,
    _line     bigint
);
