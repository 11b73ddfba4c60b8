//! Amazon Pay instant payment notifications (IPNs) arrive as Amazon SNS messages
//! ("An IPN message is an HTTPS POST request sent to a configurable endpoint. The request
//! content-type header is text/plain. Parse the JSON object for the IPN Message" —
//! developer.amazon.com/docs/amazon-pay-checkout/set-up-instant-payment-notifications.html).
//! The IPN itself (`Message`, a JSON string) names `ObjectType` (`CHARGE_PERMISSION`,
//! `CHARGE`, `REFUND`, `CHARGEBACK`), `ObjectId`, `ChargePermissionId`,
//! `NotificationType` and `NotificationId`; the object's state is then read with a GET.
//!
//! Before anything in it is believed, the SNS message's signature is verified as Amazon
//! SNS documents it (docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
//! and …-verify-message-signature.html):
//! - the string to sign is `Name\nvalue\n` for, in this order, `Message`, `MessageId`,
//!   `Subject` (Notification, only when present), `SubscribeURL` (confirmations),
//!   `Timestamp`, `Token` (confirmations), `TopicArn`, `Type`;
//! - `SignatureVersion` `1` is SHA1withRSA, `2` SHA256withRSA (PKCS#1 v1.5), over it,
//!   with the public key of the X.509 certificate at `SigningCertURL`;
//! - "Ensure the SigningCertURL is from a trusted AWS domain (for example,
//!   `https://sns.<region>.amazonaws.com`)" and "Always retrieve the signing certificate
//!   using HTTPS": any other URL is refused before it is fetched. Certificates are cached
//!   by URL.
//!
//! Tests serve their own certificate from this machine: `allow_loopback_for_tests` admits
//! `127.0.0.1`/`localhost` URLs as well. It is set in code only — no setting or variable
//! reaches it — so a running bot refuses every host but `sns.<region>.amazonaws.com`.

use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Why an SNS message is not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnsError {
    #[error("not an SNS message: {0}")]
    Malformed(String),
    #[error("the signing certificate URL is not an Amazon SNS host: {0}")]
    CertHost(String),
    #[error("the signing certificate cannot be fetched now: {0}")]
    CertUnavailable(String),
    #[error("the signing certificate is not valid: {0}")]
    BadCert(String),
    #[error("the signature does not match")]
    Forged,
}

/// The fields of an SNS HTTP(S) message (Notification, SubscriptionConfirmation,
/// UnsubscribeConfirmation — docs.aws.amazon.com/sns/latest/dg/http-notification-json.html,
/// http-subscription-confirmation-json.html).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnsMessage {
    pub kind: String,
    pub message_id: String,
    pub topic_arn: String,
    pub subject: Option<String>,
    pub message: String,
    pub timestamp: String,
    pub signature_version: String,
    pub signature: String,
    pub signing_cert_url: String,
    pub subscribe_url: Option<String>,
    pub token: Option<String>,
}

impl SnsMessage {
    pub fn parse(body: &[u8]) -> Result<SnsMessage, SnsError> {
        let v: Value = serde_json::from_slice(body).map_err(|_| SnsError::Malformed("the body is not JSON".into()))?;
        let req = |k: &str| -> Result<String, SnsError> {
            v.get(k).and_then(Value::as_str).map(str::to_string).ok_or_else(|| SnsError::Malformed(format!("no {k}")))
        };
        let opt = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let m = SnsMessage {
            kind: req("Type")?,
            message_id: req("MessageId")?,
            topic_arn: req("TopicArn")?,
            subject: opt("Subject"),
            message: req("Message")?,
            timestamp: req("Timestamp")?,
            signature_version: req("SignatureVersion")?,
            signature: req("Signature")?,
            signing_cert_url: req("SigningCertURL")?,
            subscribe_url: opt("SubscribeURL"),
            token: opt("Token"),
        };
        if !matches!(m.kind.as_str(), "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation") {
            return Err(SnsError::Malformed(format!("unknown Type {}", m.kind)));
        }
        Ok(m)
    }

    /// The documented string to sign.
    pub fn string_to_sign(&self) -> Result<String, SnsError> {
        let mut fields: Vec<(&str, &str)> = vec![("Message", &self.message), ("MessageId", &self.message_id)];
        if self.kind == "Notification" {
            if let Some(s) = &self.subject {
                fields.push(("Subject", s));
            }
            fields.push(("Timestamp", &self.timestamp));
        } else {
            let url = self.subscribe_url.as_deref().ok_or_else(|| SnsError::Malformed("no SubscribeURL".into()))?;
            let token = self.token.as_deref().ok_or_else(|| SnsError::Malformed("no Token".into()))?;
            fields.push(("SubscribeURL", url));
            fields.push(("Timestamp", &self.timestamp));
            fields.push(("Token", token));
        }
        fields.push(("TopicArn", &self.topic_arn));
        fields.push(("Type", &self.kind));
        Ok(fields.iter().map(|(k, v)| format!("{k}\n{v}\n")).collect())
    }

