"""CNS mark (正字標記) certificates: registry, officers' actions, public search."""
