//! Recordings in the Layers panel: what the file holds, and how its electrodes show in 3D
//! (spheres coloured by amplitude or band power at the time cursor, interpolated onto the
//! cortex).

use egui::RichText;

use crate::model::{Colormap, ElectrodeValue, LayerId};
use crate::session::Session;

/// What the user asked for that needs more than a setting change.
pub enum RecordingAction {
    Remove(LayerId),
    Select(LayerId),
    /// Something now shows in 3D that needs a brain to sit on.
    TemplateBrain,
    /// Read a text spike file again with times in this unit.
    TimeUnit(LayerId, String),
}

pub fn recording_layers_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    selected: Option<LayerId>,
    actions: &mut Vec<RecordingAction>,
) {
    if session.scene.recordings.is_empty() {
        return;
    }
    ui.label(RichText::new("Recordings").strong());
    let ids: Vec<LayerId> = session.scene.recordings.iter().map(|r| r.id).collect();
    for id in ids {
        recording_ui(ui, session, id, selected, actions);
        ui.add_space(4.0);
    }
    ui.separator();
}

fn recording_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    id: LayerId,
    selected: Option<LayerId>,
    actions: &mut Vec<RecordingAction>,
) {
    let Some(data) = session.recording_data(id).cloned() else {
        return;
    };
    let rec = &data.recording;
    let n_electrodes = (0..rec.channels.len())
        .filter(|&c| rec.electrode_of(c).is_some())
        .count();
    let state = egui::collapsing_header::CollapsingState::load_with_default_open(
        ui.ctx(),
        ui.make_persistent_id(("recording", id)),
        true,
    );
    state
        .show_header(ui, |ui| {
            let Some(layer) = session.scene.recording_mut(id) else { return };
            layer_header(
                ui,
                id,
                &mut layer.visible,
                &layer.name,
                selected == Some(id),
                ("Show or hide this recording", "Remove this recording"),
                actions,
            );
        })
        .body(|ui| {
            let Some(layer) = session.scene.recording_mut(id) else { return };
            let rates: Vec<f64> = {
                let mut r: Vec<f64> = rec.channels.iter().map(|c| c.sample_rate_hz).collect();
                r.sort_by(f64::total_cmp);
                r.dedup();
                r
            };
            let rates = rates.iter().map(|r| format!("{r}")).collect::<Vec<_>>().join("/");
            ui.weak(format!(
                "{} channels · {rates} Hz · {} · {} annotations · {n_electrodes} electrodes",
                rec.channels.len(),
                duration_text(rec.duration_secs),
                rec.annotations.len(),
            ));
            if n_electrodes == 0 {
                ui.weak("No electrode positions (channel names are not 10-05 sites; open a montage or electrodes.tsv with it)");
                return;
            }
            ui.horizontal(|ui| {
                ui.checkbox(&mut layer.electrodes_in_3d, "Electrodes in 3D");
                ui.checkbox(&mut layer.on_cortex, "On cortex")
                    .on_hover_text("Interpolate the electrode values onto the cortical surfaces (inverse-distance weights of the 4 nearest electrodes)");
            });
            ui.horizontal(|ui| {
                let label = ui.label("Colour by");
                let amplitude = ElectrodeValue::Amplitude;
                let alpha = ElectrodeValue::BandPower { lo_hz: 8.0, hi_hz: 13.0 };
                let before = layer.electrode_value;
                egui::ComboBox::from_id_salt(("electrode value", id))
                    .selected_text(match layer.electrode_value {
                        ElectrodeValue::Amplitude => "amplitude (µV)".to_owned(),
                        ElectrodeValue::BandPower { .. } => "band power (µV²)".to_owned(),
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut layer.electrode_value, amplitude, "amplitude (µV)");
                        if ui
                            .selectable_label(matches!(layer.electrode_value, ElectrodeValue::BandPower { .. }), "band power (µV²)")
                            .clicked()
                            && !matches!(layer.electrode_value, ElectrodeValue::BandPower { .. })
                        {
                            layer.electrode_value = alpha;
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if let ElectrodeValue::BandPower { lo_hz, hi_hz } = &mut layer.electrode_value {
                    ui.add(egui::DragValue::new(lo_hz).range(0.0..=*hi_hz).speed(0.1).max_decimals(1));
                    ui.label("–");
                    ui.add(egui::DragValue::new(hi_hz).range(*lo_hz..=10_000.0).speed(0.1).max_decimals(1).suffix(" Hz"));
                }
                if before != layer.electrode_value {
                    // A range that suits the new quantity.
                    layer.range = match layer.electrode_value {
                        ElectrodeValue::Amplitude => [-30.0, 30.0],
                        ElectrodeValue::BandPower { .. } => [0.0, 20.0],
                    };
                    layer.colormap = match layer.electrode_value {
                        ElectrodeValue::Amplitude => Colormap::RdBuR,
                        ElectrodeValue::BandPower { .. } => Colormap::Inferno,
                    };
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label("Colormap");
                egui::ComboBox::from_id_salt(("recording colormap", id))
                    .selected_text(layer.colormap.name())
                    .show_ui(ui, |ui| {
                        for c in Colormap::ALL {
                            ui.selectable_value(&mut layer.colormap, c, c.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let label = ui.label("Range");
                let [lo, hi] = &mut layer.range;
                ui.add(egui::DragValue::new(lo).speed(0.5)).labelled_by(label.id);
                ui.label("to");
                ui.add(egui::DragValue::new(hi).speed(0.5));
            });
            if let Some(state) = session.electrode_state(id) {
                let t = session.scene.time_cursor_secs;
                let finite: Vec<f32> = state.values.iter().copied().filter(|v| v.is_finite()).collect();
                if !finite.is_empty() {
                    let (lo, hi) = finite.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
                    ui.weak(format!("at {t:.3} s: {lo:.1} to {hi:.1}"));
                }
            }
        });
}

/// "12.5 s", "3 min 20 s", "2 h 05 min".
pub fn duration_text(secs: f64) -> String {
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else if secs < 3600.0 {
        format!("{} min {:02.0} s", (secs / 60.0).floor(), secs % 60.0)
    } else {
        format!(
            "{} h {:02.0} min",
            (secs / 3600.0).floor(),
            (secs % 3600.0) / 60.0
        )
    }
}

/// A layer's header row: visibility, its name (click to select), and a remove button.
/// `hovers` are the texts of the checkbox and the button.
fn layer_header(
    ui: &mut egui::Ui,
    id: LayerId,
    visible: &mut bool,
    name: &str,
    is_selected: bool,
    hovers: (&str, &str),
    actions: &mut Vec<RecordingAction>,
) {
    ui.checkbox(visible, "").on_hover_text(hovers.0);
    if ui
        .selectable_label(is_selected, RichText::new(name).strong())
        .clicked()
    {
        actions.push(RecordingAction::Select(id));
    }
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if ui.small_button("🗙").on_hover_text(hovers.1).clicked() {
            actions.push(RecordingAction::Remove(id));
        }
    });
}

/// Spike sets in the Layers panel: what the file holds, and how the units show in 3D.
pub fn spike_layers_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    selected: Option<LayerId>,
    actions: &mut Vec<RecordingAction>,
) {
    if session.scene.spikes.is_empty() {
        return;
    }
    ui.label(RichText::new("Spikes").strong());
    let ids: Vec<LayerId> = session.scene.spikes.iter().map(|s| s.id).collect();
    for id in ids {
        let Some(data) = session.spike_data(id).cloned() else {
            continue;
        };
        let set = &data.set;
        let (own, on_probe) = crate::session::can_place(set);
        let Some(layer) = session.scene.spike_layer_mut(id) else {
            continue;
        };
        ui.horizontal(|ui| {
            layer_header(
                ui,
                id,
                &mut layer.visible,
                &layer.name,
                selected == Some(id),
                ("Show or hide these units in 3D", "Remove these spikes"),
                actions,
            )
        });
        ui.weak(format!(
            "{} units · {} spikes · {} · {} trials · {} events",
            set.n_units(),
            crate::ui::panels::raster::group_thousands(set.n_spikes()),
            duration_text(set.duration_secs()),
            set.trials.len(),
            set.events.len()
        ));
        let text_unit = match &set.time_unit {
            Some((unit, guessed)) if *guessed || layer.time_unit.is_some() => Some(unit.clone()),
            _ => None,
        };
        if let Some(unit) = text_unit {
            ui.horizontal(|ui| {
                let label = ui.label("Times in");
                let mut chosen = unit.clone();
                egui::ComboBox::from_id_salt(("spike time unit", id))
                    .selected_text(&chosen)
                    .show_ui(ui, |ui| {
                        for u in ["s", "ms", "us"] {
                            ui.selectable_value(&mut chosen, u.to_owned(), u);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if layer.time_unit.is_none() {
                    ui.weak("(guessed from the intervals)");
                }
                if chosen != unit {
                    actions.push(RecordingAction::TimeUnit(id, chosen));
                }
            });
        }
        if on_probe > 0 {
            let mut placed = layer.placement.is_some();
            if ui
                .checkbox(
                    &mut placed,
                    format!("Place the probe ({on_probe} units by depth)"),
                )
                .on_hover_text("Put the probe's tip somewhere in the brain and tilt its shank")
                .changed()
            {
                layer.placement = placed.then(crate::model::ProbePlacement::default);
                if placed {
                    layer.units_in_3d = true;
                    actions.push(RecordingAction::TemplateBrain);
                }
            }
            if let Some(p) = &mut layer.placement {
                ui.horizontal(|ui| {
                    let label = ui.label("Tip (mm)");
                    for v in &mut p.tip_mm {
                        ui.add(egui::DragValue::new(v).speed(0.5))
                            .labelled_by(label.id);
                    }
                });
                ui.horizontal(|ui| {
                    let label = ui.label("Azimuth");
                    ui.add(
                        egui::DragValue::new(&mut p.azimuth_deg)
                            .speed(1.0)
                            .range(-180.0..=180.0)
                            .suffix("°"),
                    )
                    .labelled_by(label.id);
                    let label = ui.label("elevation");
                    ui.add(
                        egui::DragValue::new(&mut p.elevation_deg)
                            .speed(1.0)
                            .range(-90.0..=90.0)
                            .suffix("°"),
                    )
                    .labelled_by(label.id);
                });
            }
        }
        let placed = own
            + if layer.placement.is_some() {
                on_probe
            } else {
                0
            };
        if placed > 0 {
            ui.checkbox(
                &mut layer.units_in_3d,
                format!("{placed} units in 3D, by rate"),
            );
            ui.horizontal(|ui| {
                let label = ui.label("Colormap");
                egui::ComboBox::from_id_salt(("spike colormap", id))
                    .selected_text(layer.colormap.name())
                    .show_ui(ui, |ui| {
                        for c in Colormap::ALL {
                            ui.selectable_value(&mut layer.colormap, c, c.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.label("0 to");
                ui.add(
                    egui::DragValue::new(&mut layer.range[1])
                        .speed(0.5)
                        .range(0.1..=1000.0)
                        .suffix(" Hz"),
                );
            });
        }
        ui.add_space(4.0);
    }
    ui.separator();
}
