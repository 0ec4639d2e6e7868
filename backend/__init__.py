"""motcua: the central backend (cases, procedures, workflows, lookup, devices)."""

__version__ = "0.1.0"
