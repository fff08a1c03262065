//! Kilosort / phy output folders.
//!
//! What is read (the files phy itself reads):
//! - `params.py`: `sample_rate` (required: spike times are sample indices);
//! - `spike_times.npy`: one sample index per spike, integers, ascending (shape `(n,)` or
//!   `(n, 1)`), memory-mapped;
//! - `spike_clusters.npy` (after curation) or else `spike_templates.npy`: the unit of each spike;
//! - `cluster_group.tsv` (phy's curation labels), `cluster_KSLabel.tsv` (Kilosort's), and
//!   `cluster_info.tsv` (`depth`, `ch`, `group`, `KSLabel` per cluster); labels are taken in that
//!   order of precedence, as phy does;
//! - `channel_positions.npy`: probe x, y in micrometres, for a unit's peak channel.
//!
//! Spikes are grouped by unit with a counting sort in two passes over the memory-mapped arrays;
//! since the file's times are ascending, each unit's times come out ascending.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::FormatError;
use rayon::prelude::*;

use super::npy::{AsI64, Npy};
use crate::model::{SpikeSet, Unit};

/// Whether `path` is a phy folder, or a file inside one that stands for it (`params.py`,
/// `spike_times.npy`). Returns the folder.
pub fn folder_of(path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        return path
            .join("spike_times.npy")
            .is_file()
            .then(|| path.to_owned());
    }
    let name = path.file_name()?.to_str()?;
    if matches!(
        name,
        "params.py" | "spike_times.npy" | "spike_clusters.npy" | "spike_templates.npy"
    ) {
        let dir = path.parent()?;
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        return dir
            .join("spike_times.npy")
            .is_file()
            .then(|| dir.to_owned());
    }
    None
}

/// Reads a phy folder.
pub fn read(dir: &Path) -> Result<SpikeSet, FormatError> {
    let params = dir.join("params.py");
    if !params.is_file() {
        return Err(FormatError::invalid(
            dir,
            "no params.py in this phy folder: it gives the sample_rate that turns spike_times.npy \
             (sample indices) into seconds",
        ));
    }
    let sample_rate_hz = read_sample_rate(&params)?;

    let times_path = dir.join("spike_times.npy");
    let times = Npy::open(&times_path)?;
    let samples = times.int_column(&times_path, "spike times (sample indices)")?;

    let (clusters_path, clusters_npy) = ["spike_clusters.npy", "spike_templates.npy"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .map(|p| Npy::open(&p).map(|a| (p.clone(), a)))
        .transpose()?
        .ok_or_else(|| {
            FormatError::invalid(
                dir,
                "neither spike_clusters.npy nor spike_templates.npy: which unit fired each spike \
                 is unknown",
            )
        })?;
    let clusters = clusters_npy.int_column(&clusters_path, "unit ids")?;
    if clusters.len() != samples.len() {
        return Err(FormatError::invalid(
            &clusters_path,
            format!(
                "holds {} unit ids but spike_times.npy holds {} spikes: the two must have one \
                 entry per spike",
                clusters.len(),
                samples.len()
            ),
        ));
    }
    let mut set = crate::with_int_column!(&samples, |t| crate::with_int_column!(&clusters, |c| {
        check_times(&times_path, t)?;
        group(t, c, sample_rate_hz)
    }));
    set.sample_rate_hz = Some(sample_rate_hz);
    set.time_unit = Some(("samples".to_owned(), false));

    // Labels, depths and channels.
    let info = read_tsv_table(&dir.join("cluster_info.tsv"))?;
    let positions = {
        let p = dir.join("channel_positions.npy");
        if p.is_file() {
            let a = Npy::open(&p)?;
            let (rows, cols) = a.rows_cols();
            if cols >= 2 {
                let x = a.column_f64(0);
                let y = a.column_f64(1);
                Some(
                    (0..rows)
                        .map(|i| [x[i] as f32, y[i] as f32])
                        .collect::<Vec<_>>(),
                )
            } else {
                None
            }
        } else {
            None
        }
    };
    let mut labels: HashMap<i64, String> = HashMap::new();
    // Lowest precedence first; later sources overwrite.
    if let Some(t) = &info {
        for key in ["KSLabel", "group"] {
            for (id, v) in t.column(key) {
                if !v.is_empty() && v != "nan" {
                    labels.insert(id, v.to_owned());
                }
            }
        }
    }
    for (file, key) in [
        ("cluster_KSLabel.tsv", "KSLabel"),
        ("cluster_group.tsv", "group"),
    ] {
        if let Some(t) = read_tsv_table(&dir.join(file))? {
            for (id, v) in t.column(key) {
                if !v.is_empty() {
                    labels.insert(id, v.to_owned());
                }
            }
        }
    }
    let depths: HashMap<i64, f32> = info
        .as_ref()
        .map(|t| {
            t.column("depth")
                .filter_map(|(id, v)| Some((id, v.parse::<f32>().ok()?)))
                .collect()
        })
        .unwrap_or_default();
    let channels: HashMap<i64, u32> = info
        .as_ref()
        .map(|t| {
            t.column("ch")
                .filter_map(|(id, v)| Some((id, v.parse::<u32>().ok()?)))
                .collect()
        })
        .unwrap_or_default();
    for u in &mut set.units {
        u.label = labels.get(&u.id).cloned();
        u.channel = channels.get(&u.id).copied();
        u.probe_um = u
            .channel
            .and_then(|c| positions.as_ref()?.get(c as usize).copied());
        u.depth_um = depths
            .get(&u.id)
            .copied()
            .filter(|d| d.is_finite())
            .or(u.probe_um.map(|p| p[1]));
    }
    set.update_span();
    Ok(set)
}

/// `sample_rate = 30000.` from a params.py.
fn read_sample_rate(path: &Path) -> Result<f64, FormatError> {
    let text = std::fs::read_to_string(path).map_err(|e| FormatError::io(path, e))?;
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() == "sample_rate" {
            let v = v.split('#').next().unwrap_or("").trim();
            return match v.parse::<f64>() {
                Ok(fs) if fs.is_finite() && fs > 0.0 => Ok(fs),
                _ => Err(FormatError::invalid(
                    path,
                    format!("sample_rate = {v} is not a positive number"),
                )),
            };
        }
    }
    Err(FormatError::invalid(path, "no sample_rate = … line"))
}

