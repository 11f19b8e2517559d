//! The one topological order behind every ordering across tables: tables
//! created parents first, altered parents first, dropped children first
//! (the reverse). Kahn's algorithm, with ties broken by a key (the table's
//! name) so the order does not depend on the order tables were listed in.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The nodes `0..keys.len()` in an order where each comes after the nodes
/// it depends on, as far as cycles allow. `edges` are `(node, dependency)`
/// pairs; a node depending on itself, and pairs naming no node, are
/// ignored, and a repeated pair counts once per repetition.
///
/// Of the nodes whose dependencies are all placed, the one with the least
/// key goes first (equal keys: the lower index). When none is free — the
/// rest sits on or behind a cycle — the unplaced node with the least key is
/// placed anyway, which breaks the cycle there; callers handle what that
/// node still waits for (the diff adds a created table's foreign keys into
/// tables created after it once they exist).
///
/// `O(V log V + E)`: each node and edge is handled once; the logarithm is
/// the tie-break's.
pub fn dependencies_first<K: Ord>(keys: &[K], edges: &[(usize, usize)]) -> Vec<usize> {
    let n = keys.len();
    // Nodes in key order, and each node's rank in it: the ready set then
    // compares ranks, not keys.
    let mut by_key: Vec<usize> = (0..n).collect();
    by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
    let mut rank = vec![0; n];
    for (r, &node) in by_key.iter().enumerate() {
        rank[node] = r;
    }
    let mut waiting = vec![0usize; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(node, dependency) in edges {
        if node != dependency && node < n && dependency < n {
            waiting[node] += 1;
            dependents[dependency].push(node);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&node| waiting[node] == 0)
        .map(|node| Reverse(rank[node]))
        .collect();
    let mut placed = vec![false; n];
    // Where the search for a cycle's least unplaced node resumes: nodes
    // before it in key order are all placed.
    let mut unplaced_from = 0;
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let node = match ready.pop() {
            Some(Reverse(r)) => by_key[r],
            None => {
                while placed[by_key[unplaced_from]] {
                    unplaced_from += 1;
                }
                by_key[unplaced_from]
            }
        };
        placed[node] = true;
        order.push(node);
        for &dependent in &dependents[node] {
            waiting[dependent] -= 1;
            if waiting[dependent] == 0 && !placed[dependent] {
                ready.push(Reverse(rank[dependent]));
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order by a step-by-step search: at each step the least-key node
    /// whose dependencies are placed, else the least-key unplaced one
    /// (quadratic; what [`dependencies_first`] must agree with).
    fn by_search<K: Ord>(keys: &[K], edges: &[(usize, usize)]) -> Vec<usize> {
        let n = keys.len();
        let mut by_key: Vec<usize> = (0..n).collect();
        by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        let mut placed = vec![false; n];
        let mut order = Vec::new();
        while order.len() < n {
            let free = |node: usize| {
                edges
                    .iter()
                    .filter(|&&(m, d)| m == node && d != node && d < n)
                    .all(|&(_, d)| placed[d])
            };
            let unplaced = by_key.iter().copied().filter(|&node| !placed[node]);
            let node = unplaced
                .clone()
                .find(|&node| free(node))
                .or_else(|| unplaced.clone().next())
                .unwrap();
            placed[node] = true;
            order.push(node);
        }
        order
    }

    #[test]
    fn a_chain_runs_from_its_root() {
        // t0 <- t1 <- t2 <- t3, listed children first.
        let keys = ["t3", "t2", "t1", "t0"];
        let edges = [(0, 1), (1, 2), (2, 3)];
        assert_eq!(dependencies_first(&keys, &edges), [3, 2, 1, 0]);
    }

    #[test]
    fn a_diamond_puts_the_shared_parent_first_and_the_join_last() {
        // d depends on b and c, which both depend on a.
        let keys = ["d", "c", "b", "a"];
        let edges = [(0, 1), (0, 2), (1, 3), (2, 3)];
        assert_eq!(dependencies_first(&keys, &edges), [3, 2, 1, 0]);
    }

    #[test]
    fn a_cycle_is_broken_at_the_least_key_left() {
        // x -> y -> z -> x, and w waiting on the cycle, v free.
        let keys = ["y", "w", "x", "z", "v"];
        let edges = [(2, 0), (0, 3), (3, 2), (1, 2)];
        let order = dependencies_first(&keys, &edges);
        // v is free. Then nothing is: the least key left, w, goes (its
        // dependency x still unplaced), then x, which frees z, then y.
        assert_eq!(order, [4, 1, 2, 3, 0]);
        assert_eq!(order, by_search(&keys, &edges));
    }

    #[test]
    fn ties_follow_the_keys_not_the_listing() {
        let keys = ["b", "c", "a"];
        assert_eq!(dependencies_first(&keys, &[]), [2, 0, 1]);
        // Equal keys keep their listing order.
        assert_eq!(dependencies_first(&["k", "k", "a"], &[]), [2, 0, 1]);
        // The same graph listed otherwise gives the same names in order.
        let names = |keys: &[&str], edges: &[(usize, usize)]| -> Vec<String> {
            dependencies_first(keys, edges)
                .into_iter()
                .map(|i| keys[i].to_string())
                .collect()
        };
        assert_eq!(
            names(&["p", "b", "a"], &[(1, 0), (2, 0)]),
            names(&["a", "b", "p"], &[(0, 2), (1, 2)])
        );
    }

    #[test]
    fn self_edges_repeats_and_strays_are_harmless() {
        let keys = ["a", "b"];
        let edges = [(0, 0), (1, 0), (1, 0), (7, 0), (0, 9)];
        assert_eq!(dependencies_first(&keys, &edges), [0, 1]);
        assert_eq!(dependencies_first::<&str>(&[], &[]), Vec::<usize>::new());
    }

    #[test]
    fn agrees_with_the_step_by_step_search() {
        // Small graphs from a fixed pseudo-random sequence: chains, cycles,
        // repeats and shared keys all occur.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for _ in 0..500 {
            let n = 1 + next(9);
            let keys: Vec<usize> = (0..n).map(|_| next(6)).collect();
            let edges: Vec<(usize, usize)> = (0..next(3 * n)).map(|_| (next(n), next(n))).collect();
            assert_eq!(
                dependencies_first(&keys, &edges),
                by_search(&keys, &edges),
                "{keys:?} {edges:?}"
            );
        }
    }

    #[test]
    fn a_long_chain_is_linear() {
        let n = 100_000;
        let keys: Vec<usize> = (0..n).rev().collect();
        let edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i + 1, i)).collect();
        let order = dependencies_first(&keys, &edges);
        assert_eq!(order.first(), Some(&0));
        assert_eq!(order.last(), Some(&(n - 1)));
    }
}
