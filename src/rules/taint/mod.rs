//! Taint rules: one per CWE. Findings come from the taint pass (`analysis::taint`), which
//! runs once per file when any rule of this family is enabled; the rules only declare metadata.

macro_rules! taint_rule {
    (
        $module:ident,
        $(#[doc = $doc:literal])*
        code: $code:literal, name: $name:literal, cwe: $cwe:literal, severity: $severity:ident,
        summary: $summary:literal
    ) => {
        pub mod $module {
            use crate::rules::meta::{Hooks, RuleMeta};

            pub const META: RuleMeta = crate::declare_rule! {
                $(#[doc = $doc])*
                code: $code,
                name: $name,
                family: Taint,
                cwe: $cwe,
                severity: $severity,
                confidence: High,
                summary: $summary,
                hooks: Hooks::NONE,
            };
        }
    };
}

taint_rule! {
    sql_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// SQL injection: attacker-controlled text changes the query's meaning and can read or modify any data the database user can.
    ///
    /// ## Example
    /// ```python
    /// q = request.args["q"]
    /// cursor.execute("SELECT * FROM t WHERE name = '%s'" % q)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// cursor.execute("SELECT * FROM t WHERE name = %s", (q,))
    /// ```
    ///
    /// ## References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    code: "SG001", name: "tainted-sql-query", cwe: 89, severity: High,
    summary: "Untrusted input reaches a SQL query"
}

taint_rule! {
    command_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// OS command injection: shell metacharacters in the input run arbitrary commands on the server.
    ///
    /// ## Example
    /// ```python
    /// os.system("ping " + request.args["host"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// subprocess.run(["ping", "-c1", host])  # or shlex.quote(host)
    /// ```
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    code: "SG002", name: "tainted-os-command", cwe: 78, severity: Critical,
    summary: "Untrusted input reaches an OS command"
}

taint_rule! {
    code_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Code injection: `eval`/`exec`/`__import__` of user input runs arbitrary Python in the server process.
    ///
    /// ## Example
    /// ```python
    /// eval(request.form["expr"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ast.literal_eval(request.form["expr"])
    /// ```
    ///
    /// ## References
    /// - CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code
    code: "SG003", name: "tainted-code-evaluation", cwe: 95, severity: Critical,
    summary: "Untrusted input is evaluated as Python code"
}

taint_rule! {
    path_traversal,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Path traversal: `../` sequences or absolute paths in the input read or overwrite files outside the intended directory.
    ///
    /// ## Example
    /// ```python
    /// open(os.path.join(UPLOADS, request.args["name"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// open(os.path.join(UPLOADS, secure_filename(request.args["name"])))
    /// ```
    ///
    /// ## References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory
    code: "SG004", name: "tainted-file-path", cwe: 22, severity: High,
    summary: "Untrusted input is used as a file path"
}

taint_rule! {
    ssrf,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Server-side request forgery: the server can be made to call internal services or cloud metadata endpoints.
    ///
    /// ## Example
    /// ```python
    /// requests.get(request.args["url"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// requests.get(ALLOWED[request.args["site"]])  # allow-list lookup
    /// ```
    ///
    /// ## References
    /// - CWE-918: Server-Side Request Forgery (SSRF)
    code: "SG005", name: "tainted-request-url", cwe: 918, severity: High,
    summary: "Untrusted input chooses the URL of a server-side request"
}

taint_rule! {
    open_redirect,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Open redirect: users are sent to an attacker's site from a trusted link (phishing, token theft).
    ///
    /// ## Example
    /// ```python
    /// return redirect(request.args["next"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
    ///     return redirect(target)
    /// ```
    ///
    /// ## References
    /// - CWE-601: URL Redirection to Untrusted Site ('Open Redirect')
    code: "SG006", name: "tainted-redirect", cwe: 601, severity: Medium,
    summary: "Untrusted input chooses a redirect target"
}

taint_rule! {
    reflected_xss,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Reflected cross-site scripting: script in the input runs in the victim's browser with the site's privileges.
    ///
    /// ## Example
    /// ```python
    /// return make_response("<p>Hello " + request.args["name"] + "</p>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// return make_response("<p>Hello " + escape(request.args["name"]) + "</p>")
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation
    code: "SG007", name: "tainted-html-response", cwe: 79, severity: High,
    summary: "Untrusted input is written into an HTML response unescaped"
}

taint_rule! {
    template_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Server-side template injection: template syntax in the input evaluates expressions on the server (often leading to code execution).
    ///
    /// ## Example
    /// ```python
    /// render_template_string("<h1>" + request.args["title"] + "</h1>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// render_template_string("<h1>{{ title }}</h1>", title=request.args["title"])
    /// ```
    ///
    /// ## References
    /// - CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine
    code: "SG008", name: "tainted-template-source", cwe: 1336, severity: Critical,
    summary: "Untrusted input is compiled as a template"
}

taint_rule! {
    ldap_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// LDAP injection: filter metacharacters change the query and can bypass authentication or dump the directory.
    ///
    /// ## Example
    /// ```python
    /// conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(uid=" + user + ")")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(uid=" + escape_filter_chars(user) + ")")
    /// ```
    ///
    /// ## References
    /// - CWE-90: Improper Neutralization of Special Elements used in an LDAP Query
    code: "SG009", name: "tainted-ldap-filter", cwe: 90, severity: High,
    summary: "Untrusted input is used in an LDAP filter or DN"
}

taint_rule! {
    xpath_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// XPath injection: quotes and predicates in the input change which nodes are selected (authentication bypass, data disclosure).
    ///
    /// ## Example
    /// ```python
    /// tree.xpath("//user[@name='" + name + "']")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// tree.xpath("//user[@name=$name]", name=name)
    /// ```
    ///
    /// ## References
    /// - CWE-643: Improper Neutralization of Data within XPath Expressions
    code: "SG010", name: "tainted-xpath", cwe: 643, severity: High,
    summary: "Untrusted input is used in an XPath expression"
}

taint_rule! {
    xxe,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// XML external entities: a document from the user can read local files or make network requests through entity expansion.
    ///
    /// ## Example
    /// ```python
    /// lxml.etree.fromstring(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// defusedxml.lxml.fromstring(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    code: "SG011", name: "tainted-xml-parse", cwe: 611, severity: High,
    summary: "Untrusted XML is parsed by a parser that resolves external entities"
}

taint_rule! {
    unsafe_deserialization,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Deserializing attacker-controlled pickle/marshal/YAML data executes arbitrary code.
    ///
    /// ## Example
    /// ```python
    /// pickle.loads(base64.b64decode(request.cookies["state"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// json.loads(base64.b64decode(request.cookies["state"]))
    /// ```
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    code: "SG012", name: "tainted-deserialization", cwe: 502, severity: Critical,
    summary: "Untrusted bytes are deserialized with pickle, marshal or unsafe YAML"
}

taint_rule! {
    trust_boundary,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Trust boundary violation: later code trusts session values, but this one came straight from the request.
    ///
    /// ## Example
    /// ```python
    /// session["role"] = request.form["role"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// session["role"] = "admin" if user.is_admin else "user"
    /// ```
    ///
    /// ## References
    /// - CWE-501: Trust Boundary Violation
    code: "SG013", name: "tainted-session-value", cwe: 501, severity: Medium,
    summary: "Untrusted input is stored in the session as if it were trusted"
}

taint_rule! {
    header_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// HTTP response splitting: CR/LF in the input injects headers or a whole second response.
    ///
    /// ## Example
    /// ```python
    /// response.headers["X-User"] = request.args["user"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response.headers["X-User"] = request.args["user"].replace("\r", "").replace("\n", "")
    /// ```
    ///
    /// ## References
    /// - CWE-113: Improper Neutralization of CRLF Sequences in HTTP Headers
    code: "SG014", name: "tainted-response-header", cwe: 113, severity: Medium,
    summary: "Untrusted input is written into an HTTP response header"
}

taint_rule! {
    log_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Log injection: newlines in the input forge log entries and mislead audits or log-processing tools.
    ///
    /// ## Example
    /// ```python
    /// logger.info("login failed for " + request.form["user"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// logger.info("login failed for %r", request.form["user"].replace("\n", ""))
    /// ```
    ///
    /// ## References
    /// - CWE-117: Improper Output Neutralization for Logs
    code: "SG015", name: "tainted-log-message", cwe: 117, severity: Low,
    summary: "Untrusted input is written to a log unneutralized"
}

taint_rule! {
    regex_injection,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// Regex injection: a crafted pattern causes catastrophic backtracking (ReDoS) or matches more than intended.
    ///
    /// ## Example
    /// ```python
    /// re.search(request.args["pattern"], text)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// re.search(re.escape(request.args["pattern"]), text)
    /// ```
    ///
    /// ## References
    /// - CWE-1333: Inefficient Regular Expression Complexity
    code: "SG016", name: "tainted-regex", cwe: 1333, severity: Medium,
    summary: "Untrusted input is compiled as a regular expression"
}

taint_rule! {
    insecure_cookie,
    /// ## What it does
    /// Reports when data from an untrusted source (request parameters, route arguments, `input()`,
    /// `sys.argv`/environment with lower confidence) reaches this sink without passing a sanitizer or a guard on
    /// every live path. The finding carries the flow from source to sink.
    ///
    /// ## Why is this bad?
    /// A cookie carrying request data without the Secure flag travels over plain HTTP and can be read or replayed on the network.
    ///
    /// ## Example
    /// ```python
    /// resp.set_cookie("pref", request.args["pref"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// resp.set_cookie("pref", request.args["pref"], secure=True, httponly=True, samesite="Lax")
    /// ```
    ///
    /// ## References
    /// - CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
    code: "SG017", name: "tainted-insecure-cookie", cwe: 614, severity: Low,
    summary: "Untrusted input is stored in a cookie set without `secure=True`"
}