    pub fn timestamp(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::parse_from_rfc3339(&self.timestamp).ok().map(|t| t.with_timezone(&chrono::Utc))
    }
}

/// Whether `url` may be fetched for a certificate (or visited to confirm a
/// subscription): `https://sns.<region>.amazonaws.com/…`, or — only when
/// `allow_loopback` — a URL on this machine.
pub fn url_allowed(url: &str, allow_loopback: bool) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else { return false };
    let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
    if allow_loopback
        && matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
        && matches!(u.scheme(), "http" | "https")
    {
        return true;
    }
    if u.scheme() != "https" || !u.username().is_empty() || u.password().is_some() || u.port().is_some_and(|p| p != 443)
    {
        return false;
    }
    let Some(region) = host.strip_prefix("sns.").and_then(|h| h.strip_suffix(".amazonaws.com")) else { return false };
    !region.is_empty() && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The RSA public key of a PEM X.509 certificate (x509-cert parses it).
pub fn public_key_of_cert(pem: &str) -> Result<RsaPublicKey, SnsError> {
    use x509_cert::der::{DecodePem, Encode};
    let cert = x509_cert::Certificate::from_pem(pem.trim().as_bytes())
        .map_err(|e| SnsError::BadCert(format!("not a PEM certificate ({e})")))?;
    let spki = cert.tbs_certificate.subject_public_key_info.to_der().map_err(|e| SnsError::BadCert(e.to_string()))?;
    RsaPublicKey::from_public_key_der(&spki).map_err(|_| SnsError::BadCert("its key is not RSA".into()))
}

/// Verifies the message's signature with `key` (SignatureVersion 1: SHA1withRSA, 2:
/// SHA256withRSA).
pub fn verify_with(m: &SnsMessage, key: &RsaPublicKey) -> Result<(), SnsError> {
    use base64::Engine as _;
    let text = m.string_to_sign()?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(m.signature.trim())
        .map_err(|_| SnsError::Malformed("Signature is not base64".into()))?;
    let sig = Signature::try_from(raw.as_slice()).map_err(|_| SnsError::Forged)?;
    let ok = match m.signature_version.as_str() {
        "1" => VerifyingKey::<sha1::Sha1>::new(key.clone()).verify(text.as_bytes(), &sig).is_ok(),
        "2" => VerifyingKey::<sha2::Sha256>::new(key.clone()).verify(text.as_bytes(), &sig).is_ok(),
        v => return Err(SnsError::Malformed(format!("SignatureVersion {v}"))),
    };
    if ok {
        Ok(())
    } else {
        Err(SnsError::Forged)
    }
}

/// Fetches (once per URL) and checks SNS signing certificates.
pub struct SnsVerifier {
    allow_loopback: bool,
    client: reqwest::Client,
    cache: Mutex<HashMap<String, RsaPublicKey>>,
}

impl std::fmt::Debug for SnsVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnsVerifier").field("allow_loopback", &self.allow_loopback).finish_non_exhaustive()
    }
}

impl Default for SnsVerifier {
    fn default() -> Self {
        SnsVerifier::new()
    }
}

impl SnsVerifier {
    pub fn new() -> SnsVerifier {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            // A certificate URL that redirects elsewhere is not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        SnsVerifier { allow_loopback: false, client, cache: Mutex::new(HashMap::new()) }
    }

    /// Admits certificate and confirmation URLs on this machine too (tests' fakes).
    pub fn allow_loopback_for_tests(mut self) -> SnsVerifier {
        self.allow_loopback = true;
        self
    }

    pub fn allows(&self, url: &str) -> bool {
        url_allowed(url, self.allow_loopback)
    }

