"""Which portals to pull, from a TOML file; with none configured, the built-in demo.

    # config/sources.toml (or the file named by $IOC_SOURCES)
    [sources.thainguyen]
    base_url = "https://dichvucong.example.gov.vn/ioc-export"
    token_env = "IOC_THAINGUYEN_TOKEN"   # the token itself never goes in the file
    schedule_minutes = 5

A source's name becomes part of file names beside the warehouse, so it must be a slug
(letters, digits, `-`, `_`). Every pull is bounded (issue 16): a deadline per request
and per cycle, a cap on the change-feed pages and on the bytes received in a cycle; a
portal that hangs, loops or floods fails its cycle in one line and the others go on.

The same file configures the scheduled snapshot exports (`[exports]`): that part is read
by `reports.config`. See config/sources.example.toml for every option.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from warehouse.errors import ConfigError

# A source name is used in file names beside the warehouse: nothing that could be a path.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_FILE = ROOT / "config" / "sources.toml"
DEMO_PORT = 8765


# The sources file's error is shared with `reports.config` (its `[exports]` table):
# one class, `warehouse.errors.ConfigError`, under the name ingest has always used.
SourceConfigError = ConfigError


@dataclass(frozen=True)
class SourceConfig:
    name: str
    base_url: str
    token_env: str | None = None
    schedule_minutes: float = 5.0
    page_size: int = 1000
    timeout_seconds: float = 30.0  # silence: to connect, and between two reads
    retry_attempts: int = 4
    # Bounds (issue 16). A drip of one byte a second never trips timeout_seconds, so
    # every request, and every cycle as a whole, also has a deadline.
    request_deadline_seconds: float = 300.0  # one request, from connecting to the last byte
    cycle_deadline_seconds: float = 900.0  # one cycle, retries and their waits included
    max_pages: int = 10_000  # change-feed pages in one cycle
    max_page_mb: float = 32.0  # one change-feed page (it is held in memory)
    max_cycle_mb: float = 2048.0  # everything received in one cycle, exports included
    # The built-in demo portal: started on localhost when it is not already running.
    demo: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not SAFE_NAME.match(self.name):
            raise SourceConfigError(
                f"source name {self.name!r} is not allowed: use up to 64 letters, digits, '-' or '_' "
                "(the name is part of file names beside the warehouse)"
            )
        for option in (
            "timeout_seconds",
            "request_deadline_seconds",
            "cycle_deadline_seconds",
            "max_pages",
            "max_page_mb",
            "max_cycle_mb",
            "page_size",
            "retry_attempts",
        ):
            value = getattr(self, option)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SourceConfigError(f"source {self.name}: {option} must be a positive number, not {value!r}")

    @property
    def token(self) -> str | None:
        return os.environ.get(self.token_env) or None if self.token_env else None

    def token_warning(self) -> str | None:
        """A sentence when `token_env` names a variable that is unset or empty."""
        if self.token_env and not self.token and not self.demo:
            return (
                f"{self.name}: warning: token_env names {self.token_env}, which is not set in the environment; "
                "requests go without a token"
            )
        return None

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[-1].split("/", 1)[0])


def demo_source() -> SourceConfig:
    port = int(os.environ.get("IOC_DEMO_PORT", DEMO_PORT))
    return SourceConfig("demo", f"http://127.0.0.1:{port}", token_env="IOC_DEMO_TOKEN", demo=True)


def load_sources(path: Path | None = None) -> list[SourceConfig]:
    path = path or Path(os.environ.get("IOC_SOURCES", DEFAULT_FILE))
    if not path.exists():
        return [demo_source()]
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourceConfigError(f"{path}: not valid TOML: {error}") from None
    known = {f.name for f in fields(SourceConfig)} - {"name"}
    sources = []
    for name, options in (document.get("sources") or {}).items():
        unknown = set(options) - known
        if unknown:
            raise SourceConfigError(f"{path}: source {name!r} has unknown option(s) {', '.join(sorted(unknown))}")
        if "base_url" not in options and not options.get("demo"):
            raise SourceConfigError(f"{path}: source {name!r} needs a base_url")
        defaults = demo_source() if options.get("demo") else None
        base_url = options.pop("base_url", defaults.base_url if defaults else "")
        try:
            sources.append(SourceConfig(name=name, base_url=base_url.rstrip("/"), **options))
        except SourceConfigError as error:
            raise SourceConfigError(f"{path}: {error}") from None
    return sources or [demo_source()]


def find_source(sources: list[SourceConfig], name: str | None) -> list[SourceConfig]:
    if name is None:
        return sources
    if name == "demo" and not any(s.name == "demo" for s in sources):
        return [demo_source()]
    chosen = [s for s in sources if s.name == name]
    if not chosen:
        raise SourceConfigError(f"no source named {name!r}; configured: {', '.join(s.name for s in sources)}")
    return chosen
