# The one place that says how the Folio binary runs in each role. Ports, health paths
# and the role argument must match the binary; the ALB, the security groups, the
# container health checks and the environment all read them from here.
locals {
  #
  # health_ok_codes is what the ALB's health check accepts on health_path;
  # health_check_args is the container health check (after the /folio entrypoint);
  # database says whether the role reaches the database (and sends mail); calls names the
  # role it calls inside the VPC.
  split_roles = {
    site = {
      cli_role          = "site"
      port              = 3000
      health_path       = "/health"
      health_ok_codes   = "200"
      health_check_args = ["healthcheck", "--role", "site"]
      path_patterns     = []
      database          = false
      calls             = "api"
    }
    api = {
      cli_role    = "api"
      port        = 3001
      health_path = "/api/health"
      # /api/health answers 503 while the database is down. Every API task shares that
      # database, so replacing tasks cannot fix it: during an outage or a Multi-AZ failover
      # it would only stop all of them and add cold starts to the outage. The ALB therefore
      # keeps a 503 target in service (it answers fast, with Retry-After), and the container
      # check asks only whether the process is alive: --liveness passes on 200, and on a 503
      # caused by the database alone. A hung or crashed task still fails both.
      health_ok_codes   = "200,503"
      health_check_args = ["healthcheck", "--role", "api", "--liveness"]
      # The admin is served by the API (it needs the database); CloudFront passes /admin*
      # through uncached with the viewer's cookies (uncached_paths below). The owner's images
      # are stored in the database, so the API serves them too (immutable_paths below).
      path_patterns = ["/api/*", "/admin", "/admin/*", "/media/*"]
      database      = true
      calls         = null
    }
  }

  # `folio serve`: the site and the API in one process (the personal profile). Its health is
  # the API's, for the same reasons.
  single_role = {
    serve = {
      cli_role          = "serve"
      port              = 3000
      health_path       = "/api/health"
      health_ok_codes   = "200,503"
      health_check_args = ["healthcheck", "--role", "serve", "--liveness"]
      path_patterns     = []
      database          = true
      calls             = null
    }
  }

  roles = var.single_service ? local.single_role : local.split_roles

  # The role that owns the database and the admin token: the API, or the single service.
  data_role = var.single_service ? "serve" : "api"

  # The binary finishes in-flight requests for at most this long after SIGTERM. The
  # target group drains for the same time before ECS sends SIGTERM, and ECS waits
  # stop_timeout (longer) before SIGKILL.
  shutdown_grace_seconds = 20
  stop_timeout_seconds   = 30

  # The ALB reuses idle connections to a task for up to this long. The binary must
  # keep them open longer (HTTP_IDLE_TIMEOUT_SECONDS), or the ALB can send a request
  # down a connection the binary is just closing and answer the viewer with a 502.
  alb_idle_timeout_seconds = 60

  # The site serves its stylesheet and icon under fingerprinted names, and the API the owner's
  # images under ids that a change never reuses, all with Cache-Control: immutable, so
  # CloudFront may keep them.
  immutable_paths = ["/assets/*", "/media/*"]

  # Paths the edge may cache by the binary's Cache-Control (crates/folio/src/edge_cache.rs:
  # pages and GET /api/projects get s-maxage, stale-while-revalidate and stale-if-error), and
  # those it never caches: the rest of the API, the contact form, the admin a later release
  # adds, and the site's health. The project list's writes carry the admin token, so its
  # behaviour forwards every viewer header; the pages' behaviour forwards none.
  cached_api_paths = ["/api/projects"]
  uncached_paths   = ["/api/*", "/contact*", "/admin*", "/health"]

  # Internal endpoints the origin answers with 404; Prometheus scrapes the tasks directly.
  internal_only_paths = ["/api/metrics", "/api/metrics/*"]

  # Header CloudFront adds to each origin request; the ALB forwards only requests that carry
  # it, and behind API Gateway the binary itself refuses requests without it (ORIGIN_SECRETS).
  # The binary's name for it: crates/folio/src/origin.rs.
  origin_verify_header = "X-Origin-Verify"

  name = "folio-${var.environment}"
}

