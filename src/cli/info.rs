//! `glia info`: what the reader found in a file, as text or JSON (keys in CONVENTIONS.md).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::CliError;
use crate::formats::{FileKind, Loaded};

#[derive(clap::Args, Debug)]
pub struct InfoArgs {
    pub file: PathBuf,
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The unit of times in a text spike-train file (s, ms, us); guessed when not given.
    #[arg(long, value_name = "UNIT")]
    pub time_unit: Option<String>,
}

pub fn run(args: &InfoArgs) -> Result<(), CliError> {
    let loaded = match &args.time_unit {
        Some(u) => {
            let unit = crate::formats::spike_text::TimeUnit::parse(u)
                .ok_or_else(|| CliError::input(format!("--time-unit {u}: expected s, ms or us")))?;
            Loaded {
                spikes: Some(
                    crate::formats::spike_text::read_spikes(&args.file, Some(unit))?.spikes,
                ),
                ..Default::default()
            }
        }
        None => crate::formats::load(&args.file)?,
    };
    let info = describe(&args.file, &loaded);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&info).map_err(|e| CliError::other(e.to_string()))?
        );
    } else {
        print_text(&args.file, &info);
    }
    Ok(())
}

/// The `info --json` object for a loaded file.
pub fn describe(path: &Path, loaded: &Loaded) -> Value {
    let mut out = Map::new();
    if let Some(s) = &loaded.surface {
        out.insert("n_vertices".into(), json!(s.n_vertices()));
        out.insert("n_faces".into(), json!(s.n_faces()));
        if let Some(h) = s.hemisphere {
            out.insert("hemisphere".into(), json!(h));
        }
    } else if let Some(n) = loaded.overlays.iter().find_map(|o| o.n_vertices()) {
        out.insert("n_vertices".into(), json!(n));
    }
    if let Some(v) = &loaded.volume {
        // The stored array (all frames of a 4D image), as nibabel reports it.
        let stored = loaded.arrays.first();
        let shape = stored.map_or_else(|| v.dims.to_vec(), |a| a.shape.clone());
        out.insert("shape".into(), json!(shape));
        out.insert("voxel_size_mm".into(), json!(v.voxel_size_mm()));
        let m = v.world_from_voxel.transpose().to_cols_array_2d();
        out.insert("affine".into(), json!(m));
        out.insert("orientation".into(), json!(v.orientation()));
        if let Some(dtype) = volume_dtype(path, v) {
            out.insert("dtype".into(), json!(dtype));
        }
        if let Some(a) = stored {
            out.insert("min".into(), finite_or_null(a.min));
            out.insert("max".into(), finite_or_null(a.max));
            if let Some(mean) = a.mean {
                out.insert("mean".into(), finite_or_null(mean));
            }
        }
    }
    let arrays: Vec<Value> = loaded
        .arrays
        .iter()
        .map(|a| json!({"intent": a.intent, "shape": a.shape, "min": finite_or_null(a.min), "max": finite_or_null(a.max)}))
        .collect();
    out.insert("arrays".into(), Value::Array(arrays));
    if !loaded.label_names.is_empty() {
        out.insert("labels".into(), json!(loaded.label_names));
    }
    if let Some(r) = &loaded.recording {
        describe_recording(r, &mut out);
    }
    if let Some(s) = &loaded.spikes {
        describe_spikes(s, &mut out);
    }
    if !loaded.events.is_empty() {
        describe_events(&loaded.events, &mut out);
    }
    if !loaded.electrodes.is_empty() {
        let electrodes: Vec<Value> = loaded
            .electrodes
            .iter()
            .map(|e| json!({"name": e.name, "x": e.position_mm.x, "y": e.position_mm.y, "z": e.position_mm.z}))
            .collect();
        out.insert("electrodes".into(), Value::Array(electrodes));
    }
    Value::Object(out)
}

