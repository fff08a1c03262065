//! Triangle meshes in world space (RAS+ millimetres).

use glam::Vec3;

/// Which cortical hemisphere a surface belongs to, when the file says so (GIfTI
/// `AnatomicalStructurePrimary`, FreeSurfer `lh.`/`rh.` names). Medial views show only the
/// hemisphere they name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hemisphere {
    Left,
    Right,
}

/// A triangle mesh. Positions are world coordinates in millimetres; triangles index into them
/// counter-clockwise when seen from outside.
#[derive(Clone, Debug, Default)]
pub struct Surface {
    pub name: String,
    pub positions: Vec<Vec3>,
    pub triangles: Vec<[u32; 3]>,
    pub hemisphere: Option<Hemisphere>,
}

impl Surface {
    pub fn n_vertices(&self) -> usize {
        self.positions.len()
    }

    pub fn n_faces(&self) -> usize {
        self.triangles.len()
    }

    /// Axis-aligned bounds `(min, max)`; `None` for an empty mesh.
    pub fn bounds(&self) -> Option<(Vec3, Vec3)> {
        let first = *self.positions.first()?;
        Some(
            self.positions
                .iter()
                .fold((first, first), |(lo, hi), &p| (lo.min(p), hi.max(p))),
        )
    }

    /// Checks that every triangle indexes an existing vertex and every position is finite.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.positions.len() as u64;
        if let Some((i, t)) = self
            .triangles
            .iter()
            .enumerate()
            .find(|(_, t)| t.iter().any(|&v| v as u64 >= n))
        {
            return Err(format!(
                "triangle {i} refers to vertex {} but the mesh has {n} vertices",
                t.iter().max().copied().unwrap_or(0)
            ));
        }
        if let Some(i) = self.positions.iter().position(|p| !p.is_finite()) {
            return Err(format!("vertex {i} has a non-finite coordinate"));
        }
        Ok(())
    }

    /// Guesses the hemisphere from a file name (`lh.pial`, `pial_left.gii`, `white.right.gii`).
    pub fn hemisphere_from_name(name: &str) -> Option<Hemisphere> {
        let lower = name.to_ascii_lowercase();
        let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
        if base.starts_with("lh.") || base.contains("left") || base.contains("hemi-l") {
            Some(Hemisphere::Left)
        } else if base.starts_with("rh.") || base.contains("right") || base.contains("hemi-r") {
            Some(Hemisphere::Right)
        } else {
            None
        }
    }
}
