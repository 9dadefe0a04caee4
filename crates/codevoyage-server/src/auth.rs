//! Who is calling, and what they may do.
//!
//! Every `/api/v1` request carries `Authorization: Bearer <credential>`, where the credential
//! is either a JWT issued by `POST /api/v1/auth/login` (HS256, with `exp` and a `kid` naming
//! the key that signed it) or an API key (`cvk_…`, stored only as its SHA-256 hash). The
//! [`Caller`] extractor turns it into a user id, name and [`Role`], reading the user's current
//! role from the store on every request, so a deleted user or a changed role takes effect at
//! once rather than when the token expires.
//!
//! Keys rotate by configuration: [`AuthSettings::new`] takes a list of secrets; the first
//! signs new tokens, all of them verify, so a new secret can be put first and the old one
//! dropped once the tokens it signed have expired. See `docs/adr/0006-authentication.md`.

use crate::{ApiError, AppState};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use codevoyage_store::{NewAuditEntry, RepositorySummary, Store, UserRow, Viewer};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a user may do. Ordered: every role may do what the roles below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads repositories, cities and views.
    Viewer,
    /// Also registers and analyses repositories.
    Analyst,
    /// Also manages users, API keys of others, deletions and the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(&s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown role {s:?}: use admin, analyst or viewer"))
    }
}

/// The authenticated user of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
}

impl Caller {
    /// Ok when the caller's role is at least `role`; 403 otherwise.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the {role} role; {} is {} (an admin can change roles)",
                self.username, self.role
            )))
        }
    }

    /// Whether a repository with this owner and visibility is visible to the caller: admins
    /// see everything, others see shared repositories and their own private ones.
    pub fn can_see(&self, owner_id: Option<i64>, visibility: &str) -> bool {
        self.viewer().can_see(owner_id, visibility)
    }

    /// The store's notion of who is looking.
    pub fn viewer(&self) -> Viewer {
        if self.role == Role::Admin {
            Viewer::Admin
        } else {
            Viewer::User(self.user_id)
        }
    }

    fn from_user(user: &UserRow) -> Result<Caller, ApiError> {
        let role = Role::parse(&user.role).ok_or_else(|| {
            ApiError::Internal(format!(
                "user {} has the unknown role {:?}",
                user.id, user.role
            ))
        })?;
        Ok(Caller {
            user_id: user.id,
            username: user.username.clone(),
            role,
        })
    }
}

/// The repository `id` with its totals, when it exists and the caller may see it; 404
/// otherwise (a private repository of someone else is indistinguishable from a missing one).
pub async fn visible_repository(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<RepositorySummary, ApiError> {
    state
        .store
        .repository_summary(id)
        .await?
        .filter(|r| caller.can_see(r.repository.owner_id, &r.repository.visibility))
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no repository with id {id}; list them at /api/v1/repositories"
            ))
        })
}

const LOGIN_HINT: &str = "log in with POST /api/v1/auth/login {\"username\",\"password\"} and send \
     `Authorization: Bearer <access_token>`, or send an API key the same way \
     (`codevoyage apikey create`)";

/// The path of the WebSocket, the only place a credential is accepted in the query string
/// (browsers cannot set headers on a WebSocket).
const WS_PATH: &str = "/api/v1/ws";

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let credential = bearer(parts)?;
        let caller = authenticate(state, &credential).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

fn bearer(parts: &Parts) -> Result<String, ApiError> {
    if let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or_default().trim();
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::Unauthorized(format!(
                "the Authorization header must be `Bearer <token>`; {LOGIN_HINT}"
            )));
        }
        return Ok(token.trim().to_string());
    }
    if parts.uri.path() == WS_PATH
        && let Some(query) = parts.uri.query()
    {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("access_token=")
                && !value.is_empty()
            {
                return Ok(percent_decode(value));
            }
        }
    }
    Err(ApiError::Unauthorized(format!(
        "this needs a login; {LOGIN_HINT}"
    )))
}

