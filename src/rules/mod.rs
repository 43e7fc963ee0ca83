//! The rule catalogue: one file per rule, grouped by family, and the one registry below.
//!
//! Every rule file declares `pub const META: RuleMeta` with [`declare_rule!`](crate::declare_rule) (its doc
//! comment is its documentation) and the hook functions it plugs into the AST pass. The
//! `registry!` invocation is the only place that lists rules; nothing else spells a code.

pub mod helpers;
pub mod meta;
pub mod options;
pub mod reference;

pub mod authentication;
pub mod crypto;
pub mod crypto_misuse;
pub mod dangerous_call;
pub mod dangerous_import;
pub mod error_handling;
pub mod injection;
pub mod interop;
pub mod misc;
pub mod misconfiguration;
pub mod net_cleartext;
pub mod network;
pub mod secrets;
pub mod taint;
pub mod web_xss;
pub mod xss;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use meta::{Family, Hooks, RuleMeta};

macro_rules! registry {
    ($($variant:ident = $($module:ident)::+ ;)*) => {
        /// Every rule snakeguard knows.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant),*
        }

        impl Rule {
            /// All rules, in registry order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(Rule::$variant => &$($module)::+::META),*
                }
            }
        }
    };
}

registry! {
    AssertUsed = misc::assert_used;
    ExecUsed = misc::exec_used;
    SetBadFilePermissions = misc::set_bad_file_permissions;
    HardcodedBindAllInterfaces = misc::hardcoded_bind_all_interfaces;
    HardcodedPasswordString = misc::hardcoded_password_string;
    HardcodedPasswordFuncarg = misc::hardcoded_password_funcarg;
    HardcodedPasswordDefault = misc::hardcoded_password_default;
    HardcodedTmpDirectory = misc::hardcoded_tmp_directory;
    PasswordConfigOptionNotMarkedSecret = misc::password_config_option_not_marked_secret;
    TryExceptPass = misc::try_except_pass;
    TryExceptContinue = misc::try_except_continue;
    RequestWithoutTimeout = misc::request_without_timeout;
    FlaskDebugTrue = misconfiguration::flask_debug_true;
    PickleLoads = dangerous_call::pickle_loads;
    YamlLoad = dangerous_call::yaml_load;
    SubprocessShellTrue = injection::subprocess_shell_true;
    DjangoDebugTrue = misconfiguration::django_debug_true;
    DjangoAllowedHostsWildcard = misconfiguration::django_allowed_hosts_wildcard;
    HardcodedSecretKey = misconfiguration::hardcoded_secret_key;
    CsrfExempt = misconfiguration::csrf_exempt;
    DjangoCsrfMiddlewareMissing = misconfiguration::django_csrf_middleware_missing;
    CookieSecureDisabled = misconfiguration::cookie_secure_disabled;
    CookieHttponlyDisabled = misconfiguration::cookie_httponly_disabled;
    DjangoRawSql = injection::django_raw_sql;
    DjangoFormatHtmlPreformatted = web_xss::django_format_html_preformatted;
    FlaskWtfCsrfDisabled = misconfiguration::flask_wtf_csrf_disabled;
    SetCookieInsecure = misconfiguration::set_cookie_insecure;
    FlaskRenderTemplateString = web_xss::flask_render_template_string;
    FlaskSendFilePath = injection::flask_send_file_path;
    SqlalchemyEchoTrue = error_handling::sqlalchemy_echo_true;
    CorsWildcardWithCredentials = misconfiguration::cors_wildcard_with_credentials;
    StackTraceInResponse = error_handling::stack_trace_in_response;
    SecretInLog = error_handling::secret_in_log;
    WerkzeugDebuggerEnabled = misconfiguration::werkzeug_debugger_enabled;
    Md5 = crypto::md5;
    Ciphers = crypto::ciphers;
    CipherModes = crypto::cipher_modes;
    HashlibInsecureFunctions = crypto::hashlib_insecure_functions;
    RequestWithNoCertValidation = crypto::request_with_no_cert_validation;
    SslWithBadVersion = crypto::ssl_with_bad_version;
    SslWithBadDefaults = crypto::ssl_with_bad_defaults;
    SslWithNoVersion = crypto::ssl_with_no_version;
    WeakCryptographicKey = crypto::weak_cryptographic_key;
    SshNoHostKeyVerification = network::ssh_no_host_key_verification;
    SnmpInsecureVersion = network::snmp_insecure_version;
    SnmpWeakCryptography = network::snmp_weak_cryptography;
    Marshal = dangerous_call::marshal;
    MktempQ = dangerous_call::mktemp_q;
    Eval = dangerous_call::eval;
    MarkSafe = dangerous_call::mark_safe;
    UrllibUrlopen = dangerous_call::urllib_urlopen;
    Random = dangerous_call::random;
    InsecureRandomForSecret = dangerous_call::insecure_random_for_secret;
    Telnetlib = dangerous_call::telnetlib;
    XmlBadCElementTree = dangerous_call::xml_bad_celementtree;
    XmlBadElementTree = dangerous_call::xml_bad_elementtree;
    XmlBadExpatreader = dangerous_call::xml_bad_expatreader;
    XmlBadExpatbuilder = dangerous_call::xml_bad_expatbuilder;
    XmlBadSax = dangerous_call::xml_bad_sax;
    XmlBadMinidom = dangerous_call::xml_bad_minidom;
    XmlBadPulldom = dangerous_call::xml_bad_pulldom;
    XmlBadEtree = dangerous_call::xml_bad_etree;
    Ftplib = dangerous_call::ftplib;
    UnverifiedContext = dangerous_call::unverified_context;
    Jinja2AutoescapeFalse = xss::jinja2_autoescape_false;
    UseOfMakoTemplates = xss::use_of_mako_templates;
    DjangoMarkSafe = xss::django_mark_safe;
    MarkupsafeMarkupXss = xss::markupsafe_markup_xss;
    ImportTelnetlib = dangerous_import::import_telnetlib;
    ImportFtplib = dangerous_import::import_ftplib;
    ImportPickle = dangerous_import::import_pickle;
    ImportSubprocess = dangerous_import::import_subprocess;
    ImportXmlEtree = dangerous_import::import_xml_etree;
    ImportXmlSax = dangerous_import::import_xml_sax;
    ImportXmlExpat = dangerous_import::import_xml_expat;
    ImportXmlMinidom = dangerous_import::import_xml_minidom;
    ImportXmlPulldom = dangerous_import::import_xml_pulldom;
    ImportLxml = dangerous_import::import_lxml;
    ImportXmlrpclib = dangerous_import::import_xmlrpclib;
    ImportHttpoxy = dangerous_import::import_httpoxy;
    ImportPycrypto = dangerous_import::import_pycrypto;
    ImportPyghmi = dangerous_import::import_pyghmi;
    // Authentication (SG850-SG869)
    JwtSignatureVerificationDisabled = authentication::jwt_signature_verification_disabled;
    JwtInsecureAlgorithms = authentication::jwt_insecure_algorithms;
    PasswordFastHash = authentication::password_fast_hash;
    Pbkdf2InsufficientIterations = authentication::pbkdf2_insufficient_iterations;
    NonConstantTimeComparison = authentication::non_constant_time_comparison;
    // Crypto misuse (SG900-SG919)
    StaticInitializationVector = crypto_misuse::static_initialization_vector;
    StaticNonce = crypto_misuse::static_nonce;
    HardCodedEncryptionKey = crypto_misuse::hard_coded_encryption_key;
    SslCheckHostnameDisabled = crypto_misuse::ssl_check_hostname_disabled;
    SslVerifyModeCertNone = crypto_misuse::ssl_verify_mode_cert_none;
    // C interop (SG920-SG929)
    CtypesMemmoveVariableSize = interop::ctypes_memmove_variable_size;
    CtypesMemsetVariableSize = interop::ctypes_memset_variable_size;
    CtypesStringAtVariableSize = interop::ctypes_string_at_variable_size;
    CtypesCastFromInteger = interop::ctypes_cast_from_integer;
    // Network (SG930-SG939)
    CredentialsOverHttp = net_cleartext::credentials_over_http;
    UrllibBasicAuthOverHttp = net_cleartext::urllib_basic_auth_over_http;
    // Secrets (SG950-SG969)
    AwsAccessKeyId = secrets::aws_access_key_id;
    AwsSecretAccessKey = secrets::aws_secret_access_key;
    GithubToken = secrets::github_token;
    SlackToken = secrets::slack_token;
    PrivateKeyBlock = secrets::private_key_block;
    StripeApiKey = secrets::stripe_api_key;
    GoogleApiKey = secrets::google_api_key;
    TarfileUnsafeMembers = dangerous_call::tarfile_unsafe_members;
    ParamikoCalls = injection::paramiko_calls;
    SubprocessWithoutShellEqualsTrue = injection::subprocess_without_shell_equals_true;
    AnyOtherFunctionWithShellEqualsTrue = injection::any_other_function_with_shell_equals_true;
    StartProcessWithAShell = injection::start_process_with_a_shell;
    StartProcessWithNoShell = injection::start_process_with_no_shell;
    StartProcessWithPartialPath = injection::start_process_with_partial_path;
    HardcodedSqlExpressions = injection::hardcoded_sql_expressions;
    LinuxCommandsWildcardInjection = injection::linux_commands_wildcard_injection;
    DjangoExtraUsed = injection::django_extra_used;
    DjangoRawsqlUsed = injection::django_rawsql_used;
    LoggingConfigInsecureListen = injection::logging_config_insecure_listen;
    Trojansource = injection::trojansource;
    PytorchLoad = injection::pytorch_load;
    HuggingfaceUnsafeDownload = injection::huggingface_unsafe_download;
    TaintSqlInjection = taint::sql_injection;
    TaintCommandInjection = taint::command_injection;
    TaintCodeInjection = taint::code_injection;
    TaintPathTraversal = taint::path_traversal;
    TaintSsrf = taint::ssrf;
    TaintOpenRedirect = taint::open_redirect;
    TaintReflectedXss = taint::reflected_xss;
    TaintTemplateInjection = taint::template_injection;
    TaintLdapInjection = taint::ldap_injection;
    TaintXpathInjection = taint::xpath_injection;
    TaintXxe = taint::xxe;
    TaintUnsafeDeserialization = taint::unsafe_deserialization;
    TaintTrustBoundary = taint::trust_boundary;
    TaintHeaderInjection = taint::header_injection;
    TaintLogInjection = taint::log_injection;
    TaintRegexInjection = taint::regex_injection;
    TaintInsecureCookie = taint::insecure_cookie;
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// Look a rule up by code (`SG602`), bandit/ruff code (`B602`, `S602`) or name.
    pub fn from_code(code: &str) -> Option<Rule> {
        let code = code.trim();
        Rule::ALL.iter().copied().find(|rule| {
            let meta = rule.meta();
            meta.code.eq_ignore_ascii_case(code) || meta.name == code
        })
    }

    /// All rules, sorted by code.
    pub fn sorted() -> Vec<Rule> {
        let mut rules = Rule::ALL.to_vec();
        rules.sort_by_key(|rule| rule.code());
        rules
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Rule::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{code}`")))
    }
}

#[cfg(test)]
mod tests;
