"""Why a file could not be loaded. Row-level problems never raise: they are quarantined.

Exceptions::

    IngestError                 the file is not loaded; nothing already loaded changes
    ├── UnreadableFile          empty, corrupt, a PDF, an unknown encoding or layout
    ├── UnrecognisedExport      readable, but not one of the contract's kinds
    └── MissingColumns          a required column of its kind is absent
"""


class IngestError(Exception):
    """Base: the message is one sentence that names the reason."""


class UnreadableFile(IngestError):
    pass


class UnrecognisedExport(IngestError):
    pass


class MissingColumns(IngestError):
    pass
