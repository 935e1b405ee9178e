"""Schema and migrations: the database engine, its tables and migrations, the index lock,
and how values are encoded in columns."""
