"""The Products screen: the catalogue list and the product dialog."""
