"""Tests of the PDF renderer: documents rendered and read back with real PDF tools."""
