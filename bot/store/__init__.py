"""The database: opening it (`db`), its schema (`schema`) and the one repository that names its tables."""
