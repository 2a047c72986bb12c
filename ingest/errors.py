"""Why a file could not be loaded. Row-level problems never raise: they are quarantined.

Exceptions::

    IngestError                 the file is not loaded; nothing already loaded changes
    ├── UnreadableFile          empty, corrupt, encrypted, a PDF, an unknown encoding (TCVN3)
    │                           or layout, JSON nested too deeply
    ├── UnrecognisedExport      readable, but not one of the contract's kinds
    └── MissingColumns          a required column of its kind is absent

    PortalError                 a pull cycle failed; the watermark stays, the next tick retries
    ├── PortalUnavailable       refused, timed out, or 5xx/429 after the retries
    │   └── DeadlineExceeded    a request or the whole cycle ran past its deadline (never retried)
    ├── PortalRejected          a 4xx: a wrong token or URL, a request it will never accept
    ├── MalformedResponse       an answer that is not the contract's JSON or CSV, an export
    │                           month that is not YYYY-MM, a 304 to a request without an ETag
    └── LimitExceeded           a cursor followed twice, more pages or bytes than a cycle allows

The messages of the PortalError tree are one line, name the full URL where there is one,
and never carry the source's token (`ingest.sources.redact`).
"""


class IngestError(Exception):
    """Base: the message is one sentence that names the reason."""


class UnreadableFile(IngestError):
    pass


class UnrecognisedExport(IngestError):
    pass


class MissingColumns(IngestError):
    pass


class PortalError(Exception):
    """Base: the message names the source, the request and the reason."""


class PortalUnavailable(PortalError):
    pass


class PortalRejected(PortalError):
    pass


class MalformedResponse(PortalError):
    pass


class DeadlineExceeded(PortalUnavailable):
    pass


class LimitExceeded(PortalError):
    pass
