"""Insights into the catalogue as a whole: change history, the printable document, PDF and spreadsheet exports."""
