"""Where exports come from: a folder per kind of source (dlt's layout)."""
