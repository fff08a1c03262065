// Ray-marched volume rendering: the front faces of a volume's box start a ray per pixel that
// steps through the volume (front to back, emission and absorption), colouring each sample by
// the layer's colormap within its window and threshold. Values are stored normalised in a
// half-float texture so that hardware trilinear filtering gives one fetch per step.

struct Params {
    clip_from_world: mat4x4<f32>,
    world_from_voxel: mat4x4<f32>,
    voxel_from_world: mat4x4<f32>,
    eye_world: vec4<f32>,
    // Voxels along x, y, z; w: steps per voxel.
    dims: vec4<f32>,
    // Window (low, high) and thresholds (positive, negative), in stored (normalised) units.
    window_and_thresholds: vec4<f32>,
    // x: opacity scale, y: 1 for signed maps (opacity from |value|), z: threshold on, w: colormap row.
    transfer: vec4<f32>,
    // Clip plane (normal.xyz, offset w) in world space: samples with dot(n, p) < w are cut
    // away; a zero normal disables it.
    clip_plane: vec4<f32>,
    // x: the normalised value of 0 (signed maps measure strength from it).
    zero: vec4<f32>,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var volume: texture_3d<f32>;
@group(0) @binding(2) var volume_sampler: sampler;
@group(0) @binding(3) var colormaps: texture_2d<f32>;

struct VertexOut {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) world: vec3<f32>,
};

@vertex
fn vs_main(@builtin(vertex_index) index: u32) -> VertexOut {
    // A cube of 12 triangles over the voxel box (corners at -0.5 and dims - 0.5).
    var corners = array<vec3<f32>, 8>(
        vec3<f32>(0.0, 0.0, 0.0), vec3<f32>(1.0, 0.0, 0.0), vec3<f32>(1.0, 1.0, 0.0), vec3<f32>(0.0, 1.0, 0.0),
        vec3<f32>(0.0, 0.0, 1.0), vec3<f32>(1.0, 0.0, 1.0), vec3<f32>(1.0, 1.0, 1.0), vec3<f32>(0.0, 1.0, 1.0),
    );
    var faces = array<u32, 36>(
        0u, 2u, 1u, 0u, 3u, 2u, 4u, 5u, 6u, 4u, 6u, 7u,
        0u, 1u, 5u, 0u, 5u, 4u, 3u, 7u, 6u, 3u, 6u, 2u,
        0u, 4u, 7u, 0u, 7u, 3u, 1u, 2u, 6u, 1u, 6u, 5u,
    );
    let unit = corners[faces[index]];
    let voxel = unit * params.dims.xyz - vec3<f32>(0.5);
    let world = (params.world_from_voxel * vec4<f32>(voxel, 1.0)).xyz;
    var out: VertexOut;
    out.clip_position = params.clip_from_world * vec4<f32>(world, 1.0);
    out.world = world;
    return out;
}

fn srgb_from_linear(c: vec3<f32>) -> vec3<f32> {
    let lo = c * 12.92;
    let hi = 1.055 * pow(c, vec3<f32>(1.0 / 2.4)) - 0.055;
    return select(hi, lo, c <= vec3<f32>(0.0031308));
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let dims = params.dims.xyz;
    // The ray in voxel space, from where it enters the box (this fragment) to where it leaves.
    let start = (params.voxel_from_world * vec4<f32>(in.world, 1.0)).xyz;
    let eye = (params.voxel_from_world * vec4<f32>(params.eye_world.xyz, 1.0)).xyz;
    let dir = normalize(start - eye);
    let lo_box = vec3<f32>(-0.5);
    let hi_box = dims - vec3<f32>(0.5);
    let inv = 1.0 / select(dir, vec3<f32>(1e-6), abs(dir) < vec3<f32>(1e-6));
    let t0 = (lo_box - start) * inv;
    let t1 = (hi_box - start) * inv;
    let t_exit = min(min(max(t0.x, t1.x), max(t0.y, t1.y)), max(t0.z, t1.z));
    let step = 1.0 / params.dims.w;
    let n_steps = min(u32(max(t_exit, 0.0) / step), 4096u);
    let window = params.window_and_thresholds;
    let span = max(window.y - window.x, 1e-6);
    let row = u32(params.transfer.w);
    var color = vec3<f32>(0.0);
    var alpha = 0.0;
    for (var i = 0u; i < n_steps; i++) {
        let p = start + dir * (f32(i) + 0.5) * step;
        if params.clip_plane.x != 0.0 || params.clip_plane.y != 0.0 || params.clip_plane.z != 0.0 {
            let world = (params.world_from_voxel * vec4<f32>(p, 1.0)).xyz;
            if dot(params.clip_plane.xyz, world) < params.clip_plane.w {
                continue;
            }
        }
        let uvw = (p + vec3<f32>(0.5)) / dims;
        let v = textureSampleLevel(volume, volume_sampler, uvw, 0.0).x;
        if v != v {
            // No data (NaN), or next to it.
            continue;
        }
        if params.transfer.z != 0.0 && v < window.z && v > window.w {
            continue;
        }
        let t = clamp((v - window.x) / span, 0.0, 1.0);
        var strength = t;
        if params.transfer.y != 0.0 {
            let z = clamp((params.zero.x - window.x) / span, 0.0, 1.0);
            strength = abs(t - z) / max(max(z, 1.0 - z), 1e-6);
        }
        if strength <= 0.0 {
            continue;
        }
        let entry = min(u32(t * 256.0), 255u);
        let c = textureLoad(colormaps, vec2<u32>(entry, row), 0).rgb;
        let a = clamp(strength * strength * params.transfer.x * step, 0.0, 1.0);
        color += (1.0 - alpha) * a * c;
        alpha += (1.0 - alpha) * a;
        if alpha > 0.98 {
            break;
        }
    }
    if alpha <= 0.001 {
        discard;
    }
    // Premultiplied: colour already carries its coverage.
    return vec4<f32>(srgb_from_linear(color / alpha) * alpha, alpha);
}
