//! TLS to PostgreSQL with rustls, honouring the libpq `sslmode` meanings exactly: with
//! `verify-ca` and `verify-full`, only the configured root certificates are trusted (no system
//! store is mixed in), so a certificate that does not chain to them is refused.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::settings::{RootCerts, SslMode};
use folio_core::StoreError;

/// The TLS connector for `mode`. With `disable` it is never used, but the pool wants one type.
pub(crate) fn connector(mode: SslMode, roots: Option<&RootCerts>) -> Result<MakeRustlsConnect, StoreError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, roots) {
        (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => {
            Arc::new(Lenient { chain: None, algorithms: provider.signature_verification_algorithms })
        }
        (SslMode::Require | SslMode::VerifyCa, Some(roots)) => Arc::new(Lenient {
            chain: Some(webpki_verifier(roots, &provider)?),
            algorithms: provider.signature_verification_algorithms,
        }),
        (SslMode::VerifyFull, Some(roots)) => webpki_verifier(roots, &provider)?,
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            return Err(StoreError::Tls(format!(
                "sslmode {} needs root certificates to check the server against \
                 (a PEM file, or \"system\" for the public web PKI)",
                mode.as_str()
            )));
        }
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// A standard chain-and-name verifier over only the configured roots.
fn webpki_verifier(roots: &RootCerts, provider: &Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>, StoreError> {
    let store = root_store(roots)?;
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|e| StoreError::Tls(format!("cannot build a certificate verifier: {e}")))
}

fn root_store(roots: &RootCerts) -> Result<RootCertStore, StoreError> {
    match roots {
        RootCerts::System => Ok(RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned())),
        RootCerts::File(path) => {
            let shown = path.display();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| StoreError::Tls(format!("cannot read root certificates from {shown}: {e}")))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| StoreError::Tls(format!("{shown} is not a valid PEM certificate file: {e}")))?;
            let mut store = RootCertStore::empty();
            let (added, _ignored) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(StoreError::Tls(format!("{shown} holds no usable CA certificate")));
            }
            Ok(store)
        }
    }
}

/// The modes that check less than `verify-full`. With `chain` (`verify-ca`, and `require` given
/// root certificates) the chain must lead to a configured root but the host name is not
/// compared. Without it (`prefer`, and `require` without root certificates) the connection is
/// encrypted but the server is not authenticated, as with libpq; start-up logs a warning when
/// this is configured. Handshake signatures are always checked.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The rustls error somewhere in an error's causes, if the failure was TLS's.
pub(crate) fn tls_cause<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // `io::Error::source` skips the error it wraps, so look inside explicitly.
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref())
            && let Some(tls) = inner.downcast_ref::<rustls::Error>()
        {
            return Some(tls);
        }
        current = e.source();
    }
    None
}
