"""Contributor intake: every door into the catalogue (file, issue form, terminal questionnaire, formatter).

Each door reads what a person wrote into a :class:`~site_builder.intake.draft.Draft`, runs the same
parse and checks as ``catalogue check`` (:mod:`site_builder.catalogue.parse`), maps the diagnostics back
to where the person wrote, and writes files with one canonical writer (:mod:`site_builder.intake.writer`).
"""
