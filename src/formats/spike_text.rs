//! Spikes and events as plain text.
//!
//! - **Tables** (`.csv`, `.tsv`, or `.txt` with a header line): a unit column (`unit`,
//!   `unit_id`, `cluster`, `cluster_id`, `neuron`) and a time column (`time_secs`, `time`,
//!   `times`, `spike_time`, `t`), one spike per row, in any order. Times are seconds.
//! - **Spike trains** (`.txt`, `.dat`, `.gdf`-like text without a header): either one train per
//!   line (space-separated times, as PySpike writes them; `#` lines are comments), or one time
//!   per line with `#` header blocks between trials (nitime's grasshopper recordings), each
//!   block becoming one train. Such files carry no unit: the unit is chosen so that the median
//!   interval between spikes falls between 1 ms and 2 s (seconds first, then milliseconds, then
//!   microseconds), and said in [`TextSpikes::time_unit`]; callers may override it.
//! - **Events** (`.csv`, `.tsv`): a time column (`onset` as in BIDS `events.tsv`, or the time
//!   names above) and an event-type column (`event`, `trial_type`, `type`, `kind`, `value`,
//!   `name`), with an optional `condition` column.

use std::path::Path;

use super::FormatError;
use crate::model::{Event, SpikeSet, Unit};

const UNIT_COLUMNS: [&str; 6] = [
    "unit",
    "unit_id",
    "cluster",
    "cluster_id",
    "neuron",
    "units",
];
const TIME_COLUMNS: [&str; 8] = [
    "time_secs",
    "time",
    "times",
    "spike_time",
    "spike_times",
    "t",
    "time_s",
    "timestamp",
];
const ONSET_COLUMNS: [&str; 5] = ["onset", "time_secs", "time", "time_s", "timestamp"];
const KIND_COLUMNS: [&str; 7] = [
    "event",
    "trial_type",
    "type",
    "kind",
    "value",
    "name",
    "description",
];

/// What a text file holds, from its first lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// A unit/time table.
    SpikeTable,
    /// Spike trains (one per line or per `#` block).
    Trains,
    /// An events table.
    Events,
}

/// Recognises spike and event text files from their start.
pub fn sniff(head: &[u8], name: &str) -> Option<TextKind> {
    let lower = name.to_ascii_lowercase();
    let tabular = [".csv", ".tsv", ".txt"].iter().any(|e| lower.ends_with(e));
    let trains = [".txt", ".dat", ".spk", ".spikes"]
        .iter()
        .any(|e| lower.ends_with(e));
    if !(tabular || trains) {
        return None;
    }
    let head = head
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(head);
    let text = std::str::from_utf8(head).ok().or_else(|| {
        // The head may end inside a multi-byte character.
        let cut = head.len().saturating_sub(3);
        std::str::from_utf8(&head[..cut]).ok()
    })?;
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))?;
    if tabular {
        let header = split_row(first);
        let has = |names: &[&str]| header.iter().any(|h| names.contains(&h.as_str()));
        if has(&UNIT_COLUMNS) && has(&TIME_COLUMNS) {
            return Some(TextKind::SpikeTable);
        }
        if has(&ONSET_COLUMNS) && has(&KIND_COLUMNS) {
            return Some(TextKind::Events);
        }
    }
    if trains {
        // Every non-comment line of the head is numbers (the last may be cut short).
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .peekable();
        let mut numeric = 0;
        while let Some(l) = lines.next() {
            let last = lines.peek().is_none();
            if l.split_whitespace().all(|w| w.parse::<f64>().is_ok()) {
                numeric += 1;
            } else if !last {
                return None;
            }
        }
        if numeric > 0 {
            return Some(TextKind::Trains);
        }
    }
    None
}

fn split_row(line: &str) -> Vec<String> {
    let sep = if line.contains('\t') { '\t' } else { ',' };
    line.split(sep)
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect()
}

fn read_text(path: &Path) -> Result<String, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let mut text =
        String::from_utf8(bytes).map_err(|_| FormatError::invalid(path, "not UTF-8 text"))?;
    // Spreadsheet programs start CSV files with a byte-order mark.
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// A time unit of a text spike file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    S,
    Ms,
    Us,
}