/// Decodes `%XX` escapes (tokens are URL-safe, but a client may still escape them).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves a bearer credential (JWT or API key) to the user behind it.
pub async fn authenticate(state: &AppState, credential: &str) -> Result<Caller, ApiError> {
    let user = if credential.starts_with(API_KEY_PREFIX) {
        match state
            .store
            .user_by_api_key_hash(&sha256_hex(credential))
            .await?
        {
            Some((_, user)) => user,
            None => {
                return Err(ApiError::Unauthorized(format!(
                    "this API key is unknown or was revoked; {LOGIN_HINT}"
                )));
            }
        }
    } else {
        let claims = state.auth.verify(credential)?;
        let id: i64 = claims.sub.parse().map_err(|_| {
            ApiError::Unauthorized(format!("the token names no user; {LOGIN_HINT}"))
        })?;
        state.store.user(id).await?.ok_or_else(|| {
            ApiError::Unauthorized(format!(
                "the user of this token no longer exists; {LOGIN_HINT}"
            ))
        })?
    };
    Caller::from_user(&user)
}

// ------------------------------------------------------------------------------- secrets

/// API keys start with this, so a credential is recognised without trying both kinds.
pub const API_KEY_PREFIX: &str = "cvk_";
/// One-time login tokens start with this.
pub const LOGIN_TOKEN_PREFIX: &str = "cvl_";
/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Shortest JWT secret accepted (bytes).
pub const MIN_SECRET_LEN: usize = 32;

/// Lower-case hex SHA-256 of a secret: how API keys and login tokens are stored.
pub fn sha256_hex(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `n` random bytes from the operating system, URL-safe base64 without padding.
pub fn random_token(n: usize) -> Result<String, ApiError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("the system random source failed: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A fresh random secret fit to sign tokens (for `jwt_secrets` when none is configured).
pub fn generate_secret() -> Result<String, ApiError> {
    random_token(48)
}

/// Hashes a password with argon2id (random salt, default parameters) into a PHC string.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("hashing a password failed: {e}")))
}

/// True when `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Checks a new password: long enough, not only spaces.
pub fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ApiError::BadRequest(format!(
            "the password must have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "the password must not be only spaces".into(),
        ));
    }
    Ok(())
}

/// Checks a new username: 1–64 characters of letters, digits, `.`, `_`, `-`, `@`.
pub fn check_username(username: &str) -> Result<(), ApiError> {
    let ok = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "username {username:?} is not valid: use 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

/// Creates a user with a checked username and password; 409 when the name is taken.
pub async fn create_user(
    store: &Store,
    username: &str,
    password: &str,
    role: Role,
) -> Result<UserRow, ApiError> {
    check_username(username)?;
    check_password(password)?;
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing task failed: {e}")))??;
    Ok(store.create_user(username, &hash, role.as_str()).await?)
}

/// A new API key of `user_id`: returns its id and the key, which is shown once and stored
/// only as its hash.
pub async fn create_api_key(
    store: &Store,
    user_id: i64,
    name: &str,
) -> Result<(i64, String), ApiError> {
    let label = name.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "an API key needs a name of 1 to 100 characters (what it is for)".into(),
        ));
    }
    let key = format!("{API_KEY_PREFIX}{}", random_token(32)?);
    let prefix: String = key.chars().take(API_KEY_PREFIX.len() + 6).collect();
    let id = store
        .create_api_key(user_id, label, &sha256_hex(&key), &prefix)
        .await?;
    Ok((id, key))
}

/// A one-time login token for `user_id`, valid for `lifetime`: the token to put in a link.
pub async fn issue_login_token(
    store: &Store,
    user_id: i64,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let token = format!("{LOGIN_TOKEN_PREFIX}{}", random_token(32)?);
    let expires = now() + i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX / 2);
    store
        .create_login_token(user_id, &sha256_hex(&token), expires)
        .await?;
    Ok(token)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ------------------------------------------------------------------------------- JWT

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string (RFC 7519).
    pub sub: String,
    /// The username when the token was issued (informational; the role is read anew).
    pub name: String,
    pub iat: i64,
    pub exp: i64,
}

