//! The colormap lookup texture: one 256-texel row per [`Colormap`], sRGB so that shaders sample
//! linear colour and re-encode exactly matplotlib's values at full light.

use crate::model::Colormap;

/// The table as sRGB: shaders sample linear colour (for lighting) and re-encode.
pub fn create_colormap_texture(device: &wgpu::Device, queue: &wgpu::Queue) -> wgpu::TextureView {
    colormap_texture(device, queue, wgpu::TextureFormat::Rgba8UnormSrgb)
}

/// The table as stored bytes: for shaders that never light colours and so can stay in sRGB
/// encoding throughout (slices), saving two conversions per pixel.
pub fn create_encoded_colormap_texture(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
) -> wgpu::TextureView {
    colormap_texture(device, queue, wgpu::TextureFormat::Rgba8Unorm)
}

fn colormap_texture(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    format: wgpu::TextureFormat,
) -> wgpu::TextureView {
    let rows = Colormap::ALL.len() as u32;
    let mut texels = Vec::with_capacity(256 * 4 * rows as usize);
    for cmap in Colormap::ALL {
        for [r, g, b] in cmap.table() {
            texels.extend_from_slice(&[*r, *g, *b, 255]);
        }
    }
    let size = wgpu::Extent3d {
        width: 256,
        height: rows,
        depth_or_array_layers: 1,
    };
    let texture = device.create_texture(&wgpu::TextureDescriptor {
        label: Some("colormaps"),
        size,
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    });
    queue.write_texture(
        texture.as_image_copy(),
        &texels,
        wgpu::TexelCopyBufferLayout {
            offset: 0,
            bytes_per_row: Some(256 * 4),
            rows_per_image: Some(rows),
        },
        size,
    );
    texture.create_view(&Default::default())
}
