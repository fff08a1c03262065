//! Ray–mesh picking for clicks and hover in 3D views.
//!
//! [`PickAccel`] is a bounding-volume hierarchy over a mesh's triangles (a linear BVH: Morton
//! order, built in parallel), made once per mesh and reused for every ray; [`PickAccel::pick`]
//! returns the nearest hit with its barycentric coordinates and nearest vertex. The accelerator
//! stores triangle numbers, not geometry: pass it the same positions and triangles it was built
//! from, and rebuild it when vertices move. Both sides of a triangle are hit (a closed surface's
//! nearest hit faces the viewer anyway). No GPU picking and no nearest-point queries off the ray.

use glam::Vec3;
use rayon::prelude::*;

/// Where a ray first meets the mesh.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Index into the mesh's triangle list.
    pub triangle: usize,
    /// The hit point, in the mesh's coordinates.
    pub point: Vec3,
    /// Distance from the ray origin, in the mesh's units.
    pub distance: f32,
    /// Weights of the triangle's three vertices at `point` (they sum to 1).
    pub barycentric: [f32; 3],
    /// The triangle's vertex closest to `point`.
    pub nearest_vertex: u32,
}

/// A BVH over the triangles of one mesh.
#[derive(Clone, Debug, Default)]
pub struct PickAccel {
    nodes: Vec<Node>,
    /// Triangle numbers, grouped so that each leaf owns a contiguous range.
    order: Vec<u32>,
}

/// A box around a subtree. Inner nodes (`count == 0`) have their first child right after
/// themselves (depth-first layout) and their second child at `first`; leaves own
/// `order[first..first + count]`.
#[derive(Clone, Copy, Debug)]
struct Node {
    min: Vec3,
    max: Vec3,
    first: u32,
    count: u32,
}

/// Ranges this small become leaves.
const LEAF_SIZE: usize = 4;
/// Subtrees smaller than this are built on the current thread.
const PARALLEL_MIN_TRIANGLES: usize = 16 * 1024;

impl PickAccel {
    /// Builds the hierarchy. Triangles that refer to a vertex past the end of `positions` or have
    /// a non-finite coordinate are left out (they can never be hit).
    pub fn build(positions: &[Vec3], triangles: &[[u32; 3]]) -> Self {
        let items: Vec<Item> = triangles
            .par_iter()
            .enumerate()
            .filter_map(|(i, t)| Item::of(positions, t, i as u32))
            .collect();
        if items.is_empty() {
            return Self::default();
        }
        let (codes, items) = sort_along_morton_curve(items);
        let nodes = build_parallel(&items, &codes, 0);
        let order = items.iter().map(|i| i.triangle).collect();
        Self { nodes, order }
    }

    /// The nearest point where the ray `origin + t · dir` (t ≥ 0) meets the mesh, if any.
    /// `dir` need not be normalised; a zero or non-finite ray hits nothing.
    pub fn pick(
        &self,
        positions: &[Vec3],
        triangles: &[[u32; 3]],
        origin: Vec3,
        dir: Vec3,
    ) -> Option<Hit> {
        let ray = Ray::new(origin, dir)?;
        let best = self.nearest(&ray, positions, triangles)?;
        let corners = triangle_corners(positions, triangles, best.triangle)?;
        Some(make_hit(&ray, triangles, &best, corners))
    }

    /// Depth-first, nearer child first, skipping boxes behind the best hit so far.
    fn nearest(&self, ray: &Ray, positions: &[Vec3], triangles: &[[u32; 3]]) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        let mut stack: Vec<u32> = Vec::with_capacity(64);
        if !self.nodes.is_empty() {
            stack.push(0);
        }
        while let Some(index) = stack.pop() {
            let node = &self.nodes[index as usize];
            let t_max = best.as_ref().map_or(f32::INFINITY, |b| b.distance);
            if ray.box_entry(node.min, node.max, t_max).is_none() {
                continue;
            }
            if node.count == 0 {
                self.push_children_far_first(ray, index, t_max, &mut stack);
                continue;
            }
            let leaf = &self.order[node.first as usize..(node.first + node.count) as usize];
            for &t in leaf {
                let Some(corners) = triangle_corners(positions, triangles, t as usize) else {
                    continue;
                };
                if let Some((distance, u, v)) = ray.hit_triangle(corners)
                    && best.as_ref().is_none_or(|b| distance < b.distance)
                {
                    best = Some(Candidate {
                        distance,
                        triangle: t as usize,
                        u,
                        v,
                    });
                }
            }
        }
        best
    }

    /// Pushes the children the ray enters, the nearer last so that it is visited first.
    fn push_children_far_first(&self, ray: &Ray, index: u32, t_max: f32, stack: &mut Vec<u32>) {
        let near = index + 1;
        let far = self.nodes[index as usize].first;
        let entry = |i: u32| {
            let n = &self.nodes[i as usize];
            ray.box_entry(n.min, n.max, t_max)
        };
        match (entry(near), entry(far)) {
            (Some(a), Some(b)) if a <= b => stack.extend([far, near]),
            (Some(_), Some(_)) => stack.extend([near, far]),
            (Some(_), None) => stack.push(near),
            (None, Some(_)) => stack.push(far),
            (None, None) => {}
        }
    }

    /// Number of BVH nodes (for diagnostics).
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }
}

