"""The team server (``runbase server``): accounts, login, API keys and who may
read or change which project, over a store on PostgreSQL.

``app.create_team_app`` serves the same read routes as ``runbase ui`` behind an
authorization dependency; everything shared between server processes (users,
sessions, failed logins, public projects) lives in the database, so any number
of processes can serve one store.
"""
