// Signal traces (after rows.wgsl). The trace browser reduces every row to a vertical span per
// pixel column: the pixels a one-pixel line through its samples would cover there (zoomed
// in), or the min/max envelope of the samples under the column (zoomed out). A texel holds a
// column's top and bottom in view pixels (+inf/-inf where the row has no trace); each instance
// is a chunk of columns of one row, drawn as its bounding box, and this shader keeps the
// pixels inside the column's span.

@group(0) @binding(1) var spans: texture_2d<f32>;

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let column = u32(floor(in.clip_position.x));
    let span = textureLoad(spans, vec2<u32>(column, in.row), 0).xy;
    // Pixel j (centre j + 0.5) covers [j, j + 1): drawn when that meets [top, bottom].
    let y = in.clip_position.y;
    if (!(y + 0.5 > span.x && y - 0.5 <= span.y)) {
        discard;
    }
    return vec4<f32>(in.color.rgb * in.color.a, in.color.a);
}
