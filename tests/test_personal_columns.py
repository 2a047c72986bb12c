"""The list of personal-data column names (ingest/personal.py), tested both ways:
every common header is found, whatever its spelling, and no contract column ever is."""

from __future__ import annotations

import pytest

from ingest.contract import TABULAR_KINDS
from ingest.personal import is_personal_data

PERSONAL_HEADERS = [
    # names
    "HoTen",
    "Họ và tên",
    "HO_TEN",
    "TenNguoiNop",
    "Tên người nộp",
    "HoTenNguoiNop",
    "NguoiNopHoSo",
    "ChuHoSo",
    "TenCongDan",
    "Ten",
    "FullName",
    "applicant_name",
    # phone numbers
    "SoDienThoai",
    "Số điện thoại",
    "SDT",
    "SĐT",
    "SDT_LienHe",
    "sdt2",
    "DienThoaiNguoiNop",
    "DiDong",
    "Phone",
    "mobile_number",
    "Tel",
    # identity documents
    "CMND",
    "CCCD",
    "SoCMND",
    "Số CCCD",
    "SoCCCD",
    "SoDinhDanh",
    "MaDinhDanh",
    "Mã định danh cá nhân",
    "SoGiayTo",
    "Số giấy tờ tùy thân",
    "SoHoChieu",
    "passport_no",
    "national_id",
    "SoCMT",
    "SoBHXH",
    # e-mail
    "Email",
    "E-mail",
    "ThuDienTu",
    "Thư điện tử",
    "email_lien_he",
    # addresses
    "DiaChi",
    "Địa chỉ",
    "DiaChiThuongTru",
    "NoiCuTru",
    "QueQuan",
    "address_line",
    # birth, sex, nationality
    "NgaySinh",
    "Ngày sinh",
    "NamSinh",
    "date_of_birth",
    "DOB",
    "GioiTinh",
    "Giới tính",
    "gender",
    "QuocTich",
    "DanToc",
]

# Every contract column of every kind (v1 and the v2 names of DESIGN §3), and extras seen in real exports.
NOT_PERSONAL = sorted(
    {c for kind in TABULAR_KINDS for c in kind.columns}
    | {
        "CoTaiSuDungDuLieuSoHoa",
        "DuocLayTuKhoDMQG",
        "TaiKhoanDuocXacThucVoiVNeID",
        "ThoiGianDanhGia",
        "MucDoHaiLong",
        "KenhDanhGia",
        "MaPAKN",
        "NgayXuLyXong",
        "TrangThaiPAKN",
        "PhanLoai",
        "SoThich",
        "SoKhongThich",
        "PhanAnhLai",
        "MaChiSo",
        "TuSo",
        "MauSo",
        "Diem",
        "TuNgay",
        "DenNgay",
        "Tên đơn vị",
        "Tên thủ tục",
        "Tên lĩnh vực",
        "Mã hồ sơ",
        "GhiChu",
        "NguonDongBo",
        "SoTrang",
        "ThoiHan",
    }
)


@pytest.mark.parametrize("header", PERSONAL_HEADERS)
def test_personal_header_is_recognised(header: str) -> None:
    assert is_personal_data(header)


@pytest.mark.parametrize("header", NOT_PERSONAL)
def test_contract_and_ordinary_columns_are_not_personal(header: str) -> None:
    assert not is_personal_data(header)
