/// The public-API baseline: the public surface of Futured.FSharp and Futured.CSharp, rendered as C#-like text by
/// PublicApiGenerator, must equal the files committed under tests/Futured.Tests/PublicApi/. A change to the public API
/// therefore changes those files in the same commit, where a reviewer sees it.
///
/// To accept a deliberate change, rewrite the files and commit them with the change:
///
///     FUTURED_ACCEPT_PUBLIC_API=1 dotnet run --project tests/Futured.Tests -- --filter "public API"
///
/// With that variable set to 1 the tests write the current surface over the committed files and pass.
module Futured.Tests.PublicApi

open System
open System.IO
open System.Reflection
open System.Text
open Expecto
open PublicApiGenerator

/// The environment variable that turns the baseline tests into a rewrite of the committed files.
[<Literal>]
let AcceptVariable = "FUTURED_ACCEPT_PUBLIC_API"

type private Marker = class end

/// This test project's folder, recorded at build time (see Futured.Tests.fsproj), so the committed files are found
/// whatever the working directory and whichever configuration runs the tests.
let projectDirectory =
    typeof<Marker>.Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    |> Seq.tryFind (fun a -> a.Key = "Futured.Tests.ProjectDirectory")
    |> Option.map _.Value
    |> Option.defaultWith (fun () -> failwith "the test assembly lacks its Futured.Tests.ProjectDirectory metadata")

/// The committed baseline of one assembly.
let baselinePath (assemblyName: string) =
    Path.Combine(projectDirectory, "PublicApi", assemblyName + ".txt")

/// Line endings as \n and one final newline, so the comparison does not depend on the platform or an editor.
let normalise (text: string) =
    text.Replace("\r\n", "\n").TrimEnd('\n') + "\n"

/// The public surface of an assembly as text. Assembly attributes are left out: they hold build details
/// (the target framework, InternalsVisibleTo) rather than API.
let render (assembly: Assembly) =
    ApiGeneratorOptions(IncludeAssemblyAttributes = false)
    |> fun options -> assembly.GeneratePublicApi options
    |> normalise

/// A line diff of two texts (longest common subsequence), showing only changed lines with their line numbers in the
/// committed file (-) and the current surface (+), and up to two unchanged lines of context around each change.
let diff (expected: string) (actual: string) =
    let a = expected.Split '\n'
    let b = actual.Split '\n'
    // lcs[i, j] is the length of the longest common subsequence of a[i..] and b[j..].
    let lcs = Array2D.zeroCreate (a.Length + 1) (b.Length + 1)

    for i in a.Length - 1 .. -1 .. 0 do
        for j in b.Length - 1 .. -1 .. 0 do
            lcs[i, j] <-
                if a[i] = b[j] then
                    lcs[i + 1, j + 1] + 1
                else
                    max lcs[i + 1, j] lcs[i, j + 1]

    // Each entry: ' ', '-' or '+', the line number in the committed file or the current surface, and the line.
    let edits = ResizeArray<char * int * string>()
    let mutable i = 0
    let mutable j = 0

    while i < a.Length || j < b.Length do
        if i < a.Length && j < b.Length && a[i] = b[j] then
            edits.Add(' ', i + 1, a[i])
            i <- i + 1
            j <- j + 1
        elif i < a.Length && (j = b.Length || lcs[i + 1, j] >= lcs[i, j + 1]) then
            edits.Add('-', i + 1, a[i])
            i <- i + 1
        else
            edits.Add('+', j + 1, b[j])
            j <- j + 1

    let near k =
        seq { max 0 (k - 2) .. min (edits.Count - 1) (k + 2) }
        |> Seq.exists (fun m -> let (kind, _, _) = edits[m] in kind <> ' ')

    let text = StringBuilder()
    let mutable skipped = false

    for k in 0 .. edits.Count - 1 do
        let (kind, line, content) = edits[k]

        if near k then
            if skipped then
                text.AppendLine "  ..." |> ignore
                skipped <- false

            text.AppendLine $"%c{kind} %5d{line} | %s{content}" |> ignore
        else
            skipped <- true

    text.ToString()

/// Compares the current surface of an assembly with its committed baseline, or rewrites the baseline when
/// FUTURED_ACCEPT_PUBLIC_API=1.
let checkBaseline (assembly: Assembly) =
    let name = assembly.GetName().Name
    let path = baselinePath name
    let current = render assembly

    if Environment.GetEnvironmentVariable AcceptVariable = "1" then
        Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
        File.WriteAllText(path, current)
        printfn $"{AcceptVariable}=1: wrote the public API of {name} to {path}"
    else
        let committed =
            if File.Exists path then
                normalise (File.ReadAllText path)
            else
                failtest
                    $"{path} does not exist: create it with {AcceptVariable}=1 dotnet run --project tests/Futured.Tests -- --filter \"public API\""

        if committed <> current then
            failtest (
                $"The public API of {name} differs from {path}\n"
                + "(- committed, + current; line numbers in each). If the change is meant, rewrite the file with\n"
                + $"    {AcceptVariable}=1 dotnet run --project tests/Futured.Tests -- --filter \"public API\"\n"
                + "and commit it with the change.\n\n"
                + diff committed current
            )

[<Tests>]
let tests =
    testList
        "public API"
        [
            test "the public surface of Futured.FSharp equals the committed PublicApi/Futured.FSharp.txt" {
                checkBaseline typeof<Futured.MapOptions>.Assembly
            }

            test "the public surface of Futured.CSharp equals the committed PublicApi/Futured.CSharp.txt" {
                checkBaseline typeof<Futured.Futures>.Assembly
            }

            test "the baseline diff shows a removed and an added member with their line numbers and nearby context" {
                let committed =
                    "namespace N\n{\n    public class C\n    {\n        public void A() { }\n    }\n}\n"

                let current =
                    "namespace N\n{\n    public class C\n    {\n        public void B() { }\n    }\n}\n"

                let shown =
                    (diff committed current).Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)

                Expect.contains
                    shown
                    "-     5 |         public void A() { }"
                    "the removed member, at its committed line"

                Expect.contains shown "+     5 |         public void B() { }" "the added member, at its current line"
                Expect.contains shown "      4 |     {" "the unchanged line before the change"

                Expect.isFalse
                    (shown |> Array.exists (fun l -> l.Contains "namespace N"))
                    "lines far from the change are left out"
            }

            test "the baseline diff of equal texts is empty" {
                let text = "namespace N\n{\n}\n"
                Expect.equal (diff text text) "" "no change, no output"
            }
        ]
