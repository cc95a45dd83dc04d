use folio_store::postgres::{RootCerts, SslMode};

use super::*;

fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
    Config::load(Role::Api, Env::from_pairs(pairs.iter().copied()))
}

fn data(config: &Config) -> &DataConfig {
    config.serving.data().expect("the API role has database settings")
}

fn errors(pairs: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    load(pairs).expect_err("invalid").0.into_iter().map(|e| (e.variable, e.message)).collect()
}

#[test]
fn nothing_configured_means_development_on_sqlite_with_loopback_and_open_cors() {
    let config = load(&[]).expect("valid");
    assert!(config.is_development());
    assert_eq!(config.listen, Listen { host: IpAddr::V4(Ipv4Addr::LOCALHOST), port: 3001 });
    assert!(matches!(&data(&config).database, DatabaseSettings::Sqlite(s) if s.path.ends_with("data/folio.db")));
    assert_eq!(config.http.cors, Cors::Any);
    assert!(data(&config).admin_token.is_none());
}

#[test]
fn outside_development_postgres_defaults_to_verify_full_and_listens_everywhere() {
    let config = load(&[
        ("APP_ENV", "production"),
        ("DB_HOST", "db.internal"),
        ("DB_NAME", "folio"),
        ("DB_USERNAME", "app"),
        ("DB_PASSWORD", "pw"),
        ("DB_SSLROOTCERT", "system"),
    ])
    .expect("valid");
    let DatabaseSettings::Postgres(pg) = &data(&config).database else { panic!("postgres expected") };
    assert_eq!((pg.host.as_str(), pg.port, pg.ssl_mode), ("db.internal", 5432, SslMode::VerifyFull));
    assert_eq!(pg.ssl_root_cert, Some(RootCerts::System));
    assert_eq!(config.listen.host, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    assert_eq!(config.http.cors, Cors::Origins(vec![]));
}

#[test]
fn verify_full_without_a_ca_bundle_names_the_variable_to_set() {
    let errs = errors(&[("APP_ENV", "production"), ("DATABASE_URL", "postgres://u:p@h/db")]);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "DB_SSLROOTCERT");
    assert!(errs[0].1.contains("sslmode verify-full needs the CA bundle"), "{}", errs[0].1);
}

#[test]
fn a_missing_ca_file_is_reported() {
    let errs = errors(&[("DATABASE_URL", "postgres://u:p@h/db?sslmode=verify-full&sslrootcert=/nope/ca.pem")]);
    assert_eq!(errs, [("DB_SSLROOTCERT", "/nope/ca.pem does not exist or is not a file".to_owned())]);
}

#[test]
fn every_bad_variable_is_reported_at_once() {
    let errs = errors(&[
        ("PORT", "eighty"),
        ("HOST", "localhost:3000"),
        ("LOG_FORMAT", "xml"),
        ("DB_SSLMODE", "on"),
        ("DATABASE_URL", "postgres://u@h/db"),
        ("SHUTDOWN_GRACE_SECONDS", "-1"),
        ("CORS_ORIGINS", "https://ok.example,not a url"),
    ]);
    let names: Vec<&str> = errs.iter().map(|(v, _)| *v).collect();
    assert_eq!(names, ["HOST", "PORT", "LOG_FORMAT", "CORS_ORIGINS", "SHUTDOWN_GRACE_SECONDS", "DB_SSLMODE"]);
    assert_eq!(errs[1].1, "\"eighty\" is not a port number (0-65535)");
}

#[test]
fn short_admin_tokens_are_refused_without_echoing_them() {
    let errs = errors(&[("ADMIN_TOKEN", "hunter2")]);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "ADMIN_TOKEN");
    assert!(!errs[0].1.contains("hunter2"));
}

#[test]
fn database_url_and_db_variables_together_are_ambiguous() {
    let errs = errors(&[("DATABASE_URL", "sqlite://x.db"), ("DB_HOST", "h")]);
    assert_eq!(errs[0].0, "DATABASE_URL");
}

