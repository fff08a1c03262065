//! GIfTI (`.gii`, and gzipped `.gii.gz` as nilearn ships them): surfaces, per-vertex data,
//! time series and label parcellations.
//!
//! Reads every encoding (ASCII, Base64Binary, GZipBase64Binary, which is zlib, and
//! ExternalFileBinary), every integer and float DataType up to 64-bit floats, both byte orders and
//! both index orders. Arrays are decoded in parallel, straight into their final typed buffers.
//! A `POINTSET` + `TRIANGLE` pair becomes the [`Surface`], with raw coordinates as nibabel's
//! `agg_data` gives them (the `CoordinateSystemTransformMatrix` is not applied); `LABEL` arrays
//! become label overlays with the file's `LabelTable`; every other array (shape, time series,
//! statistics) becomes scalar data, arrays of the same length merged into one overlay with one
//! frame per array (or per column of an N×T array).
//!
//! What it does not do: GIfTI's RGB(A) vector intents are read as plain scalar arrays, and
//! metadata other than `AnatomicalStructurePrimary` is not kept.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use base64::Engine as _;
use glam::Vec3;
use quick_xml::events::{BytesStart, Event};
use rayon::prelude::*;

use super::{ArrayInfo, FormatError, Loaded, MAX_DECODED_BYTES, read_maybe_gzipped};
use crate::model::{Hemisphere, Label, LabelTable, Overlay, OverlayData, Surface};

/// Reads a GIfTI file (gzipped or not).
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    let bytes = read_maybe_gzipped(path)?;
    let name = display_name(path);
    let folder = path.parent().unwrap_or(Path::new("."));
    read_document(&bytes, &name, Some(folder)).map_err(|p| p.at(path))
}

/// Reads GIfTI XML held in memory. `folder` is where `ExternalFileBinary` data files live
/// (`None`: such arrays are an error).
pub fn read_bytes(bytes: &[u8], name: &str, folder: Option<&Path>) -> Result<Loaded, FormatError> {
    read_document(bytes, name, folder).map_err(|p| p.at(Path::new(name)))
}

