"""Rasid (راصد): who said and did what, to whom, where and when, in Arabic news."""

__version__ = "0.1.0"
