//! The forges (GitHub, GitLab) and what is common to them: review planning and the Markdown
//! humans read. `plan` and `render` are pure.
pub mod github;
pub mod gitlab;
pub mod plan;
pub mod project;
pub mod render;
pub mod secret;