#[test]
fn db_variables_need_a_name_and_a_user() {
    let errs = errors(&[("DB_HOST", "h")]);
    let names: Vec<&str> = errs.iter().map(|(v, _)| *v).collect();
    assert_eq!(names, ["DB_NAME", "DB_USERNAME"]);
}

#[test]
fn secrets_never_reach_debug_output() {
    let config = load(&[
        ("DATABASE_URL", "postgres://u:db-password-123@h/db?sslmode=disable"),
        ("ADMIN_TOKEN", "admin-token-0123456789abcdef0123456789"),
    ])
    .expect("valid");
    let shown = format!("{config:?}");
    assert!(!shown.contains("db-password-123"), "{shown}");
    assert!(!shown.contains("admin-token-0123456789"), "{shown}");
}

#[test]
fn sqlite_urls_name_a_file() {
    let config = load(&[("DATABASE_URL", "sqlite://var/folio.db")]).expect("valid");
    assert!(
        matches!(&data(&config).database, DatabaseSettings::Sqlite(s) if s.path == std::path::Path::new("var/folio.db"))
    );
    assert_eq!(errors(&[("DATABASE_URL", "sqlite::memory:")])[0].0, "DATABASE_URL");
}

#[test]
fn cors_origins_are_normalised() {
    let config = load(&[("CORS_ORIGINS", "https://Example.com, http://localhost:3000")]).expect("valid");
    assert_eq!(config.http.cors, Cors::Origins(vec!["https://example.com".into(), "http://localhost:3000".into()]));
}

#[test]
fn the_site_role_needs_the_api_address_and_no_database() {
    let errs: Vec<&str> = Config::load(Role::Site, Env::from_pairs([("PORT", "8080")]))
        .expect_err("no API_URL")
        .0
        .iter()
        .map(|e| e.variable)
        .collect();
    assert_eq!(errs, ["API_URL"]);
    let config =
        Config::load(Role::Site, Env::from_pairs([("API_URL", "http://api.folio.internal:3001")])).expect("valid");
    assert!(config.serving.data().is_none(), "the site never talks to the database");
    let Serving::Site { site, api } = &config.serving else { panic!("the site role serves the site") };
    assert_eq!(Some(api.url.as_str()), Some("http://api.folio.internal:3001/"));
    assert_eq!(site.public_base_url.as_deref(), Some("http://localhost:3000"));
}

#[test]
fn bad_content_stops_the_start_with_file_line_and_reason() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("site.toml"), "[site]\ntitle = \"t\"\ndescription = 5\n").expect("write");
    std::fs::write(dir.path().join("about.md"), "bio").expect("write");
    let errors = Config::load(Role::Serve, Env::from_pairs([("CONTENT_DIR", dir.path().to_str().expect("utf-8"))]))
        .expect_err("bad content")
        .0;
    assert_eq!(errors[0].variable, "CONTENT_DIR");
    let expected =
        format!("{}:3: invalid type: integer `5`, expected a string", dir.path().join("site.toml").display());
    assert_eq!(errors[0].message, expected);
}

fn serve_in_production(extra: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
    let mut pairs = vec![("APP_ENV", "production"), ("DATABASE_URL", "sqlite://x.db")];
    pairs.extend_from_slice(extra);
    Config::load(Role::Serve, Env::from_pairs(pairs))
}

fn content_dir(site: &str, about: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("site.toml"), site).expect("write");
    std::fs::write(dir.path().join("about.md"), about).expect("write");
    dir
}

const DEMO_SITE: &str = include_str!("../../../folio-site/content/site.toml");
const DEMO_ABOUT: &str = include_str!("../../../folio-site/content/about.md");

/// The seed configuration gives, and what it says of showing `shown` after the first start.
fn seed(config: &Config) -> &super::ContentSeed {
    &data(config).content
}

