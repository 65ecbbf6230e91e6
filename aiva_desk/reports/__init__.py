"""Reports: the SOP ticket report, the seven quality metrics, the weekly review, exports.

Qt-free: everything here produces data, Markdown, HTML, CSV or JSON. PDF pages
and charts are drawn by the GUI package (Qt), which the CLI loads only for them.
"""
