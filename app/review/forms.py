"""Forms for QLP teams (reviews arrive with the co-designed services)."""
