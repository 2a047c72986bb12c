"""Regenerate ``admin_units.csv``: Vietnam's official administrative units, two versions.

The units and codes are the General Statistics Office (GSO) ones, as shipped in the data
files of the PyPI package ``vietnam-provinces``:

* version 0.6.0 (GSO data of 2025-01-04) holds the structure valid until 2025-06-30:
  three tiers, 63 provinces, 696 districts, 10,051 communes;
* versions from 2025.8 hold the structure valid from 2025-07-01: two tiers,
  34 provinces, 3,321 communes (wards, communes and special zones); the codes are the
  official ones (those of the 2025 conversion table) from 2026.2.0 on, which need
  Python >= 3.12 (the script takes 2026.9.0).

This script is a maintenance tool. It is *not* run by the product: the CSV it writes is
committed, and the package is not a dependency of the project. Only facts (codes, names,
parents) are taken from the package's JSON data; no code of the package is used or copied.

The two package versions cannot live in one environment, so each is installed in its own
virtual environment, and this script talks to each through a subprocess that only asks
the package where its data file is. Run it with any Python >= 3.10; the post-reform venv
needs Python >= 3.12 (the script's own throwaway venvs use the interpreter running it)::

    # let the script make two throwaway venvs (needs the package index):
    python3.12 warehouse/reference/build_admin_units.py

    # or reuse venvs you made yourself:
    python3.12 -m venv /tmp/vp06 && /tmp/vp06/bin/pip install vietnam-provinces==0.6.0
    python3.12 -m venv /tmp/vp26 && /tmp/vp26/bin/pip install vietnam-provinces==2026.9.0
    python warehouse/reference/build_admin_units.py \\
        --pre-python /tmp/vp06/bin/python --post-python /tmp/vp26/bin/python

    # check that the committed CSV is what the packages give (exit 1 if not):
    python warehouse/reference/build_admin_units.py --check ...

Normalisation applied to the package's names (documented in README.md beside this file):

* runs of whitespace are collapsed to one space (10 post-reform names have a double space);
* the type prefix is written in its official case ("Thành Phố Bắc Kạn" -> "Thành phố Bắc Kạn");
* post-reform provinces are named without their type in the package ("Thái Nguyên");
  the full name gets the prefix from the package's own division type ("Tỉnh Thái Nguyên");
* ``short_name`` is the name without its type prefix, except where what is left is only a
  number ("Quận 1", "Phường 12"): there the short name is the full name.

The level of a unit comes from the tier it sits in, not from the package's
``division_type`` field, which in 0.6.0 is the same placeholder for every unit of a tier.

Errors: :class:`BuildError` (a package could not be found, installed or read, or its data
breaks an invariant below). Invariants checked before anything is written: codes unique
within a version, every parent exists in the same version, counts per level equal to
:data:`EXPECTED_COUNTS`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
import tempfile
import venv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

PACKAGE = "vietnam-provinces"
PRE_REFORM_VERSION = "0.6.0"
#: 2026 releases carry the official post-reform codes (2025.x had 123 communes wrong,
#: see README.md); they need Python >= 3.12, so the post-reform venv must be made with one.
POST_REFORM_VERSION = "2026.9.0"

PRE_REFORM_VALID_TO = "2025-06-30"
POST_REFORM_VALID_FROM = "2025-07-01"

DEFAULT_OUTPUT = Path(__file__).with_name("admin_units.csv")

LEVELS = ("province", "district", "commune")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

#: (valid_from, level) -> number of units the official lists hold.
EXPECTED_COUNTS: dict[tuple[str, str], int] = {
    ("", "province"): 63,
    ("", "district"): 696,
    ("", "commune"): 10_051,
    (POST_REFORM_VALID_FROM, "province"): 34,
    (POST_REFORM_VALID_FROM, "district"): 0,
    (POST_REFORM_VALID_FROM, "commune"): 3_321,
}

#: Type prefixes of unit names, longest first, in their official spelling.
NAME_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")

#: Post-reform ``division_type`` of a province -> prefix of its full name.
PROVINCE_TYPE_PREFIX = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố"}

# Asked of the package, in its own interpreter: its version and where its data file is.
_PROBE = (
    "import json, vietnam_provinces as vp; "
    "print(json.dumps({'version': vp.__version__, "
    "'data_version': getattr(vp, '__data_version__', ''), "
    "'nested_json': str(vp.NESTED_DIVISIONS_JSON_PATH)}))"
)


class BuildError(Exception):
    """The reference data could not be built; the message says why."""


@dataclass(frozen=True)
class AdminUnit:
    """One row of ``admin_units.csv``: one unit in one version of the unit list."""

    code: str
    name: str
    short_name: str
    level: str
    parent_code: str
    province_code: str
    valid_from: str
    valid_to: str


CSV_HEADER: tuple[str, ...] = tuple(f.name for f in fields(AdminUnit))


@dataclass(frozen=True)
class PackageData:
    """Where one installed version of the package keeps its data."""

    version: str
    data_version: str
    nested_json: Path


# --------------------------------------------------------------------------- names


def pad(code: int | str, level: str) -> str:
    """Zero-pad a GSO code to the width of its level: ``pad(5809, "commune") == "05809"``."""
    text = str(code).strip()
    if not text.isdigit():
        raise BuildError(f"not a numeric code: {code!r}")
    width = CODE_WIDTH[level]
    if len(text) > width:
        raise BuildError(f"{level} code {code!r} is longer than {width} digits")
    return text.zfill(width)


def clean_name(raw: str) -> str:
    """Collapse whitespace and write a leading type prefix in its official case."""
    name = re.sub(r"\s+", " ", raw).strip()
    for prefix in NAME_PREFIXES:
        if name.lower().startswith(prefix.lower() + " "):
            return prefix + name[len(prefix) :]
    return name


def short_name(name: str) -> str:
    """The name without its type prefix; the full name if only a number would be left."""
    for prefix in NAME_PREFIXES:
        if name.startswith(prefix + " "):
            rest = name[len(prefix) + 1 :]
            return name if rest.isdigit() else rest
    raise BuildError(f"unit name without a known type prefix: {name!r}")


def province_full_name(name: str, division_type: str) -> str:
    """Full province name: the post-reform package leaves out "Tỉnh" for provinces."""
    name = clean_name(name)
    if name.startswith(tuple(p + " " for p in NAME_PREFIXES)):
        return name
    try:
        return f"{PROVINCE_TYPE_PREFIX[division_type]} {name}"
    except KeyError:
        raise BuildError(f"province {name!r} has unknown type {division_type!r}") from None


# --------------------------------------------------------------------------- units


def _unit(
    code: int, raw_name: str, level: str, parent: str, province: str, valid_from: str, valid_to: str
) -> AdminUnit:
    name = clean_name(raw_name)
    padded = pad(code, level)
    return AdminUnit(
        code=padded,
        name=name,
        short_name=short_name(name),
        level=level,
        parent_code=parent,
        province_code=province or padded,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def pre_reform_units(nested: Iterable[dict[str, Any]]) -> list[AdminUnit]:
    """Units valid until 2025-06-30, from 0.6.0's ``nested-divisions.json`` (3 tiers)."""
    units: list[AdminUnit] = []
    span = {"valid_from": "", "valid_to": PRE_REFORM_VALID_TO}
    for p in nested:
        province = _unit(p["code"], p["name"], "province", "", "", **span)
        units.append(province)
        for d in p["districts"]:
            district = _unit(d["code"], d["name"], "district", province.code, province.code, **span)
            units.append(district)
            for w in d["wards"]:
                units.append(_unit(w["code"], w["name"], "commune", district.code, province.code, **span))
    return units


