/// Shared by the benchmark and the memory-flatness programs: draining a stream the same way in both.
module Futured.Benchmarks.Drain

open System.Collections.Generic
open System.Threading.Tasks

/// Enumerates a stream to its end and adds up what `value` reads from each item.
let sumBy (value: 'T -> int) (xs: IAsyncEnumerable<'T>) : Task<int64> =
    task {
        let e = xs.GetAsyncEnumerator()
        let mutable sum = 0L
        let! first = e.MoveNextAsync()
        let mutable go = first

        while go do
            sum <- sum + int64 (value e.Current)
            let! moved = e.MoveNextAsync()
            go <- moved

        do! e.DisposeAsync()
        return sum
    }
