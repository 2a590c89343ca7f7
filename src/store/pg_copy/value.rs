//! A SQLite value as the PostgreSQL column it is copied into will hold it. SQLite's columns take
//! any type (an integer in a REAL column, text in an INTEGER one); each value is converted to its
//! column's PostgreSQL type when that loses nothing, and refused with its place otherwise.
//! PostgreSQL's text holds no NUL character (SQLite's does): each is replaced with U+FFFD and
//! counted, as the store does for text it writes to PostgreSQL.

use bytes::BytesMut;
use postgres_types::{to_sql_checked, IsNull, ToSql, Type};
use rusqlite::types::ValueRef;
use std::error::Error as StdError;

/// A value ready for `COPY ... FROM STDIN (FORMAT binary)`, already of its column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum PgValue {
    Null,
    Int8(i64),
    Int4(i32),
    Int2(i16),
    Bool(bool),
    Float8(f64),
    Float4(f32),
    Text(String),
    Bytes(Vec<u8>),
}

fn is_text(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME)
}

/// `raw` converted for a column of type `ty`, with the number of NUL characters replaced.
pub fn convert(raw: ValueRef<'_>, ty: &Type) -> Result<(PgValue, u64), String> {
    let int = |v: i64| -> Result<PgValue, String> {
        Ok(match *ty {
            Type::INT8 => PgValue::Int8(v),
            Type::INT4 => PgValue::Int4(i32::try_from(v).map_err(|_| too_big(v, ty))?),
            Type::INT2 => PgValue::Int2(i16::try_from(v).map_err(|_| too_big(v, ty))?),
            Type::BOOL => PgValue::Bool(v != 0),
            Type::FLOAT8 => PgValue::Float8(v as f64),
            Type::FLOAT4 => PgValue::Float4(v as f32),
            _ if is_text(ty) => PgValue::Text(v.to_string()),
            _ => return Err(mismatch("an integer", ty)),
        })
    };
    let real = |v: f64| -> Result<PgValue, String> {
        Ok(match *ty {
            Type::FLOAT8 => PgValue::Float8(v),
            Type::FLOAT4 => PgValue::Float4(v as f32),
            // A whole number stored as REAL in an INTEGER column.
            Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL
                if v.fract() == 0.0 && v.abs() < 9.0e15 =>
            {
                return int(v as i64)
            }
            _ if is_text(ty) => PgValue::Text(v.to_string()),
            _ => return Err(mismatch(&format!("the real number {v}"), ty)),
        })
    };
    match raw {
        ValueRef::Null => Ok((PgValue::Null, 0)),
        ValueRef::Integer(v) => int(v).map(|v| (v, 0)),
        ValueRef::Real(v) => real(v).map(|v| (v, 0)),
        ValueRef::Text(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            match *ty {
                Type::BYTEA => Ok((PgValue::Bytes(bytes.to_vec()), 0)),
                _ if is_text(ty) => {
                    let nuls = text.chars().filter(|&c| c == '\0').count() as u64;
                    let text = if nuls > 0 {
                        text.replace('\0', "\u{fffd}")
                    } else {
                        text.into_owned()
                    };
                    Ok((PgValue::Text(text), nuls))
                }
                // Text that spells a number, in a numeric column (SQLite keeps what it was given
                // when it does not look like a number to it).
                _ => match text.trim().parse::<i64>() {
                    Ok(v) => int(v).map(|v| (v, 0)),
                    Err(_) => match text.trim().parse::<f64>() {
                        Ok(v) => real(v).map(|v| (v, 0)),
                        Err(_) => Err(mismatch(&format!("the text {:?}", short(&text)), ty)),
                    },
                },
            }
        }
        ValueRef::Blob(bytes) => match *ty {
            Type::BYTEA => Ok((PgValue::Bytes(bytes.to_vec()), 0)),
            _ => Err(mismatch(&format!("a blob of {} bytes", bytes.len()), ty)),
        },
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn too_big(v: i64, ty: &Type) -> String {
    format!("{v} does not fit PostgreSQL's {ty}")
}

fn mismatch(what: &str, ty: &Type) -> String {
    format!("{what} cannot go into a PostgreSQL column of type {ty}")
}

impl ToSql for PgValue {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            PgValue::Null => Ok(IsNull::Yes),
            PgValue::Int8(v) => v.to_sql(ty, out),
            PgValue::Int4(v) => v.to_sql(ty, out),
            PgValue::Int2(v) => v.to_sql(ty, out),
            PgValue::Bool(v) => v.to_sql(ty, out),
            PgValue::Float8(v) => v.to_sql(ty, out),
            PgValue::Float4(v) => v.to_sql(ty, out),
            PgValue::Text(v) => v.to_sql(ty, out),
            PgValue::Bytes(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_become_replacement_characters_and_are_counted() {
        let (v, n) = convert(ValueRef::Text(b"a\0b\0"), &Type::TEXT).unwrap();
        assert_eq!(v, PgValue::Text("a\u{fffd}b\u{fffd}".into()));
        assert_eq!(n, 2);
        let (v, n) = convert(ValueRef::Text("é".as_bytes()), &Type::TEXT).unwrap();
        assert_eq!((v, n), (PgValue::Text("é".into()), 0));
    }

    #[test]
    fn sqlite_loose_types_convert_when_nothing_is_lost() {
        assert_eq!(
            convert(ValueRef::Integer(1), &Type::FLOAT8).unwrap().0,
            PgValue::Float8(1.0)
        );
        assert_eq!(
            convert(ValueRef::Real(42.0), &Type::INT8).unwrap().0,
            PgValue::Int8(42)
        );
        assert_eq!(
            convert(ValueRef::Text(b"17"), &Type::INT8).unwrap().0,
            PgValue::Int8(17)
        );
        assert!(convert(ValueRef::Real(0.5), &Type::INT8).is_err());
        assert!(convert(ValueRef::Text(b"soon"), &Type::INT8).is_err());
        assert!(convert(ValueRef::Integer(1 << 40), &Type::INT4).is_err());
        assert_eq!(
            convert(ValueRef::Null, &Type::INT8).unwrap(),
            (PgValue::Null, 0)
        );
    }
}
