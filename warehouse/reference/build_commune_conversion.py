"""Regenerate ``commune_conversion_2025.csv`` and the two files derived from it.

The official 2025 conversion table (old commune -> new commune(s), for the whole country)
is shipped in the data modules of the PyPI package ``vietnam-provinces`` from release
2026.2.0 on (``_ward_conversion_2025.py``, made by the package from the official
``BangChuyendoiĐVHCmoi_cu_khong_merge.csv``); its unit lists (``_lookup.py`` for the
post-reform units, ``legacy/_lookup.py`` for the pre-reform ones) give the names and the
official post-reform codes. This script writes, beside itself:

* ``commune_conversion_2025.csv`` — one row per (old commune, new commune) pair, with how
  the old commune went (``unchanged``, ``renamed``, ``merged``, ``split``; read from the
  mapping by :func:`warehouse.reference.conversion.how_each_went`) and the package's own
  "partly merged" flag, which disagrees with the mapping for some rows (printed);
* ``commune_comparability_2025.csv`` — per new commune, whether its past is comparable
  (:func:`warehouse.reference.conversion.comparability`, a pure function of the table);
* ``post_reform_code_changes.csv`` — every post-reform commune whose code in the shipped
  ``admin_units.csv`` differs from the official code, with both names (printed too), so
  the unit list, the demo and the tests can be switched in one step.

This is a maintenance tool, not run by the product; the package is not a dependency and
is never imported or installed: its releases need Python >= 3.12, so the script fetches
the wheel with ``pip download`` (any Python >= 3.10 will do to run it) and reads the data
modules as text with :mod:`ast`. Only facts are taken (codes, names, how each commune
went); no code of the package (GPL-3.0-or-later) is copied::

    python warehouse/reference/build_commune_conversion.py             # fetch, write
    python warehouse/reference/build_commune_conversion.py --check     # exit 1 if stale
    # or with a wheel you fetched yourself:
    pip download vietnam-provinces==2026.9.0 --python-version 3.12 \\
        --only-binary=:all: --no-deps -d /tmp/vp
    python warehouse/reference/build_commune_conversion.py \\
        --wheel /tmp/vp/vietnam_provinces-2026.9.0-py3-none-any.whl

Errors: :class:`BuildError` (the wheel could not be fetched or read, or its data breaks
an invariant: the two directions of the table hold different pairs, a new commune is
missing from the official list, or the counts differ from :data:`EXPECTED_COUNTS`).
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from warehouse.reference.build_admin_units import DEFAULT_OUTPUT as ADMIN_UNITS_CSV
from warehouse.reference.build_admin_units import clean_name
from warehouse.reference.conversion import (
    COMPARABILITY_CSV,
    CONVERSION_CSV,
    ConversionRow,
    comparability,
    comparability_csv,
    conversion_csv,
    how_each_went,
    name_key,
    to_csv,
)

PACKAGE = "vietnam-provinces"
MODULE = "vietnam_provinces"
VERSION = "2026.9.0"
#: The package's releases from 2026 require it; the wheel is pure Python.
WHEEL_PYTHON = "3.12"

CODE_CHANGES_CSV = Path(__file__).with_name("post_reform_code_changes.csv")

#: What the table holds (checked before anything is written).
EXPECTED_COUNTS = {"old communes": 10_033, "new communes": 3_316, "pairs": 10_565}

#: Post-reform communes that do not follow the official code in the shipped unit list.
CODE_CHANGE_HEADER = ("province_code", "shipped_code", "shipped_name", "official_code", "official_name")

# Enum members written in the package's data as ``WardCode.W_00004``, ``ProvinceCode.P_19``.
_CODE_MEMBER = re.compile(r"^(?:WardCode|DistrictCode|ProvinceCode)\.[WDP]_(\d+)$")


class BuildError(Exception):
    """The reference data could not be built; the message says why."""


@dataclass(frozen=True)
class PackageTables:
    """What the script reads from one wheel of the package."""

    version: str
    data_version: str
    #: (old, old district, old province, new, new province, package's partly-merged flag)
    pairs: list[tuple[int, int, int, int, int, bool]]
    #: old commune code -> name (pre-reform list)
    old_names: dict[int, str]
    #: new commune code -> (name, province code) (post-reform list, official codes)
    new_units: dict[int, tuple[str, int]]


# --------------------------------------------------------------------------- reading


def fetch_wheel(version: str, dest: Path) -> Path:
    """``pip download`` the wheel of ``version`` into ``dest`` (no install, no deps)."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--quiet", f"{PACKAGE}=={version}",
        "--python-version", WHEEL_PYTHON, "--only-binary=:all:", "--no-deps", "-d", str(dest),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(dest.glob(f"{MODULE}-{version}-*.whl"))
    if result.returncode != 0 or not wheels:
        raise BuildError(f"could not download {PACKAGE}=={version}:\n{result.stderr.strip()}")
    return wheels[0]


