"""The DuckDB warehouse: one writer, published read-only snapshots, typed KPI queries.

Exceptions::

    WarehouseError
    ├── WriterBusy          another process holds the write lock past the wait
    ├── NoSnapshot          nothing has been published yet
    └── UnitLookupError     a unit name or code matched nothing, or several units
"""

from warehouse.errors import NoSnapshot, UnitLookupError, WarehouseError, WriterBusy

__all__ = ["WarehouseError", "WriterBusy", "NoSnapshot", "UnitLookupError"]