fn read_document(bytes: &[u8], name: &str, folder: Option<&Path>) -> Result<Loaded, Problem> {
    let document = parse_xml(bytes)?;
    let arrays: Vec<Values> = document
        .arrays
        .par_iter()
        .enumerate()
        .map(|(i, raw)| {
            decode_array(raw, folder).map_err(|p| p.context(&format!("data array {}", i + 1)))
        })
        .collect::<Result<_, _>>()?;
    let decoded: Vec<Decoded> = document
        .arrays
        .into_iter()
        .zip(arrays)
        .map(|(raw, values)| Decoded {
            attrs: raw.attrs,
            meta: raw.meta,
            values,
        })
        .collect();
    assemble(decoded, document.labels, &document.meta, name)
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// Problems

enum Problem {
    Invalid(String),
    Unsupported(String),
}

impl Problem {
    fn at(self, path: &Path) -> FormatError {
        match self {
            Problem::Invalid(m) => FormatError::invalid(path, m),
            Problem::Unsupported(m) => FormatError::unsupported(path, m),
        }
    }

    fn context(self, what: &str) -> Problem {
        match self {
            Problem::Invalid(m) => Problem::Invalid(format!("{what}: {m}")),
            Problem::Unsupported(m) => Problem::Unsupported(format!("{what}: {m}")),
        }
    }
}

fn invalid<T>(message: impl Into<String>) -> Result<T, Problem> {
    Err(Problem::Invalid(message.into()))
}

fn unsupported<T>(message: impl Into<String>) -> Result<T, Problem> {
    Err(Problem::Unsupported(message.into()))
}

// ---------------------------------------------------------------------------------------------
// Attributes of a DataArray

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DataType {
    U8,
    I8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl DataType {
    fn parse(s: &str) -> Result<DataType, Problem> {
        Ok(match s {
            "NIFTI_TYPE_UINT8" => DataType::U8,
            "NIFTI_TYPE_INT8" => DataType::I8,
            "NIFTI_TYPE_INT16" => DataType::I16,
            "NIFTI_TYPE_UINT16" => DataType::U16,
            "NIFTI_TYPE_INT32" => DataType::I32,
            "NIFTI_TYPE_UINT32" => DataType::U32,
            "NIFTI_TYPE_FLOAT32" => DataType::F32,
            "NIFTI_TYPE_FLOAT64" => DataType::F64,
            other => return unsupported(format!("DataType \"{other}\" is not supported")),
        })
    }

    fn size(self) -> usize {
        match self {
            DataType::U8 | DataType::I8 => 1,
            DataType::I16 | DataType::U16 => 2,
            DataType::I32 | DataType::U32 | DataType::F32 => 4,
            DataType::F64 => 8,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Ascii,
    Base64,
    GzipBase64,
    External,
}

impl Encoding {
    /// The names nibabel accepts.
    fn parse(s: &str) -> Result<Encoding, Problem> {
        Ok(match s {
            "ASCII" | "GIFTI_ENCODING_ASCII" => Encoding::Ascii,
            "Base64Binary" | "B64BIN" | "GIFTI_ENCODING_B64BIN" => Encoding::Base64,
            "GZipBase64Binary" | "B64GZ" | "GIFTI_ENCODING_B64GZ" => Encoding::GzipBase64,
            "ExternalFileBinary" | "External" | "GIFTI_ENCODING_EXTBIN" => Encoding::External,
            other => return unsupported(format!("Encoding \"{other}\" is not supported")),
        })
    }
}

/// NIfTI intent codes: (code, name in GIfTI files, label as nibabel prints it).
const INTENTS: &[(i32, &str, &str)] = &[
    (0, "NIFTI_INTENT_NONE", "none"),
    (2, "NIFTI_INTENT_CORREL", "correlation"),
    (3, "NIFTI_INTENT_TTEST", "t test"),
    (4, "NIFTI_INTENT_FTEST", "f test"),
    (5, "NIFTI_INTENT_ZSCORE", "z score"),
    (6, "NIFTI_INTENT_CHISQ", "chi2"),
    (7, "NIFTI_INTENT_BETA", "beta"),
    (8, "NIFTI_INTENT_BINOM", "binomial"),
    (9, "NIFTI_INTENT_GAMMA", "gamma"),
    (10, "NIFTI_INTENT_POISSON", "poisson"),
    (11, "NIFTI_INTENT_NORMAL", "normal"),
    (12, "NIFTI_INTENT_FTEST_NONC", "non central f test"),
    (13, "NIFTI_INTENT_CHISQ_NONC", "non central chi2"),
    (14, "NIFTI_INTENT_LOGISTIC", "logistic"),
    (15, "NIFTI_INTENT_LAPLACE", "laplace"),
    (16, "NIFTI_INTENT_UNIFORM", "uniform"),
    (17, "NIFTI_INTENT_TTEST_NONC", "non central t test"),
    (18, "NIFTI_INTENT_WEIBULL", "weibull"),
    (19, "NIFTI_INTENT_CHI", "chi"),
    (20, "NIFTI_INTENT_INVGAUSS", "inverse gaussian"),
    (21, "NIFTI_INTENT_EXTVAL", "extreme value 1"),
    (22, "NIFTI_INTENT_PVAL", "p value"),
    (23, "NIFTI_INTENT_LOGPVAL", "log p value"),
    (24, "NIFTI_INTENT_LOG10PVAL", "log10 p value"),
    (1001, "NIFTI_INTENT_ESTIMATE", "estimate"),
    (1002, "NIFTI_INTENT_LABEL", "label"),
    (1003, "NIFTI_INTENT_NEURONAME", "neuroname"),
    (1004, "NIFTI_INTENT_GENMATRIX", "general matrix"),
    (1005, "NIFTI_INTENT_SYMMATRIX", "symmetric matrix"),
    (1006, "NIFTI_INTENT_DISPVECT", "displacement vector"),
    (1007, "NIFTI_INTENT_VECTOR", "vector"),
    (1008, "NIFTI_INTENT_POINTSET", "pointset"),
    (1009, "NIFTI_INTENT_TRIANGLE", "triangle"),
    (1010, "NIFTI_INTENT_QUATERNION", "quaternion"),
    (1011, "NIFTI_INTENT_DIMLESS", "dimensionless"),
    (2001, "NIFTI_INTENT_TIME_SERIES", "time series"),
    (2001, "NIFTI_INTENT_TIMESERIES", "time series"),
    (2002, "NIFTI_INTENT_NODE_INDEX", "node index"),
    (2003, "NIFTI_INTENT_RGB_VECTOR", "rgb vector"),
    (2004, "NIFTI_INTENT_RGBA_VECTOR", "rgba vector"),
    (2005, "NIFTI_INTENT_SHAPE", "shape"),
];

const INTENT_LABEL: i32 = 1002;
const INTENT_POINTSET: i32 = 1008;
const INTENT_TRIANGLE: i32 = 1009;

/// An intent: its code and the label nibabel prints.
#[derive(Clone, Debug, PartialEq)]
struct Intent {
    code: i32,
    label: String,
}

impl Intent {
    fn parse(s: &str) -> Intent {
        let known = INTENTS
            .iter()
            .find(|(code, name, label)| *name == s || *label == s || s.parse() == Ok(*code));
        match known {
            Some(&(code, _, label)) => Intent {
                code,
                label: label.into(),
            },
            // Other intents (FSL, CIFTI …) are shown by their name and read as plain data.
            None => Intent {
                code: -1,
                label: s.into(),
            },
        }
    }
}

#[derive(Clone, Debug)]
struct ArrayAttrs {
    intent: Intent,
    datatype: DataType,
    encoding: Encoding,
    big_endian: bool,
    column_major: bool,
    dims: Vec<usize>,
    external_name: String,
    external_offset: u64,
}

impl ArrayAttrs {
    fn parse(start: &BytesStart) -> Result<ArrayAttrs, Problem> {
        let mut get = attributes(start)?;
        let mut take = |key: &str| get.remove(key);
        let required = |v: Option<String>, key: &str| {
            v.ok_or_else(|| Problem::Invalid(format!("a DataArray has no {key} attribute")))
        };
        let intent = Intent::parse(&take("Intent").unwrap_or_else(|| "NIFTI_INTENT_NONE".into()));
        let datatype = DataType::parse(&required(take("DataType"), "DataType")?)?;
        let encoding = Encoding::parse(&required(take("Encoding"), "Encoding")?)?;
        let big_endian = match take("Endian").as_deref() {
            None | Some("LittleEndian" | "GIFTI_ENDIAN_LITTLE" | "little") => false,
            Some("BigEndian" | "GIFTI_ENDIAN_BIG" | "big") => true,
            Some(other) => return invalid(format!("unknown Endian \"{other}\"")),
        };
        let column_major = match take("ArrayIndexingOrder").as_deref() {
            None | Some("RowMajorOrder" | "C") => false,
            Some("ColumnMajorOrder" | "F") => true,
            Some(other) => return invalid(format!("unknown ArrayIndexingOrder \"{other}\"")),
        };
        let dims = dimensions(&mut take)?;
        let external_offset = match take("ExternalFileOffset").as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(s) => s
                .parse()
                .map_err(|_| Problem::Invalid(format!("invalid ExternalFileOffset \"{s}\"")))?,
        };
        Ok(ArrayAttrs {
            intent,
            datatype,
            encoding,
            big_endian,
            column_major,
            dims,
            external_name: take("ExternalFileName").unwrap_or_default(),
            external_offset,
        })
    }

    fn n_values(&self) -> usize {
        self.dims.iter().product()
    }
}

fn dimensions(take: &mut impl FnMut(&str) -> Option<String>) -> Result<Vec<usize>, Problem> {
    let text = take("Dimensionality").unwrap_or_else(|| "1".into());
    let n: usize = match text.trim().parse() {
        Ok(n @ 1..=6) => n,
        _ => {
            return invalid(format!(
                "invalid Dimensionality \"{text}\" (expected 1 to 6)"
            ));
        }
    };
    let dims = (0..n)
        .map(|i| {
            let key = format!("Dim{i}");
            let value = take(&key).ok_or_else(|| {
                Problem::Invalid(format!("Dimensionality is {n} but there is no {key}"))
            })?;
            value
                .trim()
                .parse::<usize>()
                .map_err(|_| Problem::Invalid(format!("invalid {key} \"{value}\"")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    match total {
        Some(t) if (t as u64) <= MAX_DECODED_BYTES => Ok(dims),
        _ => invalid(format!("absurd array size {dims:?}")),
    }
}

fn attributes(start: &BytesStart) -> Result<std::collections::HashMap<String, String>, Problem> {
    let mut out = std::collections::HashMap::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| Problem::Invalid(format!("malformed XML attribute ({e})")))?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| Problem::Invalid(format!("malformed XML attribute {key} ({e})")))?;
        out.insert(key, value.into_owned());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// XML

/// A DataArray as found in the XML, its data still encoded.
struct RawArray<'a> {
    attrs: ArrayAttrs,
    meta: Vec<(String, String)>,
    data: Cow<'a, [u8]>,
}

struct Document<'a> {
    arrays: Vec<RawArray<'a>>,
    labels: LabelTable,
    meta: Vec<(String, String)>,
}

/// The elements whose content matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Element {
    Gifti,
    MetaData,
    Md,
    Name,
    Value,
    LabelTable,
    Label,
    DataArray,
    Data,
    Other,
}

impl Element {
    fn of(name: &[u8]) -> Element {
        match name {
            b"GIFTI" => Element::Gifti,
            b"MetaData" => Element::MetaData,
            b"MD" => Element::Md,
            b"Name" => Element::Name,
            b"Value" => Element::Value,
            b"LabelTable" => Element::LabelTable,
            b"Label" => Element::Label,
            b"DataArray" => Element::DataArray,
            b"Data" => Element::Data,
            _ => Element::Other,
        }
    }
}

/// Parser state while walking the XML events.
#[derive(Default)]
struct Walk<'a> {
    stack: Vec<Element>,
    seen_root: bool,
    arrays: Vec<RawArray<'a>>,
    current: Option<RawArray<'a>>,
    file_meta: Vec<(String, String)>,
    md: (String, String),
    text: Vec<u8>,
    data: Option<Cow<'a, [u8]>>,
    label: Option<Label>,
    labels: Vec<Label>,
}

fn parse_xml(bytes: &[u8]) -> Result<Document<'_>, Problem> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut walk = Walk::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            Problem::Invalid(format!(
                "malformed XML at byte {} ({e})",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Start(start) => walk.open(&start)?,
            Event::Empty(start) => {
                walk.open(&start)?;
                walk.close()?;
            }
            Event::End(_) => walk.close()?,
            Event::Text(t) => walk.content(t.into_inner()),
            Event::CData(t) => walk.content(t.into_inner()),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch,
                    _ => predefined_entity(&r)?,
                };
                walk.content(Cow::Owned(ch.to_string().into_bytes()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    walk.finish()
}

fn predefined_entity(name: &[u8]) -> Result<char, Problem> {
    Ok(match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        other => {
            return invalid(format!(
                "unknown XML entity &{};",
                String::from_utf8_lossy(other)
            ));
        }
    })
}

impl<'a> Walk<'a> {
    fn open(&mut self, start: &BytesStart) -> Result<(), Problem> {
        let element = Element::of(start.local_name().as_ref());
        if self.stack.is_empty() {
            if element != Element::Gifti || self.seen_root {
                return invalid("not a GIfTI file (the XML root element is not <GIFTI>)");
            }
            self.seen_root = true;
        }
        match element {
            Element::DataArray => {
                let attrs = ArrayAttrs::parse(start)
                    .map_err(|p| p.context(&format!("data array {}", self.arrays.len() + 1)))?;
                self.current = Some(RawArray {
                    attrs,
                    meta: Vec::new(),
                    data: Cow::Borrowed(&[]),
                });
            }
            Element::Label => self.label = Some(label_from(start, self.labels.len())?),
            Element::Data => self.data = None,
            Element::Md => self.md = Default::default(),
            _ => {}
        }
        self.text.clear();
        self.stack.push(element);
        Ok(())
    }

    fn content(&mut self, text: Cow<'a, [u8]>) {
        match self.stack.last() {
            Some(Element::Data) => match &mut self.data {
                None => self.data = Some(text),
                Some(data) => data.to_mut().extend_from_slice(&text),
            },
            Some(Element::Name | Element::Value | Element::Label) => {
                self.text.extend_from_slice(&text)
            }
            _ => {}
        }
    }

    fn close(&mut self) -> Result<(), Problem> {
        let Some(element) = self.stack.pop() else {
            return invalid("malformed XML: a closing tag without its opening tag");
        };
        let text = || String::from_utf8_lossy(&self.text).trim().to_owned();
        match element {
            Element::Name => self.md.0 = text(),
            Element::Value => self.md.1 = text(),
            Element::Md => {
                let md = std::mem::take(&mut self.md);
                match &mut self.current {
                    Some(array) => array.meta.push(md),
                    None => self.file_meta.push(md),
                }
            }
            Element::Label => {
                if let Some(mut label) = self.label.take() {
                    label.name = text();
                    self.labels.push(label);
                }
            }
            Element::Data => {
                if let (Some(array), Some(data)) = (&mut self.current, self.data.take()) {
                    array.data = data;
                }
            }
            Element::DataArray => {
                if let Some(array) = self.current.take() {
                    self.arrays.push(array);
                }
            }
            _ => {}
        }
        self.text.clear();
        Ok(())
    }

    fn finish(self) -> Result<Document<'a>, Problem> {
        if !self.seen_root {
            return invalid("not a GIfTI file (no <GIFTI> element)");
        }
        if let Some(open) = self.stack.last() {
            return invalid(format!(
                "truncated: the XML ends inside an unclosed <{open:?}> element"
            ));
        }
        Ok(Document {
            arrays: self.arrays,
            labels: LabelTable {
                labels: self.labels,
            },
            meta: self.file_meta,
        })
    }
}

