namespace Futured.Internal

open System
open System.IO
open System.Runtime.InteropServices

/// Process groups on Unix: every command starts through setsid(1), so its process is the leader of a new
/// session and process group whose id is its own pid; killing the group (kill(-pid)) reaches every
/// descendant that stayed in it, which is what a timeout, a cancellation and the command's own exit do.
module internal ProcessGroup =

    [<DllImport("libc", EntryPoint = "kill", SetLastError = true)>]
    extern int private sysKill(int pid, int signal)

    let private sigkill = 9

    let private executableBits =
        UnixFileMode.UserExecute
        ||| UnixFileMode.GroupExecute
        ||| UnixFileMode.OtherExecute

    /// Whether the file exists, is not a directory and has an execute bit.
    let isExecutable (file: string) =
        File.Exists file
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode file &&& executableBits) <> UnixFileMode.None)

    /// Finds a program the way execvp does: a name containing '/' is a path (relative to the working
    /// directory); any other name is looked up in each directory of <c>path</c>, in order.
    let resolve (program: string) (path: string) (workingDirectory: string) : string option =
        if program.Contains '/' then
            let full = Path.GetFullPath(program, workingDirectory)
            if isExecutable full then Some full else None
        elif isNull path then
            None
        else
            path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            |> Array.tryPick (fun dir ->
                let candidate = Path.Combine(dir, program)
                if isExecutable candidate then Some candidate else None)

    /// The setsid(1) executable found on this process's PATH (or in /usr/bin, /bin), if any.
    let setsid: Lazy<string option> =
        lazy
            (match resolve "setsid" (Environment.GetEnvironmentVariable "PATH") Environment.CurrentDirectory with
             | Some found -> Some found
             | None -> [ "/usr/bin/setsid"; "/bin/setsid" ] |> List.tryFind isExecutable)

    /// Sends SIGKILL to the process group led by <c>pid</c>. Harmless when the group is already gone.
    let killGroup (pid: int) =
        // pid 0, 1 or negative would address this process's own group or every process: never.
        if pid > 1 then
            sysKill (-pid, sigkill) |> ignore

    /// Sends SIGKILL to the group led by <c>pid</c>, or to <c>pid</c> itself when the group does not exist
    /// yet (the process has not reached setsid).
    let killTree (pid: int) =
        if pid > 1 && sysKill (-pid, sigkill) <> 0 then
            sysKill (pid, sigkill) |> ignore
