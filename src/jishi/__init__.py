"""基石 Jishi — party-building-led grassroots governance platform."""

__version__ = "0.1.0"
