"""The package version, importable by every layer without loading runbase's top level."""

__version__ = "0.1.0"
