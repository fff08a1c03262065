//! The 3D camera: an orbit camera framed on what is visible, and the mouse/trackpad operations
//! on [`CameraState`].
//!
//! The Scene stores only orientation, target, zoom and field of view; distance and clipping
//! planes follow from the bounds of the visible surfaces, so that a standard view frames a brain
//! tightly in any window or figure size.

use glam::{Mat4, Quat, Vec2, Vec3};

use crate::model::CameraState;

/// Everything needed to project world points into a view of a given size.
#[derive(Clone, Copy, Debug)]
pub struct Camera {
    pub world_from_camera: Quat,
    pub eye: Vec3,
    pub target: Vec3,
    pub fov_y_rad: f32,
    pub aspect: f32,
    pub near: f32,
    pub far: f32,
    /// Horizontal squeeze and shift after projection, leaving a strip at the right of the view
    /// for the colorbar: `x_view = x_content * ndc_scale_x + ndc_offset_x` in NDC.
    pub ndc_scale_x: f32,
    pub ndc_offset_x: f32,
}

/// Margin around framed objects (fraction of the view's half size).
const FRAME_MARGIN: f32 = 1.06;

impl Camera {
    /// Frames the axis-aligned `bounds` (min, max) as `state` asks, for a view of `aspect`
    /// (width / height). Empty bounds frame a 100 mm box around the origin.
    pub fn frame(state: &CameraState, bounds: Option<(Vec3, Vec3)>, aspect: f32) -> Camera {
        Self::frame_with_margin(state, bounds, aspect, 0.0)
    }

    /// As [`Camera::frame`], keeping the rightmost `right_margin` (fraction of the view's width,
    /// below 0.5) free of content, for the colorbar.
    pub fn frame_with_margin(
        state: &CameraState,
        bounds: Option<(Vec3, Vec3)>,
        aspect: f32,
        right_margin: f32,
    ) -> Camera {
        let scale_x = 1.0 - right_margin.clamp(0.0, 0.5);
        let mut camera = Self::frame_content(state, bounds, aspect * scale_x);
        camera.ndc_scale_x = scale_x;
        camera.ndc_offset_x = scale_x - 1.0;
        camera
    }

    fn frame_content(state: &CameraState, bounds: Option<(Vec3, Vec3)>, aspect: f32) -> Camera {
        let (lo, hi) = bounds.unwrap_or((Vec3::splat(-50.0), Vec3::splat(50.0)));
        let centre = (lo + hi) * 0.5;
        let target = state.target_mm.unwrap_or(centre);
        let rotation = state.orientation.normalize();
        let camera_from_world = rotation.inverse();
        let fov_y = state.fov_deg.clamp(1.0, 120.0).to_radians();
        let aspect = if aspect.is_finite() && aspect > 0.0 {
            aspect
        } else {
            1.0
        };
        let tan_y = (fov_y * 0.5).tan();
        let tan_x = tan_y * aspect;

        // Distance at which every corner of the box fits, measured from the target.
        let mut distance: f32 = 1.0;
        let mut radius: f32 = 1.0;
        for i in 0..8 {
            let corner = Vec3::new(
                if i & 1 == 0 { lo.x } else { hi.x },
                if i & 2 == 0 { lo.y } else { hi.y },
                if i & 4 == 0 { lo.z } else { hi.z },
            );
            // Fit about the centre of the bounds, not the (panned) target, so that panning
            // moves the picture without changing its scale.
            let c = camera_from_world * (corner - centre);
            radius = radius.max((corner - target).length());
            // The corner sits at depth (distance - c.z) in front of the camera.
            let need_x = c.x.abs() * FRAME_MARGIN / tan_x + c.z;
            let need_y = c.y.abs() * FRAME_MARGIN / tan_y + c.z;
            distance = distance.max(need_x).max(need_y);
        }
        let zoom = if state.zoom.is_finite() {
            state.zoom.clamp(0.1, 50.0)
        } else {
            1.0
        };
        let fov_y_rad = 2.0 * (tan_y / zoom).atan();
        let eye = target + rotation * Vec3::Z * distance;
        let near = (distance - radius * 1.5).max(distance * 0.01).max(0.01);
        let far = distance + radius * 1.5;
        Camera {
            world_from_camera: rotation,
            eye,
            target,
            fov_y_rad,
            aspect,
            near,
            far,
            ndc_scale_x: 1.0,
            ndc_offset_x: 0.0,
        }
    }

    pub fn view_from_world(&self) -> Mat4 {
        Mat4::from_rotation_translation(self.world_from_camera, self.eye).inverse()
    }

    pub fn clip_from_view(&self) -> Mat4 {
        let squeeze = Mat4::from_translation(Vec3::new(self.ndc_offset_x, 0.0, 0.0))
            * Mat4::from_scale(Vec3::new(self.ndc_scale_x, 1.0, 1.0));
        squeeze
            * glam::camera::rh::proj::directx::perspective(
                self.fov_y_rad,
                self.aspect,
                self.near,
                self.far,
            )
    }

    pub fn clip_from_world(&self) -> Mat4 {
        self.clip_from_view() * self.view_from_world()
    }

