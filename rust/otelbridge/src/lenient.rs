//! Reads a JSON config where a string is wanted but a number or a boolean came.
//!
//! The collector expands `${env:VAR}` into a typed value: `VAR=1234` arrives as the number 1234,
//! `VAR=true` as a boolean. A Go component's string field still gets the original text, because
//! its decoder knows the field's type; the Go shim passes a schema-less map, so this deserializer
//! does the same on the Rust side: a number or boolean read into a string becomes its text.
//! Everything else is read exactly as `serde_json::Value` reads it.

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Map, Value};

/// A JSON value that lends itself to string fields.
pub(crate) struct Lenient(pub(crate) Value);

impl<'de> Deserializer<'de> for Lenient {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(LenientSeq(items.into_iter())),
            Value::Object(map) => visitor.visit_map(LenientMap {
                entries: map.into_iter(),
                value: None,
            }),
            scalar => scalar.deserialize_any(visitor),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(n) => visitor.visit_string(n.to_string()),
            Value::Bool(b) => visitor.visit_string(b.to_string()),
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Lenient(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for Lenient {
    type Deserializer = Lenient;

    fn into_deserializer(self) -> Lenient {
        self
    }
}

struct LenientSeq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for LenientSeq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Lenient(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct LenientMap {
    entries: <Map<String, Value> as IntoIterator>::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for LenientMap {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(Lenient(Value::String(key))).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a map value without its key"))?;
        seed.deserialize(Lenient(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Section {
        token: String,
        label: Option<String>,
        port: u16,
        tags: Vec<String>,
        headers: BTreeMap<String, String>,
        mode: Mode,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        Fast,
    }

    fn read(json: &str) -> Result<Section, Error> {
        Section::deserialize(Lenient(serde_json::from_str(json).expect("valid JSON")))
    }

    #[test]
    fn numbers_and_booleans_become_text_where_text_is_wanted() {
        let section = read(
            r#"{"token":1234,"label":true,"port":4317,"tags":[1,"b",false],"headers":{"x":2.5},"mode":"fast"}"#,
        )
        .expect("lenient");
        assert_eq!(section.token, "1234");
        assert_eq!(section.label.as_deref(), Some("true"));
        assert_eq!(section.port, 4317);
        assert_eq!(section.tags, ["1", "b", "false"]);
        assert_eq!(section.headers["x"], "2.5");
        assert_eq!(section.mode, Mode::Fast);
    }

    #[test]
    fn other_types_stay_strict() {
        let err = read(
            r#"{"token":"t","label":null,"port":"many","tags":[],"headers":{},"mode":"fast"}"#,
        )
        .expect_err("a word is not a port");
        assert!(
            err.to_string().contains("invalid type: string \"many\""),
            "{err}"
        );
        let err = read(
            r#"{"token":"t","label":null,"port":1,"tags":[],"headers":{},"mode":"fast","x":1}"#,
        )
        .expect_err("unknown field");
        assert!(err.to_string().contains("unknown field `x`"), "{err}");
    }
}
