//! The results on disk: one Parquet file per variant and shard, tidy (one row per unit and
//! metric, the variant's parameter values as columns), written by the `parquet` crate's
//! column API. Every file is written whole to a hidden temporary beside it, synced and
//! renamed, so a file at its final name is always complete; its footer says which sweep,
//! variant and replications it holds.

use crate::design::{Axis, Variant};
use crate::exec::Row;
use crate::unit::Unit;
use corridor_scenario::vary::Kind;
use parquet::basic::{Compression, ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::format::KeyValue;
use parquet::record::Field;
use parquet::schema::types::Type;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The footer key of a part's description.
pub const META_KEY: &str = "corridor.sweep";

/// What a part file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartMeta {
    /// The sweep's identity ([`crate::unit::identity`]).
    pub identity: String,
    /// The variant's key.
    pub variant: String,
    /// The shard that wrote it (`0-of-3`).
    pub shard: String,
    /// The replications it holds, ascending.
    pub replications: Vec<u64>,
    /// The Corridor version that wrote it.
    pub corridor_version: String,
}

/// Why a results file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// Not a Parquet file of a sweep, or a damaged one.
    #[error("{path}: {message}")]
    Format {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn fmt_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Format {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The temporary a file is written to: hidden, beside it, named by the process.
pub fn temp_name(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Write `path` whole: to a temporary beside it (created exclusively, so nothing planted
/// there is followed), synced, then renamed over it; the directory is synced after.
pub fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    if let Ok(m) = fs::symlink_metadata(path) {
        if !m.file_type().is_file() {
            return Err(fmt_err(
                path,
                "exists and is not a regular file: not replaced",
            ));
        }
    }
    let tmp = temp_name(path);
    let _ = fs::remove_file(&tmp);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(io_err(&tmp))?;
    let r = write(&mut f).and_then(|_| f.sync_all().map_err(io_err(&tmp)));
    drop(f);
    if let Err(e) = r {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, path).map_err(io_err(path))?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn schema(axes: &[Axis]) -> Result<Type, parquet::errors::ParquetError> {
    fn prim(name: &str, t: Physical) -> parquet::schema::types::PrimitiveTypeBuilder<'_> {
        Type::primitive_type_builder(name, t).with_repetition(Repetition::REQUIRED)
    }
    let mut fields = Vec::new();
    for a in axes {
        let f = match a.param.kind() {
            Kind::Number => prim(&a.column, Physical::DOUBLE).build()?,
            Kind::Integer => prim(&a.column, Physical::INT64).build()?,
            Kind::Date => prim(&a.column, Physical::INT32)
                .with_logical_type(Some(LogicalType::Date))
                .with_converted_type(ConvertedType::DATE)
                .build()?,
        };
        fields.push(Arc::new(f));
    }
    fields.push(Arc::new(prim("replication", Physical::INT32).build()?));
    fields.push(Arc::new(prim("seed", Physical::INT64).build()?));
    for s in ["metric", "scope"] {
        fields.push(Arc::new(
            prim(s, Physical::BYTE_ARRAY)
                .with_logical_type(Some(LogicalType::String))
                .with_converted_type(ConvertedType::UTF8)
                .build()?,
        ));
    }
    fields.push(Arc::new(prim("year", Physical::INT32).build()?));
    fields.push(Arc::new(prim("value", Physical::DOUBLE).build()?));
    Type::group_type_builder("sweep")
        .with_fields(fields)
        .build()
}

/// One column's values.
enum Col {
    F64(Vec<f64>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    Str(Vec<ByteArray>),
}

/// The columns of a part, in schema order.
fn columns(axes: &[Axis], v: &Variant, units: &[(Unit, Vec<Row>)]) -> Vec<Col> {
    let n: usize = units.iter().map(|(_, r)| r.len()).sum();
    let mut cols: Vec<Col> = axes
        .iter()
        .zip(&v.levels)
        .map(|(a, l)| match a.param.kind() {
            Kind::Number => Col::F64(vec![l.value; n]),
            Kind::Integer => Col::I64(vec![l.value as i64; n]),
            Kind::Date => Col::I32(vec![(l.value / 24.0).floor() as i32; n]),
        })
        .collect();
    let mut rep = Vec::with_capacity(n);
    let mut seed = Vec::with_capacity(n);
    let (mut metric, mut scope) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut year, mut value) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (u, rows) in units {
        for r in rows {
            rep.push(u.replication as i32);
            seed.push(u.seed as i64);
            metric.push(ByteArray::from(r.metric.as_str()));
            scope.push(ByteArray::from(r.scope.as_str()));
            year.push(r.year);
            value.push(r.value);
        }
    }
    cols.extend([
        Col::I32(rep),
        Col::I64(seed),
        Col::Str(metric),
        Col::Str(scope),
        Col::I32(year),
        Col::F64(value),
    ]);
    cols
}

/// Write a part: the rows of `units` (sorted by replication), the variant's values as
/// columns, `meta` in the footer.
pub fn write_part(
    path: &Path,
    axes: &[Axis],
    v: &Variant,
    units: &[(Unit, Vec<Row>)],
    meta: &PartMeta,
) -> Result<(), StoreError> {
    let schema = Arc::new(schema(axes).map_err(|e| fmt_err(path, e))?);
    let kv = KeyValue::new(
        META_KEY.to_string(),
        serde_json::to_string(meta).expect("serialises"),
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("corridor {}", meta.corridor_version))
            .set_key_value_metadata(Some(vec![kv]))
            .build(),
    );
    let cols = columns(axes, v, units);
    atomic_write(path, |f| {
        let pe = |e: parquet::errors::ParquetError| fmt_err(path, e);
        let mut w = SerializedFileWriter::new(f, schema, props).map_err(pe)?;
        let mut g = w.next_row_group().map_err(pe)?;
        for c in &cols {
            let mut cw = g
                .next_column()
                .map_err(pe)?
                .ok_or_else(|| fmt_err(path, "schema and columns differ"))?;
            match c {
                Col::F64(x) => cw.typed::<DoubleType>().write_batch(x, None, None),
                Col::I64(x) => cw.typed::<Int64Type>().write_batch(x, None, None),
                Col::I32(x) => cw.typed::<Int32Type>().write_batch(x, None, None),
                Col::Str(x) => cw.typed::<ByteArrayType>().write_batch(x, None, None),
            }
            .map_err(pe)?;
            cw.close().map_err(pe)?;
        }
        g.close().map_err(pe)?;
        w.close().map_err(pe)?;
        Ok(())
    })
}

fn reader(path: &Path) -> Result<SerializedFileReader<File>, StoreError> {
    let f = File::open(path).map_err(io_err(path))?;
    SerializedFileReader::new(f).map_err(|e| fmt_err(path, e))
}

/// The footer description of a part (`None`: not a sweep's part).
pub fn read_meta(path: &Path) -> Result<Option<PartMeta>, StoreError> {
    let r = reader(path)?;
    let kv = r.metadata().file_metadata().key_value_metadata();
    Ok(kv
        .and_then(|kv| kv.iter().find(|k| k.key == META_KEY))
        .and_then(|k| k.value.as_deref())
        .and_then(|v| serde_json::from_str(v).ok()))
}

/// A row as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRow {
    /// The replication.
    pub replication: u64,
    /// The unit's seed.
    pub seed: u64,
    /// See [`Row`].
    pub row: Row,
}

/// A part as read back: the variant's values (column, text) and the rows.
#[derive(Clone, Debug)]
pub struct Part {
    /// The footer.
    pub meta: PartMeta,
    /// The variant's parameter values, by column, as text.
    pub params: Vec<(String, String)>,
    /// The rows, in file order.
    pub rows: Vec<StoredRow>,
}

/// Read a whole part.
pub fn read_part(path: &Path) -> Result<Part, StoreError> {
    let meta = read_meta(path)?.ok_or_else(|| fmt_err(path, "not a part of a Corridor sweep"))?;
    let r = reader(path)?;
    let iter = r.get_row_iter(None).map_err(|e| fmt_err(path, e))?;
    let mut params: Vec<(String, String)> = Vec::new();
    let mut rows = Vec::new();
    for (i, row) in iter.enumerate() {
        let row = row.map_err(|e| fmt_err(path, e))?;
        let mut sr = StoredRow {
            replication: 0,
            seed: 0,
            row: Row {
                metric: String::new(),
                scope: String::new(),
                year: 0,
                value: f64::NAN,
            },
        };
        for (name, f) in row.get_column_iter() {
            match (name.as_str(), f) {
                ("replication", Field::Int(x)) => sr.replication = *x as u64,
                ("seed", Field::Long(x)) => sr.seed = *x as u64,
                ("metric", Field::Str(x)) => sr.row.metric = x.clone(),
                ("scope", Field::Str(x)) => sr.row.scope = x.clone(),
                ("year", Field::Int(x)) => sr.row.year = *x,
                ("value", Field::Double(x)) => sr.row.value = *x,
                (col, f) if i == 0 => params.push((col.to_string(), field_text(f))),
                _ => {}
            }
        }
        rows.push(sr);
    }
    Ok(Part { meta, params, rows })
}

fn field_text(f: &Field) -> String {
    match f {
        Field::Double(x) => format!("{x}"),
        Field::Long(x) => x.to_string(),
        Field::Int(x) => x.to_string(),
        Field::Date(d) => corridor_route::time::Instant(*d as f64 * 24.0).iso()[..10].to_string(),
        other => other.to_string(),
    }
}

/// How often a journal is synced to the disk at most: a unit's line is written as the
/// unit finishes (a killed process loses none of it: the kernel holds it), and synced when
/// this long has passed since the last sync, so a crash of the machine loses at most the
/// units of the last second. One `fsync` per unit cost ~0.7 ms a unit on a local disk and
/// far more on a cluster's network file system, under the journal's lock.
pub const SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// A variant's journal open for appending.
pub struct Journal {
    file: File,
    synced: std::time::Instant,
}

impl Journal {
    /// The journal of an open file.
    pub fn new(file: File) -> Journal {
        Journal {
            file,
            synced: std::time::Instant::now(),
        }
    }

    /// Append one line; sync if [`SYNC_EVERY`] has passed since the last sync.
    pub fn append(&mut self, path: &Path, line: &str) -> Result<(), StoreError> {
        let f = &mut self.file;
        f.write_all(line.as_bytes())
            .and_then(|_| f.write_all(b"\n"))
            .map_err(io_err(path))?;
        if self.synced.elapsed() >= SYNC_EVERY {
            self.file.sync_data().map_err(io_err(path))?;
            self.synced = std::time::Instant::now();
        }
        Ok(())
    }
}
