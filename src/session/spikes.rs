//! Sorted spikes in the session: the raster's rows and counts, event-aligned rasters and PSTHs,
//! the population heatmap, and units in 3D.

use std::sync::Arc;

use glam::Vec3;

use super::{Applied, Session, next_key};
use crate::dsp::spikes as stats;
use crate::model::{
    Alignment, Colormap, Event, LayerId, Source, SpikeLayer, SpikeSet, Theme, UnitSort,
};

/// A spike set and the key its pictures are cached under.
pub struct SpikeData {
    pub key: u64,
    pub set: SpikeSet,
}

impl AsRef<crate::model::SpikeSet> for SpikeData {
    fn as_ref(&self) -> &crate::model::SpikeSet {
        &self.set
    }
}

impl SpikeData {
    pub fn new(set: SpikeSet) -> Self {
        SpikeData {
            key: next_key(),
            set,
        }
    }
}

/// The colour of a curation label (phy's palette: good green, mua orange, noise grey;
/// unlabelled blue).
pub fn label_color(label: Option<&str>) -> [u8; 4] {
    match label.map(str::to_ascii_lowercase).as_deref() {
        Some("good") => [86, 196, 120, 255],
        Some("mua") => [236, 160, 64, 255],
        Some("noise") => [128, 128, 128, 255],
        _ => [102, 160, 240, 255],
    }
}

/// Colours of conditions (a qualitative palette, Okabe–Ito extended).
pub fn condition_color(i: usize) -> [u8; 4] {
    const PALETTE: [[u8; 3]; 8] = [
        [230, 159, 0],
        [86, 180, 233],
        [0, 158, 115],
        [240, 228, 66],
        [0, 114, 178],
        [213, 94, 0],
        [204, 121, 167],
        [170, 170, 170],
    ];
    let [r, g, b] = PALETTE[i % PALETTE.len()];
    [r, g, b, 255]
}

/// A default layer for a spike set: the first 30 s (or all), every unit, aligned to the first
/// event type.
pub fn default_spike_layer(id: LayerId, source: Source, set: &SpikeSet) -> SpikeLayer {
    let duration = set.duration_secs().max(1e-3);
    let kinds = set.event_kinds();
    let event = ["move", "go", "go_cue", "stim", "stimulus", "trial_start"]
        .iter()
        .find(|k| kinds.iter().any(|x| x == *k))
        .map(|k| (*k).to_owned())
        .or_else(|| kinds.first().cloned());
    SpikeLayer {
        id,
        name: source.display_name(),
        source,
        visible: true,
        sort: UnitSort::Id,
        hide_noise: false,
        view_start_secs: set.start_secs,
        view_secs: duration.min(30.0),
        first_row: 0,
        rows: 0,
        selected_unit: set.units.first().map(|u| u.id),
        align: Alignment {
            event,
            ..Alignment::default()
        },
        event_files: Vec::new(),
        units_in_3d: set.units.iter().any(|u| u.position_mm.is_some()),
        time_unit: None,
        placement: None,
        colormap: Colormap::Viridis,
        range: [0.0, 40.0],
    }
}

/// One row of a raster image.
#[derive(Clone, Debug, PartialEq)]
pub struct RasterRow {
    /// The unit (an index into the set's units), or the event, the row shows.
    pub index: usize,
    pub label: String,
    pub color: [u8; 4],
}

/// A raster laid out for a view of `columns` pixel columns: rows, and spikes per row and column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RasterImage {
    pub columns: usize,
    /// The first row shown (the layer's, kept within the rows there are).
    pub first_row: usize,
    pub rows: Vec<RasterRow>,
    /// `rows.len() × columns`, row-major.
    pub counts: Vec<u32>,
    /// Blocks of consecutive rows sharing a condition: (first row, rows, condition, colour).
    pub blocks: Vec<(usize, usize, String, [u8; 4])>,
}

