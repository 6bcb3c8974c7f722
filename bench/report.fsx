// Builds the results section of docs/benchmarks.md from what bench/run.sh produced:
//   dotnet fsi bench/report.fsx ARTIFACTS TARGETS OUTPUT
// ARTIFACTS holds machine.md, memory.md, figures.tsv and bdn/results/*-report-github.md (BenchmarkDotNet's
// GitHub exporter, one file per class, with a Baseline column); TARGETS is bench/targets.tsv. figures.tsv holds
// the figures the memory-flatness program judges (class, case, value, unit, baseline; the unit is x for a time
// ratio, "x alloc" for an allocation ratio, or ms for an absolute time). When OUTPUT already
// has the results markers only the text between them is replaced, otherwise OUTPUT is written whole.

open System
open System.IO
open System.Net
open System.Text

let args = fsi.CommandLineArgs |> Array.skip 1

let artifacts, targetsFile, output =
    match args with
    | [| a; t; o |] -> a, t, o
    | _ -> failwith "usage: dotnet fsi bench/report.fsx ARTIFACTS TARGETS OUTPUT"

let beginMarker = "<!-- results:begin (written by bench/run.sh) -->"
let endMarker = "<!-- results:end -->"

/// One parsed BenchmarkDotNet table.
type Report =
    {
        Class: string
        Environment: string list
        Table: string list
        Header: string list
        /// Rows of cells, split into the groups BenchmarkDotNet separates with an empty row.
        Groups: string list list list
    }

let cells (line: string) =
    line.Trim().Trim('|').Split('|')
    |> Array.map (fun c -> WebUtility.HtmlDecode(c.Replace("**", "")).Trim())
    |> List.ofArray

let parse (path: string) =
    let lines = File.ReadAllLines path |> List.ofArray
    let fence = lines |> List.filter (fun l -> l.StartsWith "```") |> List.length

    let environment =
        if fence >= 2 then
            lines
            |> List.skipWhile (fun l -> not (l.StartsWith "```"))
            |> List.skip 1
            |> List.takeWhile (fun l -> not (l.StartsWith "```"))
            |> List.filter (fun l -> l.Trim() <> "")
        else
            []

    let table = lines |> List.filter (fun l -> l.StartsWith "|")

    let header, rows =
        match table with
        | h :: _ :: rows -> cells h, rows |> List.map cells
        | _ -> [], []

    let groups =
        rows
        |> List.fold
            (fun (acc: string list list list) row ->
                if row |> List.forall String.IsNullOrEmpty then
                    [] :: acc
                else
                    match acc with
                    | g :: rest -> (g @ [ row ]) :: rest
                    | [] -> [ [ row ] ])
            [ [] ]
        |> List.rev
        |> List.filter (not << List.isEmpty)

    {
        Class = Path.GetFileName(path).Replace("-report-github.md", "").Split('.') |> Array.last
        Environment = environment
        Table = table
        Header = header
        Groups = groups
    }

/// The time limit of a class: a ratio to the baseline, or an absolute time per operation (in nanoseconds,
/// written with its unit in targets.tsv, e.g. 60us or 10ms).
type TimeLimit =
    | Ratio of float
    | Absolute of float

/// A target of DESIGN §7 for one class: the largest time ratio (or time) and allocation ratio, and a note.
type Target =
    {
        Time: TimeLimit option
        Alloc: float option
        Note: string
    }

let targets =
    if File.Exists targetsFile then
        File.ReadAllLines targetsFile
        |> Array.filter (fun l -> l.Trim() <> "" && not (l.StartsWith "#"))
        |> Array.choose (fun l ->
            match l.Split('\t') with
            | [| cls; time; alloc; note |] ->
                let ratio (s: string) =
                    match Double.TryParse(s, Globalization.CultureInfo.InvariantCulture) with
                    | true, v -> Some v
                    | _ -> None

                let limit (s: string) =
                    let scaled (suffix: string) (k: float) =
                        if s.EndsWith suffix then
                            ratio (s.Substring(0, s.Length - suffix.Length))
                            |> Option.map (fun v -> Absolute(v * k))
                        else
                            None

                    match ratio s with
                    | Some v -> Some(Ratio v)
                    | None ->
                        [ "ns", 1.0; "us", 1e3; "µs", 1e3; "ms", 1e6; "s", 1e9 ]
                        |> List.tryPick (fun (suffix, k) -> scaled suffix k)

                Some(
                    cls,
                    {
                        Time = limit time
                        Alloc = ratio alloc
                        Note = note
                    }
                )
            | _ -> None)
        |> Map.ofArray
    else
        Map.empty

