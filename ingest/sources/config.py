"""Which portals to pull, from a TOML file; with none configured, the built-in demo.

    # config/sources.toml (or the file named by $IOC_SOURCES)
    [sources.thainguyen]
    base_url = "https://dichvucong.example.gov.vn/ioc-export"
    token_env = "IOC_THAINGUYEN_TOKEN"   # the token itself never goes in the file
    schedule_minutes = 5

See config/sources.example.toml for every option.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from ingest.errors import IngestError

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_FILE = ROOT / "config" / "sources.toml"
DEMO_PORT = 8765


class SourceConfigError(IngestError):
    pass


@dataclass(frozen=True)
class SourceConfig:
    name: str
    base_url: str
    token_env: str | None = None
    schedule_minutes: float = 5.0
    page_size: int = 1000
    timeout_seconds: float = 30.0
    retry_attempts: int = 4
    # The built-in demo portal: started on localhost when it is not already running.
    demo: bool = False

    @property
    def token(self) -> str | None:
        return os.environ.get(self.token_env) if self.token_env else None

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
        sources.append(SourceConfig(name=name, base_url=base_url.rstrip("/"), **options))
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