struct JwtKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// Signing keys, token lifetime and the login rate limit.
pub struct AuthSettings {
    keys: Vec<JwtKey>,
    /// How long an access token is valid.
    pub token_lifetime: Duration,
    /// Login attempts per client address: a burst, then one every `login_refill`.
    pub login_burst: u32,
    pub login_refill: Duration,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field(
                "keys",
                &self.keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(),
            )
            .field("token_lifetime", &self.token_lifetime)
            .field("login_burst", &self.login_burst)
            .field("login_refill", &self.login_refill)
            .finish()
    }
}

/// Why the authentication settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error(
        "no JWT secret configured: set jwt_secrets (CODEVOYAGE_JWT_SECRETS) to at least one secret"
    )]
    NoSecret,
    #[error(
        "JWT secret number {0} is shorter than {MIN_SECRET_LEN} bytes; use a long random string \
         (for example the output of `openssl rand -base64 48`)"
    )]
    ShortSecret(usize),
    #[error("the token lifetime must be between 1 minute and 30 days")]
    Lifetime,
    #[error("{0}")]
    Random(String),
}

impl AuthSettings {
    /// Settings with these secrets (the first signs, all verify) and token lifetime.
    pub fn new(secrets: &[String], token_lifetime: Duration) -> Result<Self, AuthConfigError> {
        if secrets.is_empty() {
            return Err(AuthConfigError::NoSecret);
        }
        if !(60..=30 * 86_400).contains(&token_lifetime.as_secs()) {
            return Err(AuthConfigError::Lifetime);
        }
        let mut keys = Vec::with_capacity(secrets.len());
        for (i, secret) in secrets.iter().enumerate() {
            if secret.len() < MIN_SECRET_LEN {
                return Err(AuthConfigError::ShortSecret(i + 1));
            }
            // The key id names a key without revealing it: the start of its hash.
            let kid = sha256_hex(secret)[..16].to_string();
            keys.push(JwtKey {
                kid,
                encoding: EncodingKey::from_secret(secret.as_bytes()),
                decoding: DecodingKey::from_secret(secret.as_bytes()),
            });
        }
        Ok(AuthSettings {
            keys,
            token_lifetime,
            login_burst: 10,
            login_refill: Duration::from_secs(6),
        })
    }

    /// Settings with a fresh random secret: tokens stop working when the process ends.
    /// The default of [`AppState::new`]; the binary passes configured secrets instead.
    /// Should the system's random source fail, no key is set and every login fails (closed,
    /// never open); API keys still work.
    pub fn ephemeral() -> Self {
        let settings = generate_secret()
            .map_err(|e| AuthConfigError::Random(e.to_string()))
            .and_then(|secret| AuthSettings::new(&[secret], Duration::from_secs(12 * 3600)));
        settings.unwrap_or_else(|e| {
            tracing::error!(error = %e, "no JWT signing key: logins will fail");
            AuthSettings {
                keys: Vec::new(),
                token_lifetime: Duration::from_secs(12 * 3600),
                login_burst: 10,
                login_refill: Duration::from_secs(6),
            }
        })
    }

    /// A signed access token for `user`, with its lifetime in seconds.
    pub fn issue(&self, user_id: i64, username: &str) -> Result<(String, u64), ApiError> {
        let key = self
            .keys
            .first()
            .ok_or_else(|| ApiError::Internal("no signing key".into()))?;
        let iat = now();
        let lifetime = self.token_lifetime.as_secs();
        let claims = Claims {
            sub: user_id.to_string(),
            name: username.to_string(),
            iat,
            exp: iat + i64::try_from(lifetime).unwrap_or(i64::MAX / 2),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|e| ApiError::Internal(format!("signing a token failed: {e}")))?;
        Ok((token, lifetime))
    }

    /// The claims of a valid token: signed by one of our keys (named by `kid`) with HS256,
    /// not expired. Anything else (`alg: none`, another algorithm, a tampered payload, an
    /// unknown key) is a 401.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let invalid = |why: &str| ApiError::Unauthorized(format!("{why}; {LOGIN_HINT}"));
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| invalid("the bearer token is neither an API key nor a valid JWT"))?;
        if header.alg != Algorithm::HS256 {
            return Err(invalid("the token is not signed with HS256"));
        }
        let kid = header
            .kid
            .ok_or_else(|| invalid("the token names no signing key (kid)"))?;
        let key = self.keys.iter().find(|k| k.kid == kid).ok_or_else(|| {
            invalid("the token was signed with a key this server no longer accepts")
        })?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    invalid("the token has expired")
                }
                _ => invalid("the token is not valid"),
            })
    }
}

