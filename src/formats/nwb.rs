//! NWB 2 (Neurodata Without Borders, HDF5) files: sorted units, their electrodes, and trials.
//!
//! An NWB file is HDF5 laid out by the NWB schema. It is read with the pure-Rust `hdf5-pure`
//! crate, streaming: only the datasets named below are read, so a file that also holds hours of
//! raw voltage costs no more to open than its units table. What is read:
//!
//! - `/units` (required), a DynamicTable:
//!   - `spike_times` with `spike_times_index`: the ragged array of every unit's spike times, in
//!     seconds (`spike_times_index[i]` is where unit `i`'s times end in `spike_times`). Each
//!     unit's times are sorted here (NWB does not promise order).
//!   - `id`: the unit ids (row numbers when the column is absent).
//!   - the label: the first of `quality`, `label`, `KSLabel` that holds strings (a column of
//!     that name holding numbers, a quality metric, is passed over); empty strings are no label.
//!   - `depth`: micrometres along the probe (a number column; NaN is no depth).
//!   - `electrodes` with `electrodes_index`: each unit's rows of the electrodes table (a
//!     DynamicTableRegion, stored as plain row numbers); the first row is the unit's electrode.
//!     Without `electrodes_index`, `electrodes` is read as one row per unit.
//! - `/general/extracellular_ephys/electrodes`, for units that name electrodes: `x`, `y`, `z`
//!   give [`Unit::position_mm`] (taken as millimetres; a NaN anywhere is no position), `rel_x`,
//!   `rel_y` give [`Unit::probe_um`] (micrometres on the probe), and `rel_y` is the depth of a
//!   unit without one of its own. [`Unit::channel`] is the electrode's row in the table, which is
//!   its channel in the file's ElectricalSeries.
//! - `/intervals/trials` (optional): `start_time` and `stop_time` give the [`Trial`]s. The
//!   trials' condition is the first column, in the table's `colnames` order, that holds strings
//!   or integers and is none of `start_time`, `stop_time`, `id`, `timeseries`, `tags` nor a ragged
//!   column (integers are written in decimal). Every float column named `NAME_time` gives an
//!   [`Event`] of kind `NAME` per trial (`go_cue_time` → `go_cue`; NaN is no event), and every
//!   trial an event `trial_start` at its start; events carry their trial's condition.
//!
//! Not read: waveforms, observation intervals, columns of more than one dimension, compound and
//! enumerated columns, time series, and object references. The electrodes table is taken from its
//! standard path rather than by following the region's `table` reference. Spike times are
//! seconds as stored, so [`SpikeSet::sample_rate_hz`] is `None`.
//!
//! Nothing the file says is trusted: every column's length is checked against the table it
//! belongs to and its size against what the file can hold before it is read, ragged indices must
//! not decrease nor point past their data, spike and trial times must be finite, and electrode
//! rows must exist. Each failure is a [`FormatError`] naming the dataset and the problem.

use std::path::Path;

use glam::Vec3;
use hdf5_pure::{DType, Dataset, File, Group, VlenStringReadOptions};

use super::{FormatError, MAX_DECODED_BYTES};
use crate::model::{Event, SpikeSet, Trial, Unit};

/// The eight bytes every HDF5 file starts with (after its userblock, if any).
const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

const UNITS: &str = "/units";
const ELECTRODES: &str = "/general/extracellular_ephys/electrodes";
const TRIALS: &str = "/intervals/trials";

/// Units columns that may hold a curation label, in order of preference.
const LABEL_COLUMNS: [&str; 3] = ["quality", "label", "KSLabel"];

/// Trials columns that are never the condition.
const NOT_CONDITIONS: [&str; 5] = ["start_time", "stop_time", "id", "timeseries", "tags"];

/// Whether the first bytes are an HDF5 file: the signature at offset 0, or after a userblock of
/// 512, 1024 or 2048 bytes (HDF5 allows the signature at 0 and at powers of two from 512).
pub fn sniff(head: &[u8]) -> bool {
    [0usize, 512, 1024, 2048]
        .into_iter()
        .any(|at| head.get(at..at + SIGNATURE.len()) == Some(SIGNATURE.as_slice()))
}

