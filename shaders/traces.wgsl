// Signal traces: one-pixel line segments given in view pixels (the trace browser builds them
// from raw samples when zoomed in, from min/max envelopes when zoomed out), each vertex with its
// own colour. Colours are sRGB-encoded straight alpha; output is premultiplied.

struct View {
    // Width and height of the view in pixels.
    size: vec4<f32>,
};

@group(0) @binding(0) var<uniform> view: View;

struct VertexOut {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec4<f32>,
};

@vertex
fn vs_main(@location(0) position: vec2<f32>, @location(1) color: vec4<f32>) -> VertexOut {
    var out: VertexOut;
    // Pixel centres: x + 0.5 so one-pixel lines land on whole pixels.
    let ndc = vec2<f32>(
        (position.x + 0.5) / view.size.x * 2.0 - 1.0,
        1.0 - (position.y + 0.5) / view.size.y * 2.0,
    );
    out.clip_position = vec4<f32>(ndc, 0.5, 1.0);
    out.color = color;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    return vec4<f32>(in.color.rgb * in.color.a, in.color.a);
}
