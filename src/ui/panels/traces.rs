//! The trace browser: a recording's channels over a window of time, drawn by the GPU trace
//! pipeline, with channel labels, a time axis, annotations and the shared time cursor.
//!
//! Drag to move through time; Ctrl+scroll (or pinch) zooms time about the pointer, scroll moves
//! through channels, Shift+scroll scales amplitude; ←/→ page, ↑/↓ channel, +/− amplitude.
//! Click sets the time cursor; click a label to select its channel; right-click a label for its
//! menu (bad mark, gain, hide).

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use crate::model::{DisplayFilter, LayerId, RecordingLayer, Reference, Theme};
use crate::session::TraceScreen;
use crate::ui::app::AppState;
use crate::ui::gpu_bridge::BridgedView;

/// Width of the channel-label gutter, points.
const GUTTER: f32 = 86.0;
/// Height of the time axis, points.
const AXIS: f32 = 20.0;

/// The trace browser's own state.
#[derive(Default)]
pub struct TraceViewState {
    pub view: Option<BridgedView>,
    /// Row (index into the shown rows' full list) selected by clicking its label.
    pub selected_row: Option<usize>,
    last_key: Option<TraceKey>,
    screen: TraceScreen,
    /// Vertical scrolling not yet turned into whole rows (smooth scrolling comes in slices).
    scroll_rows: f32,
    /// The row whose label was right-clicked (its menu).
    menu_row: Option<usize>,
}

/// What the picture depends on: the layer, the view size, the recording's data and whether its
/// overview is built, the theme and the selected row. Not the session's generation, which moves
/// with the time cursor (electrode values) and would redraw every frame during playback.
type TraceKey = (
    RecordingLayer,
    [u32; 2],
    (Option<u64>, bool),
    Theme,
    Option<usize>,
);

/// The recording the browser shows: the selected one, else the first.
pub fn current_recording(state: &AppState) -> Option<LayerId> {
    let scene = &state.session.scene;
    state
        .selected
        .filter(|id| scene.recording(*id).is_some())
        .or_else(|| scene.recordings.first().map(|r| r.id))
}

pub fn traces_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(id) = current_recording(state) else {
        ui.centered_and_justified(|ui| {
            ui.weak("Open a recording (EDF, BDF, BrainVision) to browse its channels")
        });
        return;
    };
    toolbar_ui(ui, state, id);
    let full = ui.available_rect_before_wrap();
    let (traces, gutter, _) = browser_rects(full);
    let response = ui.allocate_rect(traces, Sense::click_and_drag());
    let gutter_response = ui.interact(gutter, ui.scope_id().with("gutter"), Sense::click());

    handle_input(ui, &response, state, id, traces);
    handle_gutter(&gutter_response, state, id, gutter);

    let ppp = ui.ctx().pixels_per_point();
    let size = [
        (traces.width() * ppp).round().max(1.0) as u32,
        (traces.height() * ppp).round().max(1.0) as u32,
    ];
    let Some(mut layer) = state.session.scene.recording(id).cloned() else {
        return;
    };
    // Rows of at least 14 points: more channels than fit scroll.
    layer.rows = fitted_rows(&layer, traces.height());
    let theme = state.session.scene.theme;
    let view_state = &mut state.trace_view;
    BridgedView::ensure(&mut view_state.view, &state.render_state, size);
    let data_key = (
        state.session.recording_data(id).map(|d| d.key),
        state.session.pyramids(id).is_some(),
    );
    let key = (
        layer.clone(),
        size,
        data_key,
        theme,
        view_state.selected_row,
    );
    let Some(view) = view_state.view.as_mut() else {
        return;
    };
    if view_state.last_key.as_ref() != Some(&key) {
        view_state.screen =
            state
                .session
                .trace_screen(&layer, size, theme, view_state.selected_row);
        // Segments are in view pixels; the screen was laid out in pixels too.
        let background = background(theme);
        state
            .trace_renderer
            .draw(&mut view.target, background, &view_state.screen.strips);
        view_state.last_key = Some(key);
    }
    let painter = ui.painter_at(full);
    painter.image(
        view.texture_id,
        traces,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
    let selected = view_state.selected_row;
    paint_browser(
        &painter,
        full,
        &state.session,
        &layer,
        &state.trace_view.screen,
        ppp,
        selected,
    );
}

