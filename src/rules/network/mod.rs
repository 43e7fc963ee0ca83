//! Network protocols and clients: SSH host key checking and SNMP security (bandit B507-B509).
pub mod snmp_insecure_version;
pub mod snmp_weak_cryptography;
pub mod ssh_no_host_key_verification;
