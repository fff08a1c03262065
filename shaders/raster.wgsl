// Spike rasters. Every spike of every row has been counted into its pixel column on the CPU
// (a texture of counts: one texel per column and row); each row is one instanced quad, and the
// fragment shader draws a tick where its column holds spikes, more opaque where it holds more.
// Hours of millions of spikes cost what a few milliseconds do: one quad per row and one texel
// fetch per pixel. Colours are sRGB-encoded straight alpha; output is premultiplied.

struct View {
    // Width and height of the view in pixels, and the count at which a tick is fully opaque.
    size: vec4<f32>,
};

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var counts: texture_2d<u32>;

struct VertexOut {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec4<f32>,
    @location(1) @interpolate(flat) row: u32,
};

@vertex
fn vs_main(
    @builtin(vertex_index) corner: u32,
    // x0, y0, x1, y1 of the row's box in view pixels.
    @location(0) bounds: vec4<f32>,
    @location(1) row: u32,
    @location(2) color: vec4<f32>,
) -> VertexOut {
    var corners = array<vec2<f32>, 6>(
        bounds.xy, bounds.zy, bounds.zw,
        bounds.xy, bounds.zw, bounds.xw,
    );
    let p = corners[corner];
    var out: VertexOut;
    out.clip_position = vec4<f32>(p.x / view.size.x * 2.0 - 1.0, 1.0 - p.y / view.size.y * 2.0, 0.5, 1.0);
    out.color = color;
    out.row = row;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let column = u32(floor(in.clip_position.x));
    let n = textureLoad(counts, vec2<u32>(column, in.row), 0).x;
    if (n == 0u) {
        discard;
    }
    // One spike is a clear tick in the row's colour; denser columns (zoomed out) grow
    // brighter towards white, logarithmically, saturating at `full` spikes per column.
    let full = max(view.size.z, 2.0);
    let density = clamp(log2(f32(n)) / log2(full), 0.0, 1.0);
    let rgb = mix(in.color.rgb, vec3<f32>(1.0, 1.0, 1.0), 0.55 * density);
    let a = in.color.a;
    return vec4<f32>(rgb * a, a);
}
