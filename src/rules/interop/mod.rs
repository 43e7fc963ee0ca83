//! Unsafe C interop through `ctypes`: raw memory copies, reads and casts.
