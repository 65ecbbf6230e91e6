"""Tickets and what the SOP does with them: the service, workflow, checklists,
escalation, categories, customers, bulk changes, merging, drafts and attachments."""
