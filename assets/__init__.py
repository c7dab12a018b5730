"""Package data: see the README."""
