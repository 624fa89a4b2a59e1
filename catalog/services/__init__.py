"""Business rules: every write goes through a function here, which checks authorisation,
applies the change, records a revision and commits."""
