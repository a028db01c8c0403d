"""A county's roll-up of its units: units as data (units.py), their data (sources.py), the combined
tables (combine.py), the roll-up checks (checks.py), the interchange file (interchange.py) and every
unit's report (reports.py). docs/rollup.md describes the county's routine."""
