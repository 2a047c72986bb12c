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


@cache
def query_sql(name: str) -> str:
    return (SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")


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