fn toolbar_ui(ui: &mut egui::Ui, state: &mut AppState, id: LayerId) {
    let data = state.session.recording_data(id).cloned();
    let duration = state
        .session
        .recording_data(id)
        .map_or(0.0, |d| d.recording.duration_secs);
    let n_annotations = state
        .session
        .recording_data(id)
        .map_or(0, |d| d.recording.annotations.len());
    let mut jump = None;
    ui.horizontal_wrapped(|ui| {
        let Some(layer) = state.session.scene.recording_mut(id) else {
            return;
        };
        ui.strong(&layer.name);
        ui.separator();
        let label = ui.label("Window");
        ui.add(
            egui::DragValue::new(&mut layer.view_secs)
                .range(0.05..=duration.max(0.05))
                .speed(0.1)
                .suffix(" s")
                .max_decimals(2),
        )
        .labelled_by(label.id);
        let label = ui.label("Scale");
        ui.add(
            egui::DragValue::new(&mut layer.scale)
                .range(0.01..=1e6)
                .speed(1.0)
                .suffix(" µV"),
        )
        .labelled_by(label.id)
        .on_hover_text("Amplitude per channel row (voltages); Shift+scroll on the traces");
        let label = ui.label("Rows");
        ui.add(egui::DragValue::new(&mut layer.rows).range(1..=1000))
            .labelled_by(label.id);
        ui.separator();
        filter_ui(ui, &mut layer.filter, id);
        ui.separator();
        let label = ui.label("Reference");
        egui::ComboBox::from_id_salt(("reference", id))
            .selected_text(match layer.reference {
                Reference::AsRecorded => "as recorded",
                Reference::Average => "average",
                Reference::Bipolar { .. } => "bipolar",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut layer.reference, Reference::AsRecorded, "as recorded");
                ui.selectable_value(&mut layer.reference, Reference::Average, "average");
                let bipolar = Reference::Bipolar {
                    pairs: double_banana(),
                };
                ui.selectable_value(&mut layer.reference, bipolar, "bipolar (double banana)");
            })
            .response
            .labelled_by(label.id);
        ui.checkbox(&mut layer.group_by_kind, "Group by type");
        if let Some(data) = &data {
            channels_menu(ui, layer, &data.recording.channels);
        }
        if n_annotations > 0 {
            ui.menu_button(format!("Annotations ({n_annotations})"), |ui| {
                let Some(data) = state.session.recording_data(id) else {
                    return;
                };
                let annotations = &data.recording.annotations;
                let row_height = ui.spacing().interact_size.y;
                // Only the visible rows are laid out: recordings can hold thousands of events.
                egui::ScrollArea::vertical().max_height(300.0).show_rows(
                    ui,
                    row_height,
                    annotations.len(),
                    |ui, range| {
                        for a in &annotations[range] {
                            let text = format!("{}  {}", time_label(a.onset_secs, 2), a.text);
                            if ui.button(text).clicked() {
                                jump = Some(a.onset_secs);
                                ui.close();
                            }
                        }
                    },
                );
            });
        }
    });
    if let Some(t) = jump {
        jump_to(state, id, t);
    }
}

/// Which channels the browser shows: whole types at once, or one by one.
fn channels_menu(
    ui: &mut egui::Ui,
    layer: &mut RecordingLayer,
    channels: &[crate::model::Channel],
) {
    let shown = channels.len().saturating_sub(layer.hidden.len());
    ui.menu_button(format!("Channels ({shown}/{})", channels.len()), |ui| {
        let mut kinds: Vec<crate::model::ChannelKind> = channels.iter().map(|c| c.kind).collect();
        kinds.sort_by_key(|k| k.name());
        kinds.dedup();
        ui.horizontal_wrapped(|ui| {
            if ui.button("All").clicked() {
                layer.hidden.clear();
            }
            for kind in kinds {
                let of_kind = || channels.iter().filter(move |c| c.kind == kind);
                let hidden = |layer: &RecordingLayer, name: &str| {
                    layer.hidden.iter().any(|h| h.eq_ignore_ascii_case(name))
                };
                let mut visible = of_kind().any(|c| !hidden(layer, &c.name));
                if ui.checkbox(&mut visible, kind.name()).changed() {
                    layer
                        .hidden
                        .retain(|h| !of_kind().any(|c| c.name.eq_ignore_ascii_case(h)));
                    if !visible {
                        layer.hidden.extend(of_kind().map(|c| c.name.clone()));
                    }
                }
            }
        });
        ui.separator();
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical().max_height(320.0).show_rows(
            ui,
            row_height,
            channels.len(),
            |ui, range| {
                for c in &channels[range] {
                    let was = !layer.hidden.iter().any(|h| h.eq_ignore_ascii_case(&c.name));
                    let mut visible = was;
                    let text = format!("{} · {} · {} Hz", c.name, c.kind.name(), c.sample_rate_hz);
                    if ui.checkbox(&mut visible, text).changed() {
                        if visible {
                            layer.hidden.retain(|h| !h.eq_ignore_ascii_case(&c.name));
                        } else {
                            layer.hidden.push(c.name.clone());
                        }
                    }
                }
            },
        );
    });
}

