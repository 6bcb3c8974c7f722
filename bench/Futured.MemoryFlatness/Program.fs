/// Memory flatness and linear as-completed time, measured in a fresh child process per case so that
/// peaks never mix. Prints Markdown tables for docs/benchmarks.md.
///
///   Futured.MemoryFlatness            10^5, 10^6, 10^7 map items; 10^5, 10^6 tasks
///   Futured.MemoryFlatness --short    10^5, 10^6 map items; 10^4, 10^5 tasks
///   ... --figures PATH                also writes the judged figures (class, case, value, unit, baseline) as
///                                     tab-separated lines to PATH, for bench/report.fsx
///
/// At the largest map size it also runs the same bounded map through Dataflow's bounded, ordered
/// TransformBlock, and the Futured and Dataflow maps of an asynchronous function, each in a fresh process; and
/// it measures the first result of a stream while four blocking calls run in 8 fresh processes.
///
/// Exits with 1 when a child fails, gives a wrong result, or the peak working set grows with N.
module Futured.MemoryFlatness.Program

open System
open System.Diagnostics
open System.Globalization
open System.IO
open Futured
open Futured.MemoryFlatness.Measure

/// The largest peak, relative to the smallest N's, still counted as flat.
let private flatTolerance = 1.5

let private inv = CultureInfo.InvariantCulture

/// Runs this program again with `args`, waits for it and returns the value of its result line.
let private child (args: string list) : string =
    let self = Environment.ProcessPath

    let info =
        ProcessStartInfo(self, RedirectStandardOutput = true, UseShellExecute = false)

    // Started as `dotnet Futured.MemoryFlatness.dll`: the child needs the assembly's path too.
    if Path.GetFileNameWithoutExtension self = "dotnet" then
        info.ArgumentList.Add(Reflection.Assembly.GetEntryAssembly().Location)

    for a in args do
        info.ArgumentList.Add a

    use p = Process.Start info
    let output = p.StandardOutput.ReadToEndAsync()

    if not (p.WaitForExit(TimeSpan.FromMinutes 10.0)) then
        p.Kill true
        p.WaitForExit()
        failwith $"""The child "{String.Join(' ', args)}" ran for more than ten minutes and was stopped."""

    let text = Futured.run output

    if p.ExitCode <> 0 then
        failwith $"""The child "{String.Join(' ', args)}" exited with {p.ExitCode}."""

    text.Split('\n')
    |> Array.tryFind (fun l -> l.StartsWith "RESULT ")
    |> Option.map (fun l -> l.Substring(7).Trim())
    |> Option.defaultWith (fun () -> failwith $"""The child "{String.Join(' ', args)}" printed no result.""")

let private parseMap (line: string) =
    match line.Split ' ' |> Array.map Int64.Parse with
    | [| items; ticks; peak; heap; allocated; gen2 |] ->
        {
            Items = int items
            Elapsed = TimeSpan.FromTicks ticks
            PeakWorkingSet = peak
            HeapAfter = heap
            Allocated = allocated
            Gen2Collections = int gen2
        }
    | _ -> failwith $"Unreadable result: {line}"

let private parseCompleted (line: string) =
    match line.Split ' ' |> Array.map Int64.Parse |> List.ofArray with
    | tasks :: passes ->
        {
            Tasks = int tasks
            Passes = passes |> List.map TimeSpan.FromTicks
        }
    | [] -> failwith $"Unreadable result: {line}"

let private mib (bytes: int64) =
    (float bytes / 1048576.0).ToString("0.0", inv) + " MiB"

let private count (n: int) = n.ToString("N0", inv)

let private nsPerItem (elapsed: TimeSpan) (n: int) =
    if n = 0 then 0.0 else elapsed.TotalNanoseconds / float n

let private median (xs: TimeSpan list) =
    let sorted = List.sort xs
    sorted[sorted.Length / 2]

/// How many fresh processes measure the first result; the worst is reported.
let private firstResultRuns = 8

