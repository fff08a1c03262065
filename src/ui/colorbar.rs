//! The colorbar: drawn by egui over the 3D view in the window, and by the same code over
//! `glia render --colorbar` figures.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke};

use crate::model::{Colormap, OverlayLayer, Threshold, VolumeLayer};

/// What a colorbar describes: a scalar layer's name, colours and thresholds.
pub struct ColorbarSpec<'a> {
    pub name: &'a str,
    pub colormap: Colormap,
    pub range: [f32; 2],
    pub threshold: Threshold,
}

impl<'a> From<&'a OverlayLayer> for ColorbarSpec<'a> {
    fn from(l: &'a OverlayLayer) -> Self {
        ColorbarSpec {
            name: &l.name,
            colormap: l.colormap,
            range: l.range,
            threshold: l.threshold,
        }
    }
}

impl<'a> From<&'a VolumeLayer> for ColorbarSpec<'a> {
    fn from(l: &'a VolumeLayer) -> Self {
        ColorbarSpec {
            name: &l.name,
            colormap: l.colormap,
            range: l.range,
            threshold: l.threshold,
        }
    }
}
use crate::session::format_value;

/// A tick label: as short as the value allows (`5`, `-1.6`, `0.025`, `1.2e-5`).
pub fn format_tick(v: f32) -> String {
    let s = format_value(v);
    if s.contains('e') || !s.contains('.') {
        return s;
    }
    let trimmed = s.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Paints a vertical colorbar for `layer` at the right edge of `view`. Values hidden by the
/// threshold are veiled with the `background` colour, so the bar reads like the surface.
pub fn paint_colorbar(
    painter: &egui::Painter,
    view: Rect,
    layer: &ColorbarSpec<'_>,
    text: Color32,
    background: Color32,
) {
    let height = (view.height() * 0.42).min(420.0);
    let width = 14.0;
    let right = view.max.x - 56.0;
    let bottom = view.max.y - 28.0;
    let bar = Rect::from_min_max(
        Pos2::new(right - width, bottom - height),
        Pos2::new(right, bottom),
    );
    let [lo, hi] = layer.range;

    let steps = 256;
    for i in 0..steps {
        let t0 = i as f32 / steps as f32;
        let t1 = (i + 1) as f32 / steps as f32;
        let [r, g, b] = layer.colormap.sample((t0 + t1) * 0.5);
        let y0 = bar.max.y - bar.height() * t1;
        let y1 = bar.max.y - bar.height() * t0;
        let slab = Rect::from_min_max(Pos2::new(bar.min.x, y0), Pos2::new(bar.max.x, y1 + 0.6));
        painter.rect_filled(slab, 0.0, Color32::from_rgb(r, g, b));
    }
    let threshold = layer.threshold;
    let to_y = |v: f32| bar.max.y - bar.height() * ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    if threshold.enabled && hi != lo {
        let (top, bottom) = (to_y(threshold.positive), to_y(threshold.negative.max(lo)));
        if bottom > top {
            let veil = Rect::from_min_max(Pos2::new(bar.min.x, top), Pos2::new(bar.max.x, bottom));
            painter.rect_filled(veil, 0.0, background.gamma_multiply(0.8));
        }
    }
    painter.rect_stroke(
        bar,
        0.0,
        Stroke::new(1.0, text.gamma_multiply(0.5)),
        egui::StrokeKind::Outside,
    );

    let font = FontId::proportional(12.0);
    let tick = |value: f32, strong: bool| {
        if hi == lo || !(lo.min(hi)..=lo.max(hi)).contains(&value) {
            return;
        }
        let y = to_y(value);
        painter.line_segment(
            [Pos2::new(bar.max.x, y), Pos2::new(bar.max.x + 4.0, y)],
            Stroke::new(1.0, text),
        );
        let color = if strong {
            text
        } else {
            text.gamma_multiply(0.7)
        };
        painter.text(
            Pos2::new(bar.max.x + 7.0, y),
            Align2::LEFT_CENTER,
            format_tick(value),
            font.clone(),
            color,
        );
    };
    tick(lo, true);
    tick(hi, true);
    if lo < 0.0 && hi > 0.0 {
        tick(0.0, false);
    }
    if threshold.enabled {
        tick(threshold.positive, false);
        if threshold.negative.is_finite() {
            tick(threshold.negative, false);
        }
    }
    // The title centred over the bar, but never past the view's right edge.
    let title = painter.layout_no_wrap(layer.name.to_owned(), FontId::proportional(12.5), text);
    let x = (bar.center().x - title.size().x * 0.5).min(view.max.x - 6.0 - title.size().x);
    painter.galley(Pos2::new(x, bar.min.y - 8.0 - title.size().y), title, text);
}

#[cfg(test)]
mod tests {
    use super::format_tick;

    #[test]
    fn ticks_are_short() {
        assert_eq!(format_tick(5.0), "5");
        assert_eq!(format_tick(-1.6), "-1.6");
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(3.534), "3.534");
        assert_eq!(format_tick(1.2e-5), "1.200e-5");
    }
}
