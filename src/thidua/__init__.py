"""thidua: records, checks and reports for Vietnamese emulation clusters (cụm thi đua, khối thi đua)."""

__version__ = "0.1.0"
