//! A check that every number in a result is finite: a `serde` serializer that walks any
//! `Serialize` value and stops at the first NaN or infinity, naming where it is
//! (`routes[2].legs[0].cost_usd`).
//!
//! Results are plain `serde` data, so one check covers routes, comparisons and simulation
//! reports. The route planner and the simulation run it as a debug assertion at their
//! boundary (the Architecture Invariant: a network that loads gives only finite figures),
//! and the property tests over extreme datasets run it on every result.

use serde::ser::{self, Serialize};
use std::fmt;

/// Where the first non-finite number is, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct NonFinite {
    /// Path of the field, e.g. `routes[2].legs[0].cost_usd`.
    pub path: String,
    /// The value (NaN or ±∞).
    pub value: f64,
}

impl fmt::Display for NonFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is {}", self.path, self.value)
    }
}

impl std::error::Error for NonFinite {}

impl ser::Error for NonFinite {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        NonFinite {
            path: msg.to_string(),
            value: f64::NAN,
        }
    }
}

/// `Ok` if every number in `value` is finite, else where the first one is not.
pub fn check<T: Serialize + ?Sized>(value: &T) -> Result<(), NonFinite> {
    let mut path = Vec::new();
    value.serialize(Walker { path: &mut path })
}

#[derive(Clone)]
enum Seg {
    Field(&'static str),
    Key(String),
    Index(usize),
}

fn join(path: &[Seg]) -> String {
    let mut s = String::new();
    for p in path {
        match p {
            Seg::Field(f) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(f);
            }
            Seg::Key(k) => {
                s.push('[');
                s.push_str(k);
                s.push(']');
            }
            Seg::Index(i) => {
                s.push_str(&format!("[{i}]"));
            }
        }
    }
    s
}

struct Walker<'a> {
    path: &'a mut Vec<Seg>,
}

impl Walker<'_> {
    fn float(self, v: f64) -> Result<(), NonFinite> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(NonFinite {
                path: join(self.path),
                value: v,
            })
        }
    }
}

/// A compound value being walked: its elements are visited with their index or key.
struct Compound<'a> {
    path: &'a mut Vec<Seg>,
    index: usize,
    key: Option<String>,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, seg: Seg, v: &T) -> Result<(), NonFinite> {
        self.path.push(seg);
        let r = v.serialize(Walker { path: self.path });
        self.path.pop();
        r
    }
    fn next<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        let i = self.index;
        self.index += 1;
        self.element(Seg::Index(i), v)
    }
}

macro_rules! ok_scalars {
    ($($m:ident: $t:ty),*) => {
        $(fn $m(self, _v: $t) -> Result<(), NonFinite> { Ok(()) })*
    };
}

