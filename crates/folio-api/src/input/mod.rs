//! Request bodies, read into the core's validated values: a JSON object field by field,
//! collecting every problem instead of stopping at the first, so a client learns everything
//! that is wrong with a request in one answer. The rules are the core's; what is JSON's
//! (required properties, types, unknown properties) is checked here.

pub mod contact;
pub mod project;

use folio_core::{FieldErrors, Invalid};
use serde_json::{Map, Value};

/// How a field that may be `null` was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nullable<T> {
    /// The field was not in the body.
    Absent,
    /// The field was `null`.
    Null,
    /// The field had a valid value.
    Value(T),
}

/// A JSON object being checked. Each accessor records a message when the field is missing or
/// of the wrong type and returns `None`; `finish` turns the recorded messages into the result.
#[derive(Debug)]
pub struct JsonObject<'a> {
    map: &'a Map<String, Value>,
    errors: FieldErrors,
}

impl<'a> JsonObject<'a> {
    /// Starts checking `value`, which must be a JSON object.
    pub fn new(value: &'a Value) -> Result<Self, FieldErrors> {
        match value {
            Value::Object(map) => Ok(Self { map, errors: FieldErrors::default() }),
            other => {
                let mut errors = FieldErrors::default();
                errors.push(format!("request body must be a JSON object, not {}", kind(other)));
                Err(errors)
            }
        }
    }

    /// Records a problem that is not about one accessor (a cross-field rule, say).
    pub fn error(&mut self, message: impl Into<String>) {
        self.errors.push(message);
    }

    /// Parses a value that was read successfully into a core value, recording why `field` was
    /// refused on failure.
    pub fn parse<T, V>(
        &mut self,
        field: &str,
        value: Option<V>,
        parse: impl FnOnce(V) -> Result<T, Invalid>,
    ) -> Option<T> {
        self.errors.check(field, parse(value?))
    }

    /// Rejects properties outside `known`; properties in `ignored` (read-only fields a client
    /// may echo back from a GET) are accepted and dropped.
    pub fn reject_unknown(&mut self, known: &[&str], ignored: &[&str]) {
        let mut unknown: Vec<&String> =
            self.map.keys().filter(|k| !known.contains(&k.as_str()) && !ignored.contains(&k.as_str())).collect();
        unknown.sort();
        for key in unknown {
            self.errors.push(format!("property {key} should not exist"));
        }
    }

    /// A string that must be present and not `null`.
    pub fn required_string(&mut self, name: &str) -> Option<&'a str> {
        match self.map.get(name) {
            None => {
                self.errors.push(format!("{name} is required"));
                None
            }
            Some(_) => self.string(name),
        }
    }

    /// A string that may be absent; when present it must be a string.
    pub fn string(&mut self, name: &str) -> Option<&'a str> {
        match self.map.get(name)? {
            Value::String(s) => Some(s),
            other => {
                self.errors.push(format!("{name} must be a string, not {}", kind(other)));
                None
            }
        }
    }

    /// A string that may also be `null` (clearing an optional value).
    pub fn nullable_string(&mut self, name: &str) -> Option<Nullable<&'a str>> {
        match self.map.get(name) {
            None => Some(Nullable::Absent),
            Some(Value::Null) => Some(Nullable::Null),
            Some(Value::String(s)) => Some(Nullable::Value(s)),
            Some(other) => {
                self.errors.push(format!("{name} must be a string or null, not {}", kind(other)));
                None
            }
        }
    }

    /// An object that may also be `null`, checked by `read` (whose problems are named
    /// `{name}.{field}`); `None` when it was of another type or `read` found a problem.
    pub fn nullable_object<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut JsonObject<'a>) -> Option<T>,
    ) -> Option<Nullable<T>> {
        let map = match self.map.get(name) {
            None => return Some(Nullable::Absent),
            Some(Value::Null) => return Some(Nullable::Null),
            Some(Value::Object(map)) => map,
            Some(other) => {
                self.errors.push(format!("{name} must be an object or null, not {}", kind(other)));
                return None;
            }
        };
        let mut inner = JsonObject { map, errors: FieldErrors::default() };
        let value = read(&mut inner);
        let problems = inner.errors.into_messages();
        let clean = problems.is_empty();
        for problem in problems {
            match problem.strip_prefix("property ") {
                Some(unknown) => self.errors.push(format!("property {name}.{unknown}")),
                None => self.errors.push(format!("{name}.{problem}")),
            }
        }
        Some(Nullable::Value(value.filter(|_| clean)?))
    }

    /// A boolean that may be absent.
    pub fn bool(&mut self, name: &str) -> Option<bool> {
        match self.map.get(name)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.errors.push(format!("{name} must be a boolean, not {}", kind(other)));
                None
            }
        }
    }

    /// A whole number that fits an `i32` and may be absent.
    pub fn i32(&mut self, name: &str) -> Option<i32> {
        let value = self.map.get(name)?;
        if !is_whole(value) {
            self.errors.push(format!("{name} must be an integer, not {}", kind(value)));
            return None;
        }
        match value.as_i64().or_else(|| whole_float(value)).and_then(|n| i32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.errors.push(format!("{name} must be between {} and {}, got {value}", i32::MIN, i32::MAX));
                None
            }
        }
    }

    /// An array whose every element is a string; may be absent.
    pub fn string_array(&mut self, name: &str) -> Option<Vec<&'a str>> {
        let value = self.map.get(name)?;
        let Value::Array(items) = value else {
            self.errors.push(format!("{name} must be an array of strings, not {}", kind(value)));
            return None;
        };
        let mut strings = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => strings.push(s.as_str()),
                other => {
                    ok = false;
                    self.errors.push(format!("{name}[{i}] must be a string, not {}", kind(other)));
                }
            }
        }
        ok.then_some(strings)
    }

    /// The recorded problems, or `Ok` when there were none.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(self.errors) }
    }
}

