//! Label values from closed sets. Every label value becomes a series that lives as long as the
//! process, so no value may come straight from a client: a method outside the standard ones is
//! `OTHER`, a status code is one of the three-digit codes HTTP defines, a route is one of the
//! router's templates, and an error type is a name written in the code (`&'static str`).

/// The `method` label: the methods RFC 9110 and RFC 5789 define, by their exact (case-sensitive)
/// names, and `OTHER` for any other token a client invents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other,
}

impl Method {
    /// The label for a request's method.
    pub fn from_name(name: &str) -> Self {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "CONNECT" => Method::Connect,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "PATCH" => Method::Patch,
            _ => Method::Other,
        }
    }

    /// The label value (also what request logs show).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Connect => "CONNECT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Patch => "PATCH",
            Method::Other => "OTHER",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `status_code` label: the code's three digits for 100 to 599 (the classes HTTP
/// defines), `other` for anything else. Kept inline, so recording a request allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCode(Option<[u8; 3]>);

impl StatusCode {
    /// The label for `code`.
    pub fn new(code: u16) -> Self {
        // Each digit is below 10, so the casts cannot truncate.
        let digits = (100..=599)
            .contains(&code)
            .then(|| [b'0' + (code / 100) as u8, b'0' + (code / 10 % 10) as u8, b'0' + (code % 10) as u8]);
        Self(digits)
    }

    /// The label value.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Some(digits) => std::str::from_utf8(digits).expect("ASCII digits"),
            None => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_methods_keep_their_names_and_any_other_is_other() {
        for name in ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] {
            assert_eq!(Method::from_name(name).as_str(), name);
        }
        for invented in ["get", "PROPFIND", "", &"X".repeat(10_000)] {
            assert_eq!(Method::from_name(invented), Method::Other, "{invented:.20}");
        }
    }

    #[test]
    fn status_codes_are_three_digits_or_other() {
        assert_eq!(StatusCode::new(200).as_str(), "200");
        assert_eq!(StatusCode::new(404).as_str(), "404");
        assert_eq!(StatusCode::new(599).as_str(), "599");
        assert_eq!(StatusCode::new(600).as_str(), "other");
        assert_eq!(StatusCode::new(99).as_str(), "other");
    }
}