    /// How many certificates are cached.
    pub fn cached(&self) -> usize {
        self.cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    async fn key(&self, url: &str) -> Result<RsaPublicKey, SnsError> {
        if !self.allows(url) {
            return Err(SnsError::CertHost(url.chars().take(120).collect()));
        }
        if let Some(k) = self.cache.lock().ok().and_then(|c| c.get(url).cloned()) {
            return Ok(k);
        }
        let resp = self.client.get(url).send().await.map_err(|_| SnsError::CertUnavailable("no answer".into()))?;
        if !resp.status().is_success() {
            return Err(SnsError::CertUnavailable(format!("status {}", resp.status().as_u16())));
        }
        let text = resp.text().await.map_err(|_| SnsError::CertUnavailable("cut off".into()))?;
        let key = public_key_of_cert(&text)?;
        if let Ok(mut c) = self.cache.lock() {
            c.insert(url.to_string(), key.clone());
        }
        Ok(key)
    }

    /// The message's signature is Amazon SNS's.
    pub async fn verify(&self, m: &SnsMessage) -> Result<(), SnsError> {
        // The form is checked before any certificate is fetched.
        m.string_to_sign()?;
        let key = self.key(&m.signing_cert_url).await?;
        verify_with(m, &key)
    }

    /// Confirms a subscription by visiting its `SubscribeURL` (only an allowed host).
    pub async fn confirm(&self, m: &SnsMessage) -> Result<(), SnsError> {
        let url = m.subscribe_url.as_deref().unwrap_or_default();
        if !self.allows(url) {
            return Err(SnsError::CertHost(url.chars().take(120).collect()));
        }
        let resp = self.client.get(url).send().await.map_err(|_| SnsError::CertUnavailable("no answer".into()))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(SnsError::CertUnavailable(format!("status {}", resp.status().as_u16())))
        }
    }
}

/// An IPN's fields (set-up-instant-payment-notifications.html, IPN schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipn {
    pub object_type: String,
    pub object_id: String,
    pub charge_permission_id: String,
    pub notification_type: String,
    pub notification_id: String,
}

pub fn parse_ipn(message: &str) -> Option<Ipn> {
    let v: Value = serde_json::from_str(message).ok()?;
    // The schema spells the keys with capitals; the first version's pages in camelCase.
    let f = |a: &str, b: &str| v.get(a).or_else(|| v.get(b)).and_then(Value::as_str).unwrap_or("").to_string();
    let ipn = Ipn {
        object_type: f("ObjectType", "objectType"),
        object_id: f("ObjectId", "objectId"),
        charge_permission_id: f("ChargePermissionId", "chargePermissionId"),
        notification_type: f("NotificationType", "notificationType"),
        notification_id: f("NotificationId", "notificationId"),
    };
    (!ipn.object_type.is_empty() && !ipn.object_id.is_empty()).then_some(ipn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sns_hosts_over_https() {
        assert!(url_allowed("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", false));
        assert!(url_allowed("https://sns.eu-west-1.amazonaws.com/x.pem", false));
        for bad in [
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
            "https://evil.example/sns.us-east-1.amazonaws.com/x.pem",
            "https://s3.amazonaws.com/x.pem",
            "https://sns..amazonaws.com/x.pem",
            "https://user@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com:8443/x.pem",
            "http://127.0.0.1:9/x.pem",
            "not a url",
        ] {
            assert!(!url_allowed(bad, false), "{bad}");
        }
        assert!(url_allowed("http://127.0.0.1:9/x.pem", true));
        assert!(!url_allowed("http://10.0.0.1/x.pem", true));
    }

    #[test]
    fn string_to_sign_per_type() {
        let mut m = SnsMessage {
            kind: "Notification".into(),
            message_id: "m1".into(),
            topic_arn: "arn:aws:sns:us-east-1:1:t".into(),
            subject: None,
            message: "{\"a\":1}".into(),
            timestamp: "2026-04-01T11:00:00.000Z".into(),
            signature_version: "2".into(),
            ..Default::default()
        };
        assert_eq!(
            m.string_to_sign().unwrap(),
            "Message\n{\"a\":1}\nMessageId\nm1\nTimestamp\n2026-04-01T11:00:00.000Z\nTopicArn\narn:aws:sns:us-east-1:1:t\nType\nNotification\n"
        );
        m.subject = Some("s".into());
        assert!(m.string_to_sign().unwrap().contains("MessageId\nm1\nSubject\ns\nTimestamp"));
        m.kind = "SubscriptionConfirmation".into();
        assert!(m.string_to_sign().is_err(), "a confirmation needs its URL and token");
        m.subscribe_url = Some("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription".into());
        m.token = Some("tok".into());
        let s = m.string_to_sign().unwrap();
        assert!(s.starts_with("Message\n{\"a\":1}\nMessageId\nm1\nSubscribeURL\nhttps://"), "{s}");
        assert!(s.contains("Timestamp\n2026-04-01T11:00:00.000Z\nToken\ntok\nTopicArn"), "{s}");
        assert!(!s.contains("Subject"));
        let ipn = parse_ipn(r#"{"MerchantID":"M","ObjectType":"REFUND","ObjectId":"S01-1-2-R1","ChargePermissionId":"S01-1-2","NotificationType":"STATE_CHANGE","NotificationId":"n1","NotificationVersion":"V2"}"#).unwrap();
        assert_eq!((ipn.object_type.as_str(), ipn.object_id.as_str()), ("REFUND", "S01-1-2-R1"));
        assert!(parse_ipn("nope").is_none());
    }
}