/// A number with no fraction, however large: `3`, `3.0` (an integer to a JavaScript client),
/// `9223372036854775808`, `1e300`; not `3.5`.
fn is_whole(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.is_finite() && f.fract() == 0.0),
        _ => false,
    }
}

/// `3.0` is an integer to a JavaScript client; `3.5` is not.
fn whole_float(value: &Value) -> Option<i64> {
    let f = value.as_f64()?;
    // The cast is exact: `f` is whole and inside i64's range.
    (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64)
}

/// The JSON type of a value, for messages like "title must be a string, not a number".
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn collects_every_problem_in_one_pass() {
        let body = json!({"title": 5, "sortOrder": "x", "extra": 1});
        let mut obj = JsonObject::new(&body).expect("object");
        obj.required_string("title");
        obj.required_string("description");
        obj.i32("sortOrder");
        obj.reject_unknown(&["title", "description", "sortOrder"], &[]);
        let errors = obj.finish().expect_err("invalid");
        assert_eq!(
            errors.messages(),
            [
                "title must be a string, not a number",
                "description is required",
                "sortOrder must be an integer, not a string",
                "property extra should not exist",
            ]
        );
    }

    #[test]
    fn whole_floats_are_integers_but_fractions_are_not() {
        let body = json!({"a": 3.0, "b": 3.5, "c": 3_000_000_000_i64, "d": 9_223_372_036_854_775_808_u64, "e": 1e300});
        let mut obj = JsonObject::new(&body).expect("object");
        assert_eq!(obj.i32("a"), Some(3));
        for name in ["b", "c", "d", "e"] {
            assert_eq!(obj.i32(name), None, "{name}");
        }
        let errors = obj.finish().expect_err("invalid");
        assert_eq!(
            errors.messages(),
            [
                "b must be an integer, not a number",
                "c must be between -2147483648 and 2147483647, got 3000000000",
                "d must be between -2147483648 and 2147483647, got 9223372036854775808",
                "e must be between -2147483648 and 2147483647, got 1e+300",
            ]
        );
    }

    #[test]
    fn array_elements_are_named_by_index() {
        let body = json!({"technologies": ["rust", 7]});
        let mut obj = JsonObject::new(&body).expect("object");
        assert_eq!(obj.string_array("technologies"), None);
        let errors = obj.finish().expect_err("invalid");
        assert_eq!(errors.messages(), ["technologies[1] must be a string, not a number"]);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        let errors = JsonObject::new(&json!([1, 2])).expect_err("not an object");
        assert_eq!(errors.messages(), ["request body must be a JSON object, not an array"]);
    }
}