impl<'a> ser::Serializer for Walker<'a> {
    type Ok = ();
    type Error = NonFinite;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    ok_scalars!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_char: char, serialize_str: &str, serialize_bytes: &[u8]);

    fn serialize_f32(self, v: f32) -> Result<(), NonFinite> {
        self.float(v as f64)
    }
    fn serialize_f64(self, v: f64) -> Result<(), NonFinite> {
        self.float(v)
    }
    fn serialize_none(self) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        self.path.push(Seg::Field(variant));
        let r = v.serialize(Walker { path: self.path });
        self.path.pop();
        r
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, NonFinite> {
        Ok(Compound {
            path: self.path,
            index: 0,
            key: None,
        })
    }
    fn serialize_tuple(self, n: usize) -> Result<Compound<'a>, NonFinite> {
        self.serialize_seq(Some(n))
    }
    fn serialize_tuple_struct(self, _: &'static str, n: usize) -> Result<Compound<'a>, NonFinite> {
        self.serialize_seq(Some(n))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        n: usize,
    ) -> Result<Compound<'a>, NonFinite> {
        self.serialize_seq(Some(n))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, NonFinite> {
        self.serialize_seq(None)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, NonFinite> {
        self.serialize_seq(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, NonFinite> {
        self.serialize_seq(None)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        self.next(v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        self.next(v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        self.next(v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        self.next(v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

/// Map keys are rendered as text for the path (`shares[middle_btk]`).
struct KeyText(String);

impl ser::Serializer for &mut KeyText {
    type Ok = ();
    type Error = NonFinite;
    type SerializeSeq = ser::Impossible<(), NonFinite>;
    type SerializeTuple = ser::Impossible<(), NonFinite>;
    type SerializeTupleStruct = ser::Impossible<(), NonFinite>;
    type SerializeTupleVariant = ser::Impossible<(), NonFinite>;
    type SerializeMap = ser::Impossible<(), NonFinite>;
    type SerializeStruct = ser::Impossible<(), NonFinite>;
    type SerializeStructVariant = ser::Impossible<(), NonFinite>;
    fn serialize_bool(self, v: bool) -> Result<(), NonFinite> {
        self.0 = v.to_string();
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), NonFinite> {
        self.serialize_i64(v as i64)
    }
    fn serialize_i16(self, v: i16) -> Result<(), NonFinite> {
        self.serialize_i64(v as i64)
    }
    fn serialize_i32(self, v: i32) -> Result<(), NonFinite> {
        self.serialize_i64(v as i64)
    }
    fn serialize_i64(self, v: i64) -> Result<(), NonFinite> {
        self.0 = v.to_string();
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), NonFinite> {
        self.serialize_u64(v as u64)
    }
    fn serialize_u16(self, v: u16) -> Result<(), NonFinite> {
        self.serialize_u64(v as u64)
    }
    fn serialize_u32(self, v: u32) -> Result<(), NonFinite> {
        self.serialize_u64(v as u64)
    }
    fn serialize_u64(self, v: u64) -> Result<(), NonFinite> {
        self.0 = v.to_string();
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), NonFinite> {
        self.serialize_f64(v as f64)
    }
    fn serialize_f64(self, v: f64) -> Result<(), NonFinite> {
        self.0 = v.to_string();
        if v.is_finite() {
            Ok(())
        } else {
            Err(NonFinite {
                path: "a map key".into(),
                value: v,
            })
        }
    }
    fn serialize_char(self, v: char) -> Result<(), NonFinite> {
        self.0 = v.to_string();
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), NonFinite> {
        self.0 = v.to_string();
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), NonFinite> {
        self.0 = "bytes".into();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), NonFinite> {
        self.0 = "none".into();
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), NonFinite> {
        self.0 = name.into();
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), NonFinite> {
        self.0 = v.into();
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NonFinite> {
        Err(ser::Error::custom("a sequence as a map key"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NonFinite> {
        Err(ser::Error::custom("a tuple as a map key"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NonFinite> {
        Err(ser::Error::custom("a tuple as a map key"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NonFinite> {
        Err(ser::Error::custom("a tuple as a map key"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NonFinite> {
        Err(ser::Error::custom("a map as a map key"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NonFinite> {
        Err(ser::Error::custom("a struct as a map key"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NonFinite> {
        Err(ser::Error::custom("a struct as a map key"))
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), NonFinite> {
        let mut text = KeyText(String::new());
        k.serialize(&mut text)?;
        self.key = Some(text.0);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        let k = self.key.take().unwrap_or_default();
        self.element(Seg::Key(k), v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        self.element(Seg::Field(name), v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        self.element(Seg::Field(name), v)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Leg {
        cost_usd: f64,
        wait_h: Option<f64>,
    }
    #[derive(Serialize)]
    struct Route {
        legs: Vec<Leg>,
        shares: BTreeMap<String, f64>,
        pair: (f64, f64),
    }

    #[test]
    fn names_the_first_non_finite_figure() {
        let mut r = Route {
            legs: vec![
                Leg {
                    cost_usd: 1.0,
                    wait_h: None,
                },
                Leg {
                    cost_usd: 2.0,
                    wait_h: Some(3.0),
                },
            ],
            shares: BTreeMap::from([("middle".to_string(), 0.5)]),
            pair: (1.0, 2.0),
        };
        assert_eq!(check(&r), Ok(()));
        r.legs[1].wait_h = Some(f64::INFINITY);
        assert_eq!(check(&r).unwrap_err().path, "legs[1].wait_h");
        r.legs[1].wait_h = None;
        r.shares.insert("north".into(), f64::NAN);
        assert_eq!(check(&r).unwrap_err().path, "shares[north]");
        r.shares.clear();
        r.pair.1 = f64::NEG_INFINITY;
        let e = check(&r).unwrap_err();
        assert_eq!(e.to_string(), "`pair[1]` is -inf");
    }
}