/// A `<Label>`'s key and colour; a label without colours gets a distinct one from its position.
fn label_from(start: &BytesStart, position: usize) -> Result<Label, Problem> {
    let attrs = attributes(start)?;
    let key_text = attrs.get("Key").or_else(|| attrs.get("Index"));
    let key = match key_text.map(|k| k.trim().parse::<i32>()) {
        Some(Ok(k)) => k,
        Some(Err(_)) => return invalid(format!("a Label has an invalid Key {key_text:?}")),
        None => return invalid("a Label has no Key"),
    };
    let fallback = fallback_colour(position);
    let channel = |name: &str, default: f32| -> Result<f32, Problem> {
        match attrs.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<f32>()
                .map(|x| x.clamp(0.0, 1.0))
                .map_err(|_| {
                    Problem::Invalid(format!("label {key} has an invalid {name} \"{v}\""))
                }),
        }
    };
    Ok(Label {
        key,
        name: String::new(),
        rgba: [
            channel("Red", fallback[0])?,
            channel("Green", fallback[1])?,
            channel("Blue", fallback[2])?,
            channel("Alpha", 1.0)?,
        ],
    })
}

/// Well-separated colours for labels whose file gives none (hues a golden angle apart).
fn fallback_colour(position: usize) -> [f32; 3] {
    let hue = (position as f32 * 0.618_034).fract() * 6.0;
    let x = 1.0 - (hue % 2.0 - 1.0).abs();
    let (r, g, b) = match hue as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    // Pastel-ish: mix with white so thin labels stay readable on a dark surface.
    [0.25 + 0.7 * r, 0.25 + 0.7 * g, 0.25 + 0.7 * b]
}

