// Volume slices: a planar quad (a 2D slice view filling its target, or one of the three planes
// through the crosshair inside the 3D view) coloured by one volume layer, resampled through
// that layer's own affine. Layers are drawn one after another, blended in premultiplied alpha.
// Nothing is lit, so colours stay sRGB-encoded from table to target.

struct Plane {
    clip_from_world: mat4x4<f32>,
    // The quad's corners in world millimetres: top-left, top-right, bottom-right, bottom-left.
    corners: array<vec4<f32>, 4>,
    // x: 1 when values at or below the low end of the window are not drawn (planes in 3D, so
    // the black around a head does not hide the brain behind it).
    flags: vec4<u32>,
};

struct Layer {
    voxel_from_world: mat4x4<f32>,
    // Voxels along x, y, z (w unused).
    dims: vec4<i32>,
    // Colormap range (vmin, vmax) and thresholds (positive, negative).
    range_and_thresholds: vec4<f32>,
    colormap_row: u32,
    threshold_enabled: u32,
    // 0: scalar through the colormap, 1: integer labels through the label colours.
    kind: u32,
    // 0: trilinear, 1: nearest.
    nearest: u32,
    opacity: f32,
    use_mask: u32,
    label_columns: u32,
    // 1 for anatomy: on planes in 3D, values at or below the window are not drawn.
    clear_low: u32,
};

@group(0) @binding(0) var<uniform> plane: Plane;
@group(0) @binding(1) var colormaps: texture_2d<f32>;
@group(1) @binding(0) var<uniform> layer: Layer;
@group(1) @binding(1) var volume: texture_3d<f32>;
// Voxels kept by the cluster-size filter (1) or hidden (0).
@group(1) @binding(2) var mask: texture_3d<u32>;
// Label colours, straight-alpha sRGB, key k at texel (k % columns, k / columns).
@group(1) @binding(3) var label_colors: texture_2d<f32>;
// Linear filtering of the volume where the device can filter 32-bit floats (one fetch instead
// of eight); otherwise a non-filtering sampler that is never used.
@group(1) @binding(4) var volume_sampler: sampler;
override hardware_filtering: bool = false;

struct VertexOut {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) world: vec3<f32>,
};

@vertex
fn vs_main(@builtin(vertex_index) index: u32) -> VertexOut {
    // Two triangles: TL, TR, BR and TL, BR, BL.
    var corner_of = array<u32, 6>(0u, 1u, 2u, 0u, 2u, 3u);
    let world = plane.corners[corner_of[index]].xyz;
    var out: VertexOut;
    out.clip_position = plane.clip_from_world * vec4<f32>(world, 1.0);
    out.world = world;
    return out;
}

fn fetch(p: vec3<i32>) -> f32 {
    let q = clamp(p, vec3<i32>(0), layer.dims.xyz - vec3<i32>(1));
    return textureLoad(volume, q, 0).x;
}

// The layer's value at a continuous voxel position; NaN outside the grid (half a voxel of
// grace at the border, so edge voxels are drawn whole).
fn sample_volume(v: vec3<f32>) -> f32 {
    let size = vec3<f32>(layer.dims.xyz);
    if any(v < vec3<f32>(-0.5)) || any(v > size - vec3<f32>(0.5)) {
        return bitcast<f32>(0x7fc00000u);
    }
    if layer.nearest != 0u {
        // Halves round up, as the CPU's readout does.
        return fetch(vec3<i32>(floor(v + vec3<f32>(0.5))));
    }
    if hardware_filtering {
        return textureSampleLevel(volume, volume_sampler, (v + vec3<f32>(0.5)) / size, 0.0).x;
    }
    let c = clamp(v, vec3<f32>(0.0), size - vec3<f32>(1.0));
    let b = floor(c);
    let f = c - b;
    let i = vec3<i32>(b);
    let x00 = mix(fetch(i), fetch(i + vec3<i32>(1, 0, 0)), f.x);
    let x10 = mix(fetch(i + vec3<i32>(0, 1, 0)), fetch(i + vec3<i32>(1, 1, 0)), f.x);
    let x01 = mix(fetch(i + vec3<i32>(0, 0, 1)), fetch(i + vec3<i32>(1, 0, 1)), f.x);
    let x11 = mix(fetch(i + vec3<i32>(0, 1, 1)), fetch(i + vec3<i32>(1, 1, 1)), f.x);
    return mix(mix(x00, x10, f.y), mix(x01, x11, f.y), f.z);
}

fn is_finite(v: f32) -> bool {
    return v == v && abs(v) <= 3.4028235e38;
}

// Colour (sRGB-encoded rgb) and coverage of this layer at a world point.
fn layer_color(world: vec3<f32>) -> vec4<f32> {
    let v = (layer.voxel_from_world * vec4<f32>(world, 1.0)).xyz;
    let value = sample_volume(v);
    if !is_finite(value) {
        return vec4<f32>(0.0);
    }
    if layer.use_mask != 0u {
        let q = clamp(vec3<i32>(floor(v + vec3<f32>(0.5))), vec3<i32>(0), layer.dims.xyz - vec3<i32>(1));
        if textureLoad(mask, q, 0).x == 0u {
            return vec4<f32>(0.0);
        }
    }
    if layer.kind == 1u {
        let key = i32(round(value));
        let columns = i32(layer.label_columns);
        let size = vec2<i32>(textureDimensions(label_colors));
        if key <= 0 || key >= columns * size.y {
            return vec4<f32>(0.0);
        }
        return textureLoad(label_colors, vec2<i32>(key % columns, key / columns), 0);
    }
    let rt = layer.range_and_thresholds;
    if layer.threshold_enabled != 0u && value < rt.z && value > rt.w {
        return vec4<f32>(0.0);
    }
    if plane.flags.x != 0u && layer.clear_low != 0u && value <= min(rt.x, rt.y) {
        return vec4<f32>(0.0);
    }
    let span = rt.y - rt.x;
    var t = 0.5;
    if span != 0.0 {
        t = clamp((value - rt.x) / span, 0.0, 1.0);
    } else if value > rt.x {
        t = 1.0;
    } else if value < rt.x {
        t = 0.0;
    }
    let entry = min(u32(t * 256.0), 255u);
    return vec4<f32>(textureLoad(colormaps, vec2<u32>(entry, layer.colormap_row), 0).rgb, 1.0);
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let c = layer_color(in.world);
    let alpha = clamp(c.a * layer.opacity, 0.0, 1.0);
    if alpha <= 0.0 {
        discard;
    }
    return vec4<f32>(c.rgb * alpha, alpha);
}
