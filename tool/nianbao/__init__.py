"""nianbao (年报): the yearly statutory report on open government information, end to end."""

__version__ = "0.1.0"
TEMPLATE_VERSION = "2026.1"  # bump when the workbook layout or metadata changes
