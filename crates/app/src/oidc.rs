//! Signing citizens in through a national sign-on provider (Nafath, Digital
//! Egypt, or any OpenID Connect provider): the authorization code flow with
//! PKCE, a state bound to the citizen's browser and a nonce, the ID token
//! checked by `openidconnect` (signature against the provider's published
//! keys, issuer, audience, expiry, nonce, access-token hash).
//!
//! A Baladiya account is a verified mobile number, so a provider's
//! identity (issuer and subject) is tied to one: at once when the provider
//! vouches for a verified phone number (`phone` scope, in the ID token or
//! at the user-info endpoint), else once by a code sent to the number the
//! citizen gives. Afterwards the identity alone signs them in.

use std::time::Duration;

use baladiya_domain::ErrorCode;
use baladiya_domain::citizens::any_mobile;
use baladiya_store::{Identity, OidcLogin, Proof};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;

use crate::auth::{random_token, same_secret, token_hash};
use crate::citizens::CitizenSignIn;
use crate::{App, AppError};

/// How long a citizen has at the provider, and then to verify a number.
const LOGIN_MINUTES: i64 = 10;
/// Sign-ins one client may start per quarter of an hour.
const STARTS_PER_CLIENT: i64 = 30;

/// A provider citizens may sign in with, as the deployment's
/// configuration names it (`[[oidc]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProvider {
    /// In the sign-in's URLs: `/account/oidc/{key}/…`.
    pub key: String,
    /// The button's words: «الدخول عبر {name_ar}».
    pub name_ar: String,
    pub name_en: String,
    /// Where `/.well-known/openid-configuration` is found.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes asked beyond `openid`.
    #[serde(default = "phone_scope")]
    pub scopes: Vec<String>,
    /// The callback registered at the provider; by default
    /// `{public_url}/account/oidc/{key}/callback`.
    #[serde(default)]
    pub redirect_url: Option<String>,
}

fn phone_scope() -> Vec<String> {
    vec!["phone".into()]
}

/// A sign-in sent to the provider: the state goes into the citizen's
/// browser cookie, and the citizen to `authorize_url`.
#[derive(Debug, Clone)]
pub struct OidcStarted {
    pub state: String,
    pub authorize_url: String,
}

/// What the provider's answer led to.
#[derive(Debug, Clone)]
pub enum OidcOutcome {
    SignedIn(CitizenSignIn),
    /// The provider vouched for someone but gave no verified number: they
    /// verify one with a code; `link` (into their browser cookie) ties
    /// the identity to it then.
    NeedsMobile {
        link: String,
    },
}

/// The error of an HTTP exchange with a provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// The provider's HTTP calls through our own client (HTTPS, a timeout,
/// no redirect followed, as OpenID Connect asks of a relying party).
struct Http(reqwest::Client);

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn Future<Output = Result<openidconnect::HttpResponse, HttpError>> + Send + 'c>,
    >;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(exchange(&self.0, request))
    }
}

