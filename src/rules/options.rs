//! Per-rule options, with bandit's defaults, settable under `[options]` in the config file.
//!
//! Bandit users rely on these lists (which functions count as "shell", which names look like
//! passwords); keeping the same names and defaults makes a migration painless.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

/// Options that change what rules consider dangerous.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleOptions {
    /// Functions that spawn a process without a shell but do take `shell=` (bandit
    /// `shell_injection.subprocess`).
    pub subprocess: Vec<String>,
    /// Functions that always run their argument through a shell (bandit `shell_injection.shell`).
    pub shell: Vec<String>,
    /// Functions that start a process without a shell (bandit `shell_injection.no_shell`).
    pub no_shell: Vec<String>,
    /// Regular expression (case-insensitive) for variable, attribute, key and argument names that
    /// hold passwords or other secrets (bandit `hardcoded_password` candidates).
    pub password_name_pattern: String,
    /// Directories whose use with hard-coded names is flagged by SG108 (bandit
    /// `hardcoded_tmp_directory.tmp_dirs`).
    pub tmp_dirs: Vec<String>,
    /// Minimum PBKDF2 iteration count considered adequate (OWASP 2023: 600,000 for SHA-256).
    pub min_pbkdf2_iterations: u64,
    #[serde(skip)]
    password_regex: OnceLock<Option<Regex>>,
}

impl RuleOptions {
    /// Check the options (the regex compiles); call once after loading configuration.
    pub fn validate(&self) -> Result<(), String> {
        Regex::new(&format!("(?i){}", self.password_name_pattern))
            .map(|_| ())
            .map_err(|error| format!("invalid password-name-pattern: {error}"))
    }

    /// The `shell` functions (selects calls for the rules that read the list).
    pub fn shell_functions(&self) -> Vec<&str> {
        names_in(&[&self.shell])
    }

    /// The `subprocess` functions.
    pub fn subprocess_functions(&self) -> Vec<&str> {
        names_in(&[&self.subprocess])
    }

    /// The `no_shell` functions.
    pub fn no_shell_functions(&self) -> Vec<&str> {
        names_in(&[&self.no_shell])
    }

    /// The `shell` and `subprocess` functions.
    pub fn shell_or_subprocess_functions(&self) -> Vec<&str> {
        names_in(&[&self.shell, &self.subprocess])
    }

    /// Every process-starting function of the three lists.
    pub fn process_functions(&self) -> Vec<&str> {
        names_in(&[&self.subprocess, &self.shell, &self.no_shell])
    }

    /// Whether a variable/attribute/key name looks like it holds a password or secret.
    pub fn is_password_name(&self, name: &str) -> bool {
        self.password_regex
            .get_or_init(|| Regex::new(&format!("(?i){}", self.password_name_pattern)).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(name))
    }
}

/// The names of `lists`, in order (a name on two lists comes twice: the checker's dispatch
/// runs a hook once per call anyway).
fn names_in<'a>(lists: &[&'a Vec<String>]) -> Vec<&'a str> {
    lists
        .iter()
        .flat_map(|list| list.iter().map(String::as_str))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_string()).collect()
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            subprocess: strings(&[
                "subprocess.Popen",
                "subprocess.call",
                "subprocess.check_call",
                "subprocess.check_output",
                "subprocess.run",
                "subprocess.getoutput",
                "subprocess.getstatusoutput",
            ]),
            shell: strings(&[
                "os.system",
                "os.popen",
                "os.popen2",
                "os.popen3",
                "os.popen4",
                "popen2.popen2",
                "popen2.popen3",
                "popen2.popen4",
                "popen2.Popen3",
                "popen2.Popen4",
                "commands.getoutput",
                "commands.getstatusoutput",
                "subprocess.getoutput",
                "subprocess.getstatusoutput",
            ]),
            no_shell: strings(&[
                "os.execl",
                "os.execle",
                "os.execlp",
                "os.execlpe",
                "os.execv",
                "os.execve",
                "os.execvp",
                "os.execvpe",
                "os.spawnl",
                "os.spawnle",
                "os.spawnlp",
                "os.spawnlpe",
                "os.spawnv",
                "os.spawnve",
                "os.spawnvp",
                "os.spawnvpe",
                "os.startfile",
            ]),
            password_name_pattern: "(^|_)(pass|passwd|password|pwd|secret|token|secrete|api_?key|private_?key|credential)s?($|_)|^(pass|pwd|secret|token|passphrase)$".to_string(),
            tmp_dirs: strings(&["/tmp", "/var/tmp", "/dev/shm"]),
            min_pbkdf2_iterations: 100_000,
            password_regex: OnceLock::new(),
        }
    }
}
