//! Spike rasters: rows of ticks, one row per unit (or per trial of an aligned raster). The
//! spikes of every row are counted per pixel column first ([`crate::dsp::spikes::raster_counts`],
//! whose cost does not grow with the number of spikes shown); the counts go to a texture and
//! each row is one quad whose fragment shader draws a tick where its column holds spikes.

use super::ViewTarget;
use super::row_quads::{RowQuad, RowQuads, RowTexture, Texels};

/// One row of ticks: where it lies and its colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RasterBand {
    /// Top and bottom in view pixels (y down).
    pub top: f32,
    pub bottom: f32,
    /// sRGB colour with straight alpha.
    pub color: [u8; 4],
}

/// Draws rasters into a view.
pub struct RasterRenderer {
    quads: RowQuads,
    scratch: Vec<RowQuad>,
}

impl RasterRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        RasterRenderer {
            quads: RowQuads::new(
                device,
                queue,
                "raster",
                super::RASTER_WGSL,
                RowTexture {
                    format: wgpu::TextureFormat::R32Uint,
                    sample_type: wgpu::TextureSampleType::Uint,
                    texel_bytes: 4,
                },
            ),
            scratch: Vec::new(),
        }
    }

    /// Draws rows of ticks over `background` (premultiplied RGBA). `counts` holds
    /// `bands.len() × columns` spike counts, row-major; column `c` is drawn at view pixel `c`.
    /// `saturation` is the count drawn brightest. Rows beyond the device's largest texture are
    /// left out.
    pub fn draw(
        &mut self,
        target: &mut ViewTarget,
        background: [f32; 4],
        bands: &[RasterBand],
        counts: &[u32],
        columns: usize,
        saturation: f32,
    ) {
        let max = self.quads.max_side();
        let stride = columns;
        let columns = columns.min(max).min(target.size[0] as usize);
        let n_rows = bands.len().min(max);
        self.scratch.clear();
        for (r, band) in bands[..n_rows].iter().enumerate() {
            if band.bottom > band.top {
                self.scratch.push(RowQuad {
                    bounds: [0.0, band.top, columns as f32, band.bottom],
                    row: r as u32,
                    color: band.color,
                });
            }
        }
        // Rows wider than the view (or the texture) are cut to it.
        let data: std::borrow::Cow<[u32]> = if stride == columns {
            std::borrow::Cow::Borrowed(&counts[..(n_rows * columns).min(counts.len())])
        } else {
            std::borrow::Cow::Owned(
                counts
                    .chunks(stride.max(1))
                    .take(n_rows)
                    .flat_map(|row| row[..columns.min(row.len())].iter().copied())
                    .collect(),
            )
        };
        self.quads.draw(
            target,
            background,
            &self.scratch,
            Texels {
                bytes: bytemuck::cast_slice(&data),
                width: columns,
                rows: n_rows,
            },
            [saturation.max(2.0), 0.0],
        );
    }
}

/// Bands for `rows` rows filling `height` pixels from the top, with a one-pixel gap between
/// rows taller than four pixels.
pub fn bands_for(colors: impl ExactSizeIterator<Item = [u8; 4]>, height: f32) -> Vec<RasterBand> {
    let n = colors.len().max(1) as f32;
    let h = height / n;
    let gap = if h > 4.0 { 1.0 } else { 0.0 };
    colors
        .enumerate()
        .map(|(i, color)| {
            let top = (i as f32 * h).round();
            let bottom = ((i + 1) as f32 * h).round() - gap;
            RasterBand {
                top,
                bottom: bottom.max(top + 1.0),
                color,
            }
        })
        .collect()
}

/// The count drawn fully opaque: the 99th percentile of the nonzero counts (at least 2).
pub fn saturation(counts: &[u32]) -> f32 {
    let mut nz: Vec<u32> = counts.iter().copied().filter(|&c| c > 0).collect();
    if nz.is_empty() {
        return 2.0;
    }
    let k = ((nz.len() - 1) as f64 * 0.99) as usize;
    let (_, v, _) = nz.select_nth_unstable(k);
    (*v as f32).max(2.0)
}
