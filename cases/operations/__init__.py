"""Operations: backup and restore (deploy/README.md, "Backups")."""