let private runParent (short: bool) (figuresPath: string option) =
    let figures = ResizeArray<string>()

    let figure (cls: string) (case: string) (value: float) (unit: string) (baseline: string) =
        figures.Add(String.Join('\t', [| cls; case; value.ToString("0.####", inv); unit; baseline |]))

    let mapSizes =
        if short then
            [ 100_000; 1_000_000 ]
        else
            [ 100_000; 1_000_000; 10_000_000 ]

    let taskSizes =
        if short then
            [ 10_000; 100_000 ]
        else
            [ 100_000; 1_000_000 ]

    let passes = 5

    let maps =
        (0 :: mapSizes)
        |> List.map (fun n -> child [ "map"; "futured"; "sync"; string n ] |> parseMap)

    printfn "#### Bounded lazy `map`: `MaxConcurrency = 64`, `threaded` trivial calls, a fresh process per N"
    printfn ""
    printfn "| items | peak working set | managed heap after | allocated | gen 2 GCs | time | per item |"
    printfn "|---:|---:|---:|---:|---:|---:|---:|"

    for m in maps do
        printfn
            "| %s | %s | %s | %s | %d | %s | %s |"
            (if m.Items = 0 then "0 (runtime alone)" else count m.Items)
            (mib m.PeakWorkingSet)
            (mib m.HeapAfter)
            (mib m.Allocated)
            m.Gen2Collections
            (m.Elapsed.TotalSeconds.ToString("0.000 s", inv))
            (if m.Items = 0 then
                 "–"
             else
                 (nsPerItem m.Elapsed m.Items).ToString("0 ns", inv))

    let measured = maps |> List.filter (fun m -> m.Items > 0)
    let first, last = List.head measured, List.last measured
    let growth = float last.PeakWorkingSet / float first.PeakWorkingSet
    let flat = growth <= flatTolerance

    printfn ""

    printfn
        "Peak working set at %s items / at %s items: **%s×** (%s; flat means ≤ %s×)."
        (count last.Items)
        (count first.Items)
        (growth.ToString("0.00", inv))
        (if flat then "flat" else "NOT flat")
        (flatTolerance.ToString("0.0#", inv))

    printfn ""

    figure
        "MemoryFlatness"
        $"peak working set at {count last.Items} items over the peak at {count first.Items}"
        growth
        "x"
        "flat (1.0x)"

    // The largest size once more for each side and work, each in a fresh process.
    let largest = last.Items

    let sides =
        [
            "futured", "sync", last
            "dataflow", "sync", child [ "map"; "dataflow"; "sync"; string largest ] |> parseMap
            "futured", "async", child [ "map"; "futured"; "async"; string largest ] |> parseMap
            "dataflow", "async", child [ "map"; "dataflow"; "async"; string largest ] |> parseMap
        ]

    printfn
        "#### Bounded lazy ordered map at %s items, `MaxConcurrency = 64`, against Dataflow's bounded ordered `TransformBlock` (a fresh process each)"
        (count largest)

    printfn ""
    printfn "| side | work | per item | allocated per item | peak working set |"
    printfn "|---|---|---:|---:|---:|"

    for side, work, m in sides do
        printfn
            "| %s | %s | %s | %s | %s |"
            (if side = "futured" then
                 "`Futured.mapWith` (MaxConcurrency 64)"
             else
                 "`TransformBlock` (BoundedCapacity 64, MaxDOP 64, EnsureOrdered)")
            (if work = "sync" then
                 "synchronous (`threaded f` / the block's body)"
             else
                 "asynchronous (one `Task.Yield`)")
            ((nsPerItem m.Elapsed m.Items).ToString("0 ns", inv))
            ((float m.Allocated / float m.Items).ToString("0 B", inv))
            (mib m.PeakWorkingSet)

    printfn ""

    for work in [ "sync"; "async" ] do
        let pick side =
            sides |> List.find (fun (s, w, _) -> s = side && w = work) |> fun (_, _, m) -> m

        let mine, theirs = pick "futured", pick "dataflow"

        figure
            "BoundedMapDataflowLarge"
            $"Futured.mapWith MaxConcurrency 64, {work} work, {count largest} items: time per item"
            (mine.Elapsed.TotalNanoseconds / theirs.Elapsed.TotalNanoseconds)
            "x"
            "TransformBlock bounded 64, MaxDOP 64, ordered"

        figure
            "BoundedMapDataflowLarge"
            $"Futured.mapWith MaxConcurrency 64, {work} work, {count largest} items: allocated per item"
            (float mine.Allocated / float theirs.Allocated)
            "x alloc"
            "TransformBlock bounded 64, MaxDOP 64, ordered"

    let firsts mode =
        [
            for _ in 1..firstResultRuns -> child [ "firstresult"; mode ] |> Int64.Parse |> TimeSpan.FromTicks
        ]

    let warmed, cold = firsts "warm", firsts "cold"
    let worst, worstCold = List.max warmed, List.max cold

    let ms (t: TimeSpan) =
        t.TotalMilliseconds.ToString("0.00 ms", inv)

    printfn
        "#### First result of a stream while four blocking calls run (10,000 calls, as completed, `threaded`), %d fresh processes each"
        firstResultRuns

    printfn ""

    printfn
        "Four calls of a `threaded` function block until released; once they run, an as-completed `Futured.mapWith` of the same function over 10,000 more inputs starts, and the time to its first result is taken. _Warm_: the process ran the same stream once before, over another `threaded` function with nothing blocking, so that the stream's code is compiled (the judged figure); _cold_: the first stream of the process, with the JIT compilation of its code."

    printfn ""
    printfn "| run | warm | cold |"
    printfn "|---:|---:|---:|"

    List.zip warmed cold
    |> List.iteri (fun i (w, c) -> printfn "| %d | %s | %s |" (i + 1) (ms w) (ms c))

    printfn ""
    printfn "Worst of %d: **%s** warm, %s cold." firstResultRuns (ms worst) (ms worstCold)
    printfn ""

    figure "FirstResult" $"worst of {firstResultRuns} fresh processes" worst.TotalMilliseconds "ms" "absolute"

    let completed consumer =
        taskSizes
        |> List.map (fun n -> child [ "ascompleted"; consumer; string n; string passes ] |> parseCompleted)

    let futured = completed "futured"
    let whenEach = completed "wheneach"

    printfn
        "#### `asCompleted` over already-created pending tasks, completed in reverse order (median of %d passes, a fresh process per N)"
        passes

    printfn ""
    printfn "| tasks | `Futured.asCompleted` per item | `Task.WhenEach` per item (reference) |"
    printfn "|---:|---:|---:|"

    for f, w in List.zip futured whenEach do
        printfn
            "| %s | %s | %s |"
            (count f.Tasks)
            ((nsPerItem (median f.Passes) f.Tasks).ToString("0 ns", inv))
            ((nsPerItem (median w.Passes) w.Tasks).ToString("0 ns", inv))

    let perItem (c: CompletedFigures) = nsPerItem (median c.Passes) c.Tasks
    let smallest, largest = List.head futured, List.last futured

    printfn ""

    printfn
        "Time per item at %s tasks / at %s tasks: **%s×** for `Futured.asCompleted` (%s× more tasks; quadratic work would give %s×)."
        (count largest.Tasks)
        (count smallest.Tasks)
        ((perItem largest / perItem smallest).ToString("0.00", inv))
        (count (largest.Tasks / smallest.Tasks))
        (count (largest.Tasks / smallest.Tasks))

    match figuresPath with
    | Some path -> File.WriteAllLines(path, figures)
    | None -> ()

    if flat then 0 else 1