#[test]
fn outside_development_the_demo_owner_is_refused_unless_allowed() {
    let config = serve_in_production(&[]).expect("the content is checked once the database is read");
    let demo = folio_site::content::demo();
    let why = seed(&config).refusal(&demo, true).expect("the demo in production");
    assert!(why.starts_with("CONTENT_DIR gives no content of yours"), "{why}");
    assert!(why.contains("would show the demo owner Jordan Avery"), "{why}");
    assert!(why.contains("ALLOW_DEMO_CONTENT=true"), "{why}");
    let stored = seed(&config).refusal(&demo, false).expect("the demo stored earlier");
    assert!(stored.starts_with("the database holds the built-in demo content"), "{stored}");
    let allowed = serve_in_production(&[("ALLOW_DEMO_CONTENT", "true")]).expect("the demo on purpose");
    assert_eq!(seed(&allowed).refusal(&demo, true), None);
    let mut own = demo.clone();
    own.owner.name = "Ada Quill".into();
    assert_eq!(seed(&config).refusal(&own, false), None, "the owner's content from the database is shown");
    let site = Config::load(Role::Site, Env::from_pairs([("APP_ENV", "production"), ("API_URL", "http://api:3001")]))
        .expect("the site alone shows the API's content");
    assert!(site.serving.site().expect("site").fallback.is_none(), "nor the demo while the API is away");
    let own = content_dir(&DEMO_SITE.replace("Jordan Avery", "Ada Quill"), DEMO_ABOUT);
    let with_files = Env::from_pairs([
        ("APP_ENV", "production"),
        ("API_URL", "http://api:3001"),
        ("CONTENT_DIR", own.path().to_str().expect("utf-8")),
    ]);
    let site = Config::load(Role::Site, with_files).expect("valid");
    let fallback = site.serving.site().expect("site").fallback.as_ref().expect("the files, while the API is away");
    assert_eq!(fallback.owner.name, "Ada Quill");
}

#[test]
fn an_empty_content_directory_counts_as_no_content() {
    let empty = tempfile::tempdir().expect("dir");
    let dir = empty.path().to_str().expect("utf-8");
    let config = serve_in_production(&[("CONTENT_DIR", dir)]).expect("loads");
    assert_eq!(seed(&config).dir, None);
    assert!(seed(&config).refusal(&seed(&config).content, true).is_some());
    let config = Config::load(Role::Serve, Env::from_pairs([("CONTENT_DIR", dir)])).expect("development");
    assert_eq!(seed(&config).refusal(&seed(&config).content, true), None, "in development the demo is shown");
}

#[test]
fn an_unchanged_copy_of_the_demo_is_the_demo_and_the_owners_own_content_is_the_seed() {
    let copy = content_dir(DEMO_SITE, DEMO_ABOUT);
    let config = serve_in_production(&[("CONTENT_DIR", copy.path().to_str().expect("utf-8"))]).expect("a copy");
    let why = seed(&config).refusal(&seed(&config).content, true).expect("refused");
    assert!(why.starts_with("CONTENT_DIR holds the built-in demo content unchanged"), "{why}");
    let own = content_dir(&DEMO_SITE.replace("Jordan Avery", "Ada Quill"), DEMO_ABOUT);
    let config = serve_in_production(&[("CONTENT_DIR", own.path().to_str().expect("utf-8"))]).expect("own content");
    assert_eq!(seed(&config).content.owner.name, "Ada Quill");
    assert_eq!(seed(&config).refusal(&seed(&config).content, true), None);
}

#[test]
fn a_public_base_url_that_is_not_a_plain_origin_is_refused() {
    let load = |url: &str| Config::load(Role::Serve, Env::from_pairs([("PUBLIC_BASE_URL", url)]));
    let errors = load("https://me:secret@a&b.example.com/#x").expect_err("refused").0;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].variable, "PUBLIC_BASE_URL");
    assert!(errors[0].message.contains("is not a site address like https://example.com: "), "{}", errors[0].message);
    assert!(!errors[0].message.contains("secret"), "the password is masked: {}", errors[0].message);
    let config = load("https://Folio.Example/").expect("valid");
    let site = config.serving.site().expect("site settings");
    assert_eq!(site.public_base_url.as_deref(), Some("https://folio.example"));
}