def _literal(node: ast.expr) -> Any:
    """A data expression of the package as plain values: a call becomes the tuple of its
    arguments, ``WardCode.W_00004`` the integer 4, any other attribute its text."""
    if isinstance(node, ast.Call):
        return tuple(_literal(a) for a in node.args)
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True) if k is not None}
    if isinstance(node, ast.Attribute):
        text = ast.unparse(node)
        match = _CODE_MEMBER.match(text)
        return int(match.group(1)) if match else text
    return ast.literal_eval(node)


def _assignments(source: str, *names: str) -> dict[str, Any]:
    """Top-level ``NAME = ...`` / ``NAME: T = ...`` of a module's text, read without running it."""
    found: dict[str, Any] = {}
    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            found[target.id] = _literal(value)
    missing = [n for n in names if n not in found]
    if missing:
        raise BuildError(f"the package's data lacks {', '.join(missing)}")
    return found


def read_wheel(wheel: Path) -> PackageTables:
    """Read the conversion table and both unit lists from the wheel's modules, as text."""
    try:
        with zipfile.ZipFile(wheel) as z:

            def module(name: str) -> str:
                return z.read(f"{MODULE}/{name}").decode("utf-8")

            meta = _assignments(module("__init__.py"), "__version__", "__data_version__")
            conv = _assignments(module("_ward_conversion_2025.py"), "OLD_TO_NEW", "NEW_TO_OLD")
            new = _assignments(module("_lookup.py"), "WARD_MAPPING")["WARD_MAPPING"]
            old = _assignments(module("legacy/_lookup.py"), "WARD_MAPPING")["WARD_MAPPING"]
    except (OSError, KeyError, zipfile.BadZipFile, SyntaxError, ValueError) as e:
        raise BuildError(f"cannot read {wheel}: {e}") from e

    pairs = []
    for code, ((old_code, district, province, partly), news) in conv["OLD_TO_NEW"].items():
        if code != old_code:
            raise BuildError(f"OLD_TO_NEW entry {code} is about old commune {old_code}")
        pairs += [(old_code, district, province, n, n_province, partly) for n, n_province in news]
    backward = {(o[0], new_code) for new_code, ((_, _), olds) in conv["NEW_TO_OLD"].items() for o in olds}
    forward = {(p[0], p[3]) for p in pairs}
    if len(forward) != len(pairs):
        raise BuildError(f"OLD_TO_NEW lists {len(pairs) - len(forward)} pairs twice")
    if forward != backward:
        raise BuildError(
            f"the table's two directions differ: {len(forward - backward)} pairs only old->new, "
            f"{len(backward - forward)} only new->old"
        )
    return PackageTables(
        version=meta["__version__"],
        data_version=meta["__data_version__"],
        pairs=pairs,
        old_names={code: clean_name(w[0]) for code, w in old.items()},
        new_units={code: (clean_name(w[0]), w[4]) for code, w in new.items()},
    )


# --------------------------------------------------------------------------- building


