class WarehouseError(Exception):
    """Base class: the message is one sentence fit to show a user."""


class WriterBusy(WarehouseError):
    """Another writer kept the warehouse lock for longer than we were willing to wait."""


class NoSnapshot(WarehouseError):
    """No snapshot has been published beside the warehouse yet."""


class UnitLookupError(WarehouseError):
    """A unit given by code or name is unknown or ambiguous; `candidates` lists what was close."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


class ConfigError(WarehouseError):
    """The sources file (config/sources.toml or $IOC_SOURCES) is wrong: the message names the file and the option.

    Shared by its two readers, `ingest.sources.config` (`[sources.*]`, where it is called
    `SourceConfigError`) and `reports.config` (`[exports]`).
    """