def post_reform_units(nested: Iterable[dict[str, Any]]) -> list[AdminUnit]:
    """Units valid from 2025-07-01, from 2025.x's ``nested-divisions.json`` (2 tiers)."""
    units: list[AdminUnit] = []
    span = {"valid_from": POST_REFORM_VALID_FROM, "valid_to": ""}
    for p in nested:
        full = province_full_name(p["name"], p["division_type"])
        province = _unit(p["code"], full, "province", "", "", **span)
        units.append(province)
        for w in p["wards"]:
            units.append(_unit(w["code"], w["name"], "commune", province.code, province.code, **span))
    return units


def counts(units: Iterable[AdminUnit]) -> Counter[tuple[str, str]]:
    """Number of units per (valid_from, level)."""
    return Counter((u.valid_from, u.level) for u in units)


def validate(units: Sequence[AdminUnit], expected: dict[tuple[str, str], int] = EXPECTED_COUNTS) -> None:
    """Raise :class:`BuildError` unless codes are unique, parents exist and counts match."""
    problems: list[str] = []
    keys = Counter((u.valid_from, u.code) for u in units)
    problems += [f"code {c} appears {n} times in version {vf or 'pre-reform'}" for (vf, c), n in keys.items() if n > 1]
    by_key = {(u.valid_from, u.code): u for u in units}
    for u in units:
        for ref, want in ((u.parent_code, None), (u.province_code, "province")):
            if not ref:
                continue
            target = by_key.get((u.valid_from, ref))
            if target is None or (want and target.level != want):
                problems.append(f"{u.level} {u.code} refers to missing {want or 'parent'} {ref}")
    got = counts(units)
    for key in sorted(set(expected) | set(got)):
        if got.get(key, 0) != expected.get(key, 0):
            vf, level = key
            problems.append(
                f"{vf or 'pre-reform'} {level}: package has {got.get(key, 0)}, expected {expected.get(key, 0)}"
            )
    if problems:
        raise BuildError("admin units fail validation:\n  " + "\n  ".join(problems))