/// Reads the units (with their electrodes) and trials of an NWB file; see the module
/// documentation for what is read.
pub fn read(path: &Path) -> Result<SpikeSet, FormatError> {
    let file_len = std::fs::metadata(path)
        .map_err(|e| FormatError::io(path, e))?
        .len();
    let reader = Reader { path, file_len };
    // The HDF5 parser is a third-party one fed untrusted bytes; should it ever panic on a damaged
    // file, that is reported like any other unreadable file rather than taking Glia down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.read())).unwrap_or_else(|_| {
        Err(FormatError::invalid(
            path,
            "the HDF5 library failed on this file (corrupt, or HDF5 structures it cannot read)",
        ))
    })
}

/// One column of a DynamicTable, opened but not yet read.
struct Column {
    /// Its path in the file, for messages (`/units/spike_times`).
    what: String,
    ds: Dataset,
    shape: Vec<u64>,
    dtype: DType,
}

/// The electrodes table's position columns (each `None` when absent or not numbers), with the
/// table's row count.
struct Electrodes {
    rows: usize,
    x: Option<Vec<f64>>,
    y: Option<Vec<f64>>,
    z: Option<Vec<f64>>,
    rel_x: Option<Vec<f64>>,
    rel_y: Option<Vec<f64>>,
}

struct Reader<'a> {
    path: &'a Path,
    file_len: u64,
}

