"""The Clients screen: the client list with balances, a client's documents, the client dialog."""