def sort_units(units: Iterable[AdminUnit]) -> list[AdminUnit]:
    """Order of the CSV: by (valid_from, code), codes compared as strings."""
    return sorted(units, key=lambda u: (u.valid_from, u.code))


def to_csv(units: Iterable[AdminUnit]) -> str:
    """The CSV text: UTF-8 without BOM (when written), ``\\n`` line ends, header first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(astuple(u) for u in units)
    return buf.getvalue()


# --------------------------------------------------------------------------- packages


def make_venv(where: Path, version: str) -> Path:
    """Create a venv in ``where`` with ``vietnam-provinces==version``; return its python."""
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    cmd = [str(python), "-m", "pip", "install", "--quiet", f"{PACKAGE}=={version}"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"could not install {PACKAGE}=={version}:\n{result.stderr.strip()}")
    return python


def probe(python: Path | str, version: str) -> PackageData:
    """Ask ``python`` which version of the package it has and where its data file is."""
    result = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"{python} cannot import vietnam_provinces:\n{result.stderr.strip()}")
    info = json.loads(result.stdout)
    if info["version"] != version:
        raise BuildError(f"{python} has {PACKAGE} {info['version']}, expected {version}")
    return PackageData(info["version"], info["data_version"], Path(info["nested_json"]))


def load_nested(data: PackageData) -> list[dict[str, Any]]:
    """Read the package's ``nested-divisions.json``."""
    with data.nested_json.open(encoding="utf-8") as f:
        loaded: list[dict[str, Any]] = json.load(f)
    return loaded


def build(pre_python: Path | str, post_python: Path | str, post_version: str) -> list[AdminUnit]:
    """All units of both versions, validated and sorted."""
    pre = probe(pre_python, PRE_REFORM_VERSION)
    post = probe(post_python, post_version)
    print(f"pre-reform:  {PACKAGE} {pre.version} (data of {pre.data_version})", file=sys.stderr)
    print(f"post-reform: {PACKAGE} {post.version} (data of {post.data_version})", file=sys.stderr)
    units = pre_reform_units(load_nested(pre)) + post_reform_units(load_nested(post))
    validate(units)
    return sort_units(units)


# --------------------------------------------------------------------------- CLI


def summary(units: Iterable[AdminUnit]) -> str:
    """Counts per version and level, one line per version."""
    got = counts(units)
    lines = []
    versions = (("", f"until {PRE_REFORM_VALID_TO}"), (POST_REFORM_VALID_FROM, f"from {POST_REFORM_VALID_FROM}"))
    for vf, label in versions:
        parts = ", ".join(f"{got.get((vf, level), 0)} {level}s" for level in LEVELS)
        lines.append(f"{label}: {parts}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pre-python", help=f"python of a venv with {PACKAGE}=={PRE_REFORM_VERSION}")
    parser.add_argument("--post-python", help=f"python of a venv with {PACKAGE}=={POST_REFORM_VERSION}")
    parser.add_argument("--post-version", default=POST_REFORM_VERSION, help="post-reform package version")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="CSV to write or check")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args(argv)

    try:
        with tempfile.TemporaryDirectory(prefix="admin-units-") as tmp:
            pre_python = args.pre_python or make_venv(Path(tmp, "pre"), PRE_REFORM_VERSION)
            post_python = args.post_python or make_venv(Path(tmp, "post"), args.post_version)
            units = build(pre_python, post_python, args.post_version)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    text = to_csv(units)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} differs from what the packages give; rerun without --check", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
    else:
        args.output.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.output}")
    print(summary(units))
    return 0


if __name__ == "__main__":
    sys.exit(main())