def conversion_rows(tables: PackageTables) -> list[ConversionRow]:
    """The conversion table's rows, sorted by (old code, new code), ``how`` from the mapping."""
    problems = []
    for old, _, _, new, province, _ in tables.pairs:
        unit = tables.new_units.get(new)
        if unit is None:
            problems.append(f"new commune {new} (from {old}) is not in the post-reform list")
        elif unit[1] != province:
            problems.append(f"new commune {new}: table says province {province}, list says {unit[1]}")
    got = {
        "old communes": len({p[0] for p in tables.pairs}),
        "new communes": len({p[3] for p in tables.pairs}),
        "pairs": len(tables.pairs),
    }
    problems += [f"{k}: table has {got[k]}, expected {v}" for k, v in EXPECTED_COUNTS.items() if got[k] != v]
    if problems:
        raise BuildError("the conversion table fails validation:\n  " + "\n  ".join(problems))

    old_names = {f"{c:05d}": n for c, n in tables.old_names.items()}
    new_names = {f"{c:05d}": u[0] for c, u in tables.new_units.items()}
    how = how_each_went(((f"{p[0]:05d}", f"{p[3]:05d}") for p in tables.pairs), old_names, new_names)
    rows = [
        ConversionRow(
            old_code=f"{old:05d}",
            old_name=old_names.get(f"{old:05d}", ""),
            old_district_code=f"{district:03d}",
            old_province_code=f"{province:02d}",
            new_code=f"{new:05d}",
            new_name=new_names[f"{new:05d}"],
            new_province_code=f"{new_province:02d}",
            how=how[f"{old:05d}"],
            package_partly_merged="1" if partly else "0",
        )
        for old, district, province, new, new_province, partly in tables.pairs
    ]
    return sorted(rows, key=lambda r: (r.old_code, r.new_code))


def flag_disagreements(rows: Sequence[ConversionRow]) -> list[ConversionRow]:
    """Rows where the package's "partly merged" flag says otherwise than the mapping."""
    return [r for r in rows if (r.package_partly_merged == "1") != (r.how == "split")]


def shipped_communes(path: Path = ADMIN_UNITS_CSV, *, post_reform: bool) -> dict[str, tuple[str, str]]:
    """Code -> (name, province code) of the communes of one version in ``admin_units.csv``."""
    with path.open(encoding="utf-8", newline="") as f:
        return {
            r["code"]: (r["name"], r["province_code"])
            for r in csv.DictReader(f)
            if r["level"] == "commune" and bool(r["valid_from"]) == post_reform
        }


def code_changes(
    shipped: dict[str, tuple[str, str]], official: dict[str, tuple[str, str]]
) -> list[tuple[str, str, str, str, str]]:
    """Rows of ``post_reform_code_changes.csv``: each post-reform commune whose shipped
    code is not its official one (matched by name within its province, names compared
    with :func:`name_key`), plus any unit found on one side only (the other code empty).
    Same code and same name read as one unit; a code that now names another unit is
    listed under both."""
    same = {c for c, (name, _) in shipped.items() if c in official and name_key(official[c][0]) == name_key(name)}
    by_name: dict[tuple[str, str], list[str]] = {}
    for code, (name, province) in official.items():
        if code not in same:
            by_name.setdefault((province, name_key(name)), []).append(code)
    rows, matched = [], set()
    for code, (name, province) in shipped.items():
        if code in same:
            continue
        candidates = by_name.get((province, name_key(name)), [])
        if len(candidates) == 1 and candidates[0] not in matched:
            new = candidates[0]
            matched.add(new)
            rows.append((province, code, name, new, official[new][0]))
        else:
            rows.append((province, code, name, "", ""))
    for code, (name, province) in official.items():
        if code not in same and code not in matched:
            rows.append((province, "", "", code, name))
    return sorted(rows, key=lambda r: (r[0], r[1] or r[3], r[3]))


