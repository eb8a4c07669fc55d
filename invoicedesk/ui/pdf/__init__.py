"""PDFs in the desktop app: the preview (``preview``, rasterised by ``raster``), the
actions on invoices (``actions``, ``export``), the editor's archived versions
(``versions``, ``editor``) and the Document Layout dialog (``layout_dialog``)."""