/// Spike times must be sample indices ≥ 0 in ascending order (Kilosort writes them so; phy
/// relies on it). Checked in parallel; the first offending spike is reported.
fn check_times<T: AsI64>(path: &Path, samples: &[T]) -> Result<(), FormatError> {
    let chunk = chunk_len(samples.len());
    // (index, kind): 0 negative, 1 out of order.
    let first_bad = samples
        .par_chunks(chunk)
        .enumerate()
        .filter_map(|(k, part)| {
            let base = k * chunk;
            let mut prev = if base == 0 {
                i64::MIN
            } else {
                samples[base - 1].as_i64()
            };
            for (j, &v) in part.iter().enumerate() {
                let v = v.as_i64();
                if v < 0 {
                    return Some((base + j, 0));
                }
                if v < prev {
                    return Some((base + j, 1));
                }
                prev = v;
            }
            None
        })
        .min();
    match first_bad {
        None => Ok(()),
        Some((i, 0)) => Err(FormatError::invalid(
            path,
            format!(
                "spike {i} has a negative sample index ({}); spike times must be ≥ 0",
                samples[i].as_i64()
            ),
        )),
        Some((i, _)) => Err(FormatError::invalid(
            path,
            format!(
                "spike times are not in ascending order (spike {i} at sample {} comes after \
                 sample {})",
                samples[i].as_i64(),
                samples[i - 1].as_i64()
            ),
        )),
    }
}

/// Spikes per parallel chunk: a few chunks per core, at least 64k spikes each.
fn chunk_len(n: usize) -> usize {
    (n / (rayon::current_num_threads() * 4)).max(1 << 16)
}

/// A raw pointer that worker threads may write through, each to its own disjoint indices.
#[derive(Clone, Copy)]
struct SharedOut(*mut f64);
// SAFETY: `group` hands each chunk a disjoint set of output indices (its own share of every
// unit's range), so no two threads write the same element.
unsafe impl Send for SharedOut {}
unsafe impl Sync for SharedOut {}

impl SharedOut {
    /// The pointer (a method, so closures capture the whole `SharedOut`, which is `Send`).
    fn ptr(self) -> *mut f64 {
        self.0
    }
}

