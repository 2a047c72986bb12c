"""What the dashboard and the reports share about presenting numbers: words, formats, colours."""