let ratioOf (s: string) =
    match Double.TryParse(s.TrimEnd('x', '×'), Globalization.CultureInfo.InvariantCulture) with
    | true, v -> Some v
    | _ -> None

/// A BenchmarkDotNet duration such as "1,278.0 ms", in nanoseconds.
let durationOf (s: string) =
    match s.Split(' ', StringSplitOptions.RemoveEmptyEntries) with
    | [| number; unit |] ->
        let scale =
            match unit with
            | "ns" -> Some 1.0
            | "μs"
            | "us" -> Some 1e3
            | "ms" -> Some 1e6
            | "s" -> Some 1e9
            | _ -> None

        match Double.TryParse(number.Replace(",", ""), Globalization.CultureInfo.InvariantCulture), scale with
        | (true, v), Some k -> Some(v * k)
        | _ -> None
    | _ -> None

/// A duration in nanoseconds, in the largest unit that keeps it above one.
let showTime (ns: float) =
    let inv = Globalization.CultureInfo.InvariantCulture

    if ns >= 1e6 then (ns / 1e6).ToString("0.00", inv) + " ms"
    elif ns >= 1e3 then (ns / 1e3).ToString("0.00", inv) + " µs"
    else ns.ToString("0.0", inv) + " ns"

let showLimit (limit: TimeLimit) =
    match limit with
    | Ratio v -> $"time ≤ {v}×"
    | Absolute ns -> $"time ≤ {showTime ns} per operation"

let reports =
    let dir = Path.Combine(artifacts, "bdn", "results")

    if Directory.Exists dir then
        Directory.GetFiles(dir, "*-report-github.md")
        |> Array.sort
        |> Array.map parse
        |> List.ofArray
    else
        []

let summary =
    [
        for r in reports do
            let col name =
                r.Header |> List.tryFindIndex ((=) name)

            let at (row: string list) i = i |> Option.map (fun i -> row[i])
            let methodCol, meanCol = col "Method", col "Mean"

            // The parameter columns stand between the method and the mean.
            let paramCols =
                match methodCol, meanCol with
                | Some m, Some mean -> [ m + 1 .. mean - 1 ]
                | _ -> []

            let target = targets |> Map.tryFind r.Class

            for group in r.Groups do
                let baseline =
                    group |> List.tryFind (fun row -> at row (col "Baseline") = Some "Yes")

                for row in group do
                    if at row (col "Baseline") = Some "No" then
                        let parameters =
                            paramCols |> List.map (fun i -> $"{r.Header[i]}={row[i]}") |> String.concat ", "

                        // The ratio of the two means: BenchmarkDotNet's Ratio is the mean of per-iteration
                        // ratios, which a noisy baseline inflates (its own Ratio is then above 1).
                        let time =
                            match
                                at row meanCol |> Option.bind durationOf,
                                baseline |> Option.bind (fun b -> at b meanCol) |> Option.bind durationOf
                            with
                            | Some mine, Some theirs when theirs > 0.0 -> Some(mine / theirs)
                            | _ -> at row (col "Ratio") |> Option.bind ratioOf

                        let bdnRatio =
                            match at row (col "Ratio"), at row (col "RatioSD") with
                            | Some r, Some sd -> $"{r} ± {sd}"
                            | Some r, None -> r
                            | _ -> "?"

                        let alloc = at row (col "Alloc Ratio") |> Option.bind ratioOf

                        let mean = at row meanCol |> Option.bind durationOf

                        let verdict =
                            match target, time with
                            // A case that measures a part of the Futured case (its floor), or a peer's variant
                            // shown for reference: not judged.
                            | _ when (defaultArg (at row methodCol) "").Trim('\'').StartsWith "floor:" ->
                                "floor (not judged)"
                            | _ when (defaultArg (at row methodCol) "").Trim('\'').StartsWith "reference:" ->
                                "reference (not judged)"
                            | None, _
                            | Some { Time = None; Alloc = None }, _ -> "see note"
                            | Some _, None -> "no figure"
                            | Some t, Some time ->
                                let okTime =
                                    match t.Time, mean with
                                    | Some(Ratio limit), _ -> time <= limit
                                    | Some(Absolute limit), Some mean -> mean <= limit
                                    | Some(Absolute _), None -> false
                                    | None, _ -> true

                                let okAlloc =
                                    match t.Alloc, alloc with
                                    | Some limit, Some a -> a <= limit
                                    | _ -> true

                                if okTime && okAlloc then "met" else "**missed**"

                        let show =
                            Option.map (fun (v: float) -> v.ToString("0.00") + "×")
                            >> Option.defaultValue "?"

                        let limits =
                            match target with
                            | Some t ->
                                [
                                    t.Time |> Option.map showLimit
                                    t.Alloc |> Option.map (fun v -> $"alloc ≤ {v}×")
                                ]
                                |> List.choose id
                                |> String.concat ", "
                            | None -> ""

                        let unquote (s: string) = s.Trim('\'')
                        let name = defaultArg (at row methodCol) "?" |> unquote

                        let against =
                            defaultArg (baseline |> Option.bind (fun b -> at b methodCol)) "?" |> unquote

                        let note = target |> Option.map (fun t -> t.Note) |> Option.defaultValue ""

                        let shownTime =
                            match target, mean with
                            | Some { Time = Some(Absolute _) }, Some mean -> $"{showTime mean} ({show time})"
                            | _ -> show time

                        yield
                            $"| {r.Class} | {name} | {parameters} | {against} | {shownTime} | {bdnRatio} | {show alloc} | {limits} | {verdict} | {note} |"

        // The figures of the memory-flatness program, judged on the same targets.
        let figuresFile = Path.Combine(artifacts, "figures.tsv")

        if File.Exists figuresFile then
            for line in File.ReadAllLines figuresFile do
                match line.Split('\t') with
                | [| cls; case; value; unit; baseline |] ->
                    let value = Double.Parse(value, Globalization.CultureInfo.InvariantCulture)

                    let target = targets |> Map.tryFind cls

                    let two (v: float) = v.ToString("0.00")

                    let shown, limit, ok =
                        match unit, target with
                        | "x alloc", Some { Alloc = Some limit } ->
                            $"alloc {two value}×", $"alloc ≤ {limit}×", Some(value <= limit)
                        | "x", Some { Time = Some(Ratio limit) } -> $"{two value}×", $"≤ {limit}×", Some(value <= limit)
                        | "ms", Some { Time = Some(Absolute limit) } ->
                            showTime (value * 1e6), showLimit (Absolute limit), Some(value * 1e6 <= limit)
                        | "ms", _ -> showTime (value * 1e6), "", None
                        | _ -> $"{two value}{unit}", "", None

                    let verdict =
                        match ok with
                        | Some true -> "met"
                        | Some false -> "**missed**"
                        | None -> "see note"

                    let note = target |> Option.map (fun t -> t.Note) |> Option.defaultValue ""

                    yield $"| {cls} | {case} | | {baseline} | {shown} | | | {limit} | {verdict} | {note} |"
                | _ -> ()
    ]

