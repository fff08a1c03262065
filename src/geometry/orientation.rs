//! Which way a mesh's triangles face. A closed mesh whose triangles all agree on their winding
//! can be drawn with back faces culled (half the rasterisation); anything else, an open sheet
//! or a mesh with mixed winding, must be drawn two-sided.

use glam::Vec3;
use rayon::prelude::*;

/// The facing of a triangle mesh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    /// Closed, consistently wound, counter-clockwise seen from outside.
    Outward,
    /// Closed, consistently wound, clockwise seen from outside.
    Inward,
    /// Open, non-manifold, or inconsistently wound.
    Mixed,
}

/// Classifies a mesh: closed and consistent when every directed edge appears exactly once and
/// its reverse appears too; outward or inward by the sign of the enclosed volume.
pub fn orientation(positions: &[Vec3], triangles: &[[u32; 3]]) -> Orientation {
    if triangles.is_empty() {
        return Orientation::Mixed;
    }
    let key = |a: u32, b: u32| (u64::from(a) << 32) | u64::from(b);
    let mut edges: Vec<u64> = triangles
        .par_iter()
        .flat_map_iter(|&[a, b, c]| [key(a, b), key(b, c), key(c, a)])
        .collect();
    edges.par_sort_unstable();
    let unique = edges.windows(2).all(|w| w[0] != w[1]);
    let closed = unique
        && edges.par_iter().all(|&e| {
            edges
                .binary_search(&key(e as u32, (e >> 32) as u32))
                .is_ok()
        });
    if !closed {
        return Orientation::Mixed;
    }
    let volume: f64 = triangles
        .par_iter()
        .map(|&[a, b, c]| {
            let [p, q, r] = [a, b, c].map(|i| {
                positions
                    .get(i as usize)
                    .copied()
                    .unwrap_or(Vec3::ZERO)
                    .as_dvec3()
            });
            p.dot(q.cross(r))
        })
        .sum();
    if volume > 0.0 {
        Orientation::Outward
    } else if volume < 0.0 {
        Orientation::Inward
    } else {
        Orientation::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tetrahedron() -> (Vec<Vec3>, Vec<[u32; 3]>) {
        let p = vec![Vec3::ZERO, Vec3::X, Vec3::Y, Vec3::Z];
        // Counter-clockwise seen from outside.
        let t = vec![[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]];
        (p, t)
    }

    #[test]
    fn a_closed_outward_mesh_is_outward_and_flipping_makes_it_inward() {
        let (p, mut t) = tetrahedron();
        assert_eq!(orientation(&p, &t), Orientation::Outward);
        t.iter_mut().for_each(|tri| tri.swap(1, 2));
        assert_eq!(orientation(&p, &t), Orientation::Inward);
    }

    #[test]
    fn open_or_inconsistent_meshes_are_mixed() {
        let (p, mut t) = tetrahedron();
        t.pop();
        assert_eq!(orientation(&p, &t), Orientation::Mixed, "open");
        let (p, mut t) = tetrahedron();
        t[0].swap(1, 2);
        assert_eq!(
            orientation(&p, &t),
            Orientation::Mixed,
            "one triangle flipped"
        );
        assert_eq!(orientation(&p, &[]), Orientation::Mixed);
    }
}
