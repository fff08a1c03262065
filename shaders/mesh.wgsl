// Brain surfaces: lit meshes with a binary curvature underlay and up to 8 per-vertex overlays.
//
// Scalar overlays are interpolated as values and coloured per fragment (crisp threshold
// contours, colormap exactly matplotlib's 256-entry table); label overlays arrive as packed RGBA.
// Output is sRGB-encoded by hand: the target is Rgba8Unorm (see TESTING.md).

const MAX_OVERLAYS: u32 = 8u;
const KIND_SCALAR: u32 = 0u;
const KIND_RGBA: u32 = 1u;

struct Globals {
    clip_from_world: mat4x4<f32>,
    eye_world: vec4<f32>,
    // Key light direction (towards the light) in world space; w = ambient level.
    light_dir: vec4<f32>,
};

struct OverlayParams {
    // Colormap range (vmin, vmax) and thresholds (positive, negative).
    range_and_thresholds: vec4<f32>,
    kind: u32,
    colormap_row: u32,
    threshold_enabled: u32,
    opacity: f32,
};

struct SurfaceParams {
    // Light underlay colour (rgb, linear) and surface opacity.
    color: vec4<f32>,
    // Rows of the overlay texture each overlay occupies (OVERLAY_TEXTURE_WIDTH values a row).
    rows_per_overlay: u32,
    n_overlays: u32,
    // 0: flat, 1: binary light/dark from the `shade` attribute.
    shade_mode: u32,
    _pad: u32,
    overlays: array<OverlayParams, MAX_OVERLAYS>,
};

@group(0) @binding(0) var<uniform> globals: Globals;
@group(0) @binding(1) var colormaps: texture_2d<f32>;
@group(1) @binding(0) var<uniform> surface: SurfaceParams;
// Overlay `k`'s value for vertex `v` at texel (v % W, k * rows_per_overlay + v / W): f32 bits for
// scalar overlays, packed RGBA8 for colour overlays. A texture rather than a storage buffer
// because vertex-stage storage buffers are missing on GL/WebGL2 adapters.
@group(1) @binding(1) var overlay_values: texture_2d<u32>;
const OVERLAY_TEXTURE_WIDTH: u32 = 2048u;

struct VertexOut {
    @invariant @builtin(position) clip_position: vec4<f32>,
    @location(0) world_position: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(2) shade: f32,
    @location(3) ov0: vec4<f32>,
    @location(4) ov1: vec4<f32>,
    @location(5) ov2: vec4<f32>,
    @location(6) ov3: vec4<f32>,
    @location(7) ov4: vec4<f32>,
    @location(8) ov5: vec4<f32>,
    @location(9) ov6: vec4<f32>,
    @location(10) ov7: vec4<f32>,
};

fn overlay_vertex_value(k: u32, vertex: u32) -> vec4<f32> {
    if k >= surface.n_overlays {
        return vec4<f32>(0.0);
    }
    let texel = vec2<u32>(
        vertex % OVERLAY_TEXTURE_WIDTH,
        k * surface.rows_per_overlay + vertex / OVERLAY_TEXTURE_WIDTH,
    );
    let bits = textureLoad(overlay_values, texel, 0).x;
    if surface.overlays[k].kind == KIND_RGBA {
        return unpack4x8unorm(bits);
    }
    return vec4<f32>(bitcast<f32>(bits), 0.0, 0.0, 0.0);
}

@vertex
fn vs_main(
    @builtin(vertex_index) vertex: u32,
    @location(0) position: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(2) shade: f32,
) -> VertexOut {
    var out: VertexOut;
    out.clip_position = globals.clip_from_world * vec4<f32>(position, 1.0);
    out.world_position = position;
    out.normal = normal;
    out.shade = shade;
    out.ov0 = overlay_vertex_value(0u, vertex);
    out.ov1 = overlay_vertex_value(1u, vertex);
    out.ov2 = overlay_vertex_value(2u, vertex);
    out.ov3 = overlay_vertex_value(3u, vertex);
    out.ov4 = overlay_vertex_value(4u, vertex);
    out.ov5 = overlay_vertex_value(5u, vertex);
    out.ov6 = overlay_vertex_value(6u, vertex);
    out.ov7 = overlay_vertex_value(7u, vertex);
    return out;
}

