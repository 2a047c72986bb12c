"""Snapshot exports (DESIGN §1, §7): what leaders read on paper and what the office files upward.

`python -m reports snapshot --period P [--unit U] [--out DIR] [--lang vi|en]` writes, into DIR,

    briefing.pdf     the one- or two-page briefing (fpdf2, fonts shipped with matplotlib)
    form_06a.xlsx    the official form 06a (Biểu số II.06a/VPCP/KSTT), loadable by `ingest load`
    kpi.xlsx         KPI rows: the total, by area, by field, labelled in --lang (for people)
    overdue.xlsx     the pending dossiers overdue at the end of the period, labelled (for people)
    kpi.csv          the same KPI rows with `kpi --format json` keys (UTF-8 with BOM; for scripts)
    overdue.csv      the same overdue list with its column names (UTF-8 with BOM; for scripts)
    wall.png         the wall page in headless Chromium (`reports.browser`)
    manifest.json    written last: data version, period, unit, files, failures

Modules, one concept each: `data` (everything read from the snapshot, once), `form06a`
(the official layout), `extracts` (XLSX for people, CSV for scripts), `charts`
(matplotlib), `briefing` (the PDF),
`snapshot` (write-then-rename of the whole set), `schedule` (which period a scheduled run
covers, the archive's layout and retention), `exports` (one scheduled run, as the worker
calls it), `config` (`[exports]` of the sources file), `errors`. `reports` never imports
`ingest`; the worker (`ingest.worker`) imports `reports` to run the scheduled exports.

Errors: see `reports.errors` (ReportError, PartialSnapshot).
"""
