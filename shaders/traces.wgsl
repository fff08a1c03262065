// Signal traces. The trace browser reduces every row to a vertical span per pixel column: the
// pixels a one-pixel line through its samples would cover there (zoomed in), or the min/max
// envelope of the samples under the column (zoomed out). Spans live in a texture (one texel
// per column and row: top and bottom in view pixels, +inf/-inf where the row has no trace).
// Each instance is a chunk of columns of one row, drawn as its bounding box; the fragment
// shader keeps the pixels inside the column's span. A few thousand quads instead of hundreds
// of thousands of lines: fast on software rasterisers (lavapipe) and GPUs alike.
// Colours are sRGB-encoded straight alpha; output is premultiplied.

struct View {
    // Width and height of the view in pixels.
    size: vec4<f32>,
};

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var spans: texture_2d<f32>;

struct VertexOut {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec4<f32>,
    @location(1) @interpolate(flat) row: u32,
};

@vertex
fn vs_main(
    @builtin(vertex_index) corner: u32,
    // x0, y0, x1, y1 of the chunk's box in view pixels.
    @location(0) bounds: vec4<f32>,
    @location(1) row: u32,
    @location(2) color: vec4<f32>,
) -> VertexOut {
    // Two triangles: (0, 1, 2), (0, 2, 3) of the corners (x0,y0) (x1,y0) (x1,y1) (x0,y1).
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
    let span = textureLoad(spans, vec2<u32>(column, in.row), 0).xy;
    // Pixel j (centre j + 0.5) covers [j, j + 1): drawn when that meets [top, bottom].
    let y = in.clip_position.y;
    if (!(y + 0.5 > span.x && y - 0.5 <= span.y)) {
        discard;
    }
    return vec4<f32>(in.color.rgb * in.color.a, in.color.a);
}