/// A PSTH curve.
#[derive(Clone, Debug, PartialEq)]
pub struct PsthCurve {
    pub condition: String,
    pub color: [u8; 4],
    pub n_events: usize,
    /// Spikes per second per bin (smoothed when the layer asks).
    pub rate_hz: Vec<f64>,
}

/// Everything the event-aligned views draw for one layer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlignedViews {
    pub event: Option<String>,
    pub n_events: usize,
    pub unit: Option<usize>,
    pub raster: RasterImage,
    pub curves: Vec<PsthCurve>,
    /// Units × bins, each unit's rate divided by its peak (0–1), in raster order.
    pub heatmap: Vec<Vec<f32>>,
    pub heatmap_units: Vec<usize>,
    /// ISI histogram (0–100 ms, 1 ms bins), autocorrelogram (±50 ms, 1 ms bins) and rate over
    /// the whole recording (bins of `rate_bin_secs`) of the selected unit.
    pub isi: Vec<f64>,
    pub acg: Vec<f64>,
    pub rate: Vec<f64>,
    pub rate_bin_secs: f64,
    /// Fraction of all the unit's inter-spike intervals shorter than 2 ms (refractory
    /// violations).
    pub refractory_fraction: f64,
    /// The bin width used: the layer's, widened when its window would need more than
    /// [`MAX_BINS`] bins.
    pub bin_secs: f64,
}

/// The most bins an aligned view computes (PSTHs, heatmap columns).
pub const MAX_BINS: usize = 2000;

impl Session {
    pub fn spike_data(&self, id: LayerId) -> Option<&Arc<SpikeData>> {
        self.spikes.get(&id)
    }

    /// Adds a spike layer; returns its id.
    pub fn add_spikes(&mut self, source: Source, set: SpikeSet) -> LayerId {
        let id = self.scene.new_id();
        let layer = default_spike_layer(id, source, &set);
        self.scene.spikes.push(layer);
        self.spikes.insert(id, Arc::new(SpikeData::new(set)));
        self.touch();
        id
    }

