//! Folio's integration tests, one binary: the application on port 0 against a fresh database
//! (in-process, `common::spawn`), or the `folio` binary through the test kit's launcher
//! (`common::start_process`). One module per area.

#[macro_use]
mod common;

mod admin;
mod admin_inbox;
mod admin_projects;
mod api;
mod compression;
mod contact;
mod database_faults;
mod edge;
mod hostile;
mod markdown;
mod media;
mod process;
mod project_photos;
mod site;
mod site_content;
mod slugs;
mod verify;
