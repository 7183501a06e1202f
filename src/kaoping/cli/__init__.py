"""The ``kaoping`` command line (click)."""