    /// Reads a saved layer's data again (session files), with its events files.
    pub(crate) fn reload_spikes(&mut self, layer: SpikeLayer) -> Result<(), String> {
        let mut set = read_spike_source(&layer)?;
        let mut errors = Vec::new();
        for source in &layer.event_files {
            match source
                .path()
                .ok_or_else(|| "events must come from a file".to_owned())
                .and_then(|p| crate::formats::spike_text::read_events(p).map_err(|e| e.to_string()))
            {
                Ok(events) => merge_events(&mut set, events),
                Err(e) => errors.push(e),
            }
        }
        self.spikes.insert(layer.id, Arc::new(SpikeData::new(set)));
        self.scene.spikes.push(layer);
        self.touch();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// Reads a text spike-train file again with times in `unit` (`s`, `ms`, `us`), keeping the
    /// layer's settings and events tables.
    pub fn set_spike_time_unit(&mut self, id: LayerId, unit: &str) -> Result<(), String> {
        let Some(index) = self.scene.spikes.iter().position(|s| s.id == id) else {
            return Ok(());
        };
        let mut layer = self.scene.spikes[index].clone();
        layer.time_unit = Some(unit.to_owned());
        let mut set = read_spike_source(&layer)?;
        for source in &layer.event_files {
            if let Some(path) = source.path() {
                let events =
                    crate::formats::spike_text::read_events(path).map_err(|e| e.to_string())?;
                merge_events(&mut set, events);
            }
        }
        // The window keeps its place in the new time base.
        let old_end = self.spikes[&id].set.end_secs.max(1e-9);
        let scale = set.end_secs / old_end;
        if scale.is_finite() && scale > 0.0 {
            layer.view_start_secs *= scale;
            layer.view_secs *= scale;
        }
        self.spikes.insert(id, Arc::new(SpikeData::new(set)));
        self.scene.spikes[index] = layer;
        self.touch();
        Ok(())
    }

    /// Adds events from a table to the preferred spike layer (else the newest).
    pub fn apply_events(
        &mut self,
        source: &Source,
        events: Vec<Event>,
        preferred: Option<LayerId>,
    ) -> Result<Applied, String> {
        let file = source.display_name();
        let id = preferred
            .filter(|id| self.spikes.contains_key(id))
            .or_else(|| self.scene.spikes.last().map(|s| s.id))
            .ok_or_else(|| {
                format!(
                    "{file}: an events table is aligned to spikes; open the spikes first (a \
                     recording's own BIDS events.tsv is read with the recording)"
                )
            })?;
        if self
            .scene
            .spike_layer(id)
            .is_some_and(|l| l.event_files.contains(source))
        {
            // Already added: its events are there once.
            return Ok(Applied::Spikes(id));
        }
        let n = events.len();
        let mut set = self.spikes[&id].set.clone();
        merge_events(&mut set, events);
        self.spikes.insert(id, Arc::new(SpikeData::new(set)));
        if let Some(layer) = self.scene.spike_layer_mut(id) {
            if !layer.event_files.contains(source) {
                layer.event_files.push(source.clone());
            }
            if layer.align.event.is_none() {
                layer.align.event = self.spikes[&id].set.event_kinds().into_iter().next();
            }
        }
        self.touch();
        log::info!("{file}: {n} events added");
        Ok(Applied::Spikes(id))
    }

    /// Units in the raster's order (noise left out when the layer hides it).
    pub fn unit_order(&self, layer: &SpikeLayer) -> Vec<usize> {
        let Some(data) = self.spikes.get(&layer.id) else {
            return Vec::new();
        };
        let set = &data.set;
        let mut order: Vec<usize> = (0..set.n_units())
            .filter(|&i| {
                !(layer.hide_noise
                    && set.units[i]
                        .label
                        .as_deref()
                        .is_some_and(|l| l.eq_ignore_ascii_case("noise")))
            })
            .collect();
        let rank = |l: Option<&str>| match l.map(str::to_ascii_lowercase).as_deref() {
            Some("good") => 0,
            Some("mua") => 1,
            Some("noise") => 3,
            None => 4,
            _ => 2,
        };
        match layer.sort {
            UnitSort::Id => order.sort_by_key(|&i| set.units[i].id),
            UnitSort::Depth => order.sort_by(|&a, &b| {
                let d = |i: usize| set.units[i].depth_um.unwrap_or(f32::NEG_INFINITY);
                d(b).total_cmp(&d(a))
                    .then(set.units[a].id.cmp(&set.units[b].id))
            }),
            UnitSort::Rate => order.sort_by(|&a, &b| {
                set.unit_count(b)
                    .cmp(&set.unit_count(a))
                    .then(set.units[a].id.cmp(&set.units[b].id))
            }),
            UnitSort::Label => {
                order.sort_by_key(|&i| (rank(set.units[i].label.as_deref()), set.units[i].id))
            }
        }
        order
    }

    /// The layer's events: its own (file, NWB trials, simulator, events tables) and the
    /// annotations of every open recording, ascending in time.
    pub fn spike_events(&self, layer: &SpikeLayer) -> Vec<Event> {
        let mut events = self
            .spikes
            .get(&layer.id)
            .map(|d| d.set.events.clone())
            .unwrap_or_default();
        for r in &self.scene.recordings {
            if let Some(data) = self.recordings.get(&r.id) {
                events.extend(data.recording.annotations.iter().map(|a| Event {
                    time_secs: a.onset_secs,
                    kind: a.text.clone(),
                    condition: None,
                }));
            }
        }
        events.sort_by(|a, b| a.time_secs.total_cmp(&b.time_secs));
        events
    }

    /// Event types to align to, in order of first appearance.
    pub fn spike_event_kinds(&self, layer: &SpikeLayer) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for e in self.spike_events(layer) {
            if !kinds.contains(&e.kind) {
                kinds.push(e.kind);
            }
        }
        kinds
    }

