//! Credentials sent over cleartext HTTP.
pub mod credentials_over_http;
pub mod urllib_basic_auth_over_http;

use crate::analysis::syntax::Expr;

/// The literal `http://` URL an argument starts with, when its host is not local:
/// `"http://api.example.com/x"`, `f"http://{HOST}/..."` (host unknown counts as remote).
pub(crate) fn remote_cleartext_url(expr: &Expr) -> Option<String> {
    let prefix = match expr {
        Expr::StringLiteral(literal) => literal.value.to_str().to_string(),
        Expr::FString(fstring) => fstring
            .value
            .elements()
            .map_while(|element| {
                element
                    .as_literal()
                    .map(|literal| literal.value.to_string())
            })
            .collect(),
        _ => return None,
    };
    let rest = prefix
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .and_then(|_| prefix.get(7..))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or(bracketed)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let host = host.to_ascii_lowercase();
    let local = host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0";
    (!local).then_some(prefix)
}
