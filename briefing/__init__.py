"""Build cited, printable PDF policy briefs from sources and outlines."""

__version__ = "0.1.0"