/// The spike keys of CONVENTIONS.md: `n_spikes`, `duration_secs`, `units` (each `id`,
/// `n_spikes`, `label` and `depth_um` when known), `n_trials`, `n_events`; and `start_secs`,
/// `sample_rate_hz`, `time_unit` (with `time_unit_guessed` for text trains), per-unit
/// `mean_rate_hz`, `channel` and `position_mm` when known, and `event_kinds` (counts).
fn describe_spikes(s: &crate::model::SpikeSet, out: &mut Map<String, Value>) {
    out.insert("n_spikes".into(), json!(s.n_spikes()));
    out.insert("duration_secs".into(), json!(s.duration_secs()));
    out.insert("start_secs".into(), json!(s.start_secs));
    if let Some(fs) = s.sample_rate_hz {
        out.insert("sample_rate_hz".into(), json!(fs));
    }
    if let Some((unit, guessed)) = &s.time_unit {
        out.insert("time_unit".into(), json!(unit));
        if *guessed {
            out.insert("time_unit_guessed".into(), json!(true));
        }
    }
    let units: Vec<Value> = s
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut m = Map::new();
            m.insert("id".into(), json!(u.id));
            m.insert("n_spikes".into(), json!(s.unit_count(i)));
            m.insert("mean_rate_hz".into(), json!(s.mean_rate_hz(i)));
            if let Some(l) = &u.label {
                m.insert("label".into(), json!(l));
            }
            if let Some(d) = u.depth_um {
                m.insert("depth_um".into(), json!(d));
            }
            if let Some(c) = u.channel {
                m.insert("channel".into(), json!(c));
            }
            if let Some(p) = u.position_mm {
                m.insert("position_mm".into(), json!([p.x, p.y, p.z]));
            }
            Value::Object(m)
        })
        .collect();
    out.insert("n_units".into(), json!(units.len()));
    out.insert("units".into(), Value::Array(units));
    out.insert("n_trials".into(), json!(s.trials.len()));
    describe_events(&s.events, out);
}

fn describe_events(events: &[crate::model::Event], out: &mut Map<String, Value>) {
    out.insert("n_events".into(), json!(events.len()));
    let mut kinds = Map::new();
    for e in events {
        let n = kinds.get(&e.kind).and_then(Value::as_u64).unwrap_or(0);
        kinds.insert(e.kind.clone(), json!(n + 1));
    }
    out.insert("event_kinds".into(), Value::Object(kinds));
}

/// The recording keys of CONVENTIONS.md: `channels`, `duration_secs`, `annotations`, and
/// `electrodes` (mm) when positions are known, with `electrodes_source` saying whether they came
/// from the files (`"file"`) or Glia's built-in standard positions (`"standard"`).
fn describe_recording(r: &crate::model::Recording, out: &mut Map<String, Value>) {
    let channels: Vec<Value> = r
        .channels
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "sample_rate_hz": c.sample_rate_hz,
                "n_samples": c.n_samples,
                "unit": c.file_unit,
                "kind": c.kind.name(),
                "bad": c.bad,
            })
        })
        .collect();
    out.insert("channels".into(), Value::Array(channels));
    out.insert("duration_secs".into(), finite_or_null(r.duration_secs));
    let annotations: Vec<Value> = r
        .annotations
        .iter()
        .map(|a| {
            json!({
                "onset_secs": finite_or_null(a.onset_secs),
                "duration_secs": finite_or_null(a.duration_secs),
                "text": a.text,
            })
        })
        .collect();
    out.insert("annotations".into(), Value::Array(annotations));
    if let Some((onsets, record_secs)) = &r.record_onsets_secs {
        out.insert("discontinuous".into(), json!(true));
        out.insert("n_records".into(), json!(onsets.len()));
        out.insert("record_duration_secs".into(), json!(record_secs));
    }
    if !r.electrodes.is_empty() {
        let electrodes: Vec<Value> = r
            .electrodes
            .iter()
            .map(|e| {
                let p = e.position_mm;
                json!({"name": e.name, "x": p.x, "y": p.y, "z": p.z})
            })
            .collect();
        out.insert("electrodes".into(), Value::Array(electrodes));
        let standard = r
            .electrodes
            .iter()
            .all(crate::formats::montage::is_standard);
        out.insert(
            "electrodes_source".into(),
            json!(if standard { "standard" } else { "file" }),
        );
    }
}

