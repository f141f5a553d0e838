"""The database: opening it (`db`), its schema (`schema`), and the repository (`repository`), whose parts find the table names in `tables`."""
