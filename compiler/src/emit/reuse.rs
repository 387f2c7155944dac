//! Serialising into a JSON value that is already there, reusing its
//! strings, arrays and objects: [`serialize_into`] leaves `target` equal to
//! `serde_json::to_value(value)`, but where `target` already has the same
//! shape (the previous job of a batch build, say) it overwrites the leaves
//! in place instead of allocating a new tree and freeing the old one. A
//! batch build renders one template per production, tens of thousands of
//! times, and building and dropping each job's data was a quarter of it.

use serde::ser::{self, Serialize};
use serde_json::{Map, Number, Value};

type Error = serde_json::Error;

/// Makes `target` equal to `serde_json::to_value(value)`.
pub fn serialize_into<T: Serialize + ?Sized>(value: &T, target: &mut Value) -> Result<(), Error> {
    value.serialize(Into(target))
}

/// A serializer writing over one value.
struct Into<'a>(&'a mut Value);

impl Into<'_> {
    fn set(self, value: Value) -> Result<(), Error> {
        *self.0 = value;
        Ok(())
    }
}

/// The array of `target`, made one if it is not.
fn array(target: &mut Value) -> &mut Vec<Value> {
    if !target.is_array() {
        *target = Value::Array(Vec::new());
    }
    match target {
        Value::Array(items) => items,
        _ => unreachable!("made an array above"),
    }
}

/// The object of `target`, made one if it is not.
fn object(target: &mut Value) -> &mut Map<String, Value> {
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    match target {
        Value::Object(map) => map,
        _ => unreachable!("made an object above"),
    }
}

impl<'a> ser::Serializer for Into<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = Fresh<'a>;
    type SerializeMap = Fields<'a>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Fresh<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.set(Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        let value = serde_json::to_value(v)?;
        self.set(value)
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        let value = serde_json::to_value(v)?;
        self.set(value)
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // Like `to_value`: a number that JSON cannot hold is null.
        self.set(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        match self.0 {
            Value::String(text) => {
                text.clear();
                text.push_str(v);
            }
            other => *other = Value::String(v.to_owned()),
        }
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let value = serde_json::to_value(v)?;
        self.set(value)
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.set(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.set(Value::Null)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.set(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut map = Map::new();
        map.insert(variant.to_owned(), serde_json::to_value(value)?);
        self.set(Value::Object(map))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, Error> {
        Ok(Items {
            items: array(self.0),
            len: 0,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Items<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Items<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Fresh<'a>, Error> {
        Ok(Fresh {
            target: self.0,
            variant,
            fields: Vec::new(),
        })
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Fields<'a>, Error> {
        Ok(Fields {
            map: object(self.0),
            written: 0,
            fixed: [""; FIXED_KEYS],
            owned: Vec::new(),
            key: None,
        })
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Fields<'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Fresh<'a>, Error> {
        Ok(Fresh {
            target: self.0,
            variant,
            fields: Vec::new(),
        })
    }
}

/// The elements of an array, written over the old ones; the surplus is
/// dropped at the end.
struct Items<'a> {
    items: &'a mut Vec<Value>,
    len: usize,
}

impl Items<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if self.len == self.items.len() {
            self.items.push(Value::Null);
        }
        value.serialize(Into(&mut self.items[self.len]))?;
        self.len += 1;
        Ok(())
    }

    fn done(self) -> Result<(), Error> {
        self.items.truncate(self.len);
        Ok(())
    }
}

impl ser::SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }

    fn end(self) -> Result<(), Error> {
        self.done()
    }
}

impl ser::SerializeTuple for Items<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }

    fn end(self) -> Result<(), Error> {
        self.done()
    }
}

impl ser::SerializeTupleStruct for Items<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }

    fn end(self) -> Result<(), Error> {
        self.done()
    }
}

/// How many keys of a struct are remembered without allocating.
const FIXED_KEYS: usize = 48;

/// The entries of an object, each written over the entry of the same key;
/// the keys not written this time are removed at the end. The keys written
/// are remembered for that: a struct's own (static) ones in place, the
/// keys of maps and of larger structs in `owned`.
struct Fields<'a> {
    map: &'a mut Map<String, Value>,
    written: usize,
    fixed: [&'static str; FIXED_KEYS],
    owned: Vec<String>,
    key: Option<String>,
}

impl Fields<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        let slot = match self.map.get_mut(key) {
            Some(slot) => slot,
            None => self.map.entry(key.to_owned()).or_insert(Value::Null),
        };
        value.serialize(Into(slot))
    }

    fn static_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)?;
        match self.fixed.get_mut(self.written) {
            Some(free) => *free = key,
            None => self.owned.push(key.to_owned()),
        }
        self.written += 1;
        Ok(())
    }

    fn owned_field<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), Error> {
        self.field(&key, value)?;
        self.owned.push(key);
        self.written += 1;
        Ok(())
    }

    fn done(self) -> Result<(), Error> {
        // Every key written is in the map: as many entries means no others
        // (a struct or map writes each key once).
        if self.map.len() != self.written {
            let fixed = &self.fixed[..self.written.min(FIXED_KEYS)];
            let owned = &self.owned;
            self.map
                .retain(|key, _| fixed.contains(&key.as_str()) || owned.iter().any(|k| k == key));
        }
        Ok(())
    }
}

impl ser::SerializeMap for Fields<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        // Keys as `to_value` writes them: strings, and numbers as text.
        self.key = Some(match serde_json::to_value(key)? {
            Value::String(text) => text,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(ser::Error::custom("key must be a string")),
        });
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("value without a key"))?;
        self.owned_field(key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.done()
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.static_field(key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.done()
    }
}