let private side (s: string) =
    if s = "dataflow" then DataflowSide else FuturedSide

let private work (s: string) =
    if s = "async" then AsyncWork else SyncWork

[<EntryPoint>]
let main argv =
    try
        match List.ofArray argv with
        | [ "map"; which; kind; n ] ->
            let m = Futured.run (boundedMap (side which) (work kind) (int n))

            printfn
                "RESULT %d %d %d %d %d %d"
                m.Items
                m.Elapsed.Ticks
                m.PeakWorkingSet
                m.HeapAfter
                m.Allocated
                m.Gen2Collections

            0
        | [ "ascompleted"; consumer; n; passes ] ->
            let which =
                if consumer = "wheneach" then
                    TaskWhenEach
                else
                    FuturedAsCompleted

            let c = Futured.run (asCompleted which (int n) (int passes))
            printfn "RESULT %d %s" c.Tasks (c.Passes |> List.map (fun t -> string t.Ticks) |> String.concat " ")
            0
        | [ "firstresult"; mode ] ->
            let t = Futured.run (firstResult (mode = "warm"))
            printfn "RESULT %d" t.Ticks
            0
        | [] -> runParent false None
        | [ "--short" ] -> runParent true None
        | [ "--figures"; path ] -> runParent false (Some path)
        | [ "--short"; "--figures"; path ] -> runParent true (Some path)
        | _ ->
            eprintfn "usage: Futured.MemoryFlatness [--short] [--figures PATH]"
            2
    with e ->
        eprintfn "%s" e.Message
        1
