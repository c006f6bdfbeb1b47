"""MLIR dialects of linear-layouts (op classes for the upstream mlir package)."""