    /// The raster of the layer's window for a view `pixels` wide and tall: one row per unit
    /// from `first_row` (as many as the layer shows, at least one pixel each).
    pub fn raster_image(&self, layer: &SpikeLayer, pixels: [u32; 2]) -> RasterImage {
        let Some(data) = self.spikes.get(&layer.id) else {
            return RasterImage::default();
        };
        let set = &data.set;
        let order = self.unit_order(layer);
        let visible = visible_rows(layer, order.len(), pixels[1] as usize);
        let first = layer.first_row.min(order.len().saturating_sub(visible));
        let units: Vec<usize> = order[first..first + visible].to_vec();
        let columns = pixels[0] as usize;
        let t0 = layer.view_start_secs;
        let counts = stats::raster_counts(set, &units, t0, t0 + layer.view_secs, columns);
        let rows = units
            .iter()
            .map(|&u| RasterRow {
                index: u,
                label: unit_name(set, u),
                color: label_color(set.units[u].label.as_deref()),
            })
            .collect();
        RasterImage {
            columns,
            first_row: first,
            rows,
            counts,
            blocks: Vec::new(),
        }
    }

    /// The event-aligned raster and PSTHs of the selected unit, the population heatmap and the
    /// selected unit's ISI histogram, autocorrelogram and rate, for an aligned raster `columns`
    /// pixels wide.
    pub fn aligned_views(&self, layer: &SpikeLayer, columns: usize) -> AlignedViews {
        let Some(data) = self.spikes.get(&layer.id) else {
            return AlignedViews::default();
        };
        let set = &data.set;
        let a = &layer.align;
        // A window and bins that make sense whatever a session file says.
        let (w0, w1) = (a.window_secs[0], a.window_secs[1]);
        let window = if w0.is_finite() && w1.is_finite() && w1 > w0 {
            (w0, w1)
        } else {
            (-0.5, 1.0)
        };
        let span = window.1 - window.0;
        let bin = if a.bin_secs.is_finite() && a.bin_secs > 0.0 {
            a.bin_secs
        } else {
            0.02
        }
        .max(span / MAX_BINS as f64);
        // At most 100 bins of smoothing on either side of a bin.
        let sigma_bins = if a.smooth_secs.is_finite() {
            (a.smooth_secs / bin).clamp(0.0, 25.0)
        } else {
            0.0
        };
        let kinds = self.spike_event_kinds(layer);
        let event = a
            .event
            .clone()
            .filter(|e| kinds.contains(e))
            .or_else(|| kinds.first().cloned());
        let events: Vec<Event> = self
            .spike_events(layer)
            .into_iter()
            .filter(|e| Some(&e.kind) == event.as_ref())
            .collect();
        // Conditions in a stable order (numeric-aware), events grouped by them.
        let mut conditions: Vec<String> = Vec::new();
        if a.by_condition {
            for e in &events {
                let c = e.condition.clone().unwrap_or_else(|| "all".to_owned());
                if !conditions.contains(&c) {
                    conditions.push(c);
                }
            }
            conditions.sort_by(|x, y| natural_cmp(x, y));
        }
        if conditions.is_empty() {
            conditions.push("all".to_owned());
        }
        let condition_of = |e: &Event| -> usize {
            if conditions.len() == 1 {
                return 0;
            }
            let c = e.condition.as_deref().unwrap_or("all");
            conditions.iter().position(|x| x == c).unwrap_or(0)
        };
        let mut grouped: Vec<Vec<f64>> = vec![Vec::new(); conditions.len()];
        for e in &events {
            grouped[condition_of(e)].push(e.time_secs);
        }
        let order = self.unit_order(layer);
        let unit = layer
            .selected_unit
            .and_then(|id| set.units.iter().position(|u| u.id == id))
            .or_else(|| order.first().copied());
        let smooth = |rates: Vec<f64>| {
            if sigma_bins > 0.0 {
                stats::gaussian_filter1d(&rates, sigma_bins)
            } else {
                rates
            }
        };
        let mut views = AlignedViews {
            event: event.clone(),
            n_events: events.len(),
            unit,
            rate_bin_secs: 1.0,
            bin_secs: bin,
            ..Default::default()
        };
        if let Some(u) = unit {
            let times = set.unit_times(u);
            // Aligned raster: trials grouped by condition, in time order within each.
            let mut rows = Vec::new();
            let mut trial_times = Vec::new();
            for (c, group) in grouped.iter().enumerate() {
                if group.is_empty() {
                    continue;
                }
                let color = condition_color(c);
                views
                    .raster
                    .blocks
                    .push((rows.len(), group.len(), conditions[c].clone(), color));
                for (k, &t) in group.iter().enumerate() {
                    rows.push(RasterRow {
                        index: k,
                        label: conditions[c].clone(),
                        color,
                    });
                    trial_times.push(t);
                }
            }
            views.raster.counts = aligned_raster_counts(times, &trial_times, window, columns);
            views.raster.rows = rows;
            views.raster.columns = columns;
            views.curves = grouped
                .iter()
                .enumerate()
                .filter(|(_, g)| !g.is_empty())
                .map(|(c, g)| PsthCurve {
                    condition: conditions[c].clone(),
                    color: condition_color(c),
                    n_events: g.len(),
                    rate_hz: smooth(stats::psth(times, g, window, bin)),
                })
                .collect();
            views.isi = stats::isi_histogram(times, 0.1, 0.001);
            if times.len() > 1 {
                let short = times.windows(2).filter(|w| w[1] - w[0] < 0.002).count();
                views.refractory_fraction = short as f64 / (times.len() - 1) as f64;
            }
            views.acg = stats::autocorrelogram(times, 0.05, 0.001);
            let span = set.duration_secs().max(1e-3);
            views.rate_bin_secs = crate::session::nice_ceil(span / 200.0).max(0.001);
            views.rate = stats::rate_over_time(
                times,
                set.start_secs,
                set.start_secs + span,
                views.rate_bin_secs,
            );
        }
        // Population heatmap over every event of the type.
        let all: Vec<f64> = events.iter().map(|e| e.time_secs).collect();
        if !all.is_empty() {
            let matrix = stats::psth_matrix(set, &order, &all, window, bin);
            views.heatmap = matrix
                .into_iter()
                .map(|r| {
                    let r = smooth(r);
                    let peak = r.iter().copied().fold(0.0, f64::max);
                    r.iter()
                        .map(|&v| if peak > 0.0 { (v / peak) as f32 } else { 0.0 })
                        .collect()
                })
                .collect();
            views.heatmap_units = order;
        }
        views
    }