// ------------------------------------------------------------------------------- rate limit

/// A token bucket per client address for login attempts: `burst` attempts at once, then one
/// more every `refill`. Small and in-process: a brute-force guard for the password check,
/// not the general API rate limit.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl LoginLimiter {
    /// Takes one attempt for `key`; `Err(seconds)` to wait when the bucket is empty.
    pub fn check(&self, key: &str, burst: u32, refill: Duration) -> Result<(), u64> {
        let now = Instant::now();
        let burst = f64::from(burst.max(1));
        let per_second = 1.0 / refill.as_secs_f64().max(0.001);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > 10_000 {
            // Forget addresses whose bucket has refilled: they hold no information.
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < burst
            });
        }
        let (tokens, at) = buckets.entry(key.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - *tokens) / per_second).ceil();
            // In range: at most one refill period, a few seconds.
            Err(wait.max(1.0) as u64)
        }
    }
}

/// The client's address, when the server was started with connection info.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

/// Appends to the audit log; a failure to write it is logged, never hidden silently, and
/// does not undo the change that was already made.
pub async fn audit(
    state: &AppState,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
    address: Option<&str>,
) {
    let entry = NewAuditEntry {
        actor,
        action,
        target,
        detail,
        address,
    };
    if let Err(e) = state.store.append_audit(entry).await {
        tracing::error!(error = %e, action, target, "could not write the audit log");
    }
}

// ------------------------------------------------------------------------------- endpoints

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/exchange", post(exchange))
        .route("/api/v1/auth/me", get(me))
        .merge(crate::users::routes())
        .merge(crate::apikeys::routes())
        .merge(crate::audit::routes())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    user: Caller,
}

/// A password hash of nothing, verified when the username is unknown so that a wrong name
/// takes as long as a wrong password (no user enumeration by timing).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such user, no such password").unwrap_or_default())
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<TokenResponse>, ApiError> {
    let key = address.clone().unwrap_or_else(|| "unknown".into());
    state
        .login_limiter
        .check(&key, state.auth.login_burst, state.auth.login_refill)
        .map_err(ApiError::RateLimited)?;
    let Json(request) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be JSON {{\"username\": \"…\", \"password\": \"…\"}}: {}",
            e.body_text()
        ))
    })?;
    let user = state.store.user_by_name(&request.username).await?;
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
    let password = request.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check task failed: {e}")))?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            audit(
                &state,
                "-",
                "auth.login_failed",
                &format!("user:{}", request.username),
                "wrong username or password",
                address.as_deref(),
            )
            .await;
            return Err(ApiError::Unauthorized(
                "wrong username or password".to_string(),
            ));
        }
    };
    let caller = Caller::from_user(&user)?;
    let (access_token, expires_in) = state.auth.issue(user.id, &user.username)?;
    audit(
        &state,
        &user.username,
        "auth.login",
        &format!("user:{}", user.username),
        "password",
        address.as_deref(),
    )
    .await;
    Ok(Json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
        user: caller,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExchangeRequest {
    token: String,
}

/// Trades a one-time login token (from the link `codevoyage serve` prints) for an access
/// token. Rate-limited like the password login.
async fn exchange(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: Result<Json<ExchangeRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<TokenResponse>, ApiError> {
    let key = address.clone().unwrap_or_else(|| "unknown".into());
    state
        .login_limiter
        .check(&key, state.auth.login_burst, state.auth.login_refill)
        .map_err(ApiError::RateLimited)?;
    let Json(request) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be JSON {{\"token\": \"…\"}}: {}",
            e.body_text()
        ))
    })?;
    let Some(user) = state
        .store
        .redeem_login_token(&sha256_hex(request.token.trim()))
        .await?
    else {
        audit(
            &state,
            "-",
            "auth.exchange_failed",
            "login_token",
            "unknown, used or expired login token",
            address.as_deref(),
        )
        .await;
        return Err(ApiError::Unauthorized(
            "this login link is unknown, was used already or has expired; log in with your \
             username and password, or ask an admin for a new link"
                .into(),
        ));
    };
    let caller = Caller::from_user(&user)?;
    let (access_token, expires_in) = state.auth.issue(user.id, &user.username)?;
    audit(
        &state,
        &user.username,
        "auth.login",
        &format!("user:{}", user.username),
        "one-time login link",
        address.as_deref(),
    )
    .await;
    Ok(Json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
        user: caller,
    }))
}