// Depth-only pass for translucent surfaces: only their front-most layer is then coloured.
@vertex
fn vs_depth(@location(0) position: vec3<f32>) -> @invariant @builtin(position) vec4<f32> {
    return globals.clip_from_world * vec4<f32>(position, 1.0);
}

@fragment
fn fs_depth() -> @location(0) vec4<f32> {
    return vec4<f32>(0.0);
}

fn overlay_slot(in: VertexOut, k: u32) -> vec4<f32> {
    switch k {
        case 0u: { return in.ov0; }
        case 1u: { return in.ov1; }
        case 2u: { return in.ov2; }
        case 3u: { return in.ov3; }
        case 4u: { return in.ov4; }
        case 5u: { return in.ov5; }
        case 6u: { return in.ov6; }
        default: { return in.ov7; }
    }
}

fn is_finite(v: f32) -> bool {
    // NaN fails every comparison; infinities exceed the largest f32.
    return v == v && abs(v) <= 3.4028235e38;
}

// The colour an overlay gives this fragment: rgb and coverage (0 where nothing is drawn).
fn overlay_color(p: OverlayParams, slot: vec4<f32>) -> vec4<f32> {
    if p.kind == KIND_RGBA {
        return vec4<f32>(linear_from_srgb(slot.rgb), slot.a);
    }
    let v = slot.x;
    if !is_finite(v) {
        return vec4<f32>(0.0);
    }
    let rt = p.range_and_thresholds;
    if p.threshold_enabled != 0u && v < rt.z && v > rt.w {
        return vec4<f32>(0.0);
    }
    let span = rt.y - rt.x;
    var t = 0.5;
    if span != 0.0 {
        t = clamp((v - rt.x) / span, 0.0, 1.0);
    } else if v > rt.x {
        t = 1.0;
    } else if v < rt.x {
        t = 0.0;
    }
    // matplotlib's lookup: entry floor(t * 256), the last one for t = 1.
    let entry = min(u32(t * 256.0), 255u);
    return vec4<f32>(textureLoad(colormaps, vec2<u32>(entry, p.colormap_row), 0).rgb, 1.0);
}

fn linear_from_srgb(c: vec3<f32>) -> vec3<f32> {
    let lo = c / 12.92;
    let hi = pow((c + 0.055) / 1.055, vec3<f32>(2.4));
    return select(hi, lo, c <= vec3<f32>(0.04045));
}

fn srgb_from_linear(c: vec3<f32>) -> vec3<f32> {
    let lo = c * 12.92;
    let hi = 1.055 * pow(c, vec3<f32>(1.0 / 2.4)) - 0.055;
    return select(hi, lo, c <= vec3<f32>(0.0031308));
}

@fragment
fn fs_main(in: VertexOut, @builtin(front_facing) front: bool) -> @location(0) vec4<f32> {
    var base = surface.color.rgb;
    if surface.shade_mode == 1u && in.shade > 0.0 {
        // Sulcal (concave) vertices dark, gyral light, as in FreeSurfer and pycortex figures.
        base = base * 0.4;
    }
    var color = base;
    for (var k = 0u; k < surface.n_overlays; k++) {
        let p = surface.overlays[k];
        let c = overlay_color(p, overlay_slot(in, k));
        color = mix(color, c.rgb, clamp(c.a * p.opacity, 0.0, 1.0));
    }

    // Two-sided lighting: a key light near the viewer, a dim fill from below, ambient,
    // and a soft specular highlight that shows the folding.
    var n = normalize(in.normal);
    if !front {
        n = -n;
    }
    let to_eye = normalize(globals.eye_world.xyz - in.world_position);
    let key = normalize(globals.light_dir.xyz);
    let fill = normalize(vec3<f32>(-key.x, -key.y, -key.z * 0.3) + to_eye);
    let ambient = globals.light_dir.w;
    let diffuse = 0.66 * max(dot(n, key), 0.0) + 0.16 * max(dot(n, fill), 0.0);
    let half_vector = normalize(key + to_eye);
    let specular = 0.12 * pow(max(dot(n, half_vector), 0.0), 24.0);
    let lit = color * (ambient + diffuse) + vec3<f32>(specular);

    let alpha = surface.color.a;
    // Premultiplied alpha: what egui expects, and what blends correctly over the background.
    return vec4<f32>(srgb_from_linear(clamp(lit, vec3<f32>(0.0), vec3<f32>(1.0))) * alpha, alpha);
}