async fn exchange(
    client: &reqwest::Client,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, HttpError> {
    let fail = |e: reqwest::Error| HttpError(e.to_string());
    let request = reqwest::Request::try_from(request).map_err(fail)?;
    let answer = client.execute(request).await.map_err(fail)?;
    let mut response = openidconnect::http::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    let body = answer.bytes().await.map_err(fail)?.to_vec();
    response.body(body).map_err(|e| HttpError(e.to_string()))
}

/// Refuses a sign-in, saying why in the log (never to the browser).
fn refused(why: impl std::fmt::Display) -> AppError {
    tracing::warn!(%why, "a sign-in through an identity provider was refused");
    AppError::Refused(ErrorCode::IdentityRefused)
}

impl App {
    fn oidc_provider(&self, key: &str) -> Result<&OidcProvider, AppError> {
        self.settings
            .oidc
            .iter()
            .find(|p| p.key == key)
            .ok_or(AppError::NotFound)
    }

    fn redirect_url(&self, provider: &OidcProvider) -> Result<RedirectUrl, AppError> {
        let url = match (&provider.redirect_url, &self.settings.public_url) {
            (Some(url), _) => url.clone(),
            (None, Some(public)) => format!(
                "{}/account/oidc/{}/callback",
                public.trim_end_matches('/'),
                provider.key
            ),
            (None, None) => {
                return Err(AppError::Internal(format!(
                    "identity provider {}: no redirect_url and no public_url",
                    provider.key
                )));
            }
        };
        RedirectUrl::new(url).map_err(|e| AppError::Internal(format!("redirect URL: {e}")))
    }

    /// The provider's metadata and keys, read afresh at each step (a
    /// sign-in is rare; a provider's rotated keys need nothing here).
    async fn oidc_client(
        &self,
        provider: &OidcProvider,
        http: &Http,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        AppError,
    > {
        let issuer = IssuerUrl::new(provider.issuer.clone())
            .map_err(|e| AppError::Internal(format!("issuer URL: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| AppError::Internal(format!("provider {}: {e}", provider.key)))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect_url(provider)?))
    }

    /// Starts signing in with provider `key`: where to send the citizen,
    /// and the state for their browser. Thirty a quarter of an hour from
    /// one client.
    pub async fn start_oidc(&self, key: &str, client: &str) -> Result<OidcStarted, AppError> {
        let provider = self.oidc_provider(key)?;
        let throttle = baladiya_store::Throttle::new(
            format!("oidc-client:{client}"),
            STARTS_PER_CLIENT,
            chrono::Duration::minutes(15),
        );
        self.store
            .take_throttles(std::slice::from_ref(&throttle), self.now())
            .await?;
        let http = Http(crate::http::client(Duration::from_secs(10))?);
        let client = self.oidc_client(provider, &http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(provider.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        let now = self.now();
        self.store
            .insert_oidc_login(
                &token_hash(state.secret()),
                &OidcLogin {
                    provider: provider.key.clone(),
                    nonce: Some(nonce.secret().clone()),
                    pkce_verifier: Some(verifier.secret().clone()),
                    issuer: None,
                    subject: None,
                    expires_at: now + chrono::Duration::minutes(LOGIN_MINUTES),
                },
                now,
            )
            .await?;
        Ok(OidcStarted {
            state: state.secret().clone(),
            authorize_url: url.to_string(),
        })
    }

    /// Takes the provider's answer: `state` from the URL must be the one in
    /// the citizen's browser (`browser_state`) and a live sign-in with
    /// this provider; the code is exchanged and the ID token checked. A
    /// known identity signs in; else a verified phone number from the
    /// provider ties it; else the citizen is asked for their number.
    pub async fn finish_oidc(
        &self,
        key: &str,
        state: &str,
        browser_state: &str,
        code: &str,
    ) -> Result<OidcOutcome, AppError> {
        let provider = self.oidc_provider(key)?;
        if state.is_empty() || !same_secret(state, browser_state) {
            return Err(AppError::Refused(ErrorCode::SignInExpired));
        }
        let now = self.now();
        let login = self
            .store
            .take_oidc_login(&token_hash(state), now)
            .await?
            .filter(|l| l.provider == provider.key)
            .ok_or(AppError::Refused(ErrorCode::SignInExpired))?;
        let (Some(nonce), Some(verifier)) = (login.nonce, login.pkce_verifier) else {
            return Err(AppError::Refused(ErrorCode::SignInExpired));
        };
        let http = Http(crate::http::client(Duration::from_secs(10))?);
        let client = self.oidc_client(provider, &http).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(refused)?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&http)
            .await
            .map_err(refused)?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| refused("the token response has no ID token"))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce))
            .map_err(refused)?;
        if let Some(expected) = claims.access_token_hash() {
            let actual = AccessTokenHash::from_token(
                tokens.access_token(),
                id_token.signing_alg().map_err(refused)?,
                id_token.signing_key(&verifier).map_err(refused)?,
            )
            .map_err(refused)?;
            if actual != *expected {
                return Err(refused("the access token's hash does not match"));
            }
        }
        let identity = Identity {
            issuer: claims.issuer().as_str(),
            subject: claims.subject().as_str(),
        };
        if let Some(mobile) = self
            .store
            .identity_mobile(identity.issuer, identity.subject)
            .await?
        {
            let signed_in = self
                .open_citizen_session(&mobile, Proof::Identity(identity))
                .await?;
            return Ok(OidcOutcome::SignedIn(signed_in));
        }
        // The phone number the provider vouches for, in the ID token or
        // at its user-info endpoint (whose subject must be the same).
        let mut phone = claims
            .phone_number()
            .filter(|_| claims.phone_number_verified() == Some(true))
            .map(|p| p.as_str().to_owned());
        if phone.is_none()
            && let Ok(request) = client.user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
        {
            let info: openidconnect::core::CoreUserInfoClaims =
                request.request_async(&http).await.map_err(refused)?;
            phone = info
                .phone_number()
                .filter(|_| info.phone_number_verified() == Some(true))
                .map(|p| p.as_str().to_owned());
        }
        if let Some(number) = phone.as_deref().and_then(|p| any_mobile(p).ok()) {
            let signed_in = self
                .open_citizen_session(number.as_e164(), Proof::Identity(identity))
                .await?;
            return Ok(OidcOutcome::SignedIn(signed_in));
        }
        let link = random_token()?;
        self.store
            .insert_oidc_login(
                &token_hash(&link),
                &OidcLogin {
                    provider: provider.key.clone(),
                    nonce: None,
                    pkce_verifier: None,
                    issuer: Some(identity.issuer.to_owned()),
                    subject: Some(identity.subject.to_owned()),
                    expires_at: now + chrono::Duration::minutes(LOGIN_MINUTES),
                },
                now,
            )
            .await?;
        Ok(OidcOutcome::NeedsMobile { link })
    }

    /// The provider whose identity waits under the browser's `link` for a
    /// number to be tied to, if it is live.
    pub async fn pending_identity(&self, link: &str) -> Result<Option<&OidcProvider>, AppError> {
        Ok(self
            .pending_login(link)
            .await?
            .and_then(|l| self.settings.oidc.iter().find(|p| p.key == l.provider)))
    }

    /// The identity waiting under `link`, if it is live.
    pub(crate) async fn pending_login(&self, link: &str) -> Result<Option<OidcLogin>, AppError> {
        Ok(self
            .store
            .peek_oidc_login(&token_hash(link), self.now())
            .await?
            .filter(|l| l.issuer.is_some() && l.subject.is_some()))
    }
}
