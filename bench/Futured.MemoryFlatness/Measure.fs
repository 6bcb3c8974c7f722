/// What one child process measures: a bounded lazy map over N items, or one as-completed stream over N
/// pending tasks. Every run checks its own result so that a figure never comes from a wrong answer.
module Futured.MemoryFlatness.Measure

open System
open System.Collections.Generic
open System.Diagnostics
open System.Threading.Tasks
open Futured
open Futured.Benchmarks.Drain

/// The figures of a bounded map run.
type MapFigures =
    {
        Items: int
        Elapsed: TimeSpan
        /// The process's peak resident set (VmHWM on Linux), in bytes.
        PeakWorkingSet: int64
        /// Bytes on the managed heap after the run, before any forced collection.
        HeapAfter: int64
        /// Bytes allocated on the managed heap by the whole process.
        Allocated: int64
        Gen2Collections: int
    }

/// The figures of as-completed passes.
type CompletedFigures =
    {
        Tasks: int
        /// The elapsed time of every pass, from the start of the enumeration to its end.
        Passes: TimeSpan list
    }

/// The process's peak resident set so far, in bytes.
let peakWorkingSet () =
    use self = Process.GetCurrentProcess()
    self.Refresh()
    self.PeakWorkingSet64

/// The sum of 1 .. n, what adding one to every item of 0 .. n-1 must give.
let private expected (n: int) = int64 n * (int64 n + 1L) / 2L

let private check (what: string) (n: int) (sum: int64) =
    if sum <> expected n then
        failwith $"{what} over {n} items added up to {sum} instead of {expected n}."

/// A bounded lazy map of `threaded` trivial calls over 0 .. n-1, produced lazily, 64 calls at most in flight.
let boundedMap (n: int) : Task<MapFigures> =
    task {
        let options =
            { MapOptions.Default with
                MaxConcurrency = Some 64
            }

        let gen2 = GC.CollectionCount 2
        let clock = Stopwatch.StartNew()

        let! sum =
            Futured.mapWith options (threaded (fun x -> x + 1)) (seq { 0 .. n - 1 })
            |> sumBy id

        clock.Stop()
        check "the bounded map" n sum

        return
            {
                Items = n
                Elapsed = clock.Elapsed
                PeakWorkingSet = peakWorkingSet ()
                HeapAfter = GC.GetTotalMemory false
                Allocated = GC.GetTotalAllocatedBytes false
                Gen2Collections = GC.CollectionCount 2 - gen2
            }
    }

/// Which implementation consumes the tasks as they complete.
type Consumer =
    | FuturedAsCompleted
    | TaskWhenEach

/// One pass: n pending tasks, the stream started over them, then the tasks completed in reverse order
/// (the order that costs most to a consumer that rescans its pending set).
let private completedPass (consumer: Consumer) (n: int) : Task<TimeSpan> =
    task {
        let sources = Array.init n (fun _ -> TaskCompletionSource<int>())
        let tasks = sources |> Array.map (fun s -> s.Task)
        let clock = Stopwatch.StartNew()

        let consuming =
            match consumer with
            | FuturedAsCompleted -> Futured.asCompleted tasks |> sumBy id
            | TaskWhenEach -> Task.WhenEach(tasks) |> sumBy (fun t -> t.Result)

        for i in n - 1 .. -1 .. 0 do
            sources[i].SetResult(i + 1)

        let! sum = consuming
        clock.Stop()
        check $"{consumer}" n sum
        return clock.Elapsed
    }

/// Runs `passes` as-completed passes over n tasks each, after warm-up passes over a thousand tasks so
/// that the measured passes run optimised code whatever N is.
let asCompleted (consumer: Consumer) (n: int) (passes: int) : Task<CompletedFigures> =
    task {
        for _ in 1..50 do
            let! _ = completedPass consumer 1_000
            ()

        let times = ResizeArray()

        for _ in 1..passes do
            let! elapsed = completedPass consumer n
            times.Add elapsed

        return { Tasks = n; Passes = List.ofSeq times }
    }