async fn me(caller: Caller) -> Json<Caller> {
    Json(caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Viewer < Role::Analyst && Role::Analyst < Role::Admin);
        assert_eq!("Admin".parse::<Role>(), Ok(Role::Admin));
        assert!("root".parse::<Role>().is_err());
        assert_eq!(
            serde_json::to_string(&Role::Analyst).expect("serialises"),
            "\"analyst\""
        );
    }

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", dummy_hash()));
    }

    #[test]
    fn tokens_verify_with_any_configured_key_and_sign_with_the_first() {
        let old = "o".repeat(40);
        let new = "n".repeat(40);
        let before = AuthSettings::new(std::slice::from_ref(&old), Duration::from_secs(600))
            .expect("settings");
        let rotated = AuthSettings::new(&[new.clone(), old.clone()], Duration::from_secs(600))
            .expect("settings");
        let dropped = AuthSettings::new(&[new], Duration::from_secs(600)).expect("settings");
        let (token, expires_in) = before.issue(7, "ada").expect("issue");
        assert_eq!(expires_in, 600);
        assert_eq!(rotated.verify(&token).expect("old key verifies").sub, "7");
        assert!(matches!(
            dropped.verify(&token),
            Err(ApiError::Unauthorized(_))
        ));
        let (fresh, _) = rotated.issue(7, "ada").expect("issue");
        assert!(dropped.verify(&fresh).is_ok(), "the first key signs");
        assert!(before.verify(&fresh).is_err());
    }

    #[test]
    fn short_secrets_and_no_secrets_are_refused() {
        assert!(matches!(
            AuthSettings::new(&[], Duration::from_secs(600)),
            Err(AuthConfigError::NoSecret)
        ));
        assert!(matches!(
            AuthSettings::new(&["short".into()], Duration::from_secs(600)),
            Err(AuthConfigError::ShortSecret(1))
        ));
    }

    #[test]
    fn limiter_allows_a_burst_then_asks_to_wait() {
        let limiter = LoginLimiter::default();
        let refill = Duration::from_secs(60);
        assert!(limiter.check("a", 2, refill).is_ok());
        assert!(limiter.check("a", 2, refill).is_ok());
        let wait = limiter.check("a", 2, refill).expect_err("bucket empty");
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(limiter.check("b", 2, refill).is_ok(), "per address");
    }

    #[test]
    fn credentials_come_from_the_header_or_only_on_the_websocket_from_the_query() {
        let parts = |uri: &str, auth: Option<&str>| {
            let mut request = axum::http::Request::get(uri);
            if let Some(value) = auth {
                request = request.header("authorization", value);
            }
            request.body(()).expect("request").into_parts().0
        };
        assert_eq!(
            bearer(&parts("/api/v1/repositories", Some("Bearer abc"))).expect("bearer"),
            "abc"
        );
        assert_eq!(
            bearer(&parts("/x", Some("bearer  spaced "))).expect("case-insensitive scheme"),
            "spaced"
        );
        assert!(bearer(&parts("/x", Some("Basic dXNlcjpwdw=="))).is_err());
        assert!(bearer(&parts("/x", Some("Bearer "))).is_err());
        assert!(bearer(&parts("/x", None)).is_err());
        assert_eq!(
            bearer(&parts("/api/v1/ws?x=1&access_token=a%2Bb", None)).expect("ws query"),
            "a+b"
        );
        assert!(bearer(&parts("/api/v1/repositories?access_token=abc", None)).is_err());
    }

    #[test]
    fn hashes_are_hex_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(percent_decode("a%2Bb%3d"), "a+b=");
    }
}