/// Groups spikes by unit id (ascending ids) with a counting sort; times in seconds
/// (`sample / sample_rate_hz`, as numpy divides). Three passes over the memory-mapped arrays,
/// each on all cores: the id range, per-chunk counts per unit, and the scatter of each chunk
/// into its own share of every unit's range (so each unit's times stay in file order, which
/// is ascending).
pub(crate) fn group<T: AsI64, U: AsI64>(samples: &[T], ids: &[U], sample_rate_hz: f64) -> SpikeSet {
    let n = samples.len();
    if n == 0 {
        return SpikeSet {
            offsets: vec![0],
            ..Default::default()
        };
    }
    let chunk = chunk_len(n);
    let (min, max) = ids
        .par_chunks(chunk)
        .map(|part| {
            part.iter().fold((i64::MAX, i64::MIN), |(a, b), &v| {
                let v = v.as_i64();
                (a.min(v), b.max(v))
            })
        })
        .reduce(|| (i64::MAX, i64::MIN), |x, y| (x.0.min(y.0), x.1.max(y.1)));
    // Dense ids (the usual case: cluster ids below a few hundred thousand) index a table;
    // sparse ones are ranked in the sorted list of distinct ids.
    let span = (max as i128 - min as i128 + 1) as u128;
    let dense = span <= (n as u128).min(1 << 20);
    let distinct: Vec<i64> = if dense {
        Vec::new()
    } else {
        let mut d: Vec<i64> = ids.iter().map(|v| v.as_i64()).collect();
        d.par_sort_unstable();
        d.dedup();
        d
    };
    let slots = if dense { span as usize } else { distinct.len() };
    let slot_of = |v: i64| {
        if dense {
            (v - min) as usize
        } else {
            distinct.partition_point(|&d| d < v)
        }
    };
    // Per-chunk counts; a single chunk when there are so many units that per-chunk tables
    // would cost more than they save.
    let chunk = if slots > 1 << 16 { n } else { chunk };
    let histograms: Vec<Vec<u32>> = ids
        .par_chunks(chunk)
        .map(|part| {
            let mut h = vec![0u32; slots];
            for &v in part {
                h[slot_of(v.as_i64())] += 1;
            }
            h
        })
        .collect();
    let mut counts = vec![0usize; slots];
    for h in &histograms {
        for (c, &k) in counts.iter_mut().zip(h) {
            *c += k as usize;
        }
    }
    // Slots with spikes become units, in ascending id order; each chunk's share of a unit's
    // range starts after the earlier chunks' shares.
    let mut units = Vec::new();
    let mut offsets = vec![0usize];
    let mut starts: Vec<Vec<usize>> = vec![vec![0; slots]; histograms.len()];
    let mut at = 0usize;
    for s in 0..slots {
        if counts[s] == 0 {
            continue;
        }
        let id = if dense { min + s as i64 } else { distinct[s] };
        units.push(Unit::new(id));
        let mut cursor = at;
        for (k, h) in histograms.iter().enumerate() {
            starts[k][s] = cursor;
            cursor += h[s] as usize;
        }
        at += counts[s];
        offsets.push(at);
    }
    let mut times = vec![0.0f64; n];
    let out = SharedOut(times.as_mut_ptr());
    samples
        .par_chunks(chunk)
        .zip(ids.par_chunks(chunk))
        .zip(starts.into_par_iter())
        .for_each(|((t, c), mut cursor)| {
            for (&s, &v) in t.iter().zip(c) {
                let slot = slot_of(v.as_i64());
                let k = cursor[slot];
                // SAFETY: k lies in this chunk's share of the unit's range (see SharedOut),
                // and below n: the shares of all chunks and units partition 0..n.
                unsafe { *out.ptr().add(k) = s.as_i64() as f64 / sample_rate_hz };
                cursor[slot] = k + 1;
            }
        });
    let mut set = SpikeSet {
        units,
        times_secs: times,
        offsets,
        ..Default::default()
    };
    set.update_span();
    set
}

/// A tab-separated table keyed by its first column (`cluster_id` or `id`).
struct TsvTable {
    header: Vec<String>,
    rows: Vec<(i64, Vec<String>)>,
}

impl TsvTable {
    fn column<'a>(&'a self, name: &str) -> impl Iterator<Item = (i64, &'a str)> + 'a {
        let col = self.header.iter().position(|h| h == name);
        self.rows.iter().filter_map(move |(id, cells)| {
            let c = col?;
            Some((*id, cells.get(c)?.as_str()))
        })
    }
}

fn read_tsv_table(path: &Path) -> Result<Option<TsvTable>, FormatError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| FormatError::io(path, e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(head) = lines.next() else {
        return Ok(None);
    };
    let header: Vec<String> = head.split('\t').map(|h| h.trim().to_owned()).collect();
    if !matches!(
        header.first().map(String::as_str),
        Some("cluster_id" | "id")
    ) {
        return Err(FormatError::invalid(
            path,
            format!(
                "the first column must be cluster_id, not {:?}",
                header.first().map(String::as_str).unwrap_or("")
            ),
        ));
    }
    let mut rows = Vec::new();
    for (k, line) in lines.enumerate() {
        let cells: Vec<String> = line.split('\t').map(|c| c.trim().to_owned()).collect();
        let id = cells[0].parse::<i64>().map_err(|_| {
            FormatError::invalid(
                path,
                format!("row {}: cluster id {:?} is not an integer", k + 2, cells[0]),
            )
        })?;
        rows.push((id, cells));
    }
    Ok(Some(TsvTable { header, rows }))
}
