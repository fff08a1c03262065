//! Shows a render view's offscreen texture in egui: registers it once as a native texture and
//! re-points the same egui texture id at the new texture after a resize.

use crate::render::ViewTarget;

/// An offscreen view and the egui texture that shows it.
pub struct BridgedView {
    pub target: ViewTarget,
    pub texture_id: egui::TextureId,
}

impl BridgedView {
    /// Makes sure a target of `size` pixels exists and is registered with egui.
    pub fn ensure(
        slot: &mut Option<BridgedView>,
        render_state: &egui_wgpu::RenderState,
        size: [u32; 2],
    ) {
        let max_side = render_state.device.limits().max_texture_dimension_2d;
        let size = [size[0].clamp(1, max_side), size[1].clamp(1, max_side)];
        match slot {
            Some(view) if view.target.size == size => {}
            Some(view) => {
                view.target = ViewTarget::new(&render_state.device, size);
                render_state
                    .renderer
                    .write()
                    .update_egui_texture_from_wgpu_texture(
                        &render_state.device,
                        view.target.texture_view(),
                        wgpu::FilterMode::Linear,
                        view.texture_id,
                    );
            }
            None => {
                let target = ViewTarget::new(&render_state.device, size);
                let texture_id = render_state.renderer.write().register_native_texture(
                    &render_state.device,
                    target.texture_view(),
                    wgpu::FilterMode::Linear,
                );
                *slot = Some(BridgedView { target, texture_id });
            }
        }
    }
}