fn filter_ui(ui: &mut egui::Ui, filter: &mut DisplayFilter, id: LayerId) {
    let hz = |ui: &mut egui::Ui, value: &mut Option<f32>, name: &str, default: f32| {
        let mut on = value.is_some();
        if ui.checkbox(&mut on, name).changed() {
            *value = on.then_some(default);
        }
        if let Some(v) = value {
            ui.add(
                egui::DragValue::new(v)
                    .range(0.01..=5000.0)
                    .speed(0.1)
                    .suffix(" Hz")
                    .max_decimals(2),
            );
        }
    };
    hz(ui, &mut filter.highpass_hz, "High-pass", 1.0);
    hz(ui, &mut filter.lowpass_hz, "Low-pass", 40.0);
    let label = ui.label("Notch");
    egui::ComboBox::from_id_salt(("notch", id))
        .selected_text(match filter.notch_hz {
            None => "off".to_owned(),
            Some(f) => format!("{f} Hz"),
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut filter.notch_hz, None, "off");
            ui.selectable_value(&mut filter.notch_hz, Some(50.0), "50 Hz and harmonics");
            ui.selectable_value(&mut filter.notch_hz, Some(60.0), "60 Hz and harmonics");
        })
        .response
        .labelled_by(label.id);
}

/// The longitudinal bipolar ("double banana") montage of the 10-20 system.
pub fn double_banana() -> Vec<(String, String)> {
    [
        ("Fp1", "F7"),
        ("F7", "T7"),
        ("T7", "P7"),
        ("P7", "O1"),
        ("Fp1", "F3"),
        ("F3", "C3"),
        ("C3", "P3"),
        ("P3", "O1"),
        ("Fz", "Cz"),
        ("Cz", "Pz"),
        ("Fp2", "F4"),
        ("F4", "C4"),
        ("C4", "P4"),
        ("P4", "O2"),
        ("Fp2", "F8"),
        ("F8", "T8"),
        ("T8", "P8"),
        ("P8", "O2"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

/// Shows time `t` (the cursor goes there, the window around it).
pub fn jump_to(state: &mut AppState, id: LayerId, t: f64) {
    state.session.scene.time_cursor_secs = t;
    if let Some(layer) = state.session.scene.recording_mut(id) {
        layer.view_start_secs = (t - layer.view_secs * 0.1).max(0.0);
    }
}

fn handle_input(
    ui: &egui::Ui,
    response: &egui::Response,
    state: &mut AppState,
    id: LayerId,
    rect: Rect,
) {
    let duration = state
        .session
        .recording_data(id)
        .map_or(0.0, |d| d.recording.duration_secs);
    let n_rows = state
        .session
        .scene
        .recording(id)
        .map_or(0, |l| state.session.trace_rows(l).len());
    let Some(layer) = state.session.scene.recording_mut(id) else {
        return;
    };
    let secs_per_point = layer.view_secs / f64::from(rect.width().max(1.0));
    if response.dragged() {
        layer.view_start_secs -= f64::from(response.drag_delta().x) * secs_per_point;
    }
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        state.session.scene.time_cursor_secs =
            layer.view_start_secs + f64::from(p.x - rect.min.x) * secs_per_point;
    }
    let Some(layer) = state.session.scene.recording_mut(id) else {
        return;
    };
    if response.hovered() {
        let (scroll, zoom, modifiers) =
            ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta(), i.modifiers));
        if zoom != 1.0 {
            // Zoom time about the pointer.
            if let Some(p) = response.hover_pos() {
                let at = layer.view_start_secs + f64::from(p.x - rect.min.x) * secs_per_point;
                let new = (layer.view_secs / f64::from(zoom)).clamp(0.05, duration.max(0.05));
                layer.view_start_secs = at - (at - layer.view_start_secs) * new / layer.view_secs;
                layer.view_secs = new;
            }
        } else if modifiers.shift && (scroll.x != 0.0 || scroll.y != 0.0) {
            // egui turns Shift+wheel into horizontal scrolling: take either axis.
            let amount = scroll.x + scroll.y;
            layer.scale = (layer.scale * (-amount * 0.004).exp()).clamp(0.01, 1e6);
        } else if scroll.y != 0.0 {
            // A row per 24 points, summed over frames: smooth scrolling delivers a wheel notch
            // in slices that each round to no row at all on a fast display.
            let pending = &mut state.trace_view.scroll_rows;
            *pending -= scroll.y / 24.0;
            let step = pending.trunc();
            *pending -= step;
            layer.first_row = (layer.first_row as i64 + step as i64)
                .clamp(0, n_rows.saturating_sub(1) as i64) as usize;
        } else if scroll.x != 0.0 {
            layer.view_start_secs -= f64::from(scroll.x) * secs_per_point;
        }
        ui.input(|i| {
            let page = if i.modifiers.shift { 1.0 } else { 0.5 };
            if i.key_pressed(egui::Key::ArrowRight) {
                layer.view_start_secs += layer.view_secs * page;
            }
            if i.key_pressed(egui::Key::ArrowLeft) {
                layer.view_start_secs -= layer.view_secs * page;
            }
            if i.key_pressed(egui::Key::ArrowDown) {
                layer.first_row = (layer.first_row + 1).min(n_rows.saturating_sub(1));
            }
            if i.key_pressed(egui::Key::ArrowUp) {
                layer.first_row = layer.first_row.saturating_sub(1);
            }
            if i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals) {
                layer.scale /= 1.25;
            }
            if i.key_pressed(egui::Key::Minus) {
                layer.scale *= 1.25;
            }
        });
    }
    layer.view_start_secs = layer
        .view_start_secs
        .clamp(0.0, (duration - layer.view_secs).max(0.0));
    // Fewer rows than before (bipolar pairs, hidden channels): keep the first row among them,
    // as the drawing does, so that label clicks and the selection name the rows drawn.
    layer.first_row = layer.first_row.min(n_rows.saturating_sub(1));
}

