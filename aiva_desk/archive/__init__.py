"""The whole data set as one portable archive: for moving machines or databases.

``export_all`` writes every table (JSON Lines, in foreign-key order) and the data
folder's attachments, drafts and template overrides into one zip with a manifest of
SHA-256 hashes; ``import_all`` checks that manifest and loads it into an empty
database of any kind (SQLite or PostgreSQL). Passwords are never in the archive:
they live in the OS keyring, not in the database.
"""

from aiva_desk.archive.export import export_all
from aiva_desk.archive.import_ import check_archive, import_all

__all__ = ["check_archive", "export_all", "import_all"]