fn triangle_corners(positions: &[Vec3], triangles: &[[u32; 3]], t: usize) -> Option<[Vec3; 3]> {
    let [a, b, c] = triangles
        .get(t)?
        .map(|v| positions.get(v as usize).copied());
    Some([a?, b?, c?])
}

/// The best hit so far: distance along the ray and Möller–Trumbore's (u, v).
struct Candidate {
    distance: f32,
    triangle: usize,
    u: f32,
    v: f32,
}

fn make_hit(ray: &Ray, triangles: &[[u32; 3]], best: &Candidate, corners: [Vec3; 3]) -> Hit {
    let point = ray.origin + ray.dir * best.distance;
    let closest = (0..3)
        .min_by(|&i, &j| {
            point
                .distance_squared(corners[i])
                .total_cmp(&point.distance_squared(corners[j]))
        })
        .unwrap_or(0);
    Hit {
        triangle: best.triangle,
        point,
        distance: best.distance,
        barycentric: [1.0 - best.u - best.v, best.u, best.v],
        nearest_vertex: triangles[best.triangle][closest],
    }
}

struct Ray {
    origin: Vec3,
    dir: Vec3,
    inv_dir: Vec3,
}

impl Ray {
    /// `None` for a zero or non-finite direction or a non-finite origin.
    fn new(origin: Vec3, dir: Vec3) -> Option<Self> {
        let dir = dir.normalize_or_zero();
        (dir != Vec3::ZERO && origin.is_finite()).then(|| Self {
            origin,
            dir,
            inv_dir: dir.recip(),
        })
    }

    /// Slab test: where the ray enters the box, if it does before `t_max`.
    fn box_entry(&self, min: Vec3, max: Vec3, t_max: f32) -> Option<f32> {
        let t1 = (min - self.origin) * self.inv_dir;
        let t2 = (max - self.origin) * self.inv_dir;
        // f32::min/max skip the NaN of 0 · ∞ (ray in a slab's plane), which keeps the test sound.
        let enter = t1.min(t2).max_element().max(0.0);
        let exit = t1.max(t2).min_element().min(t_max);
        (enter <= exit).then_some(enter)
    }

    /// Möller–Trumbore, both sides: `(distance, u, v)` with the hit at a + u (b − a) + v (c − a).
    fn hit_triangle(&self, [a, b, c]: [Vec3; 3]) -> Option<(f32, f32, f32)> {
        let (e1, e2) = (b - a, c - a);
        let p = self.dir.cross(e2);
        let det = e1.dot(p);
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let inv_det = 1.0 / det;
        let s = self.origin - a;
        let u = s.dot(p) * inv_det;
        if !(0.0..=1.0).contains(&u) {
            return None;
        }
        let q = s.cross(e1);
        let v = self.dir.dot(q) * inv_det;
        if v < 0.0 || u + v > 1.0 {
            return None;
        }
        let t = e2.dot(q) * inv_det;
        (t >= 0.0).then_some((t, u, v))
    }
}

// ---------------------------------------------------------------------------------------------
// Building: a linear BVH (Lauterbach et al. 2009). Triangles are sorted along a Morton
// (Z-order) curve through their centroids; every node then splits its range where the highest
// differing code bit flips, which is a spatial median split found by binary search. Building
// is a sort plus linear work (tens of milliseconds for a million triangles), at the price of
// somewhat slower rays than a surface-area-heuristic tree: still microseconds per ray.