/// Labels: a click selects the row (its spectra, its highlight); a right-click opens the
/// row's menu: bad mark, gain, hide.
fn handle_gutter(response: &egui::Response, state: &mut AppState, id: LayerId, gutter: Rect) {
    if let Some(pos) = response.interact_pointer_pos()
        && let Some(layer) = state.session.scene.recording(id).cloned()
    {
        let shown = fitted_rows(&layer, gutter.height());
        let row_height = gutter.height() / shown.max(1) as f32;
        let index =
            layer.first_row + ((pos.y - gutter.min.y) / row_height).floor().max(0.0) as usize;
        if index < state.session.trace_rows(&layer).len() {
            if response.clicked() {
                state.trace_view.selected_row = Some(index);
            }
            if response.secondary_clicked() {
                state.trace_view.menu_row = Some(index);
            }
        }
    }
    let Some(index) = state.trace_view.menu_row else {
        return;
    };
    response.context_menu(|ui| {
        let Some(layer) = state.session.scene.recording(id).cloned() else {
            return;
        };
        let rows = state.session.trace_rows(&layer);
        let Some(row) = rows.get(index) else { return };
        let Some(data) = state.session.recording_data(id).cloned() else {
            return;
        };
        let names: Vec<String> = [Some(row.channel), row.minus]
            .into_iter()
            .flatten()
            .map(|c| data.recording.channels[c].name.clone())
            .collect();
        let channel = data.recording.channels[row.channel].name.clone();
        ui.label(egui::RichText::new(&row.label).strong());
        let Some(layer) = state.session.scene.recording_mut(id) else {
            return;
        };
        let is_bad =
            |layer: &RecordingLayer, n: &str| layer.bad.iter().any(|b| b.eq_ignore_ascii_case(n));
        let marked = names.iter().all(|n| is_bad(layer, n));
        if ui
            .button(if marked { "Unmark bad" } else { "Mark bad" })
            .clicked()
        {
            for name in &names {
                layer.bad.retain(|b| !b.eq_ignore_ascii_case(name));
                if !marked {
                    layer.bad.push(name.clone());
                }
            }
            ui.close();
        }
        let gain = layer
            .gains
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&channel))
            .map_or(1.0, |(_, g)| *g);
        let set_gain = |layer: &mut RecordingLayer, g: f32| {
            layer
                .gains
                .retain(|(n, _)| !n.eq_ignore_ascii_case(&channel));
            if (g - 1.0).abs() > 1e-6 {
                layer.gains.push((channel.clone(), g));
            }
        };
        ui.horizontal(|ui| {
            ui.label(format!("Gain ×{gain:.3}"));
            if ui.small_button("×2").clicked() {
                set_gain(layer, gain * 2.0);
            }
            if ui.small_button("÷2").clicked() {
                set_gain(layer, gain / 2.0);
            }
            if ui
                .small_button("1")
                .on_hover_text("Reset the gain")
                .clicked()
            {
                set_gain(layer, 1.0);
            }
        });
        if row.minus.is_none() && ui.button("Hide channel").clicked() {
            layer.hidden.push(channel.clone());
            ui.close();
        }
        if !layer.hidden.is_empty()
            && ui
                .button(format!("Show {} hidden", layer.hidden.len()))
                .clicked()
        {
            layer.hidden.clear();
            ui.close();
        }
    });
}