locals {
  # The binary's configuration contract: the same names in every role.
  common_environment = {
    APP_ENV                = var.environment
    HOST                   = "0.0.0.0"
    LOG_FORMAT             = "json"
    RUST_LOG               = "info"
    SHUTDOWN_GRACE_SECONDS = tostring(local.shutdown_grace_seconds)
    # Not in the original contract; the binary reads it (default 10 s, too short
    # behind an ALB).
    HTTP_IDLE_TIMEOUT_SECONDS = tostring(local.alb_idle_timeout_seconds + 15)
    # CloudFront appends the viewer's address to X-Forwarded-For and the ALB (or API Gateway)
    # appends CloudFront's; the client is the second entry from the right.
    TRUSTED_PROXY_HOPS = "2"
    # X-Forwarded-For counts only when the peer (the ALB, or the VPC link) is inside the VPC.
    TRUSTED_PROXIES = module.network.vpc_cidr
  }

  # Without the owner's content/ in the image, the API refuses to seed an empty database with
  # the built-in demo owner outside development (and the site, waiting for the API, shows no
  # demo), unless this says otherwise.
  content_environment = var.allow_demo_content ? { ALLOW_DEMO_CONTENT = "true" } : {}

  site_environment = merge({ PUBLIC_BASE_URL = module.cdn.public_url }, local.content_environment)

  data_environment = merge(
    local.database_environment,
    local.content_environment,
    # The binary refuses CONTACT_TO or CONTACT_FROM without SMTP_URL (they would promise
    # mail that is never sent), so they travel together with the SMTP_URL secret.
    var.mail_enabled ? { CONTACT_TO = var.contact_to, CONTACT_FROM = var.contact_from } : {},
  )

  # Behind API Gateway (single service only) nothing in front checks the origin header, so the
  # binary does: every generation listed is accepted (two while rotating), and only once the
  # distribution sends its new header (local.accepted_origin_secrets, edge.tf).
  origin_environment = var.origin == "http_api" ? { ORIGIN_SECRETS = join(",", local.accepted_origin_secrets) } : {}

  role_environment = {
    site = merge(
      { API_URL = "http://${local.split_roles.api.cli_role}.${module.cluster.namespace}:${local.split_roles.api.port}" },
      local.site_environment,
    )
    # The admin accepts forms whose Origin is the public address: behind CloudFront the Host
    # the API sees is the load balancer's.
    api   = merge(local.data_environment, { CORS_ORIGINS = module.cdn.public_url, PUBLIC_BASE_URL = module.cdn.public_url })
    serve = merge(local.data_environment, local.site_environment, local.origin_environment)
  }

  database_environment = {
    DB_HOST        = module.database.address
    DB_PORT        = tostring(module.database.port)
    DB_NAME        = module.database.database_name
    DB_SSLMODE     = "verify-full"
    DB_SSLROOTCERT = "/etc/folio/rds-global-bundle.pem"
  }

  # The API logs in as its own role, made by the migration task (below). RDS rotates the
  # master password on a schedule and ECS reads secrets only at task start; an API on the
  # master user would have its new connections refused after each rotation.
  data_secrets = merge(
    {
      DB_USERNAME = { arn = module.secrets.db_app_arn, key = "username" }
      DB_PASSWORD = { arn = module.secrets.db_app_arn, key = "password" }
      ADMIN_TOKEN = { arn = module.secrets.admin_token_arn }
    },
    var.mail_enabled ? { SMTP_URL = { arn = module.secrets.smtp_url_arn } } : {},
  )

  role_secrets = {
    site  = {}
    api   = local.data_secrets
    serve = local.data_secrets
  }

  # `folio migrate`, run by the pipeline as a one-off task before each rollout: as the master
  # user it creates (or updates) the API's role from the second secret, then migrates as it.
  migrate_environment = merge(
    { for name in ["APP_ENV", "LOG_FORMAT", "RUST_LOG"] : name => local.common_environment[name] },
    local.database_environment,
  )
  # While paused the master secret is gone with the instance (RDS deletes it), and nothing runs.
  migrate_secrets = var.paused ? {} : {
    DB_USERNAME     = { arn = module.database.master_secret_arn, key = "username" }
    DB_PASSWORD     = { arn = module.database.master_secret_arn, key = "password" }
    DB_APP_USERNAME = { arn = module.secrets.db_app_arn, key = "username" }
    DB_APP_PASSWORD = { arn = module.secrets.db_app_arn, key = "password" }
  }
}
