"""ASIS - the Social Innovation Strategy platform for the Alpine Space."""

__version__ = "0.1.0"
