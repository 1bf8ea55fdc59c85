"""docgen: the 信访积案 paper toolkit (generation side: case model, ledger, papers, typesetting, CLI)."""

__version__ = "0.1.0"
