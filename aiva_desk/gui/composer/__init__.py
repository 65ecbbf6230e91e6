"""Writing an e-mail from a template: the composer dialog and its parts."""