/// Where the traces, labels and time axis go in a browser of `full` points.
pub fn browser_rects(full: Rect) -> (Rect, Rect, Rect) {
    let traces = Rect::from_min_max(
        Pos2::new(full.min.x + GUTTER, full.min.y),
        Pos2::new(full.max.x, full.max.y - AXIS),
    );
    let gutter = Rect::from_min_max(full.min, Pos2::new(traces.min.x, traces.max.y));
    let axis = Rect::from_min_max(Pos2::new(traces.min.x, traces.max.y), full.max);
    (traces, gutter, axis)
}

/// Rows that fit `height` points (at least 14 points each), at most the layer's.
pub fn fitted_rows(layer: &RecordingLayer, height: f32) -> usize {
    layer
        .rows
        .min((height / 14.0).floor().max(1.0) as usize)
        .max(1)
}

/// The trace background, premultiplied linear RGBA for the renderer (the raster's too).
pub fn background(theme: Theme) -> [f32; 4] {
    crate::session::raster_background(theme)
}

/// Everything drawn over the traces image: labels, annotations, time axis, cursor and the
/// screen's note (in the window and in `glia render --view traces` alike).
pub fn paint_browser(
    painter: &egui::Painter,
    full: Rect,
    session: &crate::session::Session,
    layer: &RecordingLayer,
    screen: &TraceScreen,
    ppp: f32,
    selected: Option<usize>,
) {
    let (traces, gutter, axis) = browser_rects(full);
    let text = crate::ui::panels::view3d::text_color_for(session.scene.theme);
    paint_labels(
        painter,
        gutter,
        screen,
        ppp,
        text,
        selected,
        layer.first_row,
    );
    paint_annotations(painter, traces, session, layer, text);
    paint_time_axis(painter, axis, layer.view_start_secs, layer.view_secs, text);
    paint_cursor(painter, traces, layer, session.scene.time_cursor_secs);
    if let Some(note) = &screen.note {
        painter.text(
            traces.left_bottom() + Vec2::new(6.0, -6.0),
            Align2::LEFT_BOTTOM,
            note,
            FontId::proportional(12.0),
            Color32::from_rgb(230, 160, 60),
        );
    }
}

fn paint_labels(
    painter: &egui::Painter,
    gutter: Rect,
    screen: &TraceScreen,
    ppp: f32,
    text: Color32,
    selected: Option<usize>,
    first_row: usize,
) {
    let font = FontId::proportional(12.0);
    for (i, row) in screen.rows.iter().enumerate() {
        let y = gutter.min.y + row.y_px / ppp;
        let color = if row.bad {
            Color32::from_rgb(220, 90, 80)
        } else if selected == Some(first_row + i) {
            Color32::from_rgb(40, 170, 255)
        } else {
            text
        };
        let label = if row.bad {
            format!("{} (bad)", row.label)
        } else {
            row.label.clone()
        };
        painter.text(
            Pos2::new(gutter.max.x - 6.0, y),
            Align2::RIGHT_CENTER,
            label,
            font.clone(),
            color,
        );
    }
}

