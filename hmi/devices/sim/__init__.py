"""Built-in machine simulator: a deterministic model served as a real OPC UA server."""
