"""Backup, restore and campaign archives that lose nothing (docs/backup.md)."""