/// Time ticks along `axis` for a window of `w` seconds from `t0`.
pub fn paint_time_axis(painter: &egui::Painter, axis: Rect, t0: f64, w: f64, text: Color32) {
    let w = w.max(1e-9);
    // A tick step of 1, 2 or 5 times a power of ten, about every 80 points.
    let raw = w * 80.0 / f64::from(axis.width().max(1.0));
    let step = crate::session::nice_ceil(raw);
    let mut t = (t0 / step).ceil() * step;
    let font = FontId::proportional(11.0);
    while t <= t0 + w {
        let x = axis.min.x + ((t - t0) / w) as f32 * axis.width();
        painter.line_segment(
            [Pos2::new(x, axis.min.y), Pos2::new(x, axis.min.y + 4.0)],
            Stroke::new(1.0, text),
        );
        let decimals = (-step.log10()).ceil().max(0.0) as usize;
        let label = time_label(t, decimals);
        painter.text(
            Pos2::new(x + 2.0, axis.min.y + 4.0),
            Align2::LEFT_TOP,
            label,
            font.clone(),
            text.gamma_multiply(0.8),
        );
        t += step;
    }
}

/// `12.5 s` below a minute, `4:05.0` below an hour, `1:02:03` beyond (as EDFbrowser shows
/// time), with `decimals` digits of seconds.
pub fn time_label(t: f64, decimals: usize) -> String {
    // Round once, so that 59.99 with 1 decimal gives 1:00.0, not 0:60.0.
    let scale = 10f64.powi(decimals as i32);
    let t = (t * scale).round() / scale;
    let width = if decimals > 0 { decimals + 3 } else { 2 };
    if t.abs() < 60.0 {
        format!("{t:.decimals$} s")
    } else if t < 3600.0 {
        let m = (t / 60.0).floor();
        format!("{m:.0}:{:0width$.decimals$}", t - 60.0 * m)
    } else {
        let h = (t / 3600.0).floor();
        let m = ((t - 3600.0 * h) / 60.0).floor();
        format!(
            "{h:.0}:{m:02.0}:{:0width$.decimals$}",
            t - 3600.0 * h - 60.0 * m
        )
    }
}

fn paint_annotations(
    painter: &egui::Painter,
    rect: Rect,
    session: &crate::session::Session,
    layer: &RecordingLayer,
    text: Color32,
) {
    let Some(data) = session.recording_data(layer.id) else {
        return;
    };
    let (t0, w) = (layer.view_start_secs, layer.view_secs.max(1e-9));
    let x_of = |t: f64| rect.min.x + ((t - t0) / w) as f32 * rect.width();
    for a in &data.recording.annotations {
        if a.onset_secs + a.duration_secs < t0 || a.onset_secs > t0 + w {
            continue;
        }
        let (x0, x1) = (
            x_of(a.onset_secs).max(rect.min.x),
            x_of(a.onset_secs + a.duration_secs).min(rect.max.x),
        );
        if x1 - x0 >= 2.0 {
            // Stretches: a faint wash and a bar along the top.
            let fill = Color32::from_rgba_unmultiplied(250, 180, 40, 5);
            painter.rect_filled(
                Rect::from_min_max(Pos2::new(x0, rect.min.y), Pos2::new(x1, rect.max.y)),
                0.0,
                fill,
            );
            let bar = Color32::from_rgba_unmultiplied(250, 180, 40, 90);
            painter.rect_filled(
                Rect::from_min_max(Pos2::new(x0, rect.min.y), Pos2::new(x1, rect.min.y + 3.0)),
                0.0,
                bar,
            );
        }
        painter.line_segment(
            [Pos2::new(x0, rect.min.y), Pos2::new(x0, rect.max.y)],
            Stroke::new(1.0, Color32::from_rgb(250, 180, 40)),
        );
        painter.text(
            Pos2::new(x0 + 3.0, rect.min.y + 2.0),
            Align2::LEFT_TOP,
            &a.text,
            FontId::proportional(11.0),
            text,
        );
    }
}

fn paint_cursor(painter: &egui::Painter, rect: Rect, layer: &RecordingLayer, t: f64) {
    let (t0, w) = (layer.view_start_secs, layer.view_secs.max(1e-9));
    if t < t0 || t > t0 + w {
        return;
    }
    let x = rect.min.x + ((t - t0) / w) as f32 * rect.width();
    painter.line_segment(
        [Pos2::new(x, rect.min.y), Pos2::new(x, rect.max.y)],
        Stroke::new(1.5, Color32::from_rgb(40, 220, 120)),
    );
}
