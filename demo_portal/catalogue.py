"""Agencies and procedures of the demo portal (Thái Nguyên, with Bắc Kạn until the reform).

Agencies are built from the official unit registry (`warehouse/reference/admin_units.csv`)
rather than typed in, so the demo names exactly the districts and communes the warehouse
knows. Until 30 June 2025: the departments of both provinces, one agency per district and
one per commune. From 1 July 2025 Bắc Kạn is part of Thái Nguyên, there are no districts:
Thái Nguyên's departments carry on under the same code, Bắc Kạn's close, and each new
commune or ward gets an agency of its own.

Agency codes follow the national portal's pattern `L4.L3.L2.L1` (e.g. `000.00.12.H56`):
L1 the province (H56 Thái Nguyên, H04 Bắc Kạn: portal-like, not an official table),
L2 a department (01–18) or a district (21–29), L3 a commune inside that district.
Post-reform communes have no district to number them under, so they sit in the blocks
L2 = 50 and 51; a pre-reform and a post-reform commune therefore never share a code,
even where the registry re-used the commune's own code (05809 Cù Vân → An Khánh).

Procedures: about 200 province-level, 120 district-level and 90 commune-level ones in
34 fields, with the real names of the common ones and template names for the rest.
`MucDo` is a string ('2', '3', '4'), like every other contract column here. Exactly 163
of the district- and commune-level procedures are fully online (`MucDo` '4'), whatever
the seed: the count is allocated, not drawn. The seed only moves codes, deadlines and
attributes of the template procedures around.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_SEED = 2023

ADMIN_UNITS_CSV = Path(__file__).resolve().parent.parent / "warehouse" / "reference" / "admin_units.csv"
COMMUNE_CONVERSION_CSV = ADMIN_UNITS_CSV.with_name("commune_conversion_2025.csv")

THAI_NGUYEN = "19"
BAC_KAN = "06"
PRE_REFORM_END = "2025-06-30"
POST_REFORM_START = "2025-07-01"

AGENCY_COLUMNS = ("MaDonVi", "TenDonVi", "Cap", "MaDVHC", "MaDonViCha")
PROCEDURE_COLUMNS = (
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "CapThucHien",
    "MucDo",
    "YeuCauKetQuaGiay",
    "CoPhiLePhi",
    "DuDieuKienToanTrinh",
)
LEVELS = ("TINH", "HUYEN", "XA")
FULLY_ONLINE_LOCAL_PROCEDURES = 163  # DESIGN §6: "Đại Từ offers 163 procedures fully online"
# Contract v2: eligible to be offered fully online (national TTHC database). Most fully online
# procedures are, some partly online ones are too (not yet offered so: the 766 gap to close).
ELIGIBLE_FULL_SHARE = {4: 0.95, 3: 0.2, 2: 0.0}
ELIGIBILITY_STREAM = 12  # its own random stream: the v1 columns' draws stay as they were

_PROVINCE_CODES = {THAI_NGUYEN: "H56", BAC_KAN: "H04"}
_PROVINCE_NAMES = {THAI_NGUYEN: "Thái Nguyên", BAC_KAN: "Bắc Kạn"}
_DISTRICT_L2_START = 21
_POST_REFORM_L2_START = 50
_POST_REFORM_BLOCK = 50


# ---------------------------------------------------------------------------------------
# Departments (province level). Keys tie them to the fields they handle.


@dataclass(frozen=True)
class Department:
    key: str
    name: str
    in_bac_kan: bool


DEPARTMENTS: tuple[Department, ...] = (
    Department("TP", "Sở Tư pháp", True),
    Department("KHDT", "Sở Kế hoạch và Đầu tư", True),
    Department("TNMT", "Sở Tài nguyên và Môi trường", True),
    Department("SXD", "Sở Xây dựng", True),
    Department("GTVT", "Sở Giao thông vận tải", True),
    Department("LDTBXH", "Sở Lao động - Thương binh và Xã hội", True),
    Department("GDDT", "Sở Giáo dục và Đào tạo", False),
    Department("SYT", "Sở Y tế", True),
    Department("NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", True),
    Department("VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", False),
    Department("SCT", "Sở Công Thương", True),
    Department("STC", "Sở Tài chính", False),
    Department("SNV", "Sở Nội vụ", False),
    Department("TTTT", "Sở Thông tin và Truyền thông", False),
    Department("KHCN", "Sở Khoa học và Công nghệ", False),
    Department("BDT", "Ban Dân tộc", False),
    Department("TTR", "Thanh tra tỉnh", False),
    # Receives on behalf of every department, so it handles every province-level field.
    Department("PVHCC", "Trung tâm Phục vụ hành chính công", True),
)
ONE_STOP_CENTRE = "PVHCC"


# ---------------------------------------------------------------------------------------
# Fields (lĩnh vực). Per level: number of procedures, share of that level's dossiers, and
# the range of legal processing times (working days).


@dataclass(frozen=True)
class LevelPlan:
    procedures: int
    volume_share: float
    days: tuple[int, int]


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    department: str
    online_affinity: float  # how readily citizens file this field online (0..1)
    fee_share: float  # share of its procedures that carry fees or charges
    levels: dict[str, LevelPlan]
    objects: tuple[str, ...] = ()  # what template names are made of: "<verb> <object>"


def _plan(t: tuple | None = None, h: tuple | None = None, x: tuple | None = None) -> dict[str, LevelPlan]:
    plans = {}
    for level, spec in zip(LEVELS, (t, h, x)):
        if spec:
            count, share, lo, hi = spec
            plans[level] = LevelPlan(count, share, (lo, hi))
    return plans


FIELDS: tuple[Field, ...] = (
    Field(
        "HT",
        "Hộ tịch",
        "TP",
        0.92,
        0.5,
        _plan(None, (13, 0.07, 5, 15), (24, 0.36, 1, 5)),
        ("trích lục hộ tịch", "giấy xác nhận tình trạng hôn nhân"),
    ),
    Field("CT", "Chứng thực", "TP", 0.85, 1.0, _plan(None, (8, 0.08, 1, 2), (11, 0.40, 1, 2))),
    Field(
        "CC",
        "Công chứng",
        "TP",
        0.5,
        1.0,
        _plan((3, 0.01, 10, 20)),
        ("Thẻ công chứng viên", "giấy đăng ký hoạt động Văn phòng công chứng"),
    ),
    Field("LLTP", "Lý lịch tư pháp", "TP", 0.8, 1.0, _plan((3, 0.10, 10, 15)), ("Phiếu lý lịch tư pháp",)),
    Field("QT", "Quốc tịch", "TP", 0.3, 1.0, _plan((4, 0.01, 20, 40)), ("giấy xác nhận có quốc tịch Việt Nam",)),
    Field(
        "DD",
        "Đất đai",
        "TNMT",
        0.1,
        0.9,
        _plan((14, 0.10, 10, 30), (14, 0.42, 15, 30), (4, 0.04, 10, 45)),
        (
            "Giấy chứng nhận quyền sử dụng đất",
            "quyết định giao đất, cho thuê đất",
            "trích lục bản đồ địa chính",
            "quyết định chuyển mục đích sử dụng đất",
        ),
    ),
    Field(
        "TNN",
        "Tài nguyên nước",
        "TNMT",
        0.4,
        1.0,
        _plan((6, 0.01, 20, 45)),
        (
            "giấy phép khai thác, sử dụng nước mặt",
            "giấy phép khai thác, sử dụng nước dưới đất",
            "giấy phép xả nước thải vào nguồn nước",
            "giấy phép thăm dò nước dưới đất",
        ),
    ),
    Field(
        "MT",
        "Môi trường",
        "TNMT",
        0.4,
        0.7,
        _plan((8, 0.02, 15, 45), (4, 0.01, 10, 20), (1, 0.002, 5, 10)),
        (
            "giấy phép môi trường",
            "giấy xác nhận đăng ký môi trường",
            "giấy phép xử lý chất thải nguy hại",
            "quyết định phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường",
        ),
    ),
    Field(
        "KS",
        "Địa chất và khoáng sản",
        "TNMT",
        0.3,
        1.0,
        _plan((6, 0.005, 30, 90)),
        ("giấy phép thăm dò khoáng sản", "giấy phép khai thác khoáng sản", "giấy phép khai thác tận thu khoáng sản"),
    ),
    Field(
        "XD",
        "Xây dựng",
        "SXD",
        0.1,
        0.9,
        _plan((12, 0.05, 15, 30), (8, 0.07, 15, 20)),
        (
            "giấy phép xây dựng công trình",
            "chứng chỉ hành nghề hoạt động xây dựng",
            "chứng chỉ năng lực hoạt động xây dựng",
            "chứng chỉ hành nghề môi giới bất động sản",
        ),
    ),
    Field("HKD", "Thành lập và hoạt động của hộ kinh doanh", "KHDT", 0.6, 1.0, _plan(None, (6, 0.12, 3, 3))),
    Field(
        "DN",
        "Thành lập và hoạt động doanh nghiệp",
        "KHDT",
        0.9,
        1.0,
        _plan((12, 0.12, 3, 5)),
        ("Giấy chứng nhận đăng ký doanh nghiệp",),
    ),
    Field("DT", "Đầu tư tại Việt Nam", "KHDT", 0.6, 0.3, _plan((8, 0.02, 15, 35)), ("Giấy chứng nhận đăng ký đầu tư",)),
    Field(
        "HTX",
        "Thành lập và hoạt động của hợp tác xã",
        "KHDT",
        0.5,
        1.0,
        _plan((2, 0.002, 3, 5), (6, 0.01, 3, 5)),
        ("Giấy chứng nhận đăng ký hợp tác xã",),
    ),
    Field(
        "BTXH",
        "Bảo trợ xã hội",
        "LDTBXH",
        0.6,
        0.0,
        _plan((4, 0.01, 10, 25), (6, 0.05, 10, 25), (10, 0.06, 7, 20)),
        ("giấy phép hoạt động cơ sở trợ giúp xã hội", "giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội"),
    ),
    Field(
        "NCC",
        "Người có công",
        "LDTBXH",
        0.5,
        0.0,
        _plan((8, 0.02, 12, 40), (5, 0.03, 12, 30), (8, 0.03, 5, 20)),
        (
            "giấy chứng nhận người có công với cách mạng",
            "quyết định trợ cấp ưu đãi người có công",
            "Bằng Tổ quốc ghi công",
        ),
    ),
    Field(
        "LD",
        "Lao động",
        "LDTBXH",
        0.7,
        0.6,
        _plan((8, 0.05, 5, 15), (2, 0.01, 5, 15)),
        ("giấy phép lao động cho người lao động nước ngoài", "giấy phép hoạt động cho thuê lại lao động"),
    ),
    Field(
        "GDNN",
        "Giáo dục nghề nghiệp",
        "LDTBXH",
        0.6,
        0.5,
        _plan((6, 0.01, 10, 20)),
        (
            "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
            "quyết định thành lập trung tâm giáo dục nghề nghiệp",
        ),
    ),
    Field(
        "GD",
        "Giáo dục và Đào tạo",
        "GDDT",
        0.7,
        0.2,
        _plan((10, 0.04, 5, 20), (10, 0.04, 5, 20), (4, 0.01, 5, 15)),
        (
            "giấy phép hoạt động giáo dục",
            "quyết định cho phép thành lập trường",
            "bản sao văn bằng, chứng chỉ từ sổ gốc",
        ),
    ),
    Field(
        "YT",
        "Y tế",
        "SYT",
        0.6,
        0.9,
        _plan((10, 0.07, 10, 30), (2, 0.005, 10, 20), (2, 0.005, 5, 10)),
        (
            "giấy phép hoạt động khám bệnh, chữa bệnh",
            "chứng chỉ hành nghề khám bệnh, chữa bệnh",
            "chứng chỉ hành nghề dược",
            "Giấy chứng nhận đủ điều kiện kinh doanh dược",
        ),
    ),
    Field(
        "GTVT",
        "Giao thông vận tải",
        "GTVT",
        0.75,
        0.9,
        _plan((12, 0.25, 3, 10), (4, 0.01, 5, 10)),
        (
            "giấy phép lái xe",
            "giấy phép kinh doanh vận tải bằng xe ô tô",
            "giấy chứng nhận đăng ký phương tiện thủy nội địa",
            "giấy phép thi công công trình trên đường bộ",
        ),
    ),
    Field(
        "NN",
        "Nông nghiệp",
        "NNPTNT",
        0.5,
        0.6,
        _plan((8, 0.04, 5, 20), (5, 0.01, 5, 15), (4, 0.02, 5, 10)),
        (
            "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản",
            "chứng chỉ hành nghề thú y",
            "giấy chứng nhận kiểm dịch động vật",
            "giấy phép buôn bán thuốc bảo vệ thực vật",
        ),
    ),
    Field(
        "LN",
        "Lâm nghiệp",
        "NNPTNT",
        0.4,
        0.3,
        _plan((5, 0.005, 10, 20), (2, 0.005, 10, 20), (3, 0.005, 5, 10)),
        ("quyết định giao rừng, cho thuê rừng", "giấy phép khai thác lâm sản", "quyết định chuyển loại rừng"),
    ),
    Field(
        "TL",
        "Thủy lợi",
        "NNPTNT",
        0.4,
        0.3,
        _plan((3, 0.005, 10, 20), (2, 0.005, 10, 20), (2, 0.005, 5, 10)),
        (
            "giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
            "giấy phép xả nước thải vào công trình thủy lợi",
        ),
    ),
    Field(
        "VH",
        "Văn hóa",
        "VHTTDL",
        0.6,
        0.6,
        _plan((6, 0.01, 5, 15), (5, 0.01, 5, 15), (3, 0.015, 3, 10)),
        (
            "giấy phép tổ chức lễ hội",
            "giấy phép kinh doanh dịch vụ karaoke",
            "giấy phép tổ chức biểu diễn nghệ thuật",
            "giấy phép triển lãm mỹ thuật",
        ),
    ),
    Field(
        "DL",
        "Du lịch",
        "VHTTDL",
        0.7,
        1.0,
        _plan((5, 0.01, 10, 15)),
        (
            "giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "thẻ hướng dẫn viên du lịch",
            "quyết định công nhận cơ sở lưu trú du lịch",
        ),
    ),
    Field(
        "TDTT",
        "Thể dục thể thao",
        "VHTTDL",
        0.6,
        0.5,
        _plan((3, 0.005, 7, 15), (1, 0.002, 7, 15), (1, 0.003, 5, 10)),
        ("giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",),
    ),
    Field(
        "CTH",
        "Lưu thông hàng hóa trong nước",
        "SCT",
        0.7,
        1.0,
        _plan((6, 0.03, 7, 15), (4, 0.02, 7, 15)),
        (
            "giấy phép bán lẻ sản phẩm thuốc lá",
            "giấy phép bán lẻ rượu",
            "giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
            "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
        ),
    ),
    Field(
        "ATTP",
        "An toàn thực phẩm",
        "SCT",
        0.6,
        1.0,
        _plan((4, 0.02, 10, 20), (2, 0.01, 10, 20), (1, 0.003, 5, 10)),
        ("giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",),
    ),
    Field(
        "TC",
        "Quản lý công sản",
        "STC",
        0.5,
        0.3,
        _plan((4, 0.01, 15, 30), (2, 0.005, 15, 30)),
        ("quyết định giao, điều chuyển tài sản công", "quyết định thanh lý tài sản công"),
    ),
    Field(
        "NV", "Thi đua - Khen thưởng", "SNV", 0.4, 0.0, _plan((4, 0.01, 20, 30), (3, 0.01, 15, 20), (3, 0.01, 10, 15))
    ),
    Field(
        "TG", "Tín ngưỡng, tôn giáo", "SNV", 0.3, 0.0, _plan((4, 0.005, 20, 45), (3, 0.005, 15, 30), (4, 0.005, 10, 20))
    ),
    Field(
        "TTTT",
        "Xuất bản, In và Phát hành",
        "TTTT",
        0.8,
        0.5,
        _plan((5, 0.005, 7, 15)),
        ("giấy phép hoạt động in", "giấy phép xuất bản tài liệu không kinh doanh", "giấy phép nhập khẩu xuất bản phẩm"),
    ),
    Field(
        "KHCN",
        "Hoạt động khoa học và công nghệ",
        "KHCN",
        0.7,
        0.5,
        _plan((4, 0.005, 10, 20)),
        ("giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", "giấy phép tiến hành công việc bức xạ"),
    ),
    Field(
        "DTOC", "Công tác dân tộc", "BDT", 0.3, 0.0, _plan((1, 0.002, 10, 20), (1, 0.003, 10, 20), (2, 0.005, 5, 10))
    ),
    Field(
        "KNTC",
        "Giải quyết khiếu nại, tố cáo",
        "TTR",
        0.2,
        0.0,
        _plan((2, 0.005, 30, 45), (2, 0.01, 30, 45), (3, 0.01, 30, 45)),
    ),
)

_VERBS = ("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Cấp đổi", "Thu hồi")

# Real procedure names, most common first (the order sets how popular each one is).
REAL_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("HT", "XA"): (
        "Đăng ký khai sinh",
        "Cấp bản sao Trích lục hộ tịch",
        "Đăng ký kết hôn",
        "Đăng ký khai tử",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, trợ cấp mai táng phí",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Đăng ký nhận cha, mẹ, con",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
        "Đăng ký lại kết hôn",
        "Đăng ký lại khai tử",
        "Đăng ký giám hộ",
        "Đăng ký chấm dứt giám hộ",
        "Đăng ký khai sinh lưu động",
        "Đăng ký kết hôn lưu động",
        "Đăng ký khai tử lưu động",
        "Đăng ký khai sinh có yếu tố nước ngoài tại khu vực biên giới",
        "Đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới",
        "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài tại khu vực biên giới",
        "Đăng ký khai tử có yếu tố nước ngoài tại khu vực biên giới",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch cho người từ đủ 14 tuổi trở lên",
    ),
    ("HT", "HUYEN"): (
        "Đăng ký thay đổi, cải chính, bổ sung hộ tịch, xác định lại dân tộc",
        "Đăng ký kết hôn có yếu tố nước ngoài",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Ghi vào Sổ hộ tịch việc hộ tịch của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
        "Đăng ký khai tử có yếu tố nước ngoài",
        "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
        "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
        "Ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
        "Đăng ký giám hộ có yếu tố nước ngoài",
        "Đăng ký chấm dứt giám hộ có yếu tố nước ngoài",
        "Đăng ký lại khai sinh có yếu tố nước ngoài",
        "Đăng ký lại kết hôn có yếu tố nước ngoài",
        "Đăng ký lại khai tử có yếu tố nước ngoài",
    ),
    ("CT", "XA"): (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở",
        "Chứng thực văn bản khai nhận di sản mà di sản là động sản, quyền sử dụng đất, nhà ở",
        "Chứng thực di chúc",
        "Chứng thực văn bản từ chối nhận di sản",
        "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        "Sửa lỗi sai sót trong hợp đồng, giao dịch",
        "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
        "Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật",
    ),
    ("CT", "HUYEN"): (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận",
        "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật của Phòng Tư pháp",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản",
        "Chứng thực văn bản khai nhận di sản mà di sản là động sản",
        "Chứng thực chữ ký trong các giấy tờ, văn bản bằng tiếng nước ngoài",
        "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực tại Phòng Tư pháp",
        "Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực tại Phòng Tư pháp",
    ),
    ("LLTP", "TINH"): (
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
        "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội",
    ),
    ("QT", "TINH"): (
        "Thôi quốc tịch Việt Nam ở trong nước",
        "Nhập quốc tịch Việt Nam",
        "Trở lại quốc tịch Việt Nam ở trong nước",
        "Cấp Giấy xác nhận có quốc tịch Việt Nam ở trong nước",
    ),
    ("CC", "TINH"): (
        "Đăng ký hành nghề và cấp Thẻ công chứng viên",
        "Thành lập Văn phòng công chứng",
        "Đăng ký hoạt động Văn phòng công chứng",
    ),
    ("DD", "HUYEN"): (
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu",
        "Tách thửa hoặc hợp thửa đất",
        "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với hộ gia đình, cá nhân",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "Cấp lại Giấy chứng nhận hoặc cấp lại Trang bổ sung của Giấy chứng nhận do bị mất",
        "Đính chính Giấy chứng nhận đã cấp",
        "Gia hạn sử dụng đất nông nghiệp của hộ gia đình, cá nhân",
        "Xác nhận tiếp tục sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết hạn sử dụng đất",
        "Giao đất, cho thuê đất cho hộ gia đình, cá nhân",
        "Chuyển đổi quyền sử dụng đất nông nghiệp của hộ gia đình, cá nhân",
        "Đăng ký xác lập quyền sử dụng hạn chế thửa đất liền kề",
        "Thu hồi Giấy chứng nhận đã cấp không đúng quy định của pháp luật đất đai",
        "Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp huyện",
    ),
    ("DD", "XA"): (
        "Hòa giải tranh chấp đất đai",
        "Xác nhận đơn đăng ký đất đai, tài sản gắn liền với đất lần đầu",
        "Thẩm định nhu cầu sử dụng đất để xem xét giao đất, cho thuê đất đối với hộ gia đình, cá nhân",
    ),
    ("DD", "TINH"): (
        "Đăng ký biến động về sử dụng đất, tài sản gắn liền với đất do thay đổi thông tin về người được cấp Giấy chứng nhận",
        "Cung cấp dữ liệu đất đai",
        "Giao đất, cho thuê đất không thông qua hình thức đấu giá quyền sử dụng đất đối với tổ chức",
        "Chuyển mục đích sử dụng đất đối với tổ chức",
        "Đăng ký đất đai, tài sản gắn liền với đất lần đầu đối với tổ chức",
        "Thẩm định phương án sử dụng đất của công ty nông, lâm nghiệp",
    ),
    ("XD", "HUYEN"): (
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ",
        "Điều chỉnh giấy phép xây dựng đối với nhà ở riêng lẻ",
        "Gia hạn giấy phép xây dựng đối với nhà ở riêng lẻ",
        "Cấp lại giấy phép xây dựng đối với nhà ở riêng lẻ",
        "Cấp giấy phép di dời đối với nhà ở riêng lẻ",
        "Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ",
        "Thẩm định Báo cáo kinh tế - kỹ thuật đầu tư xây dựng",
    ),
    ("XD", "TINH"): (
        "Cấp giấy phép xây dựng mới đối với công trình cấp II, cấp III",
        "Cấp chứng chỉ hành nghề hoạt động xây dựng",
        "Cấp chứng chỉ năng lực hoạt động xây dựng",
        "Thẩm định dự án đầu tư xây dựng",
        "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
    ),
    ("HKD", "HUYEN"): (
        "Đăng ký thành lập hộ kinh doanh",
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Tạm ngừng hoạt động hộ kinh doanh",
        "Chấm dứt hoạt động hộ kinh doanh",
        "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh",
        "Tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
    ),
    ("DN", "TINH"): (
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "Đăng ký thay đổi người đại diện theo pháp luật của công ty",
        "Đăng ký thành lập công ty cổ phần",
        "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
        "Đăng ký thay đổi địa chỉ trụ sở chính của doanh nghiệp",
        "Thông báo thay đổi ngành, nghề kinh doanh",
        "Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh",
        "Thông báo tạm ngừng kinh doanh",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "Đăng ký thay đổi vốn điều lệ",
        "Giải thể doanh nghiệp",
    ),
    ("DT", "TINH"): (
        "Quyết định chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh",
        "Điều chỉnh dự án đầu tư",
        "Chấm dứt hoạt động dự án đầu tư",
        "Giãn tiến độ đầu tư",
        "Chuyển nhượng dự án đầu tư",
        "Thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC",
    ),
    ("HTX", "HUYEN"): (
        "Đăng ký thành lập hợp tác xã",
        "Đăng ký thay đổi nội dung đăng ký hợp tác xã",
        "Giải thể tự nguyện hợp tác xã",
        "Tạm ngừng hoạt động của hợp tác xã",
        "Đăng ký thành lập chi nhánh, văn phòng đại diện, địa điểm kinh doanh của hợp tác xã",
    ),
    ("HTX", "TINH"): (
        "Đăng ký thành lập liên hiệp hợp tác xã",
        "Đăng ký thay đổi nội dung đăng ký liên hiệp hợp tác xã",
    ),
    ("BTXH", "XA"): (
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm",
        "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm",
        "Đổi, cấp lại Giấy xác nhận khuyết tật",
        "Chi trả trợ cấp xã hội hàng tháng khi đối tượng thay đổi nơi cư trú",
        "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở",
        "Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp có mức sống trung bình",
        "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng có hoàn cảnh khó khăn",
    ),
    ("BTXH", "HUYEN"): (
        "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội cấp huyện",
        "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường hoặc người gây tổn hại cho trẻ em",
        "Dừng trợ giúp xã hội tại cơ sở trợ giúp xã hội cấp huyện",
        "Thành lập cơ sở trợ giúp xã hội công lập thuộc Ủy ban nhân dân cấp huyện",
    ),
    ("NCC", "XA"): (
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "Hưởng mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần",
        "Cấp giấy xác nhận thân nhân của người có công",
        "Xác nhận vào đơn đề nghị di chuyển hài cốt liệt sĩ",
        "Giải quyết chế độ mai táng phí đối với cựu chiến binh",
        "Thăm viếng mộ liệt sĩ",
        "Giải quyết chế độ ưu đãi đối với Bà mẹ Việt Nam anh hùng",
        "Giải quyết chế độ trợ cấp một lần đối với người được cử làm chuyên gia sang giúp Lào, Campuchia",
    ),
    ("NCC", "HUYEN"): (
        "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình",
        "Giải quyết chế độ đối với thân nhân liệt sĩ",
        "Giải quyết chế độ ưu đãi đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học",
        "Giải quyết hưởng chế độ ưu đãi người có công giúp đỡ cách mạng",
        "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú",
    ),
    ("LD", "TINH"): (
        "Giải quyết hưởng trợ cấp thất nghiệp",
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
        "Đăng ký nội quy lao động của doanh nghiệp",
    ),
    ("GD", "TINH"): (
        "Chuyển trường đối với học sinh trung học phổ thông",
        "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp",
        "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
        "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
        "Công nhận trường trung học đạt chuẩn quốc gia",
    ),
    ("GD", "HUYEN"): (
        "Chuyển trường đối với học sinh trung học cơ sở",
        "Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú đang học tại các trường tiểu học, trung học cơ sở",
        "Thành lập trường mầm non công lập",
        "Cho phép trường tiểu học hoạt động giáo dục",
        "Công nhận xã đạt chuẩn phổ cập giáo dục, xóa mù chữ",
    ),
    ("GD", "XA"): (
        "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục",
        "Sáp nhập, chia, tách nhóm trẻ, lớp mẫu giáo độc lập",
        "Giải thể nhóm trẻ, lớp mẫu giáo độc lập",
        "Thành lập nhóm trẻ, lớp mẫu giáo độc lập dân lập",
    ),
    ("YT", "TINH"): (
        "Khám giám định y khoa",
        "Cấp giấy phép hành nghề khám bệnh, chữa bệnh",
        "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược",
        "Cấp giấy phép hoạt động đối với phòng khám đa khoa",
        "Công bố cơ sở đủ điều kiện thực hiện khám sức khỏe",
    ),
    ("GTVT", "TINH"): (
        "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "Cấp lại giấy phép lái xe",
        "Cấp phù hiệu xe ô tô kinh doanh vận tải",
        "Cấp giấy phép kinh doanh vận tải bằng xe ô tô",
        "Cấp giấy phép xe tập lái",
        "Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp",
        "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên đường bộ",
        "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường bộ",
        "Đổi giấy phép lái xe hoặc bằng lái xe của nước ngoài cấp",
    ),
    ("NN", "XA"): (
        "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai",
        "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do dịch bệnh động vật",
    ),
    ("VH", "XA"): (
        "Xét tặng danh hiệu Gia đình văn hóa hằng năm",
        "Thông báo tổ chức lễ hội cấp xã",
        "Công nhận câu lạc bộ văn hóa cơ sở",
    ),
    ("VH", "HUYEN"): (
        "Cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        "Xét tặng danh hiệu Khu dân cư văn hóa hằng năm",
        "Thông báo tổ chức lễ hội cấp huyện",
    ),
    ("TDTT", "XA"): ("Công nhận câu lạc bộ thể thao cơ sở",),
    ("NV", "XA"): (
        "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện nhiệm vụ chính trị",
        "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích đột xuất",
        "Xét tặng danh hiệu Lao động tiên tiến",
    ),
    ("NV", "HUYEN"): (
        "Tặng danh hiệu Chiến sĩ thi đua cơ sở",
        "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện về thành tích thi đua theo đợt, chuyên đề",
        "Tặng danh hiệu Tập thể lao động tiên tiến",
    ),
    ("NV", "TINH"): (
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh",
        "Tặng Cờ thi đua của Ủy ban nhân dân cấp tỉnh",
        "Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        "Tặng danh hiệu Tập thể lao động xuất sắc",
    ),
    ("TG", "XA"): (
        "Đăng ký hoạt động tín ngưỡng",
        "Đăng ký bổ sung hoạt động tín ngưỡng",
        "Đăng ký sinh hoạt tôn giáo tập trung",
        "Thông báo tổ chức lễ hội tín ngưỡng",
    ),
    ("TG", "HUYEN"): (
        "Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động tôn giáo ở một huyện",
        "Đăng ký thuyên chuyển chức sắc, chức việc, nhà tu hành là người đang bị buộc tội",
        "Thông báo tổ chức quyên góp ngoài địa bàn một xã nhưng trong địa bàn một huyện",
    ),
    ("TG", "TINH"): (
        "Đề nghị công nhận tổ chức tôn giáo có địa bàn hoạt động ở một tỉnh",
        "Đăng ký mở lớp bồi dưỡng về tôn giáo cho người chuyên hoạt động tôn giáo",
        "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo",
        "Đề nghị giảng đạo ngoài địa bàn phụ trách, cơ sở tôn giáo",
    ),
    ("DTOC", "XA"): (
        "Công nhận người có uy tín trong đồng bào dân tộc thiểu số",
        "Đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số",
    ),
    ("DTOC", "HUYEN"): ("Xét hỗ trợ đất ở, nhà ở, đất sản xuất cho hộ đồng bào dân tộc thiểu số nghèo",),
    ("DTOC", "TINH"): ("Công nhận thôn, xã đặc biệt khó khăn vùng đồng bào dân tộc thiểu số và miền núi",),
    ("KNTC", "XA"): (
        "Giải quyết khiếu nại lần đầu tại cấp xã",
        "Giải quyết tố cáo tại cấp xã",
        "Tiếp công dân tại cấp xã",
    ),
    ("KNTC", "HUYEN"): ("Giải quyết khiếu nại lần đầu tại cấp huyện", "Giải quyết khiếu nại lần hai tại cấp huyện"),
    ("KNTC", "TINH"): ("Giải quyết khiếu nại lần hai tại cấp tỉnh", "Giải quyết tố cáo tại cấp tỉnh"),
}

# Legal processing times of the best-known procedures (working days).
DAYS_BY_NAME = {
    "Đăng ký khai sinh": 1,
    "Đăng ký kết hôn": 1,
    "Đăng ký khai tử": 1,
    "Cấp bản sao Trích lục hộ tịch": 1,
    "Cấp Giấy xác nhận tình trạng hôn nhân": 3,
    "Chứng thực chữ ký trong các giấy tờ, văn bản": 1,
    "Đăng ký thành lập hộ kinh doanh": 3,
    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ": 15,
    "Tách thửa hoặc hợp thửa đất": 15,
    "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp": 5,
    "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu": 30,
    "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất": 10,
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam": 10,
}

_LEVEL_SUFFIX = {"TINH": " cấp tỉnh", "HUYEN": " cấp huyện", "XA": " cấp xã"}


# ---------------------------------------------------------------------------------------
# Units


@lru_cache(maxsize=1)
def _admin_units() -> pl.DataFrame:
    return pl.read_csv(ADMIN_UNITS_CSV, infer_schema=False)


def admin_units() -> pl.DataFrame:
    """The official unit registry, every column a string (empty validity dates are null)."""
    return _admin_units().clone()


@lru_cache(maxsize=1)
def _commune_conversion() -> pl.DataFrame:
    return (
        pl.read_csv(COMMUNE_CONVERSION_CSV, infer_schema=False, columns=["old_code", "old_province_code", "new_code"])
        .filter(pl.col("old_province_code").is_in([THAI_NGUYEN, BAC_KAN]))
        .select("old_code", "new_code")
    )


def commune_conversion() -> pl.DataFrame:
    """The official 2025 conversion table for the demo's communes: one row per (old_code,
    new_code) pair, an old commune split by the reform having one row per new commune."""
    return _commune_conversion().clone()


def _agency_name(unit_name: str, short_name: str) -> str:
    """'Huyện Đại Từ' → 'UBND huyện Đại Từ': the unit type comes from the registry name."""
    if unit_name != short_name and unit_name.endswith(short_name):
        kind = unit_name[: len(unit_name) - len(short_name)].strip()
        return f"UBND {kind.lower()} {short_name}"
    return f"UBND {unit_name[:1].lower()}{unit_name[1:]}"


def _portal_code(l3: int, l2: int, province: str) -> str:
    return f"000.{l3:02d}.{l2:02d}.{_PROVINCE_CODES[province]}"


def _department_rows(province: str) -> list[dict]:
    rows = []
    closes = province == BAC_KAN
    number = 0
    for department in DEPARTMENTS:
        if province == BAC_KAN and not department.in_bac_kan:
            continue
        number += 1
        rows.append(
            {
                "MaDonVi": _portal_code(0, number, province),
                "TenDonVi": f"{department.name} tỉnh {_PROVINCE_NAMES[province]}",
                "Cap": "TINH",
                "MaDVHC": province,
                "MaDonViCha": "",
                "HieuLucTu": "",
                "HieuLucDen": PRE_REFORM_END if closes else "",
                "role": "department",
                "department": department.key,
                "province_code": province,
                "district_code": None,
            }
        )
    return rows


def _pre_reform_local_rows(units: pl.DataFrame, province: str) -> list[dict]:
    pre = units.filter(pl.col("valid_to") == PRE_REFORM_END, pl.col("province_code") == province)
    districts = pre.filter(pl.col("level") == "district").sort("code")
    communes = pre.filter(pl.col("level") == "commune").sort("code")
    rows = []
    for number, district in enumerate(districts.iter_rows(named=True), start=_DISTRICT_L2_START):
        district_agency = _portal_code(0, number, province)
        rows.append(
            {
                "MaDonVi": district_agency,
                "TenDonVi": _agency_name(district["name"], district["short_name"]),
                "Cap": "HUYEN",
                "MaDVHC": district["code"],
                "MaDonViCha": "",
                "HieuLucTu": "",
                "HieuLucDen": PRE_REFORM_END,
                "role": "district",
                "department": None,
                "province_code": province,
                "district_code": district["code"],
            }
        )
        inside = communes.filter(pl.col("parent_code") == district["code"])
        for commune_number, commune in enumerate(inside.iter_rows(named=True), start=1):
            rows.append(
                {
                    "MaDonVi": _portal_code(commune_number, number, province),
                    "TenDonVi": _agency_name(commune["name"], commune["short_name"]),
                    "Cap": "XA",
                    "MaDVHC": commune["code"],
                    "MaDonViCha": district_agency,
                    "HieuLucTu": "",
                    "HieuLucDen": PRE_REFORM_END,
                    "role": "commune",
                    "department": None,
                    "province_code": province,
                    "district_code": district["code"],
                }
            )
    return rows


def _post_reform_commune_rows(units: pl.DataFrame) -> list[dict]:
    communes = units.filter(
        pl.col("valid_from") == POST_REFORM_START, pl.col("province_code") == THAI_NGUYEN, pl.col("level") == "commune"
    ).sort("code")
    rows = []
    for index, commune in enumerate(communes.iter_rows(named=True)):
        block, number = divmod(index, _POST_REFORM_BLOCK)
        rows.append(
            {
                "MaDonVi": _portal_code(number + 1, _POST_REFORM_L2_START + block, THAI_NGUYEN),
                "TenDonVi": _agency_name(commune["name"], commune["short_name"]),
                "Cap": "XA",
                "MaDVHC": commune["code"],
                "MaDonViCha": "",
                "HieuLucTu": POST_REFORM_START,
                "HieuLucDen": "",
                "role": "new_commune",
                "department": None,
                "province_code": THAI_NGUYEN,
                "district_code": None,
            }
        )
    return rows


@lru_cache(maxsize=1)
def _agency_table() -> pl.DataFrame:
    units = _admin_units()
    rows = (
        _department_rows(THAI_NGUYEN)
        + _department_rows(BAC_KAN)
        + _pre_reform_local_rows(units, THAI_NGUYEN)
        + _pre_reform_local_rows(units, BAC_KAN)
        + _post_reform_commune_rows(units)
    )
    schema = {name: pl.String for name in rows[0]}
    table = pl.DataFrame(rows, schema=schema)
    assert table["MaDonVi"].is_unique().all(), "agency codes must be unique"
    return table


def agency_table(seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """`agencies()` plus what the simulation needs: `role` (department, district, commune,
    new_commune), `department` key, `province_code` and `district_code` (pre-reform)."""
    del seed  # the agency list comes from the registry alone
    return _agency_table().clone()


def agencies(seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """Every agency that received dossiers from 2023 on: contract columns plus validity."""
    return agency_table(seed).select(*AGENCY_COLUMNS, "HieuLucTu", "HieuLucDen")


# ---------------------------------------------------------------------------------------
# Procedures


def _names_for(field: Field, level: str, count: int) -> list[str]:
    names = list(REAL_NAMES.get((field.code, level), ()))[:count]
    objects = field.objects or (f"văn bản chấp thuận lĩnh vực {field.name.lower()}",)
    templates = (f"{verb} {obj}" for obj in objects for verb in _VERBS)
    for name in templates:
        if len(names) >= count:
            break
        if name not in names:
            names.append(name)
    number = 1
    while len(names) < count:  # only for fields whose objects run out
        names.append(f"Thủ tục {field.name.lower()} số {number}")
        number += 1
    return names


def _procedure_rows() -> list[dict]:
    rows = []
    seen: set[str] = set()
    for level in LEVELS:
        for field in FIELDS:
            plan = field.levels.get(level)
            if plan is None:
                continue
            names = _names_for(field, level, plan.procedures)
            ranks = np.arange(plan.procedures)
            popularity = plan.volume_share * (1.0 / (ranks + 1.0) ** 1.2) / np.sum(1.0 / (ranks + 1.0) ** 1.2)
            for rank, name in enumerate(names):
                # Names repeat across levels ("Cấp lại ..."): the level keeps each one unique.
                unique = name if name not in seen else name + _LEVEL_SUFFIX[level]
                seen.add(unique)
                rows.append(
                    {
                        "TenTTHC": unique,
                        "MaLinhVuc": field.code,
                        "TenLinhVuc": field.name,
                        "CapThucHien": level,
                        "rank": rank,
                        "popularity": float(popularity[rank]),
                        "online_affinity": field.online_affinity,
                        "fee_share": field.fee_share,
                        "days_lo": plan.days[0],
                        "days_hi": plan.days[1],
                        "named_days": DAYS_BY_NAME.get(name),
                    }
                )
    return rows


def _mucdo(rng: np.random.Generator, table: pl.DataFrame) -> np.ndarray:
    """Local levels: exactly 163 fully online, ranked by how online-minded the field is;
    a few rarely used ones information-only. Province level: drawn, but a field's most
    common procedure is never information-only, so every department can take online filings."""
    level = table["CapThucHien"].to_numpy()
    affinity = table["online_affinity"].to_numpy()
    rank = table["rank"].to_numpy()
    mucdo = np.full(table.height, 3, dtype=np.int64)

    local = np.flatnonzero(level != "TINH")
    score = affinity[local] + rng.normal(0.0, 0.12, local.size)
    order = local[np.argsort(-score, kind="stable")]
    mucdo[order[:FULLY_ONLINE_LOCAL_PROCEDURES]] = 4
    rarely_used = order[FULLY_ONLINE_LOCAL_PROCEDURES:][rank[order[FULLY_ONLINE_LOCAL_PROCEDURES:]] >= 3]
    mucdo[rarely_used[-8:]] = 2

    province = np.flatnonzero(level == "TINH")
    draw = rng.random(province.size)
    fully = draw < 0.25 + 0.55 * affinity[province]
    info_only = (~fully) & (rng.random(province.size) < 0.15) & (rank[province] > 0)
    mucdo[province[fully]] = 4
    mucdo[province[info_only]] = 2
    return mucdo


@lru_cache(maxsize=8)
def _procedure_table(seed: int) -> pl.DataFrame:
    table = pl.DataFrame(_procedure_rows())
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    n = table.height

    # Codes look like the national catalogue's: 1.000656, 2.002189 ...
    draws = rng.choice(2 * 13_000, size=n, replace=False)
    codes = [f"{1 + d // 13_000}.{d % 13_000:06d}" for d in draws]

    lo, hi = table["days_lo"].to_numpy(), table["days_hi"].to_numpy()
    days = rng.integers(lo, hi + 1).astype(np.float64)
    named = table["named_days"].to_numpy()
    named_mask = ~np.isnan(named.astype(np.float64))
    days[named_mask] = named[named_mask]
    # A few rarely used procedures have no legal deadline (never late by definition).
    no_deadline = (table["rank"].to_numpy() >= 3) & (rng.random(n) < 0.06)
    days[no_deadline] = np.nan

    fee = rng.random(n) < table["fee_share"].to_numpy()
    paper = rng.random(n) < 0.8
    mucdo = _mucdo(rng, table)
    eligibility = np.random.default_rng(np.random.SeedSequence([seed, 1, ELIGIBILITY_STREAM])).random(n)
    eligible = eligibility < np.vectorize(ELIGIBLE_FULL_SHARE.get)(mucdo)

    return table.with_columns(
        MaTTHC=pl.Series(codes),
        MucDo=pl.Series(mucdo.astype(str)),
        YeuCauKetQuaGiay=pl.Series(np.where(paper, "1", "0")),
        CoPhiLePhi=pl.Series(np.where(fee, "1", "0")),
        DuDieuKienToanTrinh=pl.Series(np.where(eligible, "1", "0")),
        SoNgayGiaiQuyet=pl.Series(days, nan_to_null=True).cast(pl.Int32),
    ).select(*PROCEDURE_COLUMNS, "SoNgayGiaiQuyet", "popularity", "online_affinity")


def procedure_table(seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """`procedures()` plus the simulation's inputs: `popularity` (share of its level's
    dossiers) and `online_affinity` (of its field). Not part of what the portal serves."""
    return _procedure_table(seed).clone()


def procedures(seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """The procedure catalogue: contract columns (strings) plus `SoNgayGiaiQuyet` (Int32,
    legal processing time in working days; null = no deadline)."""
    return procedure_table(seed).select(*PROCEDURE_COLUMNS, "SoNgayGiaiQuyet")


def fields() -> pl.DataFrame:
    """The fields (lĩnh vực): code, name and the department that handles them."""
    return pl.DataFrame(
        {
            "MaLinhVuc": [f.code for f in FIELDS],
            "TenLinhVuc": [f.name for f in FIELDS],
            "department": [f.department for f in FIELDS],
        }
    )
