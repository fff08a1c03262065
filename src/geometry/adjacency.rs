//! Which vertices share an edge: a compressed-sparse-row (CSR) neighbour table.
//!
//! Built once per mesh and read by smoothing and curvature. It holds vertex–vertex adjacency
//! only (no half-edges, no vertex–face lists), each neighbour once, sorted by index.

use rayon::prelude::*;

/// The neighbours of every vertex of a triangle mesh.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VertexAdjacency {
    /// Neighbours of vertex `v` are `neighbors[offsets[v]..offsets[v + 1]]`.
    offsets: Vec<usize>,
    neighbors: Vec<u32>,
}

impl VertexAdjacency {
    /// Builds the table for `n_vertices` vertices. Triangles that refer to a vertex `>=
    /// n_vertices` are skipped, so a bad index from a file cannot cause a panic here.
    pub fn new(n_vertices: usize, triangles: &[[u32; 3]]) -> Self {
        let valid = |t: &&[u32; 3]| t.iter().all(|&v| (v as usize) < n_vertices);
        // Each triangle gives each of its corners two neighbours; duplicates are removed below.
        let mut degree = vec![0usize; n_vertices];
        for t in triangles.iter().filter(valid) {
            for &v in t {
                degree[v as usize] += 2;
            }
        }
        let mut offsets = exclusive_prefix_sum(&degree);
        let mut neighbors = vec![0u32; offsets[n_vertices]];
        let mut fill = offsets.clone();
        for t in triangles.iter().filter(valid) {
            for k in 0..3 {
                let (v, a, b) = (t[k], t[(k + 1) % 3], t[(k + 2) % 3]);
                let at = &mut fill[v as usize];
                neighbors[*at] = a;
                neighbors[*at + 1] = b;
                *at += 2;
            }
        }
        let unique_counts = sort_and_dedup_rows(&mut neighbors, &offsets);
        compact(&mut neighbors, &mut offsets, &unique_counts);
        Self { offsets, neighbors }
    }

    pub fn n_vertices(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The neighbours of `vertex`, sorted, each once.
    pub fn neighbors(&self, vertex: usize) -> &[u32] {
        &self.neighbors[self.offsets[vertex]..self.offsets[vertex + 1]]
    }

    pub fn degree(&self, vertex: usize) -> usize {
        self.offsets[vertex + 1] - self.offsets[vertex]
    }
}

fn exclusive_prefix_sum(counts: &[usize]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(counts.len() + 1);
    let mut total = 0;
    offsets.push(0);
    for &c in counts {
        total += c;
        offsets.push(total);
    }
    offsets
}

/// Sorts and deduplicates each row in place (in parallel); returns each row's unique count.
fn sort_and_dedup_rows(neighbors: &mut [u32], offsets: &[usize]) -> Vec<usize> {
    let mut rows = Vec::with_capacity(offsets.len().saturating_sub(1));
    let mut rest = neighbors;
    for w in offsets.windows(2) {
        let (row, tail) = rest.split_at_mut(w[1] - w[0]);
        rows.push(row);
        rest = tail;
    }
    rows.into_par_iter()
        .with_min_len(1024)
        .map(|row| {
            row.sort_unstable();
            let mut unique = 0;
            for i in 0..row.len() {
                if i == 0 || row[i] != row[unique - 1] {
                    row[unique] = row[i];
                    unique += 1;
                }
            }
            unique
        })
        .collect()
}

/// Moves each row's unique prefix down so the rows are contiguous again.
fn compact(neighbors: &mut Vec<u32>, offsets: &mut [usize], unique_counts: &[usize]) {
    let mut write = 0;
    for (v, &count) in unique_counts.iter().enumerate() {
        let read = offsets[v];
        neighbors.copy_within(read..read + count, write);
        offsets[v] = write;
        write += count;
    }
    if let Some(last) = offsets.last_mut() {
        *last = write;
    }
    neighbors.truncate(write);
    neighbors.shrink_to_fit();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tetrahedron_vertices_see_the_three_others() {
        let triangles = [[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]];
        let adjacency = VertexAdjacency::new(4, &triangles);
        assert_eq!(adjacency.n_vertices(), 4);
        assert_eq!(adjacency.neighbors(0), &[1, 2, 3]);
        assert_eq!(adjacency.neighbors(3), &[0, 1, 2]);
        assert_eq!(adjacency.degree(2), 3);
    }

    #[test]
    fn isolated_vertices_and_bad_triangles() {
        // Vertex 3 is unused; the last triangle points past the end and is skipped.
        let triangles = [[0, 1, 2], [0, 1, 9]];
        let adjacency = VertexAdjacency::new(4, &triangles);
        assert_eq!(adjacency.neighbors(0), &[1, 2]);
        assert!(adjacency.neighbors(3).is_empty());
    }

    #[test]
    fn empty_mesh() {
        let adjacency = VertexAdjacency::new(0, &[]);
        assert_eq!(adjacency.n_vertices(), 0);
    }
}