impl TimeUnit {
    pub fn secs(self) -> f64 {
        match self {
            TimeUnit::S => 1.0,
            TimeUnit::Ms => 1e-3,
            TimeUnit::Us => 1e-6,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::S => "s",
            TimeUnit::Ms => "ms",
            TimeUnit::Us => "us",
        }
    }

    pub fn parse(s: &str) -> Option<TimeUnit> {
        match s.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" | "seconds" => Some(TimeUnit::S),
            "ms" | "msec" | "milliseconds" => Some(TimeUnit::Ms),
            "us" | "µs" | "usec" | "microseconds" => Some(TimeUnit::Us),
            _ => None,
        }
    }
}

/// Spikes read from text, with the unit the times were read in.
pub struct TextSpikes {
    pub spikes: SpikeSet,
    pub time_unit: TimeUnit,
    /// Whether the unit was guessed (trains without a header) rather than known.
    pub guessed: bool,
}

/// Reads a spike table or spike trains. `unit` overrides the guess for headerless trains.
pub fn read_spikes(path: &Path, unit: Option<TimeUnit>) -> Result<TextSpikes, FormatError> {
    let text = read_text(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match sniff(text.as_bytes(), &name) {
        Some(TextKind::SpikeTable) => {
            let scale = unit.unwrap_or(TimeUnit::S);
            let mut spikes = read_table(path, &text, scale.secs())?;
            spikes.update_span();
            spikes.time_unit = Some((scale.name().to_owned(), false));
            Ok(TextSpikes {
                spikes,
                time_unit: scale,
                guessed: false,
            })
        }
        Some(TextKind::Trains) => read_trains(path, &text, unit),
        _ => Err(FormatError::invalid(
            path,
            "not a spike file: expected a header with unit and time columns (unit,time_secs) or \
             lines of spike times",
        )),
    }
}

/// A delimited table: its lower-case header and its rows (line number, cells), comments and
/// blank lines left out; tab-separated when the header has a tab, else comma-separated.
struct Table<'a> {
    header: Vec<String>,
    rows: Vec<(usize, Vec<&'a str>)>,
}

impl<'a> Table<'a> {
    fn parse(path: &Path, text: &'a str) -> Result<Self, FormatError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let Some((_, head)) = lines.next() else {
            return Err(FormatError::invalid(path, "the file is empty"));
        };
        let sep = if head.contains('\t') { '\t' } else { ',' };
        let rows = lines
            .map(|(k, line)| {
                let cells = line
                    .split(sep)
                    .map(|c| c.trim().trim_matches('"'))
                    .collect();
                (k + 1, cells)
            })
            .collect();
        Ok(Table {
            header: split_row(head),
            rows,
        })
    }

    /// The first of `names` that is a column.
    fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.header.iter().position(|h| h == n))
    }
}

fn cell<'a>(cells: &[&'a str], c: usize) -> &'a str {
    cells.get(c).copied().unwrap_or("")
}

/// A finite number in a cell, or an error naming the line and what the cell should hold.
fn number_cell(path: &Path, line: usize, what: &str, text: &str) -> Result<f64, FormatError> {
    text.parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| {
            FormatError::invalid(
                path,
                format!("line {line}: {what} {text:?} is not a number"),
            )
        })
}

fn read_table(path: &Path, text: &str, scale: f64) -> Result<SpikeSet, FormatError> {
    let table = Table::parse(path, text)?;
    let (Some(uc), Some(tc)) = (table.column(&UNIT_COLUMNS), table.column(&TIME_COLUMNS)) else {
        return Err(FormatError::invalid(path, "no unit and time columns"));
    };
    let mut ids = Vec::with_capacity(table.rows.len());
    let mut times = Vec::with_capacity(table.rows.len());
    for (line, cells) in &table.rows {
        let id: i64 = cell(cells, uc).parse().map_err(|_| {
            FormatError::invalid(
                path,
                format!("line {line}: unit {:?} is not an integer", cell(cells, uc)),
            )
        })?;
        ids.push(id);
        times.push(number_cell(path, *line, "time", cell(cells, tc))? * scale);
    }
    // Group by unit, ascending ids.
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].cmp(&ids[b]).then(times[a].total_cmp(&times[b])));
    let mut units: Vec<Unit> = Vec::new();
    let mut offsets = vec![0];
    let mut sorted = Vec::with_capacity(times.len());
    for (k, &i) in order.iter().enumerate() {
        if units.last().map(|u| u.id) != Some(ids[i]) {
            if k > 0 {
                offsets.push(k);
            }
            units.push(Unit::new(ids[i]));
        }
        sorted.push(times[i]);
    }
    offsets.push(sorted.len());
    if units.is_empty() {
        offsets = vec![0];
    }
    Ok(SpikeSet {
        units,
        times_secs: sorted,
        offsets,
        ..Default::default()
    })
}