/// A tuple or struct variant, `{"variant": [...]}` or `{"variant": {...}}`,
/// built anew: rare in template data.
struct Fresh<'a> {
    target: &'a mut Value,
    variant: &'static str,
    fields: Vec<(Option<&'static str>, Value)>,
}

impl Fresh<'_> {
    fn finish(self) -> Result<(), Error> {
        let inner = if self.fields.iter().all(|(key, _)| key.is_some()) && !self.fields.is_empty() {
            Value::Object(
                self.fields
                    .into_iter()
                    .map(|(key, value)| (key.unwrap_or_default().to_owned(), value))
                    .collect(),
            )
        } else {
            Value::Array(self.fields.into_iter().map(|(_, value)| value).collect())
        };
        let mut map = Map::new();
        map.insert(self.variant.to_owned(), inner);
        *self.target = Value::Object(map);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Fresh<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.fields.push((None, serde_json::to_value(value)?));
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Fresh<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.fields.push((Some(key), serde_json::to_value(value)?));
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    enum Kind {
        Unit,
        Newtype(u32),
        Tuple(i8, String),
        Struct { a: bool, b: Option<f64> },
    }

    #[derive(Serialize)]
    struct Record {
        name: String,
        id: Option<u64>,
        score: f64,
        letter: char,
        tags: Vec<String>,
        counts: BTreeMap<String, i64>,
        kind: Kind,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        nested: Vec<Vec<u8>>,
        pair: (u16, &'static str),
    }

    fn record(n: usize) -> Record {
        Record {
            name: format!("record {n}"),
            id: n.is_multiple_of(2).then_some(n as u64),
            score: if n == 3 { f64::NAN } else { n as f64 / 3.0 },
            letter: char::from(b'a' + (n % 26) as u8),
            tags: (0..n % 4).map(|i| format!("t{i}")).collect(),
            counts: (0..(n * 7) % 5)
                .map(|i| (format!("k{}", i + n % 3), -(i as i64)))
                .collect(),
            kind: match n % 4 {
                0 => Kind::Unit,
                1 => Kind::Newtype(n as u32),
                2 => Kind::Tuple(-1, "x".into()),
                _ => Kind::Struct {
                    a: true,
                    b: Some(1.5),
                },
            },
            note: n.is_multiple_of(3).then(|| "note".to_string()),
            nested: vec![vec![1, 2]; n % 3],
            pair: (n as u16, "p"),
        }
    }

    #[test]
    fn a_reused_value_equals_a_fresh_one_whatever_came_before() {
        let mut target = Value::Null;
        // Shapes change from one value to the next: lists grow and shrink,
        // keys come and go, variants switch, and other types come between.
        for n in 0..40 {
            serialize_into(&record(n), &mut target).expect("serialises");
            assert_eq!(
                target,
                serde_json::to_value(record(n)).expect("serialises"),
                "record {n}"
            );
            if n % 7 == 0 {
                serialize_into(&vec![n; n], &mut target).expect("serialises");
                assert_eq!(
                    target,
                    serde_json::to_value(vec![n; n]).expect("serialises")
                );
            }
        }
        let keyed: BTreeMap<u32, bool> = [(1, true), (20, false)].into_iter().collect();
        serialize_into(&keyed, &mut target).expect("serialises");
        assert_eq!(target, serde_json::to_value(&keyed).expect("serialises"));
        serialize_into("text", &mut target).expect("serialises");
        assert_eq!(target, Value::String("text".into()));
    }

    #[test]
    fn maps_whose_keys_change_keep_exactly_the_new_keys() {
        let wide: BTreeMap<String, u8> = (0..60).map(|i| (format!("f{i:02}"), i)).collect();
        let narrow: BTreeMap<String, u8> = (0..60)
            .step_by(7)
            .map(|i| (format!("f{i:02}"), i))
            .collect();
        let mut target = Value::Null;
        for value in [&wide, &narrow, &wide] {
            serialize_into(value, &mut target).expect("serialises");
            assert_eq!(target, serde_json::to_value(value).expect("serialises"));
        }
    }

    /// A struct of 52 fields, more than [`FIXED_KEYS`], next to a map that
    /// has some of its keys and others.
    #[derive(Serialize, Default)]
    struct Wide {
        f00: u8,
        f01: u8,
        f02: u8,
        f03: u8,
        f04: u8,
        f05: u8,
        f06: u8,
        f07: u8,
        f08: u8,
        f09: u8,
        f10: u8,
        f11: u8,
        f12: u8,
        f13: u8,
        f14: u8,
        f15: u8,
        f16: u8,
        f17: u8,
        f18: u8,
        f19: u8,
        f20: u8,
        f21: u8,
        f22: u8,
        f23: u8,
        f24: u8,
        f25: u8,
        f26: u8,
        f27: u8,
        f28: u8,
        f29: u8,
        f30: u8,
        f31: u8,
        f32: u8,
        f33: u8,
        f34: u8,
        f35: u8,
        f36: u8,
        f37: u8,
        f38: u8,
        f39: u8,
        f40: u8,
        f41: u8,
        f42: u8,
        f43: u8,
        f44: u8,
        f45: u8,
        f46: u8,
        f47: u8,
        f48: u8,
        f49: u8,
        f50: u8,
        f51: u8,
    }

    #[test]
    fn structs_wider_than_the_keys_kept_in_place_lose_no_key() {
        const { assert!(52 > FIXED_KEYS) };
        let other: BTreeMap<String, u8> = [("f00", 1), ("f51", 2), ("zz", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let mut target = Value::Null;
        serialize_into(&other, &mut target).expect("serialises");
        serialize_into(&Wide::default(), &mut target).expect("serialises");
        assert_eq!(
            target,
            serde_json::to_value(Wide::default()).expect("serialises")
        );
    }
}
