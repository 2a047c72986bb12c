"""The provincial portal's export API (DESIGN §3): bulk CSV exports and a JSON change feed.

`client` speaks HTTP (retries, pagination, conditional requests); `transform` turns
answers into contract frames; `ingest.pull` decides what to fetch and loads it.
"""