def spelling_differences(
    shipped: dict[str, tuple[str, str]], official: dict[str, tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """(code, shipped name, official name) where the code is right and only the spelling
    differs (tone-mark position, case, apostrophe or dash style)."""
    return sorted(
        (code, name, official[code][0])
        for code, (name, _) in shipped.items()
        if code in official and name != official[code][0] and name_key(name) == name_key(official[code][0])
    )


# --------------------------------------------------------------------------- CLI


def _outputs(
    tables: PackageTables, units_csv: Path
) -> tuple[list[ConversionRow], dict[Path, str], list[tuple[str, str, str, str, str]]]:
    rows = conversion_rows(tables)
    official = {f"{c:05d}": (n, f"{p:02d}") for c, (n, p) in tables.new_units.items()}
    changes = code_changes(shipped_communes(units_csv, post_reform=True), official)
    texts = {
        CONVERSION_CSV: conversion_csv(rows),
        COMPARABILITY_CSV: comparability_csv(comparability(rows)),
        CODE_CHANGES_CSV: to_csv(CODE_CHANGE_HEADER, changes),
    }
    return rows, texts, changes


def report(
    tables: PackageTables,
    rows: Sequence[ConversionRow],
    changes: Sequence[tuple[str, ...]],
    units_csv: Path = ADMIN_UNITS_CSV,
) -> str:
    """What a maintainer reads after a run: counts, flag disagreements, code changes."""
    how = {r.old_code: r.how for r in rows}
    comp = comparability(rows)
    disagree = flag_disagreements(rows)
    lines = [
        f"{PACKAGE} {tables.version} (data of {tables.data_version})",
        f"{len(how)} old communes -> {len({r.new_code for r in rows})} new communes, {len(rows)} pairs",
        "how the old communes went: " + ", ".join(f"{n} {k}" for k, n in Counter(how.values()).most_common()),
        (
            f"new communes comparable: {sum(c.comparable for c in comp)}, "
            f"not comparable: {sum(not c.comparable for c in comp)}"
        ),
        (
            f"package's 'partly merged' flag disagrees with the mapping on {len(disagree)} rows "
            f"({len({r.old_code for r in disagree})} old communes):"
        ),
    ]
    lines += [f"  {r.old_code} {r.old_name or '?'} -> {r.new_code} {r.new_name}: flag "
              f"{r.package_partly_merged}, mapping says {r.how}" for r in disagree]  # fmt: skip
    unnamed = sorted({r.old_code for r in rows if not r.old_name})
    lines.append(f"old communes of the table missing from the pre-reform list: {len(unnamed)} {' '.join(unnamed)}")
    absent = {c: n for c, (n, _) in shipped_communes(units_csv, post_reform=False).items() if c not in how}
    lines.append(f"pre-reform communes of the unit list missing from the table: {len(absent)}")
    lines += [f"  {c} {n}" for c, n in sorted(absent.items())]
    per_province = Counter(c[0] for c in changes)
    lines.append(
        f"post-reform code differences, shipped admin_units.csv vs official: {len(changes)} "
        f"(" + ", ".join(f"{p}: {n}" for p, n in sorted(per_province.items())) + ")"
    )
    lines += [f"  {p} {sc or '-----'} {sn or '-'} -> {oc or '-----'} {on or '-'}" for p, sc, sn, oc, on in changes]
    official = {f"{c:05d}": (n, f"{p:02d}") for c, (n, p) in tables.new_units.items()}
    spelling = spelling_differences(shipped_communes(units_csv, post_reform=True), official)
    lines.append(f"post-reform names with the official code but another spelling: {len(spelling)}")
    lines += [f"  {code} {name} -> {right}" for code, name, right in spelling]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded wheel of {PACKAGE} (default: fetch one)")
    parser.add_argument("--version", default=VERSION, help=f"package version to fetch (default {VERSION})")
    parser.add_argument("--units", type=Path, default=ADMIN_UNITS_CSV, help="the shipped admin_units.csv")
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args(argv)

    try:
        with tempfile.TemporaryDirectory(prefix="commune-conversion-") as tmp:
            wheel = args.wheel or fetch_wheel(args.version, Path(tmp))
            tables = read_wheel(wheel)
        if args.wheel is None and tables.version != args.version:
            raise BuildError(f"the wheel holds {PACKAGE} {tables.version}, expected {args.version}")
        rows, texts, changes = _outputs(tables, args.units)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    print(report(tables, rows, changes, args.units))
    if args.check:
        stale = [p for p, text in texts.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p} differs from what the package gives; rerun without --check", file=sys.stderr)
        if stale:
            return 1
        print("all up to date: " + ", ".join(p.name for p in texts))
    else:
        for p, text in texts.items():
            p.write_text(text, encoding="utf-8", newline="")
            print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