impl Reader<'_> {
    fn read(&self) -> Result<SpikeSet, FormatError> {
        let file = File::open_streaming(self.path).map_err(|e| match e {
            hdf5_pure::Error::Io(io) => FormatError::io(self.path, io),
            other => self.invalid(format!("not a readable HDF5 (NWB) file: {other}")),
        })?;
        let root = file.root();
        let units = self.optional_group(&root, "units", UNITS)?.ok_or_else(|| {
            self.invalid(
                "no units table (/units): this file holds no sorted spikes (NWB keeps them in \
                 /units, with spike_times and spike_times_index)",
            )
        })?;
        let mut set = self.read_units(&root, &units)?;
        let trials = match self.optional_group(&root, "intervals", "/intervals")? {
            Some(intervals) => self.optional_group(&intervals, "trials", TRIALS)?,
            None => None,
        };
        if let Some(trials) = trials {
            self.read_trials(&trials, &mut set)?;
        }
        set.sort_events();
        set.update_span();
        Ok(set)
    }

    /// The units table: spike trains, ids, labels, depths and electrodes.
    fn read_units(&self, root: &Group, units: &Group) -> Result<SpikeSet, FormatError> {
        let names = units.datasets().map_err(|e| self.h5(UNITS, e))?;
        let has = |name: &str| names.iter().any(|n| n == name);
        if !has("spike_times") {
            return Err(self.invalid(
                "the units table (/units) has no spike_times column: there are no spikes to show",
            ));
        }
        if !has("spike_times_index") {
            return Err(self.invalid(
                "/units/spike_times has no spike_times_index: which spikes belong to which unit \
                 is unknown",
            ));
        }

        let mut times = self.f64s(&self.column(units, UNITS, "spike_times")?)?;
        let ends = self.ragged_ends(
            &self.column(units, UNITS, "spike_times_index")?,
            times.len(),
            "/units/spike_times",
        )?;
        if let Some(k) = times.iter().position(|t| !t.is_finite()) {
            let row = ends.partition_point(|&end| end <= k);
            return Err(self.invalid(format!(
                "/units/spike_times: spike {k} (of the unit in row {row}) is {}, not a time",
                times[k]
            )));
        }
        let n = ends.len();

        let ids: Vec<i64> = if has("id") {
            let col = self.column(units, UNITS, "id")?;
            if !is_integer(&col.dtype) {
                return Err(self.not_integers(&col));
            }
            let ids = self.numbers(&col, Dataset::read_i64)?;
            self.check_rows(&col.what, ids.len(), n)?;
            ids
        } else {
            (0i64..).take(n).collect()
        };
        let mut out: Vec<Unit> = ids.into_iter().map(Unit::new).collect();

        for name in LABEL_COLUMNS {
            if !has(name) {
                continue;
            }
            let col = self.column(units, UNITS, name)?;
            if !is_string(&col.dtype) || col.shape.len() != 1 {
                continue;
            }
            let labels = self.strings(&col)?;
            self.check_rows(&col.what, labels.len(), n)?;
            for (unit, label) in out.iter_mut().zip(labels) {
                let label = label.trim();
                if !label.is_empty() {
                    unit.label = Some(label.to_owned());
                }
            }
            break;
        }

        if let Some(depths) = self.optional_f64s(units, UNITS, &names, "depth", n)? {
            for (unit, depth) in out.iter_mut().zip(depths) {
                unit.depth_um = depth.is_finite().then_some(depth as f32);
            }
        }

        if has("electrodes") {
            let rows = self.unit_electrodes(units, has("electrodes_index"), n)?;
            let electrodes = self.read_electrodes(root)?;
            for (unit, row) in out.iter_mut().zip(rows) {
                let Some(row) = row else { continue };
                let row = usize::try_from(row)
                    .ok()
                    .filter(|&r| r < electrodes.rows)
                    .ok_or_else(|| {
                        self.invalid(format!(
                            "/units/electrodes: unit {} names electrode row {row}, but the \
                             electrodes table ({ELECTRODES}) has {} rows",
                            unit.id, electrodes.rows
                        ))
                    })?;
                unit.channel = u32::try_from(row).ok();
                let at = |values: &Option<Vec<f64>>| {
                    values
                        .as_deref()
                        .and_then(|v| v.get(row).copied())
                        .filter(|v| v.is_finite())
                };
                if let (Some(x), Some(y), Some(z)) =
                    (at(&electrodes.x), at(&electrodes.y), at(&electrodes.z))
                {
                    unit.position_mm = Some(Vec3::new(x as f32, y as f32, z as f32));
                }
                if let (Some(x), Some(y)) = (at(&electrodes.rel_x), at(&electrodes.rel_y)) {
                    unit.probe_um = Some([x as f32, y as f32]);
                }
                if unit.depth_um.is_none() {
                    unit.depth_um = at(&electrodes.rel_y).map(|y| y as f32);
                }
            }
        }

        // Unit `i` owns times[offsets[i]..offsets[i + 1]]; values past the last end belong to no
        // unit and are dropped.
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        offsets.extend_from_slice(&ends);
        times.truncate(ends.last().copied().unwrap_or(0));
        for pair in offsets.windows(2) {
            if let Some(train) = times.get_mut(pair[0]..pair[1]) {
                train.sort_by(f64::total_cmp);
            }
        }
        Ok(SpikeSet {
            units: out,
            times_secs: times,
            offsets,
            ..Default::default()
        })
    }

    /// Each unit's first row of the electrodes table (`None` for a unit that names none).
    fn unit_electrodes(
        &self,
        units: &Group,
        ragged: bool,
        n: usize,
    ) -> Result<Vec<Option<i64>>, FormatError> {
        let col = self.column(units, UNITS, "electrodes")?;
        if !is_integer(&col.dtype) {
            return Err(self.not_integers(&col));
        }
        let rows = self.numbers(&col, Dataset::read_i64)?;
        if !ragged {
            self.check_rows(&col.what, rows.len(), n)?;
            return Ok(rows.into_iter().map(Some).collect());
        }
        let ends = self.ragged_ends(
            &self.column(units, UNITS, "electrodes_index")?,
            rows.len(),
            &col.what,
        )?;
        self.check_rows("/units/electrodes_index", ends.len(), n)?;
        let mut start = 0;
        Ok(ends
            .into_iter()
            .map(|end| {
                let first = if start < end {
                    rows.get(start).copied()
                } else {
                    None
                };
                start = end;
                first
            })
            .collect())
    }

    /// The electrodes table's positions.
    fn read_electrodes(&self, root: &Group) -> Result<Electrodes, FormatError> {
        let table = self
            .optional_group(root, "general/extracellular_ephys/electrodes", ELECTRODES)?
            .ok_or_else(|| {
                self.invalid(format!(
                    "/units/electrodes names rows of the electrodes table, but the file has \
                     none ({ELECTRODES})"
                ))
            })?;
        let names = table.datasets().map_err(|e| self.h5(ELECTRODES, e))?;
        if !names.iter().any(|n| n == "id") {
            return Err(self.invalid(format!(
                "the electrodes table ({ELECTRODES}) has no id column, so its length is unknown"
            )));
        }
        let rows = self.rows(&self.column(&table, ELECTRODES, "id")?)?;
        let column = |name: &str| self.optional_f64s(&table, ELECTRODES, &names, name, rows);
        Ok(Electrodes {
            rows,
            x: column("x")?,
            y: column("y")?,
            z: column("z")?,
            rel_x: column("rel_x")?,
            rel_y: column("rel_y")?,
        })
    }

    /// The trials table: trials, their condition, and events from its `*_time` columns.
    fn read_trials(&self, trials: &Group, set: &mut SpikeSet) -> Result<(), FormatError> {
        let names = trials.datasets().map_err(|e| self.h5(TRIALS, e))?;
        let has = |name: &str| names.iter().any(|n| n == name);
        for required in ["start_time", "stop_time"] {
            if !has(required) {
                return Err(self.invalid(format!(
                    "the trials table ({TRIALS}) has no {required} column"
                )));
            }
        }
        let starts = self.f64s(&self.column(trials, TRIALS, "start_time")?)?;
        let stop_col = self.column(trials, TRIALS, "stop_time")?;
        let stops = self.f64s(&stop_col)?;
        let n = starts.len();
        self.check_rows(&stop_col.what, stops.len(), n)?;
        if let Some(i) = (0..n).find(|&i| !starts[i].is_finite() || !stops[i].is_finite()) {
            return Err(self.invalid(format!(
                "{TRIALS}: trial {i} runs from {} to {}: not times",
                starts[i], stops[i]
            )));
        }

        // Columns in the table's own order (its `colnames` attribute), else as the file lists
        // them.
        let order: Vec<String> = trials
            .attrs()
            .ok()
            .and_then(|attrs| {
                attrs
                    .get("colnames")
                    .and_then(|v| v.as_strings())
                    .map(<[String]>::to_vec)
            })
            .unwrap_or_else(|| names.clone());

        let mut conditions: Option<Vec<Option<String>>> = None;
        let mut event_columns: Vec<(String, Vec<f64>)> = Vec::new();
        for name in &order {
            let ragged = name.ends_with("_index") || has(format!("{name}_index").as_str());
            if !has(name.as_str()) || ragged || name == "start_time" || name == "stop_time" {
                continue;
            }
            let col = self.column(trials, TRIALS, name)?;
            if col.shape.len() != 1 {
                continue;
            }
            let event_kind = name.strip_suffix("_time").filter(|k| !k.is_empty());
            match event_kind {
                Some(kind) if is_float(&col.dtype) => {
                    let times = self.f64s(&col)?;
                    self.check_rows(&col.what, times.len(), n)?;
                    event_columns.push((kind.to_owned(), times));
                }
                _ if conditions.is_none()
                    && !NOT_CONDITIONS.contains(&name.as_str())
                    && (is_string(&col.dtype) || is_integer(&col.dtype)) =>
                {
                    let values = if is_string(&col.dtype) {
                        self.strings(&col)?
                    } else {
                        self.integer_strings(&col)?
                    };
                    self.check_rows(&col.what, values.len(), n)?;
                    conditions = Some(
                        values
                            .into_iter()
                            .map(|v| Some(v.trim().to_owned()).filter(|v| !v.is_empty()))
                            .collect(),
                    );
                }
                _ => {}
            }
        }

        let condition = |i: usize| -> Option<String> {
            conditions
                .as_ref()
                .and_then(|c| c.get(i))
                .cloned()
                .flatten()
        };
        for (i, (&start, &stop)) in starts.iter().zip(&stops).enumerate() {
            set.trials.push(Trial {
                start_secs: start,
                stop_secs: stop,
                condition: condition(i),
            });
            set.events.push(Event {
                time_secs: start,
                kind: "trial_start".to_owned(),
                condition: condition(i),
            });
        }
        for (kind, times) in &event_columns {
            for (i, &time) in times.iter().enumerate() {
                if time.is_finite() {
                    set.events.push(Event {
                        time_secs: time,
                        kind: kind.clone(),
                        condition: condition(i),
                    });
                }
            }
        }
        Ok(())
    }

    /// The subgroup `name` (a path relative to `parent`), or `None` when there is none.
    fn optional_group(
        &self,
        parent: &Group,
        name: &str,
        what: &str,
    ) -> Result<Option<Group>, FormatError> {
        match parent.group(name) {
            Ok(group) => Ok(Some(group)),
            Err(hdf5_pure::Error::Format(hdf5_pure::FormatError::PathNotFound(_))) => Ok(None),
            Err(e) => Err(self.h5(what, e)),
        }
    }

    /// Opens column `name` of the table `table` (its path, for messages).
    fn column(&self, group: &Group, table: &str, name: &str) -> Result<Column, FormatError> {
        let what = format!("{table}/{name}");
        let ds = group.dataset(name).map_err(|e| self.h5(&what, e))?;
        let shape = ds.shape().map_err(|e| self.h5(&what, e))?;
        let dtype = ds.dtype().map_err(|e| self.h5(&what, e))?;
        Ok(Column {
            what,
            ds,
            shape,
            dtype,
        })
    }

    /// The number of values of a one-dimensional column, refused when it claims more bytes than
    /// the file holds (stored uncompressed) or than any reader accepts (chunked, perhaps
    /// compressed: [`MAX_DECODED_BYTES`]).
    fn rows(&self, col: &Column) -> Result<usize, FormatError> {
        let &[n] = col.shape.as_slice() else {
            return Err(self.invalid(format!(
                "{} has shape {:?}; a table column has one dimension",
                col.what, col.shape
            )));
        };
        let element = col.ds.element_size().map_err(|e| self.h5(&col.what, e))?;
        let limit = if col.ds.is_chunked() {
            MAX_DECODED_BYTES
        } else {
            self.file_len
        };
        let fits = element > 0 && n.checked_mul(element).is_some_and(|bytes| bytes <= limit);
        usize::try_from(n).ok().filter(|_| fits).ok_or_else(|| {
            self.invalid(format!(
                "{} claims {n} values of {element} bytes, more than the file can hold",
                col.what
            ))
        })
    }

    /// A numeric column, read with `read` (which converts to `T`).
    fn numbers<T>(
        &self,
        col: &Column,
        read: impl FnOnce(&Dataset) -> Result<Vec<T>, hdf5_pure::Error>,
    ) -> Result<Vec<T>, FormatError> {
        if !is_number(&col.dtype) {
            return Err(self.invalid(format!(
                "{} holds {} values where numbers belong",
                col.what, col.dtype
            )));
        }
        let rows = self.rows(col)?;
        let values = read(&col.ds).map_err(|e| self.h5(&col.what, e))?;
        self.check_read(col, rows, values.len())?;
        Ok(values)
    }

    fn f64s(&self, col: &Column) -> Result<Vec<f64>, FormatError> {
        self.numbers(col, Dataset::read_f64)
    }

    /// An integer column, each value in decimal.
    fn integer_strings(&self, col: &Column) -> Result<Vec<String>, FormatError> {
        let unsigned = matches!(col.dtype, DType::U8 | DType::U16 | DType::U32 | DType::U64);
        Ok(if unsigned {
            let values = self.numbers(col, Dataset::read_u64)?;
            values.iter().map(u64::to_string).collect()
        } else {
            let values = self.numbers(col, Dataset::read_i64)?;
            values.iter().map(i64::to_string).collect()
        })
    }

    /// A string column (fixed or variable length). Variable-length strings live in the file's
    /// heaps, so their total size is bounded by the file's.
    fn strings(&self, col: &Column) -> Result<Vec<String>, FormatError> {
        let rows = self.rows(col)?;
        let values = match col.dtype {
            DType::VariableLengthString => {
                let options = VlenStringReadOptions::new()
                    .with_max_elements(rows)
                    .with_max_payload_bytes(usize::try_from(self.file_len).unwrap_or(usize::MAX));
                col.ds.read_vlen_strings(options)
            }
            DType::String => col.ds.read_string(),
            _ => {
                return Err(self.invalid(format!(
                    "{} holds {} values where strings belong",
                    col.what, col.dtype
                )));
            }
        }
        .map_err(|e| self.h5(&col.what, e))?;
        self.check_read(col, rows, values.len())?;
        Ok(values)
    }

    /// The optional number column `name` of a table with `rows` rows: `None` when the table has
    /// no such column, or one that holds something else than numbers in one dimension.
    fn optional_f64s(
        &self,
        group: &Group,
        table: &str,
        names: &[String],
        name: &str,
        rows: usize,
    ) -> Result<Option<Vec<f64>>, FormatError> {
        if !names.iter().any(|n| n == name) {
            return Ok(None);
        }
        let col = self.column(group, table, name)?;
        if !is_number(&col.dtype) || col.shape.len() != 1 {
            return Ok(None);
        }
        let values = self.f64s(&col)?;
        self.check_rows(&col.what, values.len(), rows)?;
        Ok(Some(values))
    }

    /// A ragged column's index: where each row's values end among the `data_len` values of
    /// `data` (its path, for messages). Ends must not decrease nor pass `data_len`.
    fn ragged_ends(
        &self,
        index: &Column,
        data_len: usize,
        data: &str,
    ) -> Result<Vec<usize>, FormatError> {
        if !is_integer(&index.dtype) {
            return Err(self.not_integers(index));
        }
        let raw = self.numbers(index, Dataset::read_u64)?;
        let mut ends = Vec::with_capacity(raw.len());
        let mut previous = 0;
        for (row, end) in raw.into_iter().enumerate() {
            let end = usize::try_from(end)
                .ok()
                .filter(|&e| e <= data_len)
                .ok_or_else(|| {
                    self.invalid(format!(
                        "{}: row {row} ends at {end}, past the {data_len} values of {data}",
                        index.what
                    ))
                })?;
            if end < previous {
                return Err(self.invalid(format!(
                    "{}: row {row} ends at {end}, before the row above it ({previous}); the ends \
                     of a ragged column must not decrease",
                    index.what
                )));
            }
            ends.push(end);
            previous = end;
        }
        Ok(ends)
    }

    /// A column whose length disagrees with its table is an error.
    fn check_rows(&self, what: &str, got: usize, expected: usize) -> Result<(), FormatError> {
        if got == expected {
            Ok(())
        } else {
            Err(self.invalid(format!(
                "{what} has {got} rows, but its table has {expected}"
            )))
        }
    }

    /// What was read must be what the column's shape promised.
    fn check_read(&self, col: &Column, rows: usize, got: usize) -> Result<(), FormatError> {
        if got == rows {
            Ok(())
        } else {
            Err(self.invalid(format!(
                "{}: read {got} values where its shape says {rows}",
                col.what
            )))
        }
    }

    fn not_integers(&self, col: &Column) -> FormatError {
        self.invalid(format!(
            "{} holds {} values where integers (row numbers, ids) belong",
            col.what, col.dtype
        ))
    }

    fn invalid(&self, problem: impl Into<String>) -> FormatError {
        FormatError::invalid(self.path, problem)
    }

    /// An error of the HDF5 library while reading `what`.
    fn h5(&self, what: &str, e: hdf5_pure::Error) -> FormatError {
        self.invalid(format!("{what}: {e}"))
    }
}

fn is_integer(t: &DType) -> bool {
    matches!(
        t,
        DType::I8
            | DType::I16
            | DType::I32
            | DType::I64
            | DType::U8
            | DType::U16
            | DType::U32
            | DType::U64
    )
}

fn is_float(t: &DType) -> bool {
    matches!(t, DType::F32 | DType::F64)
}

fn is_number(t: &DType) -> bool {
    is_integer(t) || is_float(t)
}

fn is_string(t: &DType) -> bool {
    matches!(t, DType::String | DType::VariableLengthString)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_signature_with_and_without_a_userblock() {
        let mut head = vec![0u8; 4096];
        assert!(!sniff(&head));
        head[..8].copy_from_slice(SIGNATURE);
        assert!(sniff(&head));
        head[..8].fill(0);
        head[512..520].copy_from_slice(SIGNATURE);
        assert!(sniff(&head));
        assert!(!sniff(&head[..516]));
        assert!(!sniff(b"\x89HDF"));
        assert!(!sniff(b""));
    }
}
