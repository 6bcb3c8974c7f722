// Checks that every complete ```csharp block of README.md stands, line for line and in order, in
// samples/Futured.CSharpExample/ReadmeExamples.cs, which the C# example runs with its output checked: so a
// C# snippet in the README cannot drift from the code that CI runs.
open System
open System.IO
open System.Text.RegularExpressions

let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, ".."))
let readme = File.ReadAllText(Path.Combine(root, "README.md"))

let source =
    Path.Combine(root, "samples", "Futured.CSharpExample", "ReadmeExamples.cs")

/// The trimmed non-empty lines, without using directives (a snippet's own stand at the top of the file).
let significant (text: string) =
    text.Split('\n')
    |> Array.map (fun l -> l.Trim())
    |> Array.filter (fun l -> l <> "" && not (Regex.IsMatch(l, @"^using [A-Za-z0-9_.]+;$")))

let code = significant (File.ReadAllText source)

/// True when every line of the block appears in the code, in order (a subsequence).
let standsIn (block: string[]) =
    let mutable at = 0

    for line in code do
        if at < block.Length && line = block[at] then
            at <- at + 1

    at = block.Length

let blocks =
    Regex.Matches(readme, @"(?m)^```csharp[ \t]*\r?\n(.*?)^```", RegexOptions.Singleline)
    |> Seq.map (fun m -> significant m.Groups[1].Value)
    |> Array.ofSeq

let missing = blocks |> Array.filter (standsIn >> not)

printfn
    "%d complete C# blocks in README.md, %d found in %s"
    blocks.Length
    (blocks.Length - missing.Length)
    (Path.GetFileName source)

for block in missing do
    eprintfn "not in %s:\n  %s" (Path.GetFileName source) (String.Join("\n  ", block))

exit (if missing.Length = 0 then 0 else 1)
