// Checks the README's "Scaling out" examples: every ```fsharp distributed block stands, line for line and in order,
// in tests/Futured.Orleans.Tests/Readme.Tests.fs (whose test runs it), and every ```csharp distributed block in the
// sample silo or client program (which CI runs). Such blocks need a cluster, so they are not run as scripts.
open System
open System.IO
open System.Text.RegularExpressions

let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, ".."))
let readme = File.ReadAllText(Path.Combine(root, "README.md"))

/// The trimmed non-empty lines.
let significant (text: string) =
    text.Split('\n')
    |> Array.map (fun l -> l.Trim())
    |> Array.filter (fun l -> l <> "")

let linesOf (relative: string) =
    significant (File.ReadAllText(Path.Combine(root, relative)))

/// True when every line of the block appears in the code, in order (a subsequence).
let standsIn (code: string[]) (block: string[]) =
    let mutable at = 0

    for line in code do
        if at < block.Length && line = block[at] then
            at <- at + 1

    at = block.Length

let blocks language =
    Regex.Matches(readme, $@"(?m)^```{language} distributed[ \t]*\r?\n(.*?)^```", RegexOptions.Singleline)
    |> Seq.map (fun m -> significant m.Groups[1].Value)
    |> Array.ofSeq

let checks =
    [
        "fsharp", [ "tests/Futured.Orleans.Tests/Readme.Tests.fs" ]
        "csharp",
        [
            "samples/Futured.Distributed/Silo/Program.cs"
            "samples/Futured.Distributed/Client/Program.cs"
        ]
    ]

let mutable failures = 0

for language, files in checks do
    let found = blocks language
    let sources = files |> List.map linesOf

    if found.Length = 0 then
        eprintfn "no ```%s distributed block in README.md" language
        failures <- failures + 1

    for block in found do
        if not (sources |> List.exists (fun code -> standsIn code block)) then
            eprintfn "not in %s:\n  %s" (String.Join(" or ", files)) (String.Join("\n  ", block))
            failures <- failures + 1

    printfn
        "%d ```%s distributed blocks of README.md checked against %s"
        found.Length
        language
        (String.Join(", ", files))

exit (if failures = 0 then 0 else 1)
