"""A ticket open in a tab: the editor, its fields, saving, drafts, merge and logs."""
