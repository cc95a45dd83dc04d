//! A certificate authority made for one test run, and server certificates it signs.

use std::fs;
use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};

/// A CA whose certificate is written to `cert_path`.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    cert_path: PathBuf,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").field("cert_path", &self.cert_path).finish_non_exhaustive()
    }
}

impl TestCa {
    /// A new CA named `name`, its certificate saved as `<dir>/<name>.crt`.
    pub fn new(dir: &Path, name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.distinguished_name.push(DnType::CommonName, format!("Folio test CA {name}"));
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("CA key");
        let issuer = CertifiedIssuer::self_signed(params, key).expect("self-signed CA");
        let cert_path = dir.join(format!("{name}.crt"));
        fs::write(&cert_path, issuer.pem()).expect("write CA certificate");
        Self { issuer, cert_path }
    }

    /// Where the CA certificate (PEM) is.
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// A server certificate for `names` (DNS names or IP addresses): (certificate PEM, key PEM).
    pub fn server_cert(&self, names: &[&str]) -> (String, String) {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("server certificate parameters");
        params.distinguished_name.push(DnType::CommonName, "folio test server");
        let key = KeyPair::generate().expect("server key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign server certificate");
        (cert.pem(), key.serialize_pem())
    }
}
