namespace Futured.Internal

open System
open System.Diagnostics
open System.IO
open System.Reflection
open Futured

/// How a worker process is started: the application is restarted with a startup hook (this
/// assembly) that runs the worker loop before the application's Main.
module internal Launch =

    /// The executable and arguments that restart the current application.
    let command =
        lazy
            (let processPath = Environment.ProcessPath
             let entry = Assembly.GetEntryAssembly()

             match AppContext.TryGetSwitch "System.StartupHookProvider.IsSupported" with
             | true, false ->
                 invalidOp
                     "Startup hooks are turned off for this application (System.StartupHookProvider.IsSupported is false, as in trimmed or native AOT builds), so it cannot be restarted as a worker process."
             | _ -> ()

             if isNull processPath then
                 invalidOp "The path of the current process is unknown, so a worker process cannot be started."

             if Callable.inSingleFile () then
                 invalidOp $"A worker process cannot be started from this application. {Callable.singleFileAdvice}"

             let isMuxer =
                 String.Equals(
                     Path.GetFileNameWithoutExtension processPath,
                     "dotnet",
                     StringComparison.OrdinalIgnoreCase
                 )

             if not isMuxer then
                 processPath, []
             elif isNull entry || String.IsNullOrEmpty entry.Location then
                 invalidOp "The application has no entry assembly on disk, so a worker process cannot be started."
             else
                 let existing (path: string) =
                     if not (String.IsNullOrEmpty path) && File.Exists path then
                         Some path
                     else
                         None

                 // The dependency file the host actually used (the first of APP_CONTEXT_DEPS_FILES, e.g. the
                 // test project's under a test host), else the one beside the entry assembly.
                 let deps =
                     match AppContext.GetData "APP_CONTEXT_DEPS_FILES" with
                     | :? string as files when files <> "" -> existing (files.Split(';')[0])
                     | _ -> None
                     |> Option.orElse (existing (Path.ChangeExtension(entry.Location, ".deps.json")))

                 let runtimeConfig =
                     deps
                     |> Option.bind (fun d ->
                         existing (d.Substring(0, d.Length - ".deps.json".Length) + ".runtimeconfig.json"))
                     |> Option.orElse (existing (Path.ChangeExtension(entry.Location, ".runtimeconfig.json")))

                 processPath,
                 [
                     "exec"
                     match deps with
                     | Some p -> yield! [ "--depsfile"; p ]
                     | None -> ()
                     match runtimeConfig with
                     | Some p -> yield! [ "--runtimeconfig"; p ]
                     | None -> ()
                     entry.Location
                 ])

    /// The start information of a worker in the given mode ("pool" or "once").
    let startInfo (mode: string) =
        let fileName, arguments = command.Value
        let psi = ProcessStartInfo(fileName)

        for a in arguments do
            psi.ArgumentList.Add a

        psi.UseShellExecute <- false
        psi.RedirectStandardInput <- true
        psi.RedirectStandardOutput <- true
        psi.RedirectStandardError <- true
        let hook = typeof<Target>.Assembly.Location
        let previous = Environment.GetEnvironmentVariable WorkerEnvironment.StartupHooks

        psi.Environment[WorkerEnvironment.StartupHooks] <-
            (if String.IsNullOrEmpty previous then
                 hook
             else
                 hook + string Path.PathSeparator + previous)

        psi.Environment[WorkerEnvironment.PreviousHooks] <- previous
        psi.Environment[WorkerEnvironment.Mode] <- mode
        psi.Environment[WorkerEnvironment.Parent] <- string Environment.ProcessId
        psi