#[derive(Clone, Copy, Debug)]
struct Aabb {
    min: Vec3,
    max: Vec3,
}

impl Aabb {
    fn empty() -> Self {
        Self {
            min: Vec3::INFINITY,
            max: Vec3::NEG_INFINITY,
        }
    }

    fn union(self, other: Self) -> Self {
        Self {
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }
}

/// One triangle while building.
#[derive(Clone, Copy)]
struct Item {
    bounds: Aabb,
    triangle: u32,
}

impl Item {
    /// `None` for a triangle with a vertex past the end or a non-finite corner.
    fn of(positions: &[Vec3], t: &[u32; 3], triangle: u32) -> Option<Self> {
        let [a, b, c] = t.map(|v| positions.get(v as usize).copied());
        let (a, b, c) = (a?, b?, c?);
        if !(a.is_finite() && b.is_finite() && c.is_finite()) {
            return None;
        }
        let bounds = Aabb {
            min: a.min(b).min(c),
            max: a.max(b).max(c),
        };
        Some(Self { bounds, triangle })
    }

    fn centroid(&self) -> Vec3 {
        (self.bounds.min + self.bounds.max) * 0.5
    }
}

/// Sorts the items by the Morton code of their centroid; returns the sorted codes and items.
fn sort_along_morton_curve(items: Vec<Item>) -> (Vec<u64>, Vec<Item>) {
    let (lo, hi) = items
        .par_iter()
        .map(|i| (i.centroid(), i.centroid()))
        .reduce(
            || (Vec3::INFINITY, Vec3::NEG_INFINITY),
            |(a, b), (c, d)| (a.min(c), b.max(d)),
        );
    const STEPS: f32 = ((1u32 << 21) - 1) as f32;
    let scale = (hi - lo).recip() * STEPS;
    let mut keyed: Vec<(u64, u32)> = items
        .par_iter()
        .enumerate()
        .map(|(i, item)| {
            // A flat extent gives an infinite scale: NaN or ∞ saturate to 0 or STEPS in `as`.
            let q = ((item.centroid() - lo) * scale).min(Vec3::splat(STEPS));
            let code = spread_bits(q.x as u64)
                | spread_bits(q.y as u64) << 1
                | spread_bits(q.z as u64) << 2;
            (code, i as u32)
        })
        .collect();
    // Ties are ordered by triangle number, so the tree does not depend on the thread count.
    keyed.par_sort_unstable();
    let codes = keyed.iter().map(|k| k.0).collect();
    let sorted = keyed.par_iter().map(|&(_, i)| items[i as usize]).collect();
    (codes, sorted)
}

/// Puts the low 21 bits of `v` three bits apart (bit i moves to bit 3i).
fn spread_bits(v: u64) -> u64 {
    let mut x = v & 0x1f_ffff;
    x = (x | x << 32) & 0x001f_0000_0000_ffff;
    x = (x | x << 16) & 0x001f_0000_ff00_00ff;
    x = (x | x << 8) & 0x100f_00f0_0f00_f00f;
    x = (x | x << 4) & 0x10c3_0c30_c30c_30c3;
    x = (x | x << 2) & 0x1249_2492_4924_9249;
    x
}

/// Where to split a sorted range of codes: at the first code with the highest differing bit
/// set, or in the middle when all codes are equal.
fn split_point(codes: &[u64]) -> usize {
    let (first, last) = (codes[0], codes[codes.len() - 1]);
    if first == last {
        return codes.len() / 2;
    }
    let bit = 1u64 << (63 - (first ^ last).leading_zeros());
    // All codes share the bits above `bit`, so "bit clear" holds for a prefix of the range.
    codes.partition_point(|&c| c & bit == 0)
}

/// Builds the subtree over `items` (which start at `base` in the final order), splitting the
/// work across threads near the root. Child links are relative to the returned vector.
fn build_parallel(items: &[Item], codes: &[u64], base: usize) -> Vec<Node> {
    if items.len() < PARALLEL_MIN_TRIANGLES {
        let mut nodes = Vec::with_capacity(2 * items.len() / LEAF_SIZE + 1);
        build_sequential(items, codes, base, &mut nodes);
        return nodes;
    }
    let at = split_point(codes);
    let (left_nodes, right_nodes) = rayon::join(
        || build_parallel(&items[..at], &codes[..at], base),
        || build_parallel(&items[at..], &codes[at..], base + at),
    );
    let bounds = node_bounds(&left_nodes[0]).union(node_bounds(&right_nodes[0]));
    let right_start = 1 + left_nodes.len();
    let mut nodes = Vec::with_capacity(right_start + right_nodes.len());
    nodes.push(inner(bounds, right_start));
    append_shifted(&mut nodes, left_nodes, 1);
    append_shifted(&mut nodes, right_nodes, right_start);
    nodes
}

/// Appends a subtree built on its own, moving its child links by `offset`.
fn append_shifted(nodes: &mut Vec<Node>, subtree: Vec<Node>, offset: usize) {
    nodes.extend(subtree.into_iter().map(|mut n| {
        if n.count == 0 {
            n.first += offset as u32;
        }
        n
    }));
}

/// Builds the subtree over `items` depth-first into `nodes` (absolute child links); returns
/// its bounds.
fn build_sequential(items: &[Item], codes: &[u64], base: usize, nodes: &mut Vec<Node>) -> Aabb {
    let index = nodes.len();
    if items.len() <= LEAF_SIZE {
        let bounds = items.iter().fold(Aabb::empty(), |b, i| b.union(i.bounds));
        nodes.push(leaf(bounds, base, items.len()));
        return bounds;
    }
    nodes.push(inner(Aabb::empty(), 0));
    let at = split_point(codes);
    let left = build_sequential(&items[..at], &codes[..at], base, nodes);
    let right_index = nodes.len();
    let right = build_sequential(&items[at..], &codes[at..], base + at, nodes);
    let bounds = left.union(right);
    nodes[index] = inner(bounds, right_index);
    bounds
}

fn node_bounds(node: &Node) -> Aabb {
    Aabb {
        min: node.min,
        max: node.max,
    }
}

fn leaf(bounds: Aabb, first: usize, count: usize) -> Node {
    Node {
        min: bounds.min,
        max: bounds.max,
        first: first as u32,
        count: count as u32,
    }
}

fn inner(bounds: Aabb, second_child: usize) -> Node {
    Node {
        min: bounds.min,
        max: bounds.max,
        first: second_child as u32,
        count: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::marching_cubes::marching_cubes;

    /// A bumpy closed surface with some concavities, so rays hit it more than once.
    fn bumpy_mesh(n: usize) -> (Vec<Vec3>, Vec<[u32; 3]>) {
        let center = Vec3::splat(n as f32 / 2.0);
        let data: Vec<f32> = (0..n * n * n)
            .map(|i| {
                let p = Vec3::new((i % n) as f32, ((i / n) % n) as f32, (i / (n * n)) as f32);
                let d = p - center;
                n as f32 * 0.35 + 1.5 * (d.x * 0.5).sin() * (d.y * 0.4).cos() - d.length()
            })
            .collect();
        marching_cubes(&data, [n; 3], 0.0)
    }

    fn brute_force(
        positions: &[Vec3],
        triangles: &[[u32; 3]],
        origin: Vec3,
        dir: Vec3,
    ) -> Option<(f32, usize)> {
        let ray = Ray::new(origin, dir)?;
        (0..triangles.len())
            .filter_map(|t| {
                let corners = triangle_corners(positions, triangles, t)?;
                ray.hit_triangle(corners).map(|(d, _, _)| (d, t))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    struct Lcg(u64);
    impl Lcg {
        fn unit(&mut self) -> f32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 40) as f32 / (1u64 << 24) as f32
        }
        fn vec(&mut self) -> Vec3 {
            Vec3::new(self.unit(), self.unit(), self.unit()) * 2.0 - 1.0
        }
    }

    #[test]
    fn agrees_with_brute_force_on_random_rays() {
        let n = 28;
        let (positions, triangles) = bumpy_mesh(n);
        let accel = PickAccel::build(&positions, &triangles);
        let center = Vec3::splat(n as f32 / 2.0);
        let mut rng = Lcg(1);
        let mut hits = 0;
        for i in 0..400 {
            // Origins outside and inside the surface, aimed roughly at it.
            let origin = center + rng.vec() * if i % 4 == 0 { 3.0 } else { 20.0 };
            let target = center + rng.vec() * 8.0;
            let dir = target - origin;
            let fast = accel.pick(&positions, &triangles, origin, dir);
            let slow = brute_force(&positions, &triangles, origin, dir);
            match (fast, slow) {
                (Some(hit), Some((distance, triangle))) => {
                    hits += 1;
                    assert!(
                        (hit.distance - distance).abs() < 1e-4,
                        "{hit:?} vs {distance}"
                    );
                    if hit.triangle != triangle {
                        // Only acceptable when the ray passes through a shared edge or vertex.
                        assert!((hit.distance - distance).abs() < 1e-5);
                    }
                    let [a, b, c] = triangles[hit.triangle].map(|v| positions[v as usize]);
                    let [w0, w1, w2] = hit.barycentric;
                    assert!((w0 + w1 + w2 - 1.0).abs() < 1e-5);
                    assert!((a * w0 + b * w1 + c * w2).distance(hit.point) < 1e-3);
                    assert!(triangles[hit.triangle].contains(&hit.nearest_vertex));
                    assert!((origin + dir.normalize() * hit.distance).distance(hit.point) < 1e-4);
                }
                (None, None) => {}
                (fast, slow) => panic!("BVH {fast:?}, brute force {slow:?}"),
            }
        }
        assert!(hits > 300, "only {hits} hits");
    }

    #[test]
    fn hits_the_nearest_of_two_parallel_triangles() {
        let positions = [
            Vec3::new(-1.0, -1.0, 0.0),
            Vec3::new(1.0, -1.0, 0.0),
            Vec3::new(0.0, 1.0, 0.0),
            Vec3::new(-1.0, -1.0, 2.0),
            Vec3::new(1.0, -1.0, 2.0),
            Vec3::new(0.0, 1.0, 2.0),
        ];
        let triangles = [[0, 1, 2], [3, 4, 5]];
        let accel = PickAccel::build(&positions, &triangles);
        let hit = accel
            .pick(
                &positions,
                &triangles,
                Vec3::new(0.0, 0.0, 5.0),
                -Vec3::Z * 3.0,
            )
            .expect("hit");
        assert_eq!(hit.triangle, 1);
        assert!((hit.distance - 3.0).abs() < 1e-6);
        assert_eq!(hit.nearest_vertex, 5);
        let from_below = accel.pick(&positions, &triangles, Vec3::new(0.0, 0.0, -5.0), Vec3::Z);
        assert_eq!(from_below.map(|h| h.triangle), Some(0));
        let away = accel.pick(&positions, &triangles, Vec3::new(0.0, 0.0, 5.0), Vec3::Z);
        assert!(away.is_none());
    }

    #[test]
    fn degenerate_input_hits_nothing() {
        let accel = PickAccel::build(&[], &[]);
        assert!(accel.pick(&[], &[], Vec3::ZERO, Vec3::X).is_none());
        let positions = [Vec3::ZERO, Vec3::X, Vec3::Y];
        let triangles = [[0, 1, 2], [0, 1, 5]];
        let accel = PickAccel::build(&positions, &triangles);
        assert!(
            accel
                .pick(&positions, &triangles, Vec3::Z, Vec3::ZERO)
                .is_none()
        );
        let hit = accel.pick(&positions, &triangles, Vec3::new(0.2, 0.2, 1.0), -Vec3::Z);
        assert_eq!(hit.map(|h| h.triangle), Some(0));
        // A mesh changed after building must not make picking panic.
        assert!(
            accel
                .pick(
                    &positions[..2],
                    &triangles,
                    Vec3::new(0.2, 0.2, 1.0),
                    -Vec3::Z
                )
                .is_none()
        );
    }

    #[test]
    fn parallel_build_matches_brute_force_on_a_large_mesh() {
        let (positions, triangles) = bumpy_mesh(110);
        assert!(triangles.len() > 2 * PARALLEL_MIN_TRIANGLES);
        let accel = PickAccel::build(&positions, &triangles);
        let center = Vec3::splat(55.0);
        let mut rng = Lcg(9);
        for _ in 0..20 {
            let origin = center + rng.vec().normalize() * 60.0;
            let dir = center + rng.vec() * 10.0 - origin;
            let fast = accel
                .pick(&positions, &triangles, origin, dir)
                .map(|h| h.distance);
            let slow = brute_force(&positions, &triangles, origin, dir).map(|h| h.0);
            assert_eq!(fast.is_some(), slow.is_some());
            if let (Some(a), Some(b)) = (fast, slow) {
                assert!((a - b).abs() < 1e-4);
            }
        }
    }
}