    /// Rebuilds the unit markers of layers shown in 3D and their colours (rate over the second
    /// before the time cursor). Cheap when nothing changed.
    pub fn update_units_3d(&mut self) {
        let t = self.scene.time_cursor_secs;
        let layers: Vec<SpikeLayer> = self
            .scene
            .spikes
            .iter()
            .filter(|l| l.visible && l.units_in_3d)
            .cloned()
            .collect();
        for layer in layers {
            let Some(data) = self.spikes.get(&layer.id).cloned() else {
                continue;
            };
            let mesh = match self.unit_meshes.get(&layer.id) {
                Some(m) if m.data_key == data.key && m.placement == layer.placement => m.clone(),
                _ => {
                    let centres = unit_positions(&data.set, layer.placement.as_ref());
                    if centres.is_empty() {
                        continue;
                    }
                    let mesh = Arc::new(UnitMesh::new(data.key, layer.placement, &centres));
                    self.unit_meshes.insert(layer.id, mesh.clone());
                    mesh
                }
            };
            let weights = self.decoder_weights.clone();
            let key = data.key ^ weights.as_ref().map_or(0, |w| w.0.rotate_left(29));
            let fresh = self
                .unit_states
                .get(&layer.id)
                .is_some_and(|(time, k, _)| (*time == t || weights.is_some()) && *k == key);
            if !fresh {
                let per_unit: Vec<f32> = mesh
                    .units
                    .iter()
                    .map(|&u| match &weights {
                        // The decoder's weight on the unit, across the colour range.
                        Some((_, w)) => {
                            let name = format!("unit {}", data.set.units[u].id);
                            let f = w.iter().find(|(n, _)| *n == name).map_or(0.0, |x| x.1);
                            layer.range[0] + f * (layer.range[1] - layer.range[0])
                        }
                        None => stats::rate_at(&data.set, u, t, 1.0) as f32,
                    })
                    .collect();
                let values: Vec<f32> = mesh
                    .vertex_unit
                    .iter()
                    .map(|&k| per_unit[k as usize])
                    .collect();
                self.unit_states
                    .insert(layer.id, (t, key, Arc::new(values)));
                self.unit_values_key = next_key();
            }
        }
    }

