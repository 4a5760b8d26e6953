"""Built-in machine simulator: a deterministic model served as a real OPC UA server
(and, on request, a Modbus TCP device); see docs/simulator.md."""
