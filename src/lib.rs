//! snakeguard: security review for Python code.
