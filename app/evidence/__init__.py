"""Evidence: figures about participation for QLP teams and the public, all under disclosure control.

Every count this area shows, on a page, in an export or in a chart, goes through
`app.evidence.disclosure`.
"""
