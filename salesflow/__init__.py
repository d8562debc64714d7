"""salesflow: a seller's pipeline from lead to paid invoice, in one JSON file."""

__version__ = "0.1.0"