fn read_trains(path: &Path, text: &str, unit: Option<TimeUnit>) -> Result<TextSpikes, FormatError> {
    let mut trains: Vec<Vec<f64>> = Vec::new();
    let one_per_line = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.split_whitespace().nth(1).is_some());
    let mut in_block = false;
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') {
            in_block = false;
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let mut values = Vec::new();
        for w in line.split_whitespace() {
            let v: f64 = w
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    FormatError::invalid(path, format!("line {}: {w:?} is not a number", k + 1))
                })?;
            values.push(v);
        }
        if one_per_line || !in_block {
            trains.push(values);
            in_block = true;
        } else if let Some(last) = trains.last_mut() {
            last.extend(values);
        }
    }
    if trains.is_empty() {
        return Err(FormatError::invalid(path, "no spike times"));
    }
    let (time_unit, guessed) = match unit {
        Some(u) => (u, false),
        None => (guess_unit(&trains), true),
    };
    let s = time_unit.secs();
    let units = (0..trains.len()).map(|i| Unit::new(i as i64)).collect();
    let trains = trains
        .into_iter()
        .map(|t| t.into_iter().map(|v| v * s).collect())
        .collect();
    let mut spikes = SpikeSet::from_trains(units, trains);
    spikes.time_unit = Some((time_unit.name().to_owned(), guessed));
    Ok(TextSpikes {
        spikes,
        time_unit,
        guessed,
    })
}

/// The unit that puts the median inter-spike interval between 1 ms and 2 s.
pub fn guess_unit(trains: &[Vec<f64>]) -> TimeUnit {
    let mut isis: Vec<f64> = trains
        .iter()
        .flat_map(|t| t.windows(2).map(|w| (w[1] - w[0]).abs()))
        .collect();
    if isis.is_empty() {
        return TimeUnit::S;
    }
    isis.sort_by(f64::total_cmp);
    let median = isis[isis.len() / 2];
    [TimeUnit::S, TimeUnit::Ms, TimeUnit::Us]
        .into_iter()
        .find(|u| (1e-3..=2.0).contains(&(median * u.secs())))
        .unwrap_or(TimeUnit::S)
}

/// Reads an events table (BIDS `events.tsv`, or CSV with onset/event/condition columns).
pub fn read_events(path: &Path) -> Result<Vec<Event>, FormatError> {
    let text = read_text(path)?;
    let table = Table::parse(path, &text)?;
    let (Some(tc), Some(kc)) = (table.column(&ONSET_COLUMNS), table.column(&KIND_COLUMNS)) else {
        return Err(FormatError::invalid(
            path,
            "an events table needs an onset (or time) column and an event-type column \
             (trial_type, event, type …)",
        ));
    };
    let cc = table.column(&["condition", "target", "stim_type", "stimulus"]);
    let mut events = Vec::with_capacity(table.rows.len());
    for (line, cells) in &table.rows {
        let kind = cell(cells, kc);
        events.push(Event {
            time_secs: number_cell(path, *line, "onset", cell(cells, tc))?,
            kind: if kind.is_empty() || kind == "n/a" {
                "event".to_owned()
            } else {
                kind.to_owned()
            },
            condition: cc
                .map(|c| cell(cells, c))
                .filter(|c| !c.is_empty() && *c != "n/a")
                .map(str::to_owned),
        });
    }
    events.sort_by(|a, b| a.time_secs.total_cmp(&b.time_secs));
    Ok(events)
}
