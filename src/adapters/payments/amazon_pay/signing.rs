//! AMZN-PAY-RSASSA-PSS-V2: how every Amazon Pay API v2 request is signed
//! (developer.amazon.com/docs/amazon-pay-api-v2/signing-requests.html):
//!
//! 1. The canonical request: `METHOD \n CanonicalURI \n CanonicalQueryString \n
//!    CanonicalHeaders \n SignedHeaders \n HexEncode(SHA256(payload))`, where the canonical
//!    headers are `name:value\n` per signed header (names lower-cased, sorted) — so the
//!    header block ends with an empty line — and the signed headers are the same names
//!    joined by `;`. The documented example signs `accept`, `content-type`,
//!    `x-amz-pay-date`, `x-amz-pay-host`, `x-amz-pay-idempotency-key` and `x-amz-pay-region`.
//! 2. The string to sign: `AMZN-PAY-RSASSA-PSS-V2 \n HexEncode(SHA256(canonical request))`.
//! 3. The signature: RSASSA-PSS with SHA-256 (MGF1 SHA-256) and a **32-byte salt** (V2;
//!    the first algorithm, `AMZN-PAY-RSASSA-PSS`, used 20 — amzn/amazon-pay-api-sdk-php
//!    2.5.0 release notes: "new signature generation algorithm AMZN-PAY-RSASSA-PSS-V2 &
//!    increasing salt length from 20 to 32"), base64.
//! 4. `authorization: AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=…, SignedHeaders=…, Signature=…`,
//!    sent with `x-amz-pay-date` (`YYYYMMDDTHHMMSSZ`, UTC), `x-amz-pay-host` and
//!    `x-amz-pay-region`.
//!
//! The private key comes from the environment only (PEM, PKCS#8 or PKCS#1); the signer
//! never prints it. RustCrypto's `rsa` does the RSA: nothing here is hand-written crypto.

use crate::adapters::payments::executor::SignError;
use crate::app::ports::{Clock, SystemClock};
use chrono::{DateTime, Utc};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The algorithm's name, first line of the string to sign and of `authorization`.
pub const ALGORITHM: &str = "AMZN-PAY-RSASSA-PSS-V2";

/// PSS salt length for V2, in bytes.
pub const SALT_LEN: usize = 32;

/// The `x-amz-pay-date` form: `20190923T231908Z`.
pub fn amz_date(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

pub fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Percent-encoding of a query name or value as RFC 3986 unreserved characters.
fn uri_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn uri_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical query string: parameters sorted by name, each `name=value` URI-encoded,
/// joined by `&` (empty for none).
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&uri_decode(k)), uri_encode(&uri_decode(v)))
        })
        .collect();
    pairs.sort();
    pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The canonical request and the signed header names, from the method, the URI path (as
/// sent, already encoded), the query (without `?`), the headers to sign and the payload.
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    payload: &[u8],
) -> (String, String) {
    let mut hs: Vec<(String, String)> =
        headers.iter().map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    hs.sort();
    let canonical_headers: String = hs.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed = hs.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(";");
    let path = if path.is_empty() { "/" } else { path };
    let req =
        format!("{method}\n{path}\n{}\n{canonical_headers}\n{signed}\n{}", canonical_query(query), hex_sha256(payload));
    (req, signed)
}

/// The string to sign for a canonical request.
pub fn string_to_sign(canonical: &str) -> String {
    format!("{ALGORITHM}\n{}", hex_sha256(canonical.as_bytes()))
}

/// Whether a header takes part in the signature: the ones the documentation signs.
pub fn signs(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l == "accept" || l == "content-type" || l.starts_with("x-amz-pay-")
}

/// Signs requests for one Amazon Pay merchant key.
pub struct Signer {
    public_key_id: String,
    region: String,
    key: RsaPrivateKey,
    /// `x-amz-pay-date` is read from it (the wall clock unless a test sets another).
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The public key id is not secret; the private key never prints.
        f.debug_struct("Signer")
            .field("public_key_id", &self.public_key_id)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Why a merchant key cannot sign. Never quotes the key: the decoders' errors name the
/// encoding step that failed, not the bytes.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the Amazon Pay private key is not an RSA private key in PEM (PKCS#8 or PKCS#1)")]
    NotRsaPem {
        /// Why it is not PKCS#8, the form Integration Central gives.
        #[source]
        source: rsa::pkcs8::Error,
    },
    #[error("the Amazon Pay public key id is empty")]
    EmptyKeyId,
}

