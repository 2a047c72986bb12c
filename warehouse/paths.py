"""Where the warehouse and everything beside it live on disk.

The writer's database is one file; published snapshots, the pointer to the current
one, the archive of received files and the writer's lock sit beside it, named after it,
so that one `--warehouse PATH` selects all of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"


@dataclass(frozen=True)
class WarehousePaths:
    database: Path

    @classmethod
    def resolve(cls, cli_value: str | os.PathLike[str] | None = None) -> WarehousePaths:
        value = cli_value or os.environ.get("IOC_WAREHOUSE") or DEFAULT_WAREHOUSE
        return cls(Path(value).expanduser().absolute())

    @property
    def lock(self) -> Path:
        return self.database.with_name(self.database.name + ".lock")

    @property
    def snapshots(self) -> Path:
        return self.database.with_name(self.database.name + ".snapshots")

    @property
    def current_pointer(self) -> Path:
        return self.snapshots / "CURRENT.json"

    @property
    def run_log(self) -> Path:
        return self.database.with_name(self.database.name + ".runs.jsonl")

    @property
    def archive(self) -> Path:
        return self.database.with_name(self.database.name + ".archive")
