"""Reporting service: notices, bulletins, archives and statistics built from every service's events."""