// ---------------------------------------------------------------------------------------------
// Decoding the data of one array

/// Decoded values, row-major.
#[derive(Clone, Debug, PartialEq)]
enum Values {
    F32(Vec<f32>),
    F64(Vec<f64>),
    Int(Vec<i64>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Int(v) => v.len(),
        }
    }

    fn to_f32(&self) -> Cow<'_, [f32]> {
        match self {
            Values::F32(v) => Cow::Borrowed(v),
            Values::F64(v) => Cow::Owned(v.iter().map(|&x| x as f32).collect()),
            Values::Int(v) => Cow::Owned(v.iter().map(|&x| x as f32).collect()),
        }
    }

    /// Integer values (floats must be whole numbers).
    fn to_i64(&self) -> Result<Cow<'_, [i64]>, Problem> {
        let whole = |x: f64| {
            if x.fract() == 0.0 && x.abs() < 9e15 {
                Ok(x as i64)
            } else {
                invalid(format!("{x} is not a whole number"))
            }
        };
        Ok(match self {
            Values::Int(v) => Cow::Borrowed(v),
            Values::F32(v) => Cow::Owned(
                v.iter()
                    .map(|&x| whole(x as f64))
                    .collect::<Result<_, _>>()?,
            ),
            Values::F64(v) => Cow::Owned(v.iter().map(|&x| whole(x)).collect::<Result<_, _>>()?),
        })
    }

    fn info(&self, intent: &str, shape: Vec<usize>) -> ArrayInfo {
        match self {
            Values::F32(v) => ArrayInfo::of_values(intent, shape, v),
            Values::F64(v) => ArrayInfo::of_values(intent, shape, v),
            Values::Int(v) => {
                let as_f64: Vec<f64> = v.iter().map(|&x| x as f64).collect();
                ArrayInfo::of_values(intent, shape, &as_f64)
            }
        }
    }
}

fn decode_array(raw: &RawArray, folder: Option<&Path>) -> Result<Values, Problem> {
    let attrs = &raw.attrs;
    let n = attrs.n_values();
    let values = match attrs.encoding {
        Encoding::Ascii => parse_ascii(&raw.data, attrs.datatype, n)?,
        Encoding::Base64 => {
            let bytes = base64_decode(&raw.data)?;
            check_count(bytes.len(), n, attrs.datatype)?;
            typed(attrs, |out| {
                out.copy_from_slice(&bytes);
                Ok(())
            })?
        }
        Encoding::GzipBase64 => {
            let compressed = base64_decode(&raw.data)?;
            check_inflatable(compressed.len(), n, attrs.datatype)?;
            typed(attrs, |out| inflate_into(&compressed, out, attrs.datatype))?
        }
        Encoding::External => read_external(attrs, folder)?,
    };
    Ok(if attrs.column_major && attrs.dims.len() > 1 {
        to_row_major(values, &attrs.dims)
    } else {
        values
    })
}

fn truncated(promised: usize, holds: usize) -> Problem {
    Problem::Invalid(format!(
        "truncated: header promises {promised} values, data holds {holds}"
    ))
}

fn too_many(promised: usize, holds: usize) -> Problem {
    Problem::Invalid(format!(
        "count mismatch: header promises {promised} values, data holds {holds}"
    ))
}