    /// The unit markers of every spike layer shown in 3D.
    pub(super) fn unit_draws(&self) -> Vec<crate::render::SurfaceDraw<'_>> {
        use crate::model::Threshold;
        use crate::render::{Facing, OverlayDraw, OverlayValues, SurfaceDraw};
        self.scene
            .spikes
            .iter()
            .filter(|l| l.visible && l.units_in_3d)
            .filter_map(|l| {
                let mesh = self.unit_meshes.get(&l.id)?;
                let overlays = self
                    .unit_states
                    .get(&l.id)
                    .map(|(_, _, values)| OverlayDraw {
                        key: self.unit_values_key ^ l.id,
                        opacity: 1.0,
                        values: OverlayValues::Scalar {
                            values,
                            colormap: l.colormap,
                            range: l.range,
                            threshold: Threshold::default(),
                        },
                    })
                    .into_iter()
                    .collect();
                Some(SurfaceDraw {
                    id: l.id,
                    geometry_key: mesh.key,
                    positions: &mesh.positions,
                    normals: &mesh.normals,
                    triangles: &mesh.triangles,
                    facing: Facing::CullBack,
                    shade: None,
                    color: [0.8, 0.8, 0.8],
                    opacity: 1.0,
                    overlays,
                })
            })
            .collect()
    }
}

/// Reads a layer's spikes from its source (a file, with the time unit the user chose for text
/// trains; or the demo).
fn read_spike_source(layer: &SpikeLayer) -> Result<SpikeSet, String> {
    match &layer.source {
        Source::Demo { name } => crate::demo::spikes(name),
        other => {
            let path = other
                .path()
                .ok_or_else(|| format!("{}: not a file", other.display_name()))?;
            let chosen = layer
                .time_unit
                .as_deref()
                .and_then(crate::formats::spike_text::TimeUnit::parse);
            if let Some(unit) = chosen
                && crate::formats::detect(path).ok() == Some(crate::formats::FileKind::SpikeText)
            {
                return crate::formats::spike_text::read_spikes(path, Some(unit))
                    .map(|t| t.spikes)
                    .map_err(|e| e.to_string());
            }
            crate::formats::load(path)
                .map_err(|e| e.to_string())?
                .spikes
                .ok_or_else(|| format!("{}: holds no spikes", path.display()))
        }
    }
}

/// Where each unit is drawn in 3D: its own position (NWB electrodes, the simulator), else its
/// place on a placed probe (depth along the shank, x across it).
pub fn unit_positions(
    set: &SpikeSet,
    placement: Option<&crate::model::ProbePlacement>,
) -> Vec<(usize, Vec3)> {
    set.units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let p = u.position_mm.or_else(|| {
                let placement = placement?;
                let depth = u.depth_um.or(u.probe_um.map(|p| p[1]))?;
                let across = u.probe_um.map_or(0.0, |p| p[0]);
                Some(placement.position_mm(depth, across))
            })?;
            Some((i, p))
        })
        .collect()
}

/// Whether any unit can be drawn in 3D: with its own position, or on a placed probe.
pub fn can_place(set: &SpikeSet) -> (usize, usize) {
    let own = set.units.iter().filter(|u| u.position_mm.is_some()).count();
    let on_probe = set
        .units
        .iter()
        .filter(|u| u.position_mm.is_none() && (u.depth_um.is_some() || u.probe_um.is_some()))
        .count();
    (own, on_probe)
}

