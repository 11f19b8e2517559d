//! Running chunks of read work on a small pool of connections at once.

use std::thread;

use mysql::Conn;
use shadowsync_core::Result;

use crate::endpoint::Endpoint;

/// Runs `work` once per chunk, each chunk on its own connection of `conns`
/// (grown to `chunks.len()` connections, the extra ones kept for next
/// time), and returns the results in chunk order. A single chunk runs on
/// `conns[0]` in the calling thread.
pub(crate) fn on_connections<J, T, F>(
    endpoint: &Endpoint,
    conns: &mut Vec<Conn>,
    chunks: Vec<J>,
    work: F,
) -> Result<Vec<T>>
where
    J: Send,
    T: Send,
    F: Fn(&mut Conn, J) -> Result<T> + Sync,
{
    if chunks.len() <= 1 {
        return chunks
            .into_iter()
            .map(|chunk| work(&mut conns[0], chunk))
            .collect();
    }
    grow_pool(endpoint, conns, chunks.len())?;
    let work = &work;
    let results: Vec<Result<T>> = thread::scope(|s| {
        let handles: Vec<_> = conns
            .iter_mut()
            .zip(chunks)
            .map(|(conn, chunk)| s.spawn(move || work(conn, chunk)))
            .collect();
        handles.into_iter().map(join).collect()
    });
    let mut values = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(e) => {
                // A failed connection may be unusable: start the pool afresh next time.
                conns.truncate(1);
                return Err(e);
            }
        }
    }
    Ok(values)
}

/// `items` split into one chunk per connection, as evenly as possible, each
/// chunk holding at least `min_per_connection` items where there are enough
/// and there being at most `max_connections` chunks (none for no items).
pub(crate) fn shares<T>(
    items: &[T],
    min_per_connection: usize,
    max_connections: usize,
) -> Vec<&[T]> {
    let connections = items
        .len()
        .div_ceil(min_per_connection.max(1))
        .clamp(1, max_connections.max(1));
    items
        .chunks(items.len().div_ceil(connections).max(1))
        .collect()
}

/// Opens connections (concurrently) until `conns` holds `wanted`.
fn grow_pool(endpoint: &Endpoint, conns: &mut Vec<Conn>, wanted: usize) -> Result<()> {
    let missing = wanted.saturating_sub(conns.len());
    let opened: Vec<Result<Conn>> = thread::scope(|s| {
        let handles: Vec<_> = (0..missing).map(|_| s.spawn(|| endpoint.open())).collect();
        handles.into_iter().map(join).collect()
    });
    for conn in opened {
        conns.push(conn?);
    }
    Ok(())
}

/// The value of a scoped thread, re-raising its panic in the caller.
fn join<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_shared_within_bounds() {
        let lens = |n: usize, min: usize, max: usize| -> Vec<usize> {
            let items: Vec<usize> = (0..n).collect();
            shares(&items, min, max).iter().map(|c| c.len()).collect()
        };
        assert_eq!(lens(0, 4, 8), Vec::<usize>::new());
        assert_eq!(lens(3, 4, 8), [3]);
        assert_eq!(lens(9, 4, 8), [3, 3, 3]);
        assert_eq!(lens(1000, 4, 8), [125; 8]);
        assert_eq!(lens(1000, 4, 0), [1000]);
    }
}
