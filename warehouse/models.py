"""The SQL models in `sql/`: a folder per layer, a file per view, the file stem its name.

Views reference each other by name; the order they are created in is worked out from
those references, so adding a model is adding a file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"

# Marts only the publish step needs, never read by anyone after it (dbt's "ephemeral").
EPHEMERAL = frozenset({"fct_kpi_events"})


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    sql: str

    @property
    def is_ephemeral(self) -> bool:
        return self.name in EPHEMERAL

    def references(self, names: set[str]) -> set[str]:
        """Which of `names` (other models) this model's SQL reads."""
        body = _strip_comments(self.sql)
        return {name for name in names if name != self.name and re.search(rf"\b{re.escape(name)}\b", body)}

    def reading(self, **replacements: str) -> str:
        """The model's SQL with other models it reads swapped for the given relations.

        The writer uses it to run a mart over just the dossiers that changed (dbt's
        `ref()` pointed elsewhere), so incremental and full builds share one definition.
        """
        sql = self.sql
        for model, relation in replacements.items():
            sql = re.sub(rf"\b{re.escape(model)}\b", relation, sql)
        return sql


@cache
def _layer(layer: str) -> tuple[Model, ...]:
    models = {
        path.stem: Model(path.stem, layer, path.read_text(encoding="utf-8"))
        for path in sorted((SQL_DIR / layer).glob("*.sql"))
    }
    return tuple(_in_dependency_order(models))


def staging_models() -> tuple[Model, ...]:
    return _layer("staging")


def mart_models() -> tuple[Model, ...]:
    return _layer("marts")


def mart(name: str) -> Model:
    return next(model for model in mart_models() if model.name == name)


@cache
def models_fingerprint() -> str:
    """Changes whenever any SQL file changes: materialised marts are then rebuilt."""
    digest = hashlib.sha256()
    for path in sorted(SQL_DIR.rglob("*.sql")):
        digest.update(path.relative_to(SQL_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Queries made of parts: a folder `sql/queries/<name>/` whose body is a list of CTEs and a
# final select that other files of the folder, composed in front of it (`with_ctes`), may
# provide inputs for. `query_sql(name)` is its plain form, these parts alone;
# `warehouse.kpi_sql` composes the KPI query's others.
QUERY_PARTS: dict[str, tuple[str, ...]] = {"kpi": ("kpi/measures",)}


@cache
def query_sql(name: str) -> str:
    """A query of `sql/queries/`: its file (a name may be a path: `kpi/measures`), or the
    plain form of a query made of parts."""
    if name in QUERY_PARTS:
        return with_ctes(*(query_sql(part) for part in QUERY_PARTS[name]))
    return (SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def with_ctes(*blocks: str) -> str:
    """One query from blocks of CTEs, in order: `with` and the blocks joined by commas.

    Every block is a list of `name as (...)` CTEs with no `with` of its own (its header
    comment first, never a comment last); the last one is the query's own steps and its
    final `select`. A block reads the CTEs of the blocks before it by name, and a CTE named
    as a table stands in for it from there on (in its own body the name is still the
    table's), so a query's inputs are chosen by which blocks come first: plain
    concatenation, nothing in a block is rewritten.
    """
    return "with " + ",\n\n".join(block.strip() for block in blocks)


def raw_ddl() -> str:
    return (SQL_DIR / "raw" / "tables.sql").read_text(encoding="utf-8")


def macros_sql() -> str:
    return (SQL_DIR / "macros.sql").read_text(encoding="utf-8")


def _in_dependency_order(models: dict[str, Model]) -> list[Model]:
    ordered: list[Model] = []
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in seen:
            return
        if name in path:
            raise ValueError(f"SQL models reference each other in a cycle: {' -> '.join(path + (name,))}")
        for other in sorted(models[name].references(set(models))):
            visit(other, path + (name,))
        seen.add(name)
        ordered.append(models[name])

    for name in models:
        visit(name, ())
    return ordered


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)