/// Rows a raster of `n` units shows in `height` pixels: the layer's count (all when 0), never
/// more than one per pixel.
pub fn visible_rows(layer: &SpikeLayer, n: usize, height: usize) -> usize {
    let wanted = if layer.rows == 0 {
        n
    } else {
        layer.rows.min(n)
    };
    wanted.min(height.max(1))
}

/// "12 good" style name of a unit.
pub fn unit_name(set: &SpikeSet, u: usize) -> String {
    let unit = &set.units[u];
    match &unit.label {
        Some(l) => format!("{} {l}", unit.id),
        None => unit.id.to_string(),
    }
}

/// Spikes per trial row and pixel column of an aligned raster.
pub fn aligned_raster_counts(
    times: &[f64],
    events: &[f64],
    window: (f64, f64),
    columns: usize,
) -> Vec<u32> {
    let mut out = vec![0u32; events.len() * columns];
    if columns == 0 || window.1.is_nan() || window.0.is_nan() || window.1 <= window.0 {
        return out;
    }
    let per_col = (window.1 - window.0) / columns as f64;
    for (row, rel) in stats::aligned_rows(times, events, window)
        .iter()
        .enumerate()
    {
        for &d in rel {
            let c = (((d - window.0) / per_col) as usize).min(columns - 1);
            out[row * columns + c] += 1;
        }
    }
    out
}

/// Compares strings with embedded numbers by value ("45°" < "90°" < "135°").
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    // A total order: strings that start with a number first, by that number, then the rest.
    let key = |s: &str| {
        let digits: String = s
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        let n = digits.parse::<f64>().ok();
        (n.is_none(), n.unwrap_or(0.0))
    };
    let (ka, kb) = (key(a), key(b));
    ka.0.cmp(&kb.0)
        .then(ka.1.total_cmp(&kb.1))
        .then_with(|| a.cmp(b))
}

fn merge_events(set: &mut SpikeSet, events: Vec<Event>) {
    set.events.extend(events);
    set.sort_events();
    set.update_span();
}

/// Spheres at the units' positions.
pub struct UnitMesh {
    pub key: u64,
    pub data_key: u64,
    pub placement: Option<crate::model::ProbePlacement>,
    pub positions: Vec<Vec3>,
    pub normals: Vec<Vec3>,
    pub triangles: Vec<[u32; 3]>,
    /// Unit index of each sphere, and sphere of each vertex.
    pub units: Vec<usize>,
    pub vertex_unit: Vec<u32>,
}

/// Radius of a unit's marker, millimetres.
const UNIT_RADIUS_MM: f32 = 0.65;

impl UnitMesh {
    fn new(
        data_key: u64,
        placement: Option<crate::model::ProbePlacement>,
        centres: &[(usize, Vec3)],
    ) -> Self {
        let (sphere_p, sphere_t) = super::electrodes::icosphere();
        let mut mesh = UnitMesh {
            key: next_key(),
            data_key,
            placement,
            positions: Vec::new(),
            normals: Vec::new(),
            triangles: Vec::new(),
            units: Vec::new(),
            vertex_unit: Vec::new(),
        };
        for (k, &(u, c)) in centres.iter().enumerate() {
            let base = mesh.positions.len() as u32;
            for &p in &sphere_p {
                mesh.positions.push(c + p * UNIT_RADIUS_MM);
                mesh.normals.push(p);
                mesh.vertex_unit.push(k as u32);
            }
            mesh.triangles
                .extend(sphere_t.iter().map(|t| t.map(|v| v + base)));
            mesh.units.push(u);
        }
        mesh
    }
}

/// The background of the trace browser and the raster, premultiplied RGBA for the renderers.
pub fn raster_background(theme: Theme) -> [f32; 4] {
    if theme == Theme::Dark {
        [0.05, 0.055, 0.065, 1.0]
    } else {
        [1.0, 1.0, 1.0, 1.0]
    }
}