let section =
    let text = StringBuilder()
    let line (s: string) = text.AppendLine s |> ignore

    let readOr (name: string) fallback =
        let p = Path.Combine(artifacts, name)

        if File.Exists p then
            File.ReadAllText(p).TrimEnd()
        else
            fallback

    line beginMarker
    line ""
    line "_Everything between these markers is written by `bash bench/run.sh`; edit the script, not the text._"
    line ""
    line "### Machine"
    line ""
    line (readOr "machine.md" "(no machine description)")
    line ""

    match reports |> List.tryHead with
    | Some r when not r.Environment.IsEmpty ->
        line "BenchmarkDotNet's description of the host and job:"
        line ""
        line "```text"
        r.Environment |> List.iter line
        line "```"
        line ""
    | _ -> ()

    line "### Each case against its baseline"
    line ""

    line
        "The time ratio is the case's mean time over its baseline's mean, both from the same run, and the result is judged on it; BenchmarkDotNet's own Ratio (the mean of per-iteration ratios, with its standard deviation) is shown beside it. The allocation ratio is BenchmarkDotNet's. A class with an absolute target is judged on the case's mean time per operation, shown first. The rows without parameters after the BenchmarkDotNet classes come from the memory-flatness program (fresh processes; see its tables below)."

    line ""

    line
        "| class | case | parameters | baseline | time ratio (or time) | BenchmarkDotNet Ratio ± RatioSD | allocation ratio | target (DESIGN §7, issue 15) | result | note |"

    line "|---|---|---|---|---:|---:|---:|---|---|---|"
    summary |> List.iter line
    line ""
    line "### BenchmarkDotNet tables"

    for r in reports do
        line ""
        line $"#### {r.Class}"
        line ""
        r.Table |> List.iter line

    line ""
    line "### Memory flatness and as-completed time per item"
    line ""
    line (readOr "memory.md" "(the memory-flatness program produced no output)")
    line ""
    line endMarker
    text.ToString()

let existing = if File.Exists output then File.ReadAllText output else ""
let first = existing.IndexOf beginMarker
let last = existing.IndexOf endMarker

let written =
    if first >= 0 && last > first then
        existing.Substring(0, first)
        + section.TrimEnd()
        + existing.Substring(last + endMarker.Length)
    else
        section

File.WriteAllText(output, written)
printfn "%d classes, %d cases written to %s" reports.Length summary.Length output
