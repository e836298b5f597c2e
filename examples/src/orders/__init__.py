"""orders-api: take, price and cancel orders."""

__version__ = "0.4.0"
