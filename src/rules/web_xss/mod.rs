//! Cross-site scripting and server-side template injection in web frameworks (Django
//! `format_html`, Flask `render_template_string`).
pub mod django_format_html_preformatted;
pub mod flask_render_template_string;