#[test]
fn a_malformed_smtp_url_is_reported_with_the_other_mail_settings() {
    let names = |pairs: &[(&str, &str)]| errors(pairs).into_iter().map(|(v, _)| v).collect::<Vec<_>>();
    assert_eq!(names(&[("SMTP_URL", "mail.example.com:587")]), ["SMTP_URL", "CONTACT_TO", "CONTACT_FROM"]);
    let mail = [("CONTACT_TO", "Owner <me@example.com>"), ("CONTACT_FROM", "Folio <folio@example.com>")];
    let with = |url: &'static str| {
        let mut pairs = mail.to_vec();
        pairs.push(("SMTP_URL", url));
        pairs
    };
    let plain = errors(&with("smtp://me:hunter2@mail.example.com:587"));
    assert_eq!(plain.len(), 1);
    assert_eq!(plain[0].0, "SMTP_URL");
    assert!(plain[0].1.starts_with("would send the SMTP password in plain text"), "{}", plain[0].1);
    assert!(!plain[0].1.contains("hunter2"));
    assert!(load(&with("smtp://me:hunter2@mail.example.com:587?tls=required")).is_ok());
}

#[test]
fn database_settings_are_checked_even_where_they_do_not_apply() {
    let names = |pairs: &[(&str, &str)]| errors(pairs).into_iter().map(|(v, _)| v).collect::<Vec<_>>();
    let on_sqlite = [("DB_SSLMODE", "verify-ful"), ("DB_POOL_MAX", "0"), ("DB_PORT", "x"), ("DB_SSLROOTCERT", "")];
    assert_eq!(names(&on_sqlite), ["DB_PORT", "DB_SSLMODE", "DB_POOL_MAX"]);
    assert!(load(&[("DB_SSLMODE", "verify-full"), ("DB_POOL_MAX", "3")]).is_ok(), "valid values are ignored on SQLite");
}

#[test]
fn app_env_is_one_of_a_closed_set() {
    let errs = errors(&[("APP_ENV", "prodution")]);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "APP_ENV");
    assert_eq!(
        errs[0].1,
        "\"prodution\" is not an environment: use one of development, test, bench, dev, staging, prod, production, personal \
         (only development reveals internal details)"
    );
    for name in ENVIRONMENTS {
        let config = load(&[("APP_ENV", name)]).expect(name);
        assert_eq!(config.is_development(), name == "development", "{name}");
    }
}

/// The README's configuration table is the declarations in `vars.rs`, row for row. To update
/// it after changing a declaration: `UPDATE_README=1 cargo test -p folio --lib readme`.
#[test]
fn the_readme_configuration_table_is_the_declared_variables() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let readme = std::fs::read_to_string(path).expect("README");
    let start = readme.find("| variable | default | meaning |").expect("the configuration table in the README");
    let end = start + readme[start..].find("\n\n").expect("a blank line after the table") + 1;
    let declared = vars::markdown_table();
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, format!("{}{declared}{}", &readme[..start], &readme[end..])).expect("write README");
        return;
    }
    assert!(readme[start..end] == declared, "the README's table differs from vars.rs; it should be:\n{declared}");
}

#[test]
fn every_variable_is_declared_once_with_a_meaning() {
    let mut names: Vec<&str> = vars::ALL.iter().map(|v| v.name).collect();
    assert!(vars::ALL.iter().all(|v| !v.meaning.is_empty()));
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "a variable is declared twice");
}

#[test]
fn the_declared_ipv6_prefix_is_the_rate_limits_default() {
    let declared = u8::try_from(vars::RATE_LIMIT_IPV6_PREFIX.default_whole()).expect("a prefix length");
    assert_eq!(folio_core::Networks::default(), folio_core::Networks::new(declared));
}
