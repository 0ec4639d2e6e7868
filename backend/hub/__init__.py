"""The provincial hub: every centre's case data mirrored into PostgreSQL, answering
province-wide lookups and reports."""
