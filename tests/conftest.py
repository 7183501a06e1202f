"""Shared fixtures. Engine and format tests need no database; web tests use pytest-django."""