fn check_count(n_bytes: usize, n: usize, datatype: DataType) -> Result<(), Problem> {
    let holds = n_bytes / datatype.size();
    match n_bytes.cmp(&(n * datatype.size())) {
        std::cmp::Ordering::Less => Err(truncated(n, holds)),
        std::cmp::Ordering::Greater => Err(too_many(n, holds)),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

/// zlib cannot expand data more than about 1032-fold: a header promising more is lying, and we
/// say so before allocating anything.
fn check_inflatable(compressed: usize, n: usize, datatype: DataType) -> Result<(), Problem> {
    let most = (compressed as u64)
        .saturating_mul(1032)
        .saturating_add(1024);
    if (n as u64) * (datatype.size() as u64) > most {
        return Err(Problem::Invalid(format!(
            "truncated: header promises {n} values, but {compressed} compressed bytes hold at most {}",
            most / datatype.size() as u64
        )));
    }
    Ok(())
}

const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes base64 text, allowing whitespace anywhere (line-wrapped writers).
fn base64_decode(text: &[u8]) -> Result<Vec<u8>, Problem> {
    let trimmed = text.trim_ascii();
    let result = match BASE64.decode(trimmed) {
        Ok(bytes) => Ok(bytes),
        Err(_) if trimmed.iter().any(u8::is_ascii_whitespace) => {
            let compact: Vec<u8> = trimmed
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            BASE64.decode(compact)
        }
        Err(e) => Err(e),
    };
    result.map_err(|e| Problem::Invalid(format!("invalid base64 data ({e})")))
}

/// Inflates zlib data (gzip tolerated) into exactly `out`; more or less data is an error.
fn inflate_into(compressed: &[u8], out: &mut [u8], datatype: DataType) -> Result<(), Problem> {
    let mut decoder: Box<dyn Read> = if compressed.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(compressed))
    } else {
        Box::new(flate2::read::ZlibDecoder::new(compressed))
    };
    let corrupt = |e: std::io::Error| Problem::Invalid(format!("corrupt zlib data ({e})"));
    let mut filled = 0;
    while filled < out.len() {
        match decoder.read(&mut out[filled..]).map_err(corrupt)? {
            0 => break,
            k => filled += k,
        }
    }
    let n = out.len() / datatype.size();
    if filled < out.len() {
        return Err(truncated(n, filled / datatype.size()));
    }
    let mut extra = [0u8; 1];
    if decoder.read(&mut extra).map_err(corrupt)? > 0 {
        return Err(Problem::Invalid(format!(
            "count mismatch: header promises {n} values, the data holds more"
        )));
    }
    Ok(())
}

fn read_external(attrs: &ArrayAttrs, folder: Option<&Path>) -> Result<Values, Problem> {
    let Some(folder) = folder else {
        return invalid("external data files cannot be read for a GIfTI held in memory");
    };
    let name = attrs.external_name.trim();
    if name.is_empty() {
        return invalid("ExternalFileBinary encoding but no ExternalFileName");
    }
    let path = folder.join(name);
    let mut file = std::fs::File::open(&path).map_err(|e| {
        Problem::Invalid(format!(
            "cannot open external data file {} ({e})",
            path.display()
        ))
    })?;
    let len = file
        .metadata()
        .map_err(|e| Problem::Invalid(format!("{}: {e}", path.display())))?
        .len();
    let n = attrs.n_values();
    let size = attrs.datatype.size() as u64;
    let available = len.saturating_sub(attrs.external_offset) / size;
    if available < n as u64 {
        return Err(Problem::Invalid(format!(
            "truncated: header promises {n} values, external file {} holds {available} after offset {}",
            path.display(),
            attrs.external_offset
        )));
    }
    let io = |e: std::io::Error| Problem::Invalid(format!("{}: {e}", path.display()));
    file.seek(SeekFrom::Start(attrs.external_offset))
        .map_err(io)?;
    typed(attrs, |out| file.read_exact(out).map_err(io))
}

