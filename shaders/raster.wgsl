// Spike rasters (after rows.wgsl). Every spike of every row has been counted into its pixel
// column on the CPU (a texture of counts: one texel per column and row); each row is one quad,
// and this shader draws a tick where its column holds spikes. Hours of millions of spikes cost
// what a few milliseconds do: one quad per row and one texel fetch per pixel. `view.size.z` is
// the count drawn brightest.

@group(0) @binding(1) var counts: texture_2d<u32>;

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
