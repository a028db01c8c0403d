"""Reference data shipped with disclo (vocabularies, column wordings, table definitions)."""