/// Allocates the array's values in their stored type, lets `fill` write the raw bytes into them,
/// and converts from the file's byte order.
fn typed(
    attrs: &ArrayAttrs,
    fill: impl FnOnce(&mut [u8]) -> Result<(), Problem>,
) -> Result<Values, Problem> {
    let n = attrs.n_values();
    let big = attrs.big_endian;
    macro_rules! ints {
        ($t:ty) => {{
            let mut raw: Vec<$t> = vec![0; n];
            fill(bytemuck::cast_slice_mut(&mut raw))?;
            let from = |x: $t| {
                if big {
                    <$t>::from_be(x)
                } else {
                    <$t>::from_le(x)
                }
            };
            Values::Int(raw.into_iter().map(|x| from(x) as i64).collect())
        }};
    }
    Ok(match attrs.datatype {
        DataType::U8 => ints!(u8),
        DataType::I8 => ints!(i8),
        DataType::I16 => ints!(i16),
        DataType::U16 => ints!(u16),
        DataType::I32 => ints!(i32),
        DataType::U32 => ints!(u32),
        DataType::F32 => {
            let mut v = vec![0f32; n];
            fill(bytemuck::cast_slice_mut(&mut v))?;
            if big != cfg!(target_endian = "big") {
                v.iter_mut()
                    .for_each(|x| *x = f32::from_bits(x.to_bits().swap_bytes()));
            }
            Values::F32(v)
        }
        DataType::F64 => {
            let mut v = vec![0f64; n];
            fill(bytemuck::cast_slice_mut(&mut v))?;
            if big != cfg!(target_endian = "big") {
                v.iter_mut()
                    .for_each(|x| *x = f64::from_bits(x.to_bits().swap_bytes()));
            }
            Values::F64(v)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// ASCII

/// Whitespace-separated tokens, without allocating.
fn tokens(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
}

fn parse_ascii(text: &[u8], datatype: DataType, n: usize) -> Result<Values, Problem> {
    // Every value takes at least one character and one separator.
    if n > text.len().div_ceil(2) {
        return Err(truncated(n, tokens(text).count()));
    }
    let values = match datatype {
        DataType::F32 => Values::F32(parse_tokens(text, n, |s| s.parse::<f32>().ok())?),
        DataType::F64 => Values::F64(parse_tokens(text, n, |s| s.parse::<f64>().ok())?),
        _ => Values::Int(parse_tokens(text, n, parse_int)?),
    };
    Ok(values)
}

/// An integer token; `3.0`-style tokens are accepted when whole.
fn parse_int(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().or_else(|| {
        let f = s.parse::<f64>().ok()?;
        (f.fract() == 0.0 && f.abs() < 9e15).then_some(f as i64)
    })
}

fn parse_tokens<T>(
    text: &[u8],
    n: usize,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, Problem> {
    let mut out = Vec::with_capacity(n);
    for token in tokens(text) {
        if out.len() == n {
            return Err(too_many(n, n + tokens(text).skip(n).count()));
        }
        let value = std::str::from_utf8(token).ok().and_then(&parse);
        match value {
            Some(v) => out.push(v),
            None => {
                return invalid(format!(
                    "value {} (\"{}\") is not a number",
                    out.len() + 1,
                    String::from_utf8_lossy(&token[..token.len().min(40)])
                ));
            }
        }
    }
    if out.len() < n {
        return Err(truncated(n, out.len()));
    }
    Ok(out)
}

/// Reorders column-major (Fortran-order) values into row-major order, same shape.
fn to_row_major(values: Values, dims: &[usize]) -> Values {
    fn reorder<T: Copy>(v: &[T], dims: &[usize]) -> Vec<T> {
        let mut strides = vec![1usize; dims.len()];
        for k in 1..dims.len() {
            strides[k] = strides[k - 1] * dims[k - 1];
        }
        let mut index = vec![0usize; dims.len()];
        let mut out = Vec::with_capacity(v.len());
        for _ in 0..v.len() {
            let offset: usize = index.iter().zip(&strides).map(|(i, s)| i * s).sum();
            out.push(v[offset]);
            for k in (0..dims.len()).rev() {
                index[k] += 1;
                if index[k] < dims[k] {
                    break;
                }
                index[k] = 0;
            }
        }
        out
    }
    match values {
        Values::F32(v) => Values::F32(reorder(&v, dims)),
        Values::F64(v) => Values::F64(reorder(&v, dims)),
        Values::Int(v) => Values::Int(reorder(&v, dims)),
    }
}

// ---------------------------------------------------------------------------------------------
// From arrays to a surface and overlays

struct Decoded {
    attrs: ArrayAttrs,
    meta: Vec<(String, String)>,
    values: Values,
}

fn assemble(
    arrays: Vec<Decoded>,
    table: LabelTable,
    file_meta: &[(String, String)],
    name: &str,
) -> Result<Loaded, Problem> {
    let mut loaded = Loaded {
        arrays: arrays
            .iter()
            .map(|a| a.values.info(&a.attrs.intent.label, a.attrs.dims.clone()))
            .collect(),
        label_names: table.labels.iter().map(|l| l.name.clone()).collect(),
        ..Default::default()
    };
    loaded.surface = surface(&arrays, file_meta, name)?;
    let stem = overlay_stem(name);
    for array in arrays
        .iter()
        .filter(|a| a.attrs.intent.code == INTENT_LABEL)
    {
        loaded.overlays.push(label_overlay(array, &table, &stem)?);
    }
    loaded.overlays.extend(scalar_overlays(&arrays, &stem));
    Ok(loaded)
}

fn overlay_stem(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    [".gii.gz", ".gii"]
        .iter()
        .find_map(|ext| {
            lower
                .ends_with(ext)
                .then(|| name[..name.len() - ext.len()].to_owned())
        })
        .unwrap_or_else(|| name.to_owned())
}

fn surface(
    arrays: &[Decoded],
    file_meta: &[(String, String)],
    name: &str,
) -> Result<Option<Surface>, Problem> {
    let find = |code| arrays.iter().find(|a| a.attrs.intent.code == code);
    let Some(points) = find(INTENT_POINTSET) else {
        return Ok(None);
    };
    if points.attrs.dims.len() != 2 || points.attrs.dims[1] != 3 {
        return invalid(format!(
            "the POINTSET array must be N×3, but its shape is {:?}",
            points.attrs.dims
        ));
    }
    let coords = points.values.to_f32();
    let positions = coords.chunks_exact(3).map(Vec3::from_slice).collect();
    let triangles = match find(INTENT_TRIANGLE) {
        Some(t) => triangles(t)?,
        None => Vec::new(),
    };
    let hemisphere = meta_hemisphere(&points.meta)
        .or_else(|| meta_hemisphere(file_meta))
        .or_else(|| Surface::hemisphere_from_name(name));
    let surface = Surface {
        name: name.to_owned(),
        positions,
        triangles,
        hemisphere,
    };
    surface.validate().map_err(Problem::Invalid)?;
    Ok(Some(surface))
}

fn triangles(array: &Decoded) -> Result<Vec<[u32; 3]>, Problem> {
    if array.attrs.dims.len() != 2 || array.attrs.dims[1] != 3 {
        return invalid(format!(
            "the TRIANGLE array must be M×3, but its shape is {:?}",
            array.attrs.dims
        ));
    }
    let indices = array
        .values
        .to_i64()
        .map_err(|p| p.context("TRIANGLE array"))?;
    let index = |i: i64| {
        u32::try_from(i)
            .map_err(|_| Problem::Invalid(format!("triangle vertex index {i} is invalid")))
    };
    indices
        .chunks_exact(3)
        .map(|t| Ok([index(t[0])?, index(t[1])?, index(t[2])?]))
        .collect()
}

fn meta_hemisphere(meta: &[(String, String)]) -> Option<Hemisphere> {
    let (_, value) = meta
        .iter()
        .find(|(k, _)| k == "AnatomicalStructurePrimary")?;
    let value = value.to_ascii_lowercase();
    if value.contains("left") {
        Some(Hemisphere::Left)
    } else if value.contains("right") {
        Some(Hemisphere::Right)
    } else {
        None
    }
}

fn label_overlay(array: &Decoded, table: &LabelTable, stem: &str) -> Result<Overlay, Problem> {
    let keys = array
        .values
        .to_i64()
        .map_err(|p| p.context("LABEL array"))?;
    let keys = keys
        .iter()
        .map(|&k| i32::try_from(k).unwrap_or(-1))
        .collect();
    Ok(Overlay {
        name: stem.to_owned(),
        data: OverlayData::Labels {
            keys,
            table: table.clone(),
        },
    })
}

/// Scalar arrays, grouped by length: each group becomes one overlay whose frames are the
/// arrays' columns in file order.
fn scalar_overlays(arrays: &[Decoded], stem: &str) -> Vec<Overlay> {
    let scalar = arrays.iter().filter(|a| {
        ![INTENT_POINTSET, INTENT_TRIANGLE, INTENT_LABEL].contains(&a.attrs.intent.code)
            && !a.attrs.dims.is_empty()
    });
    let mut groups: Vec<(usize, usize, Vec<f32>)> = Vec::new();
    for array in scalar {
        let n_vertices = array.attrs.dims[0];
        let columns = array.values.len() / n_vertices.max(1);
        let group = match groups.iter_mut().position(|g| g.0 == n_vertices) {
            Some(i) => &mut groups[i],
            None => {
                groups.push((n_vertices, 0, Vec::new()));
                groups.last_mut().expect("just pushed")
            }
        };
        append_frames(&array.values.to_f32(), n_vertices, columns, &mut group.2);
        group.1 += columns;
    }
    let several = groups.len() > 1;
    groups
        .into_iter()
        .enumerate()
        .map(|(i, (n_vertices, n_frames, values))| Overlay {
            name: if several {
                format!("{stem} ({})", i + 1)
            } else {
                stem.to_owned()
            },
            data: OverlayData::Scalar {
                n_vertices,
                n_frames,
                values,
            },
        })
        .collect()
}

/// Appends the columns of a row-major `n_vertices × columns` array as frames.
fn append_frames(values: &[f32], n_vertices: usize, columns: usize, out: &mut Vec<f32>) {
    if columns == 1 {
        out.extend_from_slice(values);
        return;
    }
    out.reserve(values.len());
    for c in 0..columns {
        out.extend((0..n_vertices).map(|v| values[v * columns + c]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(arrays: &str) -> String {
        format!("<?xml version=\"1.0\"?><GIFTI Version=\"1.0\">{arrays}</GIFTI>")
    }

    fn array(
        intent: &str,
        dtype: &str,
        dims: &[usize],
        encoding: &str,
        extra: &str,
        data: &str,
    ) -> String {
        let dim_attrs: String = dims
            .iter()
            .enumerate()
            .map(|(i, d)| format!(" Dim{i}=\"{d}\""))
            .collect();
        format!(
            "<DataArray Intent=\"{intent}\" DataType=\"{dtype}\" Dimensionality=\"{}\"{dim_attrs} \
             Encoding=\"{encoding}\" {extra}><Data>{data}</Data></DataArray>",
            dims.len()
        )
    }

    fn load(xml: &str) -> Result<Loaded, String> {
        read_bytes(xml.as_bytes(), "test.gii", None).map_err(|e| e.to_string())
    }

    fn b64(bytes: &[u8]) -> String {
        BASE64.encode(bytes)
    }

    fn zlib_b64(bytes: &[u8]) -> String {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(bytes).unwrap();
        b64(&z.finish().unwrap())
    }

    fn f32_bytes(v: &[f32], big: bool) -> Vec<u8> {
        v.iter()
            .flat_map(|x| {
                if big {
                    x.to_be_bytes()
                } else {
                    x.to_le_bytes()
                }
            })
            .collect()
    }

    fn scalar(loaded: &Loaded) -> (usize, usize, Vec<f32>) {
        match &loaded.overlays[0].data {
            OverlayData::Scalar {
                n_vertices,
                n_frames,
                values,
            } => (*n_vertices, *n_frames, values.clone()),
            other => panic!("not scalar: {other:?}"),
        }
    }

    #[test]
    fn encodings_agree() {
        let values = [1.5f32, -2.0, 3.25, 4.0];
        let ascii = array(
            "NIFTI_INTENT_SHAPE",
            "NIFTI_TYPE_FLOAT32",
            &[4],
            "ASCII",
            "",
            "1.5 -2\n 3.25\t4",
        );
        let base = array(
            "NIFTI_INTENT_SHAPE",
            "NIFTI_TYPE_FLOAT32",
            &[4],
            "Base64Binary",
            "",
            &b64(&f32_bytes(&values, false)),
        );
        let gz = array(
            "NIFTI_INTENT_SHAPE",
            "NIFTI_TYPE_FLOAT32",
            &[4],
            "GZipBase64Binary",
            "",
            &zlib_b64(&f32_bytes(&values, false)),
        );
        let big = array(
            "NIFTI_INTENT_SHAPE",
            "NIFTI_TYPE_FLOAT32",
            &[4],
            "GZipBase64Binary",
            "Endian=\"BigEndian\"",
            &zlib_b64(&f32_bytes(&values, true)),
        );
        for xml in [ascii, base, gz, big] {
            let loaded = load(&doc(&xml)).unwrap();
            assert_eq!(scalar(&loaded), (4, 1, values.to_vec()));
            assert_eq!(loaded.arrays[0].intent, "shape");
        }
    }

    #[test]
    fn integer_types_and_column_major() {
        // 2×3 stored column-major: rows (1 2 3), (4 5 6).
        let xml = doc(&array(
            "NIFTI_INTENT_NONE",
            "NIFTI_TYPE_INT16",
            &[2, 3],
            "Base64Binary",
            "ArrayIndexingOrder=\"ColumnMajorOrder\"",
            &b64(&[1i16, 4, 2, 5, 3, 6]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<_>>()),
        ));
        let loaded = load(&xml).unwrap();
        // Frames are columns: (1, 4), (2, 5), (3, 6).
        assert_eq!(scalar(&loaded), (2, 3, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]));
        assert_eq!(loaded.arrays[0].shape, vec![2, 3]);
        assert_eq!((loaded.arrays[0].min, loaded.arrays[0].max), (1.0, 6.0));
    }

    #[test]
    fn several_arrays_make_one_time_series() {
        let frames: String = (0..3)
            .map(|f| {
                array(
                    "NIFTI_INTENT_TIME_SERIES",
                    "NIFTI_TYPE_FLOAT32",
                    &[2],
                    "ASCII",
                    "",
                    &format!("{f} {}", f + 10),
                )
            })
            .collect();
        let loaded = load(&doc(&frames)).unwrap();
        assert_eq!(loaded.overlays.len(), 1);
        assert_eq!(
            scalar(&loaded),
            (2, 3, vec![0.0, 10.0, 1.0, 11.0, 2.0, 12.0])
        );
        assert_eq!(loaded.arrays[0].intent, "time series");
    }

    #[test]
    fn surface_with_labels_and_hemisphere() {
        let xml = doc(&format!(
            "<MetaData><MD><Name>AnatomicalStructurePrimary</Name><Value><![CDATA[CortexRight]]></Value></MD></MetaData>\
             <LabelTable><Label Key=\"0\" Red=\"1\" Green=\"0\" Blue=\"0\" Alpha=\"1\"><![CDATA[bg]]></Label>\
             <Label Key=\"5\">A &amp; B</Label></LabelTable>{}{}{}",
            array(
                "NIFTI_INTENT_POINTSET",
                "NIFTI_TYPE_FLOAT32",
                &[3, 3],
                "ASCII",
                "",
                "0 0 0 1 0 0 0 1 0"
            ),
            array(
                "NIFTI_INTENT_TRIANGLE",
                "NIFTI_TYPE_INT32",
                &[1, 3],
                "ASCII",
                "",
                "0 1 2"
            ),
            array(
                "NIFTI_INTENT_LABEL",
                "NIFTI_TYPE_INT32",
                &[3],
                "ASCII",
                "",
                "0 5 5"
            ),
        ));
        let loaded = load(&xml).unwrap();
        let surface = loaded.surface.unwrap();
        assert_eq!(surface.triangles, vec![[0, 1, 2]]);
        assert_eq!(surface.hemisphere, Some(Hemisphere::Right));
        assert_eq!(loaded.label_names, vec!["bg", "A & B"]);
        match &loaded.overlays[0].data {
            OverlayData::Labels { keys, table } => {
                assert_eq!(keys, &vec![0, 5, 5]);
                assert_eq!(table.get(0).unwrap().rgba, [1.0, 0.0, 0.0, 1.0]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let ok = |d: &str| {
            array(
                "NIFTI_INTENT_SHAPE",
                "NIFTI_TYPE_FLOAT32",
                &[4],
                "Base64Binary",
                "",
                d,
            )
        };
        let four = b64(&f32_bytes(&[1.0; 4], false));
        assert!(load(&doc(&ok(&four))).is_ok());
        let cases = [
            (doc(&ok("!!!notbase64")), "invalid base64"),
            (
                doc(&ok(&b64(&f32_bytes(&[1.0; 3], false)))),
                "header promises 4 values, data holds 3",
            ),
            (
                doc(&ok(&b64(&f32_bytes(&[1.0; 5], false)))),
                "count mismatch",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_FLOAT32",
                    &[4],
                    "GZipBase64Binary",
                    "",
                    &b64(b"not zlib at all"),
                )),
                "corrupt zlib",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_FLOAT32",
                    &[4],
                    "GZipBase64Binary",
                    "",
                    &zlib_b64(&f32_bytes(&[1.0; 2], false)),
                )),
                "promises 4 values, data holds 2",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_FLOAT32",
                    &[1_000_000_000],
                    "GZipBase64Binary",
                    "",
                    &zlib_b64(&[0; 8]),
                )),
                "at most",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_FLOAT32",
                    &[1_000_000_000],
                    "ASCII",
                    "",
                    "1 2 3",
                )),
                "promises 1000000000 values, data holds 3",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_FLOAT32",
                    &[3],
                    "ASCII",
                    "",
                    "1 x 3",
                )),
                "not a number",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_COMPLEX64",
                    &[3],
                    "ASCII",
                    "",
                    "1 2 3",
                )),
                "not supported",
            ),
            (
                doc(&array(
                    "NIFTI_INTENT_SHAPE",
                    "NIFTI_TYPE_FLOAT32",
                    &[3],
                    "ExternalFileBinary",
                    "ExternalFileName=\"x.dat\"",
                    "",
                )),
                "external",
            ),
            (
                doc(&(array(
                    "NIFTI_INTENT_POINTSET",
                    "NIFTI_TYPE_FLOAT32",
                    &[1, 3],
                    "ASCII",
                    "",
                    "0 0 0",
                ) + &array(
                    "NIFTI_INTENT_TRIANGLE",
                    "NIFTI_TYPE_INT32",
                    &[1, 3],
                    "ASCII",
                    "",
                    "0 1 2",
                ))),
                "refers to vertex 2",
            ),
            ("<GIFTI><DataArray>".to_owned(), "DataType"),
            (doc(&ok(&four)).replace("</GIFTI>", ""), "truncated"),
            (doc(&ok(&four))[..60].to_owned(), "malformed XML"),
            ("<notgifti/>".to_owned(), "not a GIfTI"),
            ("<GIFTI></GIFTX>".to_owned(), "malformed XML"),
            (String::new(), "not a GIfTI"),
        ];
        for (xml, expected) in cases {
            let err = load(&xml).unwrap_err();
            assert!(
                err.contains(expected),
                "{xml:.80}: {err} (expected {expected})"
            );
        }
    }
}