impl Signer {
    /// From the PEM of the private key Amazon Pay's Integration Central gives (PKCS#8
    /// `BEGIN PRIVATE KEY`, or PKCS#1 `BEGIN RSA PRIVATE KEY`). The error never quotes it.
    pub fn from_pem(public_key_id: &str, region: &str, pem: &str) -> Result<Signer, KeyError> {
        let pem = pem.trim();
        let key = match RsaPrivateKey::from_pkcs8_pem(pem) {
            Ok(key) => key,
            Err(pkcs8) => RsaPrivateKey::from_pkcs1_pem(pem).map_err(|_| KeyError::NotRsaPem { source: pkcs8 })?,
        };
        if public_key_id.trim().is_empty() {
            return Err(KeyError::EmptyKeyId);
        }
        Ok(Signer {
            public_key_id: public_key_id.trim().to_string(),
            region: region.to_string(),
            key,
            clock: Arc::new(SystemClock),
        })
    }

    pub fn public_key(&self) -> rsa::RsaPublicKey {
        self.key.to_public_key()
    }

    /// RSASSA-PSS (SHA-256, salt 32) of `message`, base64.
    pub fn sign(&self, message: &str) -> String {
        let signer = rsa::pss::BlindedSigningKey::<Sha256>::new_with_salt_len(self.key.clone(), SALT_LEN);
        let sig = signer.sign_with_rng(&mut rsa::rand_core::OsRng, message.as_bytes());
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sig.to_bytes())
    }

    /// The headers to add to a request to `url` that already carries `headers`: the
    /// date, host and region headers, and `authorization` over every signed header.
    pub fn headers(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        payload: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String)>, SignError> {
        let u = reqwest::Url::parse(url).map_err(|e| SignError::BadUrl(Box::new(e)))?;
        let host = u.host_str().unwrap_or_default().to_string();
        let mut added = vec![
            ("x-amz-pay-date".to_string(), amz_date(now)),
            ("x-amz-pay-host".to_string(), host),
            ("x-amz-pay-region".to_string(), self.region.clone()),
        ];
        let signed: Vec<(String, String)> = headers
            .iter()
            .filter(|(k, _)| signs(k) && !added.iter().any(|(a, _)| a.eq_ignore_ascii_case(k)))
            .cloned()
            .chain(added.iter().cloned())
            .collect();
        let (canonical, names) = canonical_request(method, u.path(), u.query().unwrap_or(""), &signed, payload);
        let signature = self.sign(&string_to_sign(&canonical));
        added.push((
            "authorization".to_string(),
            format!("{ALGORITHM} PublicKeyId={}, SignedHeaders={names}, Signature={signature}", self.public_key_id),
        ));
        Ok(added)
    }
}

impl crate::adapters::payments::executor::RequestSigner for Signer {
    fn sign_request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        payload: &[u8],
    ) -> Result<Vec<(String, String)>, SignError> {
        self.headers(method, url, headers, payload, self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_request_matches_the_documented_shape() {
        // The documented example (signing-requests.html, Step 1), built by hand.
        let body = br#"{"chargeId":"S01-5105180-3221187-C056351"}"#;
        let headers = [
            ("x-amz-pay-region", "us"),
            ("Accept", "application/json"),
            ("content-type", "application/json"),
            ("x-amz-pay-date", "20190923T231908Z"),
            ("x-amz-pay-host", "pay-api.amazon.com"),
            ("x-amz-pay-idempotency-key", "cllHyiNvS8cJ8Zas"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let (c, signed) = canonical_request("POST", "/live/v2/checkoutSessions", "", &headers, body);
        let by_hand = format!(
            "POST\n/live/v2/checkoutSessions\n\naccept:application/json\ncontent-type:application/json\nx-amz-pay-date:20190923T231908Z\n\
             x-amz-pay-host:pay-api.amazon.com\nx-amz-pay-idempotency-key:cllHyiNvS8cJ8Zas\nx-amz-pay-region:us\n\n\
             accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-idempotency-key;x-amz-pay-region\n{}",
            hex::encode(Sha256::digest(body))
        );
        assert_eq!(c, by_hand);
        assert_eq!(
            signed,
            "accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-idempotency-key;x-amz-pay-region"
        );
        assert!(string_to_sign(&c).starts_with("AMZN-PAY-RSASSA-PSS-V2\n"));
        assert_eq!(canonical_query("b=2&a=x%20y"), "a=x%20y&b=2");
        assert_eq!(amz_date("2019-09-23T23:19:08Z".parse().unwrap()), "20190923T231908Z");
    }
}
