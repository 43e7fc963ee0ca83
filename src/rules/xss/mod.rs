//! Cross-site scripting: template autoescaping and strings marked as safe HTML (bandit B7xx).
pub mod django_mark_safe;
pub mod jinja2_autoescape_false;
pub mod markupsafe_markup_xss;
pub mod safe_html;
pub mod use_of_mako_templates;
