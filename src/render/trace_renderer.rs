//! Signal traces: every row of the trace browser as a vertical span per pixel column (see
//! [`TraceStrip`]), drawn by one pipeline. Spans go to a texture; each instance is a chunk of
//! columns of one row, drawn as its bounding box, and the fragment shader keeps the pixels in
//! the column's span. That is a few thousand quads per frame instead of hundreds of thousands of
//! line primitives: software rasterisers (lavapipe) pay per primitive, GPUs do not mind. No egui
//! shapes per sample.

use super::ViewTarget;
use super::row_quads::{RowQuad, RowQuads, RowTexture, Texels};

/// Columns per instance.
const CHUNK: usize = 512;

/// One row's trace: for each pixel column of the view, the span `[top, bottom]` in view pixels
/// (y down) that the trace covers there; `[+inf, -inf]` where it has none.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStrip {
    /// sRGB colour with straight alpha.
    pub color: [u8; 4],
    pub spans: Vec<[f32; 2]>,
}

impl TraceStrip {
    /// A strip with no trace, `width` columns wide.
    pub fn empty(color: [u8; 4], width: usize) -> Self {
        TraceStrip {
            color,
            spans: vec![[f32::INFINITY, f32::NEG_INFINITY]; width],
        }
    }

    /// Widens column `c`'s span to include `[top, bottom]` (ignored outside the strip or when
    /// not finite).
    pub fn extend(&mut self, c: i64, top: f32, bottom: f32) {
        if c < 0 || !(top.is_finite() && bottom.is_finite()) {
            return;
        }
        if let Some(span) = self.spans.get_mut(c as usize) {
            span[0] = span[0].min(top.min(bottom));
            span[1] = span[1].max(top.max(bottom));
        }
    }

    /// Whether any column has a trace.
    pub fn is_empty(&self) -> bool {
        !self.spans.iter().any(|s| s[0] <= s[1])
    }
}

/// Draws [`TraceStrip`]s into a view.
pub struct TraceRenderer {
    quads: RowQuads,
    /// Reused between frames.
    texels: Vec<[f32; 2]>,
    chunks: Vec<RowQuad>,
}

impl TraceRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        TraceRenderer {
            quads: RowQuads::new(
                device,
                queue,
                "traces",
                super::TRACES_WGSL,
                RowTexture {
                    format: wgpu::TextureFormat::Rg32Float,
                    sample_type: wgpu::TextureSampleType::Float { filterable: false },
                    texel_bytes: 8,
                },
            ),
            texels: Vec::new(),
            chunks: Vec::new(),
        }
    }

    /// Draws `strips` (one per row, each as wide as the view) over `background`
    /// (premultiplied sRGB RGBA).
    pub fn draw(&mut self, target: &mut ViewTarget, background: [f32; 4], strips: &[TraceStrip]) {
        let width = target.size[0] as usize;
        let strips = &strips[..strips.len().min(self.quads.max_side())];
        self.texels.clear();
        self.chunks.clear();
        for (r, strip) in strips.iter().enumerate() {
            let spans = &strip.spans[..strip.spans.len().min(width)];
            self.texels.extend_from_slice(spans);
            self.texels.extend(std::iter::repeat_n(
                [f32::INFINITY, f32::NEG_INFINITY],
                width - spans.len(),
            ));
            for (k, chunk) in spans.chunks(CHUNK).enumerate() {
                let (top, bottom) = chunk
                    .iter()
                    .filter(|s| s[0] <= s[1])
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(t, b), s| {
                        (t.min(s[0]), b.max(s[1]))
                    });
                if top <= bottom {
                    let x0 = (k * CHUNK) as f32;
                    self.chunks.push(RowQuad {
                        bounds: [
                            x0,
                            top.floor() - 1.0,
                            x0 + chunk.len() as f32,
                            bottom.ceil() + 1.0,
                        ],
                        row: r as u32,
                        color: strip.color,
                    });
                }
            }
        }
        self.quads.draw(
            target,
            background,
            &self.chunks,
            Texels {
                bytes: bytemuck::cast_slice(&self.texels),
                width,
                rows: strips.len(),
            },
            [0.0, 0.0],
        );
    }
}
