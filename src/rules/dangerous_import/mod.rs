//! Imports of dangerous modules (bandit B4xx); every rule here is off by default.
pub mod blacklist;
pub mod import_ftplib;
pub mod import_httpoxy;
pub mod import_lxml;
pub mod import_pickle;
pub mod import_pycrypto;
pub mod import_pyghmi;
pub mod import_subprocess;
pub mod import_telnetlib;
pub mod import_xml_etree;
pub mod import_xml_expat;
pub mod import_xml_minidom;
pub mod import_xml_pulldom;
pub mod import_xml_sax;
pub mod import_xmlrpclib;