    /// Direction of the key light: above and to the left of the viewer, in world space.
    pub fn light_direction(&self) -> Vec3 {
        self.world_from_camera * Vec3::new(-0.35, 0.45, 1.0).normalize()
    }

    /// The world-space ray through a point of the view given in normalised coordinates
    /// (0..1 from the top-left corner). Returns (origin, unit direction).
    pub fn ray(&self, uv: Vec2) -> (Vec3, Vec3) {
        let ndc = Vec2::new(
            ((uv.x * 2.0 - 1.0) - self.ndc_offset_x) / self.ndc_scale_x,
            1.0 - uv.y * 2.0,
        );
        let tan_y = (self.fov_y_rad * 0.5).tan();
        let dir_camera = Vec3::new(ndc.x * tan_y * self.aspect, ndc.y * tan_y, -1.0);
        (self.eye, (self.world_from_camera * dir_camera).normalize())
    }

    /// Projects a world point to normalised view coordinates (0..1 from the top-left);
    /// `None` behind the camera.
    pub fn project(&self, world: Vec3) -> Option<Vec2> {
        let clip = self.clip_from_world() * world.extend(1.0);
        (clip.w > 0.0).then(|| {
            let ndc = clip.truncate() / clip.w;
            Vec2::new(ndc.x * 0.5 + 0.5, 0.5 - ndc.y * 0.5)
        })
    }

    /// World-space size of one view-height unit at the target's depth (for panning).
    pub fn world_per_view_height(&self) -> f32 {
        2.0 * (self.eye - self.target).length() * (self.fov_y_rad * 0.5).tan()
    }
}

/// Orbits: a horizontal drag turns the brain around the world's vertical (superior) axis, a
/// vertical drag tilts it about the screen's horizontal axis. `delta` is in view heights.
pub fn orbit(state: &mut CameraState, delta: Vec2) {
    let yaw = Quat::from_rotation_z(-delta.x * std::f32::consts::PI);
    let right = state.orientation * Vec3::X;
    let pitch = Quat::from_axis_angle(right, -delta.y * std::f32::consts::PI);
    state.orientation = (yaw * pitch * state.orientation).normalize();
    state.view = None;
}

/// Pans so that the content follows the pointer. `delta` is in view heights.
pub fn pan(state: &mut CameraState, camera: &Camera, delta: Vec2) {
    let scale = camera.world_per_view_height();
    let right = state.orientation * Vec3::X;
    let up = state.orientation * Vec3::Y;
    let target = state.target_mm.unwrap_or(camera.target);
    state.target_mm = Some(target - right * delta.x * scale + up * delta.y * scale);
    state.view = None;
}

/// Multiplies the zoom by `factor`, within sensible limits.
pub fn zoom(state: &mut CameraState, factor: f32) {
    if factor.is_finite() && factor > 0.0 {
        state.zoom = (state.zoom * factor).clamp(0.1, 50.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StandardView;

    #[test]
    fn framed_box_projects_inside_the_view() {
        let bounds = (Vec3::new(-70.0, -100.0, -50.0), Vec3::new(0.0, 70.0, 80.0));
        for view in StandardView::ALL {
            let cam = Camera::frame(&CameraState::from_view(view), Some(bounds), 1.5);
            for i in 0..8 {
                let p = Vec3::new(
                    if i & 1 == 0 { bounds.0.x } else { bounds.1.x },
                    if i & 2 == 0 { bounds.0.y } else { bounds.1.y },
                    if i & 4 == 0 { bounds.0.z } else { bounds.1.z },
                );
                let uv = cam.project(p).unwrap();
                assert!(
                    uv.min_element() >= 0.0 && uv.max_element() <= 1.0,
                    "{view:?} {uv}"
                );
            }
        }
    }

    #[test]
    fn ray_through_projected_point_hits_it() {
        let cam = Camera::frame(&CameraState::default(), None, 1.0);
        let p = Vec3::new(-10.0, 20.0, 5.0);
        let (o, d) = cam.ray(cam.project(p).unwrap());
        let closest = o + d * (p - o).dot(d);
        assert!((closest - p).length() < 1e-3);
    }

    #[test]
    fn a_colorbar_margin_keeps_content_out_of_the_strip() {
        let bounds = (Vec3::splat(-60.0), Vec3::splat(60.0));
        let cam = Camera::frame_with_margin(&CameraState::default(), Some(bounds), 1.0, 0.2);
        for i in 0..8 {
            let p = Vec3::new(
                if i & 1 == 0 { -60.0 } else { 60.0 },
                if i & 2 == 0 { -60.0 } else { 60.0 },
                if i & 4 == 0 { -60.0 } else { 60.0 },
            );
            let uv = cam.project(p).unwrap();
            assert!(uv.x <= 0.8 && uv.x >= 0.0, "{uv}");
            let (o, d) = cam.ray(uv);
            assert!((o + d * (p - o).dot(d) - p).length() < 1e-2);
        }
    }

    #[test]
    fn left_lateral_looks_from_the_left() {
        let cam = Camera::frame(&CameraState::default(), None, 1.0);
        assert!(cam.eye.x < -50.0);
    }
}