/// The stored data type of a volume file, in numpy's notation as nibabel prints it.
fn volume_dtype(path: &Path, volume: &crate::model::Volume) -> Option<String> {
    match crate::formats::detect(path).ok()? {
        FileKind::Nifti => Some(crate::formats::nifti::read_header(path).ok()?.dtype_name()),
        FileKind::Mgh => {
            // MGH stores big-endian; nibabel names multi-byte types so.
            let name = volume.voxels.type_name();
            Some(match name {
                "uint8" | "int8" => name.to_owned(),
                "int16" => ">i2".into(),
                "uint16" => ">u2".into(),
                "int32" => ">i4".into(),
                "float32" => ">f4".into(),
                other => other.to_owned(),
            })
        }
        _ => None,
    }
}

fn finite_or_null(v: f64) -> Value {
    if v.is_finite() { json!(v) } else { Value::Null }
}

fn print_text(path: &std::path::Path, info: &Value) {
    println!("{}", path.display());
    if let Some(n) = info.get("n_vertices") {
        println!("  vertices: {n}");
    }
    if let Some(n) = info.get("n_faces") {
        println!("  faces:    {n}");
    }
    if let Some(s) = info.get("shape") {
        println!("  shape:    {s}");
    }
    if let Some(Value::Array(arrays)) = info.get("arrays") {
        for a in arrays {
            println!(
                "  array {:<28} shape {:<14} min {:<12} max {}",
                a["intent"].as_str().unwrap_or(""),
                a["shape"].to_string(),
                a["min"],
                a["max"]
            );
        }
    }
    if let Some(Value::Array(labels)) = info.get("labels") {
        let names: Vec<&str> = labels.iter().filter_map(Value::as_str).collect();
        println!("  labels ({}): {}", names.len(), names.join(", "));
    }
    print_recording(info);
    print_spikes(info);
}

fn print_spikes(info: &Value) {
    if let Some(Value::Array(units)) = info.get("units") {
        println!(
            "  spikes:   {} in {} units over {} s",
            info["n_spikes"],
            units.len(),
            info["duration_secs"]
        );
        for u in units.iter().take(40) {
            println!(
                "    unit {:>6} {:>10} spikes {:>9.2} Hz  {:<6} {}",
                u["id"],
                u["n_spikes"],
                u["mean_rate_hz"].as_f64().unwrap_or(0.0),
                u["label"].as_str().unwrap_or(""),
                u.get("depth_um")
                    .map(|d| format!("{d} µm"))
                    .unwrap_or_default()
            );
        }
        if units.len() > 40 {
            println!("    … {} more", units.len() - 40);
        }
        println!("  trials:   {}", info["n_trials"]);
    }
    if let Some(Value::Object(kinds)) = info.get("event_kinds") {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        println!("  events:   {} — {}", info["n_events"], list.join(", "));
    }
}

fn print_recording(info: &Value) {
    let Some(Value::Array(channels)) = info.get("channels") else {
        return;
    };
    println!("  duration: {} s", info["duration_secs"]);
    println!("  channels ({}):", channels.len());
    for c in channels {
        println!(
            "    {:<20} {:<5} {:>10} Hz {:>12} samples  {}{}",
            c["name"].as_str().unwrap_or(""),
            c["kind"].as_str().unwrap_or(""),
            c["sample_rate_hz"],
            c["n_samples"],
            c["unit"].as_str().unwrap_or(""),
            if c["bad"] == true { "  (bad)" } else { "" }
        );
    }
    if let Some(Value::Array(annotations)) = info.get("annotations") {
        println!("  annotations ({}):", annotations.len());
        for a in annotations.iter().take(20) {
            println!(
                "    {:>12} s  {:>8} s  {}",
                a["onset_secs"],
                a["duration_secs"],
                a["text"].as_str().unwrap_or("")
            );
        }
        if annotations.len() > 20 {
            println!("    … {} more", annotations.len() - 20);
        }
    }
    if let Some(Value::Array(electrodes)) = info.get("electrodes") {
        println!(
            "  electrodes: {} positions ({})",
            electrodes.len(),
            info["electrodes_source"].as_str().unwrap_or("")
        );
    }
}
