"""File › Settings and the forms it shares with the first-start wizard."""
