// The vertex stage shared by the trace browser and the spike raster (prepended to
// traces.wgsl and raster.wgsl). Each view reduces its rows to one texel per pixel column and
// row (a trace's span, a column's spike count) in a texture at binding 1; each instance is a
// box in view pixels over one row, and the view's fragment shader reads the texel under each
// pixel to decide what to draw. A few hundred or thousand quads instead of hundreds of
// thousands of primitives: fast on software rasterisers (lavapipe) and GPUs alike.
// Colours are sRGB-encoded straight alpha; outputs are premultiplied.

struct View {
    // Width and height of the view in pixels, then two values for the fragment stage.
    size: vec4<f32>,
};

@group(0) @binding(0) var<uniform> view: View;

struct VertexOut {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec4<f32>,
    @location(1) @interpolate(flat) row: u32,
};

@vertex
fn vs_main(
    @builtin(vertex_index) corner: u32,
    // x0, y0, x1, y1 of the box in view pixels.
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
